"""The centre bench (C1) at tiny sizes: every simulated site connects and is acknowledged, the
latency samples are the events written, and the figure carries value, floor and ratio (not
timed: the figures themselves are `baton bench centre`'s)."""

from __future__ import annotations

from bench.centre import bench_centre, centre_figures

FLOORS = {
    "zmq_round_trip_curve": {"p50_ms": 0.2},
    "sqlite_commit_full": {"p50_ms": 0.3},
    "sqlite_insert": {"median": 1e6},
}


def test_every_site_is_mirrored_and_acknowledged() -> None:
    r = bench_centre(sites=3, seconds=1.0, rate=5.0)
    assert r["connected"] == 3
    assert r["not_acked_at_end"] == 0
    assert r["events_written"] > 0
    assert r["latency"].n == r["events_written"]
    assert r["events_mirrored"] >= r["events_written"]
    assert r["cpu_cores"] >= 0.0


def test_figure_reports_value_floor_and_ratio() -> None:
    (figure,) = centre_figures(True, FLOORS, sites=3)
    assert figure.id == "C1"
    assert {"centre CPU cores", "latency p50 ms", "latency p99 ms"} <= set(figure.value)
    assert figure.value["sites connected"] == 3
    assert figure.floor["half a trip + one commit p50 ms"] == 0.4
    assert figure.value["latency p50 / floor"] == figure.value["latency p50 ms"] / 0.4
    assert figure.met in (True, False)
