"""`baton station --id ID --connect ADDR --headless ...`: run one agency station.

Headless, the station runs the engine (DEALER link, its own journal, the authority book) with a
simulated operator that acknowledges at once, accepts after `--accept-after` seconds and completes
after `--complete-after` more, or with `--scenario` answers like that scenario's operator
(`command.scenarios.operator`; its desk answers in wall seconds with `--operator-wall`). Without
`--headless` the station window opens instead (`ui.station.live`): the journal's history, the
inbox with verification badges, the operator's answers, the link state and the reports waiting.
Either stops cleanly on SIGTERM/SIGINT (headless) or SIGTERM / closing the window, or after
`--duration` seconds.

A headless station whose journal cannot be written (a full disk) stops: the one line naming the
journal, the cause and the fix goes to stderr (once) and it exits with code 3
(`JOURNAL_FAILED_EXIT`), which `baton demo` reports as that journal's failure.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from command.authority.book import AuthorityBook
from command.authority.keys import load_public_key, load_signer, load_trust
from command.authority.orders import DEFAULT_MAX_SKEW_S
from command.clock import Clock, SimulatedClock, SystemClock
from command.errors import BatonError
from command.journal.checkpoints import CheckpointPolicy
from command.lifecycle import Step
from command.model import JSON
from command.scenarios.loader import load_scenario
from command.scenarios.operator import WALL_DECIDE_WITHIN_S, SimulatedOperator, wall_paced
from command.scenarios.scenario import Scenario
from command.station_desk import BookVerifier, PlanFn
from protocols.certs import load_curve_keys, load_curve_public
from protocols.console_link import DEFAULT_ORDERS_ADDRESS
from protocols.delivery import WireConfig
from protocols.engine import Engine
from protocols.nodes import StationNode, StationSettings
from protocols.runtime.supervisor import JOURNAL_FAILED_EXIT
from ui.commands.look import add_look_options


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
        "--signing-key",
        type=Path,
        metavar="FILE",
        help="the station's Ed25519 key its reports are signed with (default: ID.sign in "
        "--keys, if there); the console's allow-list holds its public half",
    )
    parser.add_argument(
        "--console-key",
        type=Path,
        metavar="FILE",
        required=True,
        help="the console's CURVE public key file (console.key)",
    )
    parser.add_argument(
        "--console-signer",
        type=Path,
        metavar="PUBFILE",
        help="the commander's Ed25519 public key (.sign.pub): the console checkpoints this "
        "station witnesses must be signed by it (without: the first key seen is pinned)",
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
    parser.add_argument(
        "--origin",
        type=float,
        metavar="WALL_TS",
        help="run on the scenario clock: wall time (epoch seconds) of scenario minute 0, shared "
        "with the console and the simulator (needs --scenario)",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        metavar="N",
        help="scenario seconds per wall second with --origin (default 1)",
    )
    parser.add_argument(
        "--max-skew",
        type=float,
        default=DEFAULT_MAX_SKEW_S,
        metavar="S",
        help="wall seconds an order's signing time may differ from this station's clock "
        f"(default {DEFAULT_MAX_SKEW_S:g}): an order signed further ahead is refused "
        "(clock_skew), and revocation and window are judged at max(issued_at, receipt - skew); "
        "on a scenario clock (--origin) it is converted to scenario seconds (x --speed)",
    )
    parser.add_argument(
        "--operator-wall",
        action="store_true",
        help="the simulated operator's answers are wall seconds, not scenario seconds: on a "
        "scenario clock (--origin) it acknowledges and accepts or declines as a person would "
        f"(within {WALL_DECIDE_WITHIN_S:g} wall seconds of receipt), and the work then goes at "
        "the scenario's pace (baton demo sets it whenever a window is open)",
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
    add_look_options(parser, "the station window", "English, light")
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
    signing_key = args.signing_key or args.keys / f"{args.id}.sign"
    # Without one, reports go unsigned: a console that checks signatures refuses them (and
    # says so in both journals).
    signer = None
    if args.signing_key is not None or signing_key.exists():
        signer = load_signer(signing_key, args.id)
    if not math.isfinite(args.max_skew) or args.max_skew < 0:
        raise BatonError(f"--max-skew must be a number of seconds >= 0, got {args.max_skew}")
    skew_scale = args.speed if args.origin is not None else 1.0  # wall → clock seconds
    book = AuthorityBook(load_trust(args.trust), actor=args.id, max_skew=args.max_skew * skew_scale)
    clock: Clock = SystemClock()
    plan = None
    scenario = load_scenario(args.scenario) if args.scenario else None
    if args.origin is not None:
        clock = _scenario_clock(scenario, args.origin, args.speed)
    if scenario is not None:
        plan = operator_plan(
            scenario, args.id, wall_speed=skew_scale if args.operator_wall else None
        )

    settings = StationSettings(
        station_id=args.id,
        journal_path=args.journal or Path(f"station-{args.id}.db"),
        clock=clock,
        verifier=BookVerifier(book),
        keys=keys,
        console_public=console_public,
        address=args.connect,
        wire=WireConfig.paced(args.speed if args.origin is not None else 1.0, args.heartbeat),
        accept_after_s=args.accept_after if args.headless else None,
        complete_after_s=args.complete_after,
        operator_plan=plan if args.headless else None,
        signer=signer,
        # 200 events or 10 wall seconds per checkpoint (the scenario clock runs `speed` x faster)
        checkpoints=CheckpointPolicy(every_s=10.0 * skew_scale),
        console_key=None if args.console_signer is None else load_public_key(args.console_signer),
    )
    if not args.headless:
        return _run_window(args, settings)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    # The engine's one line on a journal failure (and any loop error) goes to stderr.
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
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
    return 0 if engine.failure is None else JOURNAL_FAILED_EXIT


def operator_plan(scenario: Scenario, station_id: str, wall_speed: float | None = None) -> PlanFn:
    """The scenario's simulated operator for one station, as the station node runs it (delays in
    seconds of the station's clock). With `wall_speed` (the clock's seconds per wall second) its
    desk answers are wall seconds, deciding within `WALL_DECIDE_WITHIN_S` (`wall_paced`)."""
    operator = SimulatedOperator(scenario.operator(station_id))

    def plan(order_id: str) -> list[tuple[float, Step, dict[str, JSON]]]:
        steps = operator.plan(order_id)
        if wall_speed is not None:
            steps = wall_paced(steps, wall_speed)
        return [(p.delay_s, p.step, dict(p.detail)) for p in steps]

    return plan


def _scenario_clock(scenario: Scenario | None, origin: float, speed: float) -> Clock:
    """The shared scenario clock (`--origin`, `--speed`), as the console and simulator run it."""
    if scenario is None:
        raise BatonError("--origin needs --scenario (the scenario's start is minute 0)")
    if not math.isfinite(origin):
        raise BatonError(f"--origin must be epoch seconds, got {origin}")
    if not math.isfinite(speed) or speed <= 0:
        raise BatonError(f"--speed must be a positive number, got {speed}")
    return SimulatedClock.from_origin(scenario.start, speed, origin)


def _run_window(args: argparse.Namespace, settings: StationSettings) -> int:
    """The station window: the engine journals and sends what the operator answers."""
    from PySide6.QtCore import QTimer

    from ui.qtapp import apply_look, ensure_app, exec_until_closed
    from ui.station.live import LiveStation, window_for

    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        raise BatonError(
            "no display for the station window: run with --headless, or set "
            "QT_QPA_PLATFORM=offscreen"
        )
    app = ensure_app(offscreen=False)
    scenario = load_scenario(args.scenario) if args.scenario else None
    window = window_for(args.id, scenario, settings.clock.now)
    apply_look(window, args.theme, args.lang)
    live = LiveStation(window, settings)
    live.start()
    print(f"baton station {args.id}: window open, console at {args.connect}", file=sys.stderr)
    window.show()
    if args.duration > 0:
        QTimer.singleShot(int(args.duration * 1000), app.quit)

    def cleanup() -> None:
        live.stop()
        window.close()

    exec_until_closed(app, app.quit, cleanup)
    return 0
