"""`baton bench`: the quick run emits valid JSON with every figure (not timed), and the MQTT
comparison is skipped cleanly without mosquitto."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import mqtt
from bench.stats import Figure, Latency, Rate

ROOT = Path(__file__).resolve().parents[2]
FIGURE_KEYS = {"id", "what", "value", "floor", "target", "met", "note"}
FLOORS = {
    "zmq_round_trip_curve": {"p50_ms": 0.2, "p99_ms": 0.4},
    "zmq_round_trip_plain": {"p50_ms": 0.1, "p99_ms": 0.2},
    "sqlite_commit_full": {"p50_ms": 0.3, "p99_ms": 0.6},
    "sqlite_insert": {"median": 1e6},
}


def test_bench_all_quick_emits_every_figure_as_json() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "ui.cli", "bench", "all", "--quick", "--json"],
        cwd=ROOT,
        capture_output=True,
        timeout=600,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    doc = json.loads(run.stdout)
    assert doc["quick"] is True
    assert {"machine", "date", "floors", "figures", "seconds"} <= set(doc)
    assert set(FLOORS) <= set(doc["floors"])
    ids = {f["id"] for f in doc["figures"]}
    assert {"P1", "P2", "P3", "P3r", "P4", "P5", "P6"} <= ids
    for figure in doc["figures"]:
        assert set(figure) == FIGURE_KEYS
        assert figure["met"] in (True, False, None)
        assert figure["target"]
    p1 = next(f for f in doc["figures"] if f["id"] == "P1")
    assert {"p50 ms", "p99 ms"} <= set(p1["value"]) and p1["value"]["samples"] >= 300
    if mqtt.mosquitto_path() is None:
        assert "P1m" not in ids and "skipped" in p1["note"]
    else:
        p1m = next(f for f in doc["figures"] if f["id"] == "P1m")
        assert {"QoS 1 p50 ms", "QoS 2 p50 ms", "Baton / QoS 2 (p50)"} <= set(p1m["value"])
    p6 = next(f for f in doc["figures"] if f["id"] == "P6")
    assert p6["value"]["lost"] == 0 and p6["value"]["doubled"] == 0


def test_unknown_suite_is_refused() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "ui.cli", "bench", "nosuch"],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert b"invalid choice" in run.stderr


def test_mqtt_is_skipped_without_mosquitto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mqtt, "mosquitto_path", lambda: None)
    assert mqtt.measure_mqtt(10) is None


def _fake_orders(monkeypatch: pytest.MonkeyPatch, mqtt_result: dict[str, Any] | None) -> None:
    from bench import journal, orders

    lat = Latency.of_seconds([0.0008] * 300)
    monkeypatch.setattr(orders, "round_trip_stages", lambda *a, **k: (lat, {"stage": 0.2}))
    monkeypatch.setattr(
        orders,
        "burst_processes",
        lambda *a, **k: {
            "rate": {"median": 6000.0, "runs": (6000.0,)},
            "console_cpu_us_per_order": 100.0,
            "stations_cpu_us_per_order": 90.0,
            "processes": 6,
            "stations_per_process": 10,
        },
    )
    rate = Rate.of_runs("orders/s", [8000.0])
    monkeypatch.setattr(
        journal, "burst_rate", lambda *a, **k: {"round_trip": rate, "console": rate}
    )
    monkeypatch.setattr(mqtt, "measure_mqtt", lambda *a, **k: mqtt_result)
    monkeypatch.setattr(journal, "bench_journal", lambda *a, **k: [])


def test_orders_suite_without_mqtt_notes_the_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.suites import orders_suite

    _fake_orders(monkeypatch, None)
    figures = orders_suite(True, FLOORS)
    assert [f.id for f in figures] == ["P1", "P2"]
    assert figures[0].met is True and "skipped" in figures[0].note
    assert figures[1].met is True
    assert all(isinstance(f, Figure) for f in figures)


def test_orders_suite_compares_with_mqtt_qos2(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.suites import orders_suite

    q = {"p50_ms": 0.5, "p99_ms": 1.0}
    _fake_orders(monkeypatch, {"qos1": q, "qos2": q, "note": mqtt.PERSISTENCE_NOTE})
    figures = orders_suite(True, FLOORS)
    assert [f.id for f in figures] == ["P1", "P1m", "P2"]
    assert figures[0].met is False  # 0.8 ms is not ≤ QoS 2's 0.5 ms
    assert figures[1].value["Baton / QoS 2 (p50)"] == pytest.approx(1.6)
    assert "periodic" in figures[1].note


def test_baton_bench_is_registered_through_the_entry_point_group() -> None:
    from importlib.metadata import entry_points

    from ui.cli import COMMANDS_GROUP, SUBCOMMANDS

    found = {ep.name: ep.value for ep in entry_points(group=COMMANDS_GROUP)}
    assert found.get("bench") == "bench.cli:register"
    assert "bench" not in SUBCOMMANDS  # ui does not import bench


def test_baton_bench_help_runs() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "ui.cli", "bench", "--help"],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    assert b"P1" in run.stdout and b"--quick" in run.stdout
