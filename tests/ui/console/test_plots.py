"""Live plots: ring buffers, curves created once, fixed-rate redraw, threshold lines."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui import theme
from ui.console.plots import LivePlots, RingBuffer


def test_ring_buffer_keeps_the_last_values_in_order() -> None:
    buf = RingBuffer(4)
    assert buf.view()[0].size == 0
    for i in range(6):
        buf.append(float(i), float(i * 10))
    t, y = buf.view()
    assert t.tolist() == [2.0, 3.0, 4.0, 5.0]
    assert y.tolist() == [20.0, 30.0, 40.0, 50.0]
    assert np.shares_memory(t, buf.view()[0])  # views of one buffer, not copies


def test_curves_are_created_once_and_redrawn_on_the_timer(qtbot: QtBot) -> None:
    plots = LivePlots(fps=60, capacity=100)
    qtbot.addWidget(plots)
    curve = plots.series("north", "density")
    for i in range(150):
        plots.append("north", "density", 1000.0 + i, float(i))
    plots.extend("south", "density", [1.0, 2.0], [3.0, 4.0])
    assert plots.series("north", "density") is curve
    assert plots.series_count() == 2 and plots.points("north", "density") == 100
    assert curve.xData is None  # nothing drawn before a frame
    frames = plots.frames
    qtbot.waitUntil(lambda: plots.frames > frames and curve.xData is not None)
    assert curve.xData.tolist()[0] == 1050.0 and len(curve.yData) == 100
    assert curve.opts["clipToView"] and curve.opts["autoDownsample"]


def test_threshold_lines_are_coloured_by_level(qtbot: QtBot, qapp: QApplication) -> None:
    plots = LivePlots()
    qtbot.addWidget(plots)
    plots.set_thresholds("density", [(2.0, 2), (4.0, 4)])
    assert plots.thresholds("density") == [(2.0, 2), (4.0, 4)]
    assert plots.metrics() == []  # no empty plot before data arrives
    plots.append("north", "density", 1.0, 1.5)
    assert plots.metrics() == ["density"]
    lines = plots.threshold_lines("density")
    assert lines[1].pen.color() == QColor(theme.LIGHT.risk[4])
    theme.apply_theme(qapp, "dark")
    assert lines[1].pen.color() == QColor(theme.DARK.risk[4])
    plots.set_thresholds("density", [(3.0, 3)])
    assert plots.thresholds("density") == [(3.0, 3)]
    assert [line.value() for line in plots.threshold_lines("density")] == [3.0]


def test_range_follows_data_and_shows_the_next_threshold(qtbot: QtBot) -> None:
    plots = LivePlots()
    qtbot.addWidget(plots)
    plots.set_thresholds("density", [(2.0, 2), (9.0, 4)])
    plots.extend("north", "density", [0.0, 60.0], [1.0, 1.6])
    plots.redraw()
    (x0, x1), (y0, y1) = plots.plot("density").viewRange()
    assert x0 <= 0.0 and x1 >= 60.0
    assert y0 <= 1.0 and 2.0 <= y1 < 9.0  # the near threshold is in view, the far one not


def test_ring_buffer_extend_matches_append_across_wraps() -> None:
    one, many = RingBuffer(5), RingBuffer(5)
    batches = [[], [0.0, 1.0], [2.0, 3.0, 4.0], [5.0], list(np.arange(6.0, 18.0)), [18.0, 19.0]]
    for batch in batches:
        for t in batch:
            one.append(t, -t)
        many.extend(batch, [-t for t in batch])
        assert one.size == many.size
        assert one.view()[0].tolist() == many.view()[0].tolist()
        assert one.view()[1].tolist() == many.view()[1].tolist()
    assert many.view()[0].tolist() == [15.0, 16.0, 17.0, 18.0, 19.0]


def test_ring_buffer_extend_rejects_mismatched_lengths() -> None:
    buf = RingBuffer(4)
    with pytest.raises(ValueError, match="2 times but 1 values"):
        buf.extend([1.0, 2.0], [3.0])
    assert buf.size == 0


def test_redraw_pushes_only_the_series_that_changed(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    plots = LivePlots(fps=1, capacity=50)
    qtbot.addWidget(plots)
    plots.timer.stop()
    for zone in ("north", "south", "east"):
        plots.extend(zone, "density", [1.0, 2.0], [1.0, 2.0])
    plots.redraw()
    pushed: list[str] = []
    for zone in ("north", "south", "east"):
        curve = plots.series(zone, "density")
        original = curve.setData

        def counting(*args: object, _zone: str = zone, _orig=original, **kwargs: object) -> None:
            pushed.append(_zone)
            _orig(*args, **kwargs)

        monkeypatch.setattr(curve, "setData", counting)
    plots.redraw()
    assert pushed == []  # nothing changed: no curve is touched
    plots.append("south", "density", 3.0, 5.0)
    plots.redraw()
    assert pushed == ["south"]
    assert plots.series("south", "density").xData.tolist() == [1.0, 2.0, 3.0]
    plots.redraw()
    assert pushed == ["south"]
