"""`baton bench [orders|feeds|replay|scale|recovery|all] [--json] [--quick]`: targets P1–P6.

P1 order round trip, P2 burst, P3 feed ingest and console redraw, P4 replay seek and verify,
P5 500 stations on one console, P6 console killed and restarted (targets in `bench.suites`).

Every figure is printed beside the physical floor measured in the same run (raw pyzmq round trip,
raw SQLite synchronous=FULL commit, raw insert rate) and, where mosquitto is installed, the MQTT
QoS 1 / QoS 2 round trip. Medians and percentiles over many samples, never one run.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.stats import Figure

SUITES = ("orders", "feeds", "replay", "scale", "recovery", "centre")


def register(sub: Any) -> None:
    """Add the `bench` subcommand (the `baton.commands` entry point `bench`; `ui.cli` calls it).

    Cheap to call: the benchmarks are imported only when the subcommand runs.
    """
    p = sub.add_parser(
        "bench",
        help="measure the performance targets P1–P6 against the physical floor",
        description=(
            "orders: P1 round trip and P2 burst (+ MQTT QoS 1/2 when mosquitto is installed); "
            "feeds: P3 ingest and redraw; replay: P4 seek and verify; scale: P5 500 stations; "
            "recovery: P6 console killed and restarted; centre: C1 one operations centre with "
            "50 site consoles shipping up (CPU, latency). 'all' runs every suite."
        ),
    )
    p.add_argument("suite", nargs="?", default="all", choices=(*SUITES, "all"))
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--quick", action="store_true", help="small sizes: a smoke run, not a result")
    p.set_defaults(func=run)


def _suites() -> dict[str, Callable[[bool, dict[str, Any]], list[Figure]]]:
    from bench.suites import SUITE_RUNNERS

    return SUITE_RUNNERS


def run(args: argparse.Namespace) -> int:
    """Run the chosen suites and report."""
    from bench.floors import measure_floors

    started = time.perf_counter()
    floors = measure_floors(quick=args.quick)
    chosen = SUITES if args.suite == "all" else (args.suite,)
    runners = _suites()
    figures: list[Figure] = []
    for name in chosen:
        if not args.json:
            print(f"running {name}…", file=sys.stderr, flush=True)
        figures += runners[name](args.quick, floors)
    doc = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": _cpus(),
        },
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "floors": floors,
        "figures": [f.to_json() for f in figures],
        "seconds": round(time.perf_counter() - started, 1),
    }
    if args.json:
        json.dump(doc, sys.stdout, indent=2, default=str)
        print()
    else:
        _print_table(doc, figures)
    return 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def _print_table(doc: dict[str, Any], figures: list[Figure]) -> None:
    m = doc["machine"]
    print(f"Baton bench — {doc['date']} — Python {m['python']}, {m['cpus']} CPUs, {m['platform']}")
    f = doc["floors"]
    zc, zp, sc = f["zmq_round_trip_curve"], f["zmq_round_trip_plain"], f["sqlite_commit_full"]
    print(
        "floors: zmq round trip CURVE p50 {:.3f} ms p99 {:.3f} ms (plain p50 {:.3f} ms); "
        "SQLite FULL commit p50 {:.3f} ms p99 {:.3f} ms; insert {:,.0f} rows/s".format(
            zc["p50_ms"],
            zc["p99_ms"],
            zp["p50_ms"],
            sc["p50_ms"],
            sc["p99_ms"],
            f["sqlite_insert"]["median"],
        )
    )
    for fig in figures:
        mark = {True: "MET", False: "NOT MET", None: "—"}[fig.met]
        values = ", ".join(f"{k} {_fmt(v)}" for k, v in fig.value.items())
        print(f"{fig.id:<4} {fig.what}: {values}  [target {fig.target}: {mark}]")
        if fig.floor:
            print("     floor: " + ", ".join(f"{k} {_fmt(v)}" for k, v in fig.floor.items()))
        if fig.note:
            print(f"     note: {fig.note}")
    if doc["quick"]:
        print("(--quick: smoke sizes, not results)")
