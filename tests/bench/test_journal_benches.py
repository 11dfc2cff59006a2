"""Smoke tests of the journal and replay benchmarks at tiny sizes (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.journal import bench_journal, burst_rate, commit_latencies
from bench.replay import DAY, build_day_journal
from command.journal import Journal, fold, verify_journal
from command.review.replay import ReplayIndex


def test_day_journal_is_a_valid_realistic_journal(tmp_path: Path) -> None:
    path = tmp_path / "day.journal"
    day = build_day_journal(path, 3000, zones=2, stations=4, orders=40, batch_s=120)
    assert (day.observations, day.orders) == (3000, 40)
    assert day.end - day.start == DAY
    result = verify_journal(path, trusted=[day.checkpoint_key])
    assert result.ok, result.summary(path)
    assert (result.events, result.observations) == (day.events, 3000)
    assert result.checkpoints >= 24
    reader = Journal.open_readonly(path)
    try:
        kinds = {e.kind for e in reader.events()}
        assert {
            "incident.opened",
            "observations.batch",
            "decision.added",
            "decision.corrected",
            "order.issued",
            "order.deliver",
            "order.complete",
            "escalation.raised",
            "escalation.resolved",
            "station.offline",
            "picture.level",
            "checkpoint",
        } <= kinds
        assert fold(reader.events()) == reader.projection_tables()
        index = ReplayIndex(reader.events(), reader)
        noon = index.state_at(day.start + DAY / 2)
        assert len(noon.zones) == 2 and all(z["values"] for z in noon.zones)
        assert 0 < len(noon.orders) <= 40
        end = index.state_at(day.end)
        assert {o["state"] for o in end.orders} <= {"completed", "failed", "declined"}
    finally:
        reader.close()


def test_day_journal_refuses_an_existing_path(tmp_path: Path) -> None:
    path = tmp_path / "day.journal"
    path.write_text("")
    with pytest.raises(FileExistsError):
        build_day_journal(path, 10, orders=1)


def test_journal_benchmarks_run(tmp_path: Path) -> None:
    latencies = commit_latencies(5, tmp_path)
    assert set(latencies) == {"issue_order", "receive_order", "record_step"}
    assert all(v.n == 5 for v in latencies.values())
    rates = burst_rate(20, 4, runs=1, directory=tmp_path)
    assert rates["round_trip"].median > 0


def test_bench_journal_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    import bench.journal as module

    monkeypatch.setattr(module, "commit_latencies", lambda n: commit_latencies(5))
    figures = bench_journal(True, {"sqlite_commit_full": {"p50_ms": 0.2, "p99_ms": 0.3}})
    assert [f.id for f in figures] == ["J1", "J2", "J3"]
    assert all(isinstance(f.met, bool) for f in figures)


@pytest.mark.parametrize(("rate", "met"), [(250_000.0, True), (150_000.0, False)])
def test_j3_is_judged_against_the_raw_insert_of_the_same_run(
    monkeypatch: pytest.MonkeyPatch, rate: float, met: bool
) -> None:
    import bench.journal as module
    from bench.stats import Rate

    monkeypatch.setattr(module, "commit_latencies", lambda n: commit_latencies(5))
    monkeypatch.setattr(
        module,
        "burst_rate",
        lambda *a, **k: {
            "round_trip": Rate.of_runs("orders/s", [1.0]),
            "console": Rate.of_runs("orders/s", [1.0]),
        },
    )
    monkeypatch.setattr(
        module, "ingest_rate", lambda *a, **k: Rate.of_runs("observations/s", [rate])
    )
    floors = {
        "sqlite_commit_full": {"p50_ms": 0.2, "p99_ms": 0.3},
        "sqlite_insert": {"median": 400_000.0},
        "sqlite_observation_insert": {"median": 100_000.0},
    }
    j3 = bench_journal(True, floors)[2]
    assert j3.met is met
    assert j3.value["batches of 10,000 / raw insert"] == pytest.approx(rate / 400_000.0)
    assert j3.floor["raw SQLite insert rows/s"] == 400_000.0
    assert "× raw insert" in j3.note
