"""The redraw bench (P3r) counts the plot images drawn in full and prints it beside its floor
(not timed: speed targets live in `baton bench`)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from bench import redraw

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_redraw_bench_frames_mostly_redraw_strips(qtbot: QtBot) -> None:
    result = redraw.redraw_benchmark(8, metrics=2, points=200, frames=12, warmup=2, every=1)
    assert result.metrics == 2 and result.frames == 12
    assert 0 <= result.full_draws < result.frames * result.metrics // 2
    assert result.floor_paint_p50_ms > 0
    line = result.line()
    assert f"{result.full_draws} of 24 plot images drawn in full" in line
    assert "every polyline stroked once by a bare QPainter" in line
