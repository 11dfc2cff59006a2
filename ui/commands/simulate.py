"""`baton simulate SCENARIO --feeds ADDR ...`: the feed simulator process.

Publishes the scenario's observation batches and timeline signals (inline and CAP) to the
console's feed bus at scenario time on a clock shared through a wall-clock origin
(`--origin`, epoch seconds; the console and stations are given the same one). The console binds
the feed SUB and the snapshot ROUTER; this process connects to both. It stops at the scenario
end, after `--duration` wall seconds, or on SIGTERM/SIGINT, and exits 0.

`--keys NAME.key_secret --console-key console.key` make it an authenticated (CurveZMQ)
publisher: the console admits it only if its public key is on the console's feed allow-list.
"""

from __future__ import annotations

import argparse
import math
import re
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

from command.clock import SimulatedClock
from command.errors import BatonError
from command.scenarios.loader import load_scenario, scenario_names
from protocols.certs import load_curve_keys, load_curve_public
from protocols.feedbus import DEFAULT_FEED_ADDRESS, DEFAULT_SNAPSHOT_ADDRESS
from protocols.simulator import SimulatorConfig, SimulatorStats, run_simulator

_TCP = re.compile(r"^tcp://(?P<host>[^/]+):(?P<port>\d+)$")


def register(subparsers: Any) -> None:
    """Add the `simulate` subcommand."""
    parser = subparsers.add_parser(
        "simulate",
        help="publish a scenario's feeds to the console on the shared scenario clock",
        description=(
            "Run the feed simulator: publish a scenario's observations and signals to the "
            "console's feed bus at scenario time."
        ),
    )
    parser.add_argument(
        "scenario", metavar="SCENARIO", help=f"{' | '.join(scenario_names())} or a YAML path"
    )
    parser.add_argument(
        "--feeds",
        default=DEFAULT_FEED_ADDRESS,
        metavar="ADDR",
        help=f"the console's feed address to connect to (default {DEFAULT_FEED_ADDRESS})",
    )
    parser.add_argument(
        "--snapshots",
        metavar="ADDR",
        help="the console's snapshot address (default: the feed port + 1, e.g. "
        f"{DEFAULT_SNAPSHOT_ADDRESS})",
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, metavar="N", help="scenario seconds per wall second"
    )
    parser.add_argument(
        "--origin",
        type=float,
        metavar="WALL_TS",
        help="wall time (epoch seconds) of scenario minute 0, shared with the console and "
        "stations (default: now)",
    )
    parser.add_argument("--seed", type=int, default=1, metavar="N", help="random seed (default 1)")
    parser.add_argument(
        "--duration",
        type=float,
        default=0.0,
        metavar="S",
        help="stop after S wall seconds (default 0: at the scenario end)",
    )
    parser.add_argument(
        "--name", default="simulator", help="publisher name on the bus (default simulator)"
    )
    parser.add_argument(
        "--keys",
        type=Path,
        metavar="FILE",
        help="this publisher's CURVE secret key (NAME.key_secret); with --console-key",
    )
    parser.add_argument(
        "--console-key",
        type=Path,
        metavar="FILE",
        help="the console's CURVE public key (console.key) to trust; with --keys",
    )
    parser.set_defaults(func=run)


def snapshot_address_for(feeds: str) -> str:
    """The default snapshot address next to a feed address: same host, port + 1."""
    if feeds == DEFAULT_FEED_ADDRESS:
        return DEFAULT_SNAPSHOT_ADDRESS
    m = _TCP.match(feeds)
    if m is None or int(m["port"]) >= 65535:
        raise BatonError(f"cannot derive a snapshot address from {feeds!r}: give --snapshots ADDR")
    return f"tcp://{m['host']}:{int(m['port']) + 1}"


def run(args: argparse.Namespace) -> int:
    """Run the simulator until the scenario ends, the duration passes or a signal arrives."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return _run(args, stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run(args: argparse.Namespace, stop: threading.Event) -> int:
    if not math.isfinite(args.speed) or args.speed <= 0:
        raise BatonError(f"--speed must be a positive number, got {args.speed}")
    if args.origin is not None and not math.isfinite(args.origin):
        raise BatonError(f"--origin must be epoch seconds, got {args.origin}")
    if not math.isfinite(args.duration) or args.duration < 0:
        raise BatonError(f"--duration must be zero or more seconds, got {args.duration}")
    if (args.keys is None) != (args.console_key is None):
        raise BatonError("--keys and --console-key go together (an authenticated publisher)")
    keys = load_curve_keys(args.keys) if args.keys is not None else None
    server_key = load_curve_public(args.console_key) if args.console_key is not None else None
    scenario = load_scenario(args.scenario)
    snapshots = args.snapshots or snapshot_address_for(args.feeds)
    origin = time.time() if args.origin is None else args.origin
    clock = SimulatedClock.from_origin(scenario.start, args.speed, origin)
    config = SimulatorConfig(
        feed_address=args.feeds,
        snapshot_address=snapshots,
        name=args.name,
        seed=args.seed,
        duration_s=args.duration,
        keys=keys,
        server_key=server_key,
    )
    label = f"baton simulate {scenario.name}"

    def started(stats: SimulatorStats) -> None:
        print(
            f"{label}: publishing to {args.feeds} (snapshots {snapshots}) as {args.name!r} at "
            f"{args.speed:g}x from minute {scenario.minute(stats.reached):.1f}, "
            f"origin {origin:.3f}",
            file=sys.stderr,
            flush=True,
        )

    stats = run_simulator(scenario, clock, config, stop=stop, on_started=started)
    print(
        f"{label}: {stats.reason} at minute {scenario.minute(stats.reached):.1f}: "
        f"{stats.batches} batches, {stats.observations} observations, {stats.signals} signals, "
        f"{stats.snapshots} snapshots answered",
        file=sys.stderr,
        flush=True,
    )
    return 0
