"""`baton station --id ID --connect ADDR --headless ...`: run one agency station.

Headless, the station runs the engine (DEALER link, its own journal, the authority book) with a
simulated operator that acknowledges at once, accepts after `--accept-after` seconds and completes
after `--complete-after` more. It stops cleanly on SIGTERM/SIGINT or after `--duration` seconds.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from command.authority.book import AuthorityBook
from command.authority.keys import load_trust
from command.clock import SystemClock
from command.desk import BookVerifier
from command.errors import BatonError
from command.lifecycle import Step
from command.scenarios.loader import load_scenario
from command.scenarios.operator import SimulatedOperator
from protocols.certs import load_curve_keys, load_curve_public
from protocols.console_link import DEFAULT_ORDERS_ADDRESS
from protocols.delivery import WireConfig
from protocols.engine import Engine
from protocols.nodes import StationNode, StationSettings


def register(subparsers: Any) -> None:
    """Add the `station` subcommand."""
    parser = subparsers.add_parser(
        "station",
        help="run an agency station (headless with a simulated operator)",
        description="Connect a station to the console, journal and verify its orders, answer.",
    )
    parser.add_argument("--id", required=True, help="station id (as in the scenario)")
    parser.add_argument(
        "--connect",
        default=DEFAULT_ORDERS_ADDRESS,
        metavar="ADDR",
        help=f"console order address (default {DEFAULT_ORDERS_ADDRESS})",
    )
    parser.add_argument(
        "--headless",
        action="store_true",
        help="no window: a simulated operator answers (else the station window opens)",
    )
    parser.add_argument(
        "--journal",
        type=Path,
        metavar="PATH",
        help="journal file (default: station-ID.db in the current directory)",
    )
    parser.add_argument(
        "--keys",
        type=Path,
        metavar="DIR",
        required=True,
        help="directory holding ID.key_secret (baton keys init)",
    )
    parser.add_argument(
        "--console-key",
        type=Path,
        metavar="FILE",
        required=True,
        help="the console's CURVE public key file (console.key)",
    )
    parser.add_argument(
        "--trust",
        type=Path,
        metavar="FILE",
        required=True,
        help="trust file listing the root authorities' public keys",
    )
    parser.add_argument(
        "--scenario",
        metavar="NAME|FILE",
        help="answer like this scenario's simulated operator for the station",
    )
    parser.add_argument("--accept-after", type=float, default=1.0, metavar="S")
    parser.add_argument("--complete-after", type=float, default=2.0, metavar="S")
    parser.add_argument("--heartbeat", type=float, default=1.0, metavar="S")
    parser.add_argument(
        "--duration",
        type=float,
        default=0.0,
        metavar="S",
        help="stop after S seconds (0: run until SIGTERM/SIGINT)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the station until told to stop."""
    secret = args.keys / f"{args.id}.key_secret"
    if not secret.exists():
        raise BatonError(
            f"no CURVE key {secret}: create it with 'baton keys init {args.keys} "
            f"--role station --name {args.id}'"
        )
    keys = load_curve_keys(secret)
    console_public = load_curve_public(args.console_key)
    book = AuthorityBook(load_trust(args.trust), actor=args.id)
    clock = SystemClock()
    plan = None
    if args.scenario:
        operator = SimulatedOperator(load_scenario(args.scenario).operator(args.id))

        def plan(order_id: str) -> list[tuple[float, Step, dict[str, Any]]]:
            return [(p.delay_s, p.step, dict(p.detail)) for p in operator.plan(order_id)]

    settings = StationSettings(
        station_id=args.id,
        journal_path=args.journal or Path(f"station-{args.id}.db"),
        clock=clock,
        verifier=BookVerifier(book),
        keys=keys,
        console_public=console_public,
        address=args.connect,
        wire=WireConfig(heartbeat_s=args.heartbeat),
        accept_after_s=args.accept_after if args.headless else None,
        complete_after_s=args.complete_after,
        operator_plan=plan if args.headless else None,
    )
    if not args.headless:
        return _run_window(args, settings)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    engine = Engine(lambda ctx: StationNode(ctx, settings), clock, name=f"station-{args.id}")
    engine.start()
    print(f"baton station {args.id}: connected to {args.connect}", file=sys.stderr, flush=True)
    try:
        limit = args.duration if args.duration > 0 else float("inf")
        waited = 0.0
        while not stop.is_set() and waited < limit and engine.running:
            stop.wait(0.2)
            waited += 0.2
    finally:
        engine.stop()
    return 0


def _run_window(args: argparse.Namespace, settings: StationSettings) -> int:
    """The station window: the engine journals and sends what the operator answers."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.bridge import EngineBridge
    from ui.station.window import StationWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    bridge = EngineBridge()
    window = StationWindow(args.id, clock=settings.clock.now)
    bridge.events.connect(window.apply_events)
    engine = Engine(
        lambda ctx: StationNode(ctx, settings),
        settings.clock,
        on_batch=lambda batch: bridge.post_events(batch.events),
        name=f"station-{args.id}",
        replay_history=True,
    )
    engine.start()

    def answer(order_id: str, step: str, detail: object) -> None:
        future = engine.call("answer", order_id, step, detail)
        future.add_done_callback(
            lambda f: f.exception() and print(f"baton: {f.exception()}", file=sys.stderr)
        )

    window.action_requested.connect(answer)
    window.show()
    if args.duration > 0:
        QTimer.singleShot(int(args.duration * 1000), app.quit)
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    try:
        app.exec()
    finally:
        engine.stop()
    return 0
