"""The suites behind `baton bench`: each turns measurements into `Figure`s with floor and target.

`SUITE_RUNNERS[name](quick, floors)` → figures; `floors` is `measure_floors()` of the same run.
P3's redraw figure (`bench.redraw`) needs the Qt console plots, so only that suite loads Qt.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from bench.stats import Figure

Runner = Callable[[bool, dict[str, Any]], list[Figure]]

P1_PROFILE_NOTE = (
    "where the time goes (per-step probes and py-spy, 2026-12-02, station in its own process): "
    "the two synchronous=FULL commits (issue, receipt) are the floor; then the journal's Python "
    "work on the path, run cold after each fsync's idle (console: validate, Ed25519 sign, "
    "append + projections + outbox ~0.26 ms; station: receive_order ~0.13 ms; console: the "
    "ack's 'delivered' step ~0.12 ms), the wire's Python (~0.28 ms in ten steps of 10-60 µs) "
    "and the hops between processes after an idle CPU (~0.17 ms, against a back-to-back trip "
    "in the floor). mosquitto QoS 2 does not fsync per message: its p50 is below the two "
    "commits alone. Acking before the receipt commit would be faster and is not allowed"
)


def _floor_zmq_sqlite(floors: dict[str, Any]) -> dict[str, Any]:
    zc, sc = floors["zmq_round_trip_curve"], floors["sqlite_commit_full"]
    return {
        "zmq CURVE round trip p50 ms": zc["p50_ms"],
        "SQLite FULL commit p50 ms": sc["p50_ms"],
        "critical path: 2 commits + 2 zmq trips p50 ms": p1_floor_ms(floors),
        "with a FULL 'delivered' too: 3 commits + 2 zmq trips p50 ms": 3 * sc["p50_ms"]
        + 2 * zc["p50_ms"],
    }


P1_FLOOR_WHY = (
    "floor = what safety needs on the critical path: the console's issue commit and the "
    "station's receipt commit (both synchronous=FULL, before the next step) + 2 CURVE trips "
    "(order out, ack back); the console's 'delivered' record is committed without its own "
    "fsync (WireConfig.lazy_acks: a pump turn of ACKs only; a lost record means a resend that "
    "the station re-acks, tests/system/test_lazy_delivered.py)"
)


def p1_floor_ms(floors: dict[str, Any]) -> float:
    """P1's floor (see `P1_FLOOR_WHY`): 2 FULL commits + 2 CURVE round trips, p50 ms."""
    zc, sc = floors["zmq_round_trip_curve"], floors["sqlite_commit_full"]
    return float(2 * sc["p50_ms"] + 2 * zc["p50_ms"])


def orders_suite(quick: bool, floors: dict[str, Any]) -> list[Figure]:
    """P1 round trip (+ MQTT QoS 1/2 from the same run) and P2 burst."""
    from bench.mqtt import PERSISTENCE_NOTE, measure_mqtt
    from bench.orders import round_trip_stages

    n = 300 if quick else 1000
    p1, stages = round_trip_stages(n, warmup=30 if quick else 100)
    mqtt = measure_mqtt(100 if quick else 500)
    floor = p1_floor_ms(floors)
    value: dict[str, Any] = {
        "p50 ms": p1.p50_ms,
        "p99 ms": p1.p99_ms,
        "samples": p1.n,
        "ratio to floor (p50)": p1.p50_ms / floor,
    }
    met = p1.p50_ms <= 1.25 * floor and p1.p99_ms <= 5.0
    target = "p50 ≤ 1.25 × floor and ≤ mosquitto QoS 2 p50, p99 ≤ 5 ms"
    commit = floors["sqlite_commit_full"]["p50_ms"]
    notes = [
        P1_FLOOR_WHY,
        "stages p50 (journal timestamps): "
        + ", ".join(f"{k} {v:.3f} ms" for k, v in stages.items())
        + f"; three FULL commits alone ≈ {3 * commit:.3f} ms in this run",
        P1_PROFILE_NOTE,
    ]
    figures = [
        Figure(
            "P1",
            "order round trip (issue → station journaled → ack → console "
            "journaled delivered), loopback, CURVE, synchronous=FULL both ends",
            value,
            _floor_zmq_sqlite(floors),
            target,
            met,
        )
    ]
    if mqtt is not None:
        q1, q2 = mqtt["qos1"], mqtt["qos2"]
        value["ratio to MQTT QoS 2 (p50)"] = p1.p50_ms / q2["p50_ms"]
        figures[0].met = met and p1.p50_ms <= q2["p50_ms"]
        figures.append(
            Figure(
                "P1m",
                "MQTT order → ack round trip through local mosquitto (same run)",
                {
                    "QoS 1 p50 ms": q1["p50_ms"],
                    "QoS 1 p99 ms": q1["p99_ms"],
                    "QoS 2 p50 ms": q2["p50_ms"],
                    "QoS 2 p99 ms": q2["p99_ms"],
                    "Baton / QoS 1 (p50)": p1.p50_ms / q1["p50_ms"],
                    "Baton / QoS 2 (p50)": p1.p50_ms / q2["p50_ms"],
                },
                target="comparison",
                note=PERSISTENCE_NOTE,
            )
        )
    else:
        notes.append("MQTT comparison skipped: mosquitto or paho-mqtt not installed")
    figures[0].note = "; ".join(notes)
    from bench.journal import bench_journal

    return [*figures, burst_figure(quick, floors), *bench_journal(quick, floors)]


def burst_figure(quick: bool, floors: dict[str, Any]) -> Figure:
    """P2: the burst with stations in their own processes, beside J2's console-side journal
    rate measured in the same run (the floor: the console can go no faster than its journal)."""
    from bench.journal import burst_rate
    from bench.orders import burst_processes

    orders, stations, processes = 1000, 50, 5
    runs = 1 if quick else 3
    p2 = burst_processes(orders, stations, processes, runs=runs)
    j2 = burst_rate(orders, stations, runs=runs)["console"].median
    rate = p2["rate"]["median"]
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    console_us, station_us = p2["console_cpu_us_per_order"], p2.get("stations_cpu_us_per_order")
    both = None if station_us is None else (cpus or 1) * 1e6 / (console_us + station_us)
    return Figure(
        "P2",
        f"burst: {orders:,} orders to {stations} stations in {processes} processes, durably "
        "acknowledged (console journaled delivered)",
        {
            "orders/s": rate,
            "runs": list(p2["rate"]["runs"]),
            "console CPU µs per order": p2["console_cpu_us_per_order"],
            "station processes CPU µs per order": p2.get("stations_cpu_us_per_order"),
            "console-CPU bound orders/s (one core)": 1e6 / console_us,
            f"both ends' CPU bound orders/s ({cpus} CPUs)": both,
            "ratio to J2 console-side journal": rate / j2,
        },
        {
            "J2 console-side journal alone orders/s": j2,
            "SQLite FULL commit p50 ms": floors["sqlite_commit_full"]["p50_ms"],
        },
        "≥ 5,000 orders/s",
        rate >= 5000,
        note=(
            f"console engine in the bench process, {stations} stations in {processes} child "
            f"processes ({p2['stations_per_process']} each, each with its own key, socket and "
            "file journal; a process's stations share one engine thread and zmq context), "
            "CURVE on loopback; orders issued in one commit under one decision, receipts and acks "
            "group-committed per poll turn; console CPU = bench process user+sys over the "
            "burst / orders (station processes: their /proc user+sys, all together); the "
            "machine's CPUs spent at both ends' CPU per order bound the rate (5,000/s needs "
            f"both ends together at ≤ {(cpus or 1) * 200} µs per order here). "
            "Floor J2 = issue_orders + record_steps on a bare console journal, same sizes, "
            "same run"
        ),
    )


def feeds_suite(quick: bool, floors: dict[str, Any]) -> list[Figure]:
    """P3: fusion + journal ingest, and console redraw with 200 series."""
    from bench.picture import feeds_figures

    return feeds_figures(quick, floors)


def replay_suite(quick: bool, floors: dict[str, Any]) -> list[Figure]:
    """P4: seek and verify on a 24 h journal."""
    from bench.replay import bench_replay

    return bench_replay(quick, floors)


def scale_suite(quick: bool, floors: dict[str, Any]) -> list[Figure]:
    """P5: console CPU with 500 heartbeating stations."""
    from bench.scale import bench_scale

    r = bench_scale(500, window_s=4.0 if quick else 20.0)
    ok = r["connected"] == r["stations"] and r["online_in_journal"] == r["stations"]
    return [
        Figure(
            "P5",
            "500 stations on one console, heartbeats at 1 s: console process CPU",
            {
                "CPU cores": r["cpu_cores"],
                "stations connected": r["connected"],
                "online in console journal": r["online_in_journal"],
                "console msgs/s out": r["console_msgs_per_s"],
                "window s": r["window_s"],
                "all connected within s": r["connect_s"],
            },
            {"zmq CURVE round trip p50 ms": floors["zmq_round_trip_curve"]["p50_ms"]},
            "under one core (< 1.0), every station online",
            ok and r["cpu_cores"] < 1.0,
            note=(
                "console: real ConsoleNode in its own process (CPU time from /proc over the "
                "window); stations: 500 CURVE DEALERs in one thread of the bench process "
                "speaking HELLO + HEARTBEAT"
            ),
        )
    ]


def recovery_suite(quick: bool, floors: dict[str, Any]) -> list[Figure]:
    """P6: console SIGKILLed mid-burst and restarted."""
    from bench.recovery import bench_recovery

    r = bench_recovery(300 if quick else 2000, stations=5)
    intact = r["lost"] == 0 and r["doubled"] == 0 and r["received_once"] == r["issued"]
    return [
        Figure(
            "P6",
            f"console killed (-9) mid-burst of {r['orders']:,} orders to {r['stations']} "
            "stations and restarted",
            {
                "delivery resumed after s": r["resume_s"],
                "restart ready after s": r["restart_ready_s"],
                "received before kill": r["received_before_kill"],
                "issued": r["issued"],
                "received once": r["received_once"],
                "delivered once": r["delivered_once"],
                "lost": r["lost"],
                "doubled": r["doubled"],
            },
            {"SQLite FULL commit p50 ms": floors["sqlite_commit_full"]["p50_ms"]},
            "resume ≤ 2 s; nothing lost, nothing doubled",
            intact and r["resume_s"] <= 2.0,
            note=(
                "console in its own process; 5 station engines (threads) in the bench process; "
                "counted from the station and console journals after the run"
            ),
        )
    ]


def centre_suite(quick: bool, floors: dict[str, Any]) -> list[Figure]:
    """C1: one operations centre, 50 site consoles shipping their journals up."""
    from bench.centre import centre_figures

    return centre_figures(quick, floors)


SUITE_RUNNERS: dict[str, Runner] = {
    "orders": orders_suite,
    "feeds": feeds_suite,
    "replay": replay_suite,
    "scale": scale_suite,
    "recovery": recovery_suite,
    "centre": centre_suite,
}
