"""`baton console --scenario NAME|FILE ...`: the commander's console for one scenario.

Provisions keys and grants for the scenario when needed (`protocols.runtime.provision`), then
runs the live console (`protocols.runtime.console`): the window (`ui.console.launch`), or with
`--headless` the engine alone (optionally with the playbook autopilot) until SIGTERM/SIGINT or
`--duration`, printing a summary at the end.

`--feeds` may be given more than once: a ZeroMQ address (at most one) moves the feed bus, each
`mqtt://` or `mqtts://` address subscribes to a broker by the scenario's `mqtt:` rules
(`protocols.mqtt_feeds`); the ZeroMQ feed bus stays on either way.
"""

from __future__ import annotations

import argparse
import math
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from command.authority.orders import DEFAULT_MAX_SKEW_S
from command.errors import BatonError
from command.journal import Journal
from command.scenarios.loader import load_scenario, scenario_names
from command.vocabulary import Kind
from protocols.console_link import DEFAULT_ORDERS_ADDRESS
from protocols.feedbus import DEFAULT_FEED_ADDRESS
from protocols.mqtt_feeds import PASSWORD_ENV, is_mqtt_url, parse_mqtt_url
from protocols.runtime.console import ConsoleOptions, ConsoleRuntime
from protocols.runtime.provision import default_data_dir, provision
from ui.commands.simulate import snapshot_address_for
from ui.console.launch import run_console_window


def register(subparsers: Any) -> None:
    """Add the `console` subcommand."""
    parser = subparsers.add_parser(
        "console",
        help="run the commander's console for a scenario",
        description="Open the commander's console (or run it headless) for one scenario.",
    )
    parser.add_argument(
        "--scenario",
        required=True,
        metavar="NAME|FILE",
        help=f"{' | '.join(scenario_names())} or a scenario YAML path",
    )
    parser.add_argument(
        "--journal",
        type=Path,
        metavar="PATH",
        help="console journal (default: DATA_DIR/SCENARIO/console.db)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"keys and grants (default {default_data_dir()})",
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, metavar="N", help="scenario seconds per wall second"
    )
    parser.add_argument(
        "--origin",
        type=float,
        metavar="WALL_TS",
        help="wall time (epoch seconds) of scenario minute 0, shared with the simulator and "
        "stations (default: now)",
    )
    parser.add_argument(
        "--orders",
        default=DEFAULT_ORDERS_ADDRESS,
        metavar="ADDR",
        help=f"address the stations connect to (default {DEFAULT_ORDERS_ADDRESS})",
    )
    parser.add_argument(
        "--feeds",
        action="append",
        metavar="ADDR",
        help=f"feed bus address (default {DEFAULT_FEED_ADDRESS}; snapshots on the next port), "
        "or an MQTT broker: mqtt://[USER@]HOST[:PORT][/TOPIC] or mqtts://... (TOPIC may hold "
        "+ and #; default: the topics of the scenario's mqtt: rules); may be repeated",
    )
    parser.add_argument("--mqtt-username", metavar="USER", help="user name for MQTT brokers")
    parser.add_argument(
        "--mqtt-password",
        metavar="PASS",
        help=f"password for MQTT brokers (visible in ps: prefer the {PASSWORD_ENV} variable)",
    )
    parser.add_argument(
        "--mqtt-ca", type=Path, metavar="FILE", help="CA certificate(s) for mqtts:// brokers"
    )
    parser.add_argument(
        "--max-skew",
        type=float,
        default=DEFAULT_MAX_SKEW_S,
        metavar="SECONDS",
        help="wall seconds a station report's stated time may lie outside the order's issue "
        f"time and its receipt here (default {DEFAULT_MAX_SKEW_S:g}; converted to scenario "
        "seconds at --speed); a report further off is refused (clock_skew)",
    )
    parser.add_argument(
        "--centre",
        metavar="ADDR",
        help="operations centre to ship this site's journal to (e.g. tcp://HOST:7711); the "
        "site keeps working while it is unreachable and catches up on return",
    )
    parser.add_argument(
        "--centre-key", type=Path, metavar="FILE", help="the centre's CURVE public key file"
    )
    parser.add_argument(
        "--centre-name", default="centre", metavar="NAME", help="the centre's name (default centre)"
    )
    parser.add_argument(
        "--uplink-key",
        type=Path,
        metavar="FILE",
        help="this site's uplink CURVE secret (default DATA_DIR/SCENARIO/uplink/uplink.key_secret)",
    )
    parser.add_argument(
        "--site",
        default="",
        metavar="NAME",
        help="this site's name on the centre's allow-list (default: the commander's)",
    )
    parser.add_argument(
        "--headless", action="store_true", help="no window: run the engine, print a summary"
    )
    parser.add_argument(
        "--autopilot",
        type=float,
        metavar="S",
        help="approve every suggestion after S scenario seconds (headless demo commander)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=0.0,
        metavar="S",
        help="stop after S wall seconds (0: until closed, SIGTERM or Ctrl-C)",
    )
    parser.add_argument(
        "--units",
        type=Path,
        metavar="FILE",
        help="draw the TAK units that `baton tak --units-out FILE` writes on the map",
    )
    parser.set_defaults(func=run)


def options_from(args: argparse.Namespace) -> ConsoleOptions:
    """Load the scenario, provision its keys and grants, and build the console options."""
    if not math.isfinite(args.speed) or args.speed <= 0:
        raise BatonError(f"--speed must be a positive number, got {args.speed}")
    if args.origin is not None and not math.isfinite(args.origin):
        raise BatonError(f"--origin must be epoch seconds, got {args.origin}")
    if not math.isfinite(args.duration) or args.duration < 0:
        raise BatonError(f"--duration must be zero or more seconds, got {args.duration}")
    if args.autopilot is not None and (not math.isfinite(args.autopilot) or args.autopilot < 0):
        raise BatonError(f"--autopilot must be zero or more seconds, got {args.autopilot}")
    if not math.isfinite(args.max_skew) or args.max_skew < 0:
        raise BatonError(f"--max-skew must be a number of seconds >= 0, got {args.max_skew}")
    if args.centre and args.centre_key is None:
        raise BatonError("--centre needs --centre-key FILE (the centre's CURVE public key)")
    feeds = [args.feeds] if isinstance(args.feeds, str) else list(args.feeds or [])
    zmq_feeds = [f for f in feeds if not is_mqtt_url(f)] or [DEFAULT_FEED_ADDRESS]
    if len(zmq_feeds) > 1:
        raise BatonError(f"--feeds: one ZeroMQ feed bus address, got {', '.join(zmq_feeds)}")
    mqtt = tuple(
        parse_mqtt_url(
            f, username=args.mqtt_username, password=args.mqtt_password, ca_file=args.mqtt_ca
        )
        for f in feeds
        if is_mqtt_url(f)
    )
    scenario = load_scenario(args.scenario)
    if mqtt and not scenario.mqtt:
        raise BatonError(
            f"--feeds {mqtt[0].shown}: scenario {scenario.name} has no mqtt: rules mapping topics "
            "to observations (see bund.yaml)"
        )
    data_dir = args.data_dir or default_data_dir()
    journal = args.journal or data_dir / scenario.name / "console.db"
    origin, speed = args.origin, args.speed
    if origin is None:
        # a restart on the same journal continues the incident's clock instead of rewinding it
        origin, speed = opened_clock(journal) or (time.time(), args.speed)
        if speed != args.speed:
            print(
                f"baton console: {journal} runs at {speed:g}x: continuing at that speed "
                "(give --origin to start the scenario clock afresh)",
                file=sys.stderr,
            )
    now_scenario = scenario.start + (time.time() - origin) * speed
    provisioned = provision(scenario, data_dir, now_scenario=now_scenario)
    return ConsoleOptions(
        scenario=scenario,
        provisioned=provisioned,
        journal=journal,
        origin=origin,
        speed=speed,
        orders_bind=args.orders,
        feeds_bind=zmq_feeds[0],
        snapshots_bind=snapshot_address_for(zmq_feeds[0]),
        autopilot_delay_s=args.autopilot,
        mqtt=mqtt,
        max_skew_s=args.max_skew,
        centre=args.centre,
        centre_key=args.centre_key,
        centre_name=args.centre_name,
        site=args.site,
        uplink_key=args.uplink_key,
    )


def opened_clock(journal: Path) -> tuple[float, float] | None:
    """(origin, speed) of the incident an existing console journal opened, if any."""
    if not journal.is_file():
        return None
    try:
        reader = Journal.open_readonly(journal)
    except BatonError:
        return None  # not a journal: the runtime will say so in one line
    try:
        opened = next(iter(reader.events(kinds=[Kind.INCIDENT_OPENED])), None)
    finally:
        reader.close()
    if opened is None:
        return None
    try:
        return float(opened.body["origin"]), float(opened.body["speed"])
    except (KeyError, TypeError, ValueError):
        return None


def run(args: argparse.Namespace) -> int:
    """Run the console (window or headless)."""
    options = options_from(args)
    for line in options.provisioned.describe():
        print(line, file=sys.stderr)
    print(
        f"baton console {options.scenario.name}: orders on {options.orders_bind}, feeds on "
        f"{options.feeds_bind}, journal {options.journal}, origin {options.origin:.3f}, "
        f"speed {options.speed:g}x",
        file=sys.stderr,
        flush=True,
    )
    for broker in options.mqtt:
        print(f"baton console: MQTT feed {broker.shown}", file=sys.stderr, flush=True)
    if not args.headless:
        return run_console_window(
            options, quit_after_s=args.duration or None, units_file=args.units
        )
    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    runtime = ConsoleRuntime(options)
    try:
        runtime.start()
        deadline = time.monotonic() + args.duration if args.duration > 0 else math.inf
        while not stop.is_set() and runtime.engine.running and time.monotonic() < deadline:
            stop.wait(min(0.2, max(0.0, deadline - time.monotonic())))
    finally:
        runtime.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    for line in runtime.summary().lines():
        print(line)
    for feed in runtime.mqtt_feeds:
        print(feed.summary_line())
    return 0
