"""P3 / P3r benches: the observation floor matches the journal's schema, the figures carry their
floors, ratios and `met`, and the redraw bench measures its bare-QPainter floor (not timed)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from bench import floors, picture, redraw
from command.clock import ManualClock
from command.journal import Journal

FLOORS: dict[str, Any] = {
    "sqlite_insert": {"median": 400_000.0},
    "sqlite_observation_insert": {"median": 100_000.0},
}


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    return [(r[1], r[2]) for r in conn.execute(f"PRAGMA table_info({table})")]


def test_observation_floor_is_the_row_per_observation_table(tmp_path: Path) -> None:
    """The same-table floor keeps the version-1 layout (one row per observation, two indexes);
    the journal now packs a batch into one row of `observation_batches`."""
    journal = Journal.open(tmp_path / "j.db", clock=ManualClock(0.0), owner="t", role="console")
    journal.close()
    real = sqlite3.connect(tmp_path / "j.db")
    floor = sqlite3.connect(":memory:")
    for ddl in floors.OBSERVATION_SCHEMA:
        floor.execute(ddl)
    try:
        assert [c for c, _ in _columns(floor, "observations")] == [
            "ts",
            "feed",
            "zone",
            "metric",
            "value",
            "source",
            "batch",
        ]
        assert _columns(real, "observations") == []
        assert [c for c, _ in _columns(real, "observation_batches")] == [
            "batch",
            "first_ts",
            "last_ts",
            "count",
            "data",
        ]
    finally:
        real.close()
        floor.close()


def test_observation_insert_rate_runs(tmp_path: Path) -> None:
    rate = floors.observation_insert_rate(2_000, batch=500, runs=1, directory=tmp_path)
    assert rate.unit == "rows/s" and rate.median > 0 and len(rate.runs) == 1


def _fake_redraw(p95: dict[int, float]) -> Any:
    def run(series: int, *, frames: int, warmup: int, every: int) -> redraw.RedrawResult:
        return redraw.RedrawResult(
            series,
            8,
            1800,
            frames,
            every,
            1280,
            800,
            p95[every] / 2,
            p95[every],
            40.0,
            10.0,
            1.0,
            2.0,
            floor_paint_p50_ms=5.0,
        )

    return run


@pytest.mark.parametrize(
    ("rate", "p95", "met"),
    [
        (250_000.0, {1: 30.0, 30: 15.0}, (True, True)),
        (150_000.0, {1: 30.0, 30: 20.0}, (False, False)),
    ],
)
def test_feeds_figures_print_floors_ratios_and_met(
    monkeypatch: pytest.MonkeyPatch, rate: float, p95: dict[int, float], met: tuple[bool, bool]
) -> None:
    fake = {"fusion_journal_obs_per_s": rate, "fusion_obs_per_s": 1e6}
    monkeypatch.setattr(picture, "bench_fusion", lambda total, batch: fake)
    monkeypatch.setattr(redraw, "redraw_benchmark", _fake_redraw(p95))
    p3, p3r = picture.feeds_figures(True, FLOORS)
    assert (p3.met, p3r.met) == met
    assert p3.value["ratio to raw insert"] == pytest.approx(rate / 400_000.0)
    assert p3.value["ratio to raw observation insert"] == pytest.approx(rate / 100_000.0)
    assert p3.floor["raw insert rows/s"] == 400_000.0
    assert "× raw insert" in p3.note and ("not met" in p3.note) == (not met[0])
    assert p3r.value["p95 / paint floor"] == pytest.approx(p95[1] / 5.0)
    assert p3r.floor["bare QPainter polylines p50 ms"] == 5.0
    assert "≤ 16 ms" in p3r.note and "floor" in p3r.note


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_redraw_bench_measures_its_floor(qtbot: QtBot) -> None:
    result = redraw.redraw_benchmark(8, metrics=2, points=200, frames=3, warmup=1, every=1)
    assert result.frames == 3 and result.floor_paint_p50_ms > 0
    assert "bare QPainter" in result.line() and result.target_ms == 33.0
