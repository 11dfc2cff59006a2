"""The wire benches (P1, P2, P5, P6) run on small sizes and report sane, complete results.
Not timed: speed is what `baton bench` prints, not what tests assert."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from bench.orders import STAGES, burst, burst_processes, order_rig, round_trip_stages
from bench.recovery import bench_recovery
from bench.scale import bench_scale
from protocols.commands import Status


def test_round_trip_reports_every_sample_and_its_stages(tmp_path: Path) -> None:
    latency, stages = round_trip_stages(5, warmup=1, directory=tmp_path)
    assert latency.n == 5 and latency.p50_ms > 0
    assert set(stages) == set(STAGES)


def test_burst_counts_every_order_delivered(tmp_path: Path) -> None:
    result = burst(orders=20, stations=4, runs=1, directory=tmp_path)
    assert result["rate"]["median"] > 0 and len(result["rate"]["runs"]) == 1
    assert result["threads"] == 5


def test_burst_with_stations_in_processes_counts_every_order(tmp_path: Path) -> None:
    result = burst_processes(orders=20, stations=4, processes=2, runs=1, directory=tmp_path)
    assert result["rate"]["median"] > 0 and len(result["rate"]["runs"]) == 1
    assert result["processes"] == 3 and result["stations_per_process"] == 2
    assert result["console_cpu_us_per_order"] > 0
    stations_us = result["stations_cpu_us_per_order"]
    assert stations_us is None or stations_us > 0


def test_engine_calls_from_many_threads_at_once_all_run(tmp_path: Path) -> None:
    results: list[Any] = []
    errors: list[BaseException] = []
    together = threading.Barrier(4, timeout=30)
    with order_rig(tmp_path, ["st-1"]) as rig:

        def caller(k: int) -> None:
            try:
                together.wait()  # all four threads call at once (one shared wake-up pair)
                results.append(rig.issue("st-1", k))
                rig.console.call_sync(Status())
            except BaseException as err:  # reported below
                errors.append(err)

        threads = [threading.Thread(target=caller, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors and len(set(results)) == 4
        late = threading.Thread(target=rig.console.call_sync, args=(Status(),))
        late.start()  # a thread that starts after the others ended is served as well
        late.join(30)
        assert not late.is_alive()
    assert rig.console._wake_w is None and rig.console._wake_r is None  # stop() closed them


def test_call_after_stop_fails_cleanly(tmp_path: Path) -> None:
    with order_rig(tmp_path, ["st-1"]) as rig:
        engine = rig.console
    with pytest.raises(Exception, match="not running"):
        engine.call_sync(Status())


def test_scale_bench_connects_every_station() -> None:
    result = bench_scale(stations=8, window_s=0.5)
    assert result["connected"] == 8 and result["online_in_journal"] == 8
    assert result["cpu_cores"] >= 0


def test_recovery_bench_loses_and_doubles_nothing() -> None:
    result = bench_recovery(orders=60, stations=2, chunk=5)
    assert result["issued"] == 60
    assert result["received_once"] == 60 and result["delivered_once"] == 60
    assert result["lost"] == 0 and result["doubled"] == 0
    assert result["resume_s"] > 0
