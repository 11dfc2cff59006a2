"""`baton demo [bund|typhoon|disney] [--headless] ...`: run a whole scenario with one command.

`protocols.runtime.demo` runs it; this module reads the command line and hands over the console
window (`ui.console.launch`), which loads Qt only when a window opens.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from command.authority.orders import DEFAULT_MAX_SKEW_S
from protocols.runtime.demo import (
    DEFAULT_SCENARIO,
    HEADLESS_SPEED,
    SCENARIOS,
    WINDOW_SPEED,
    DemoArgs,
    run_demo,
)
from protocols.runtime.display import display_packages_problem
from ui.commands.look import add_look_options
from ui.console.launch import QtConsoleWindow


def register(subparsers: Any) -> None:
    """Add the `demo` subcommand."""
    parser = subparsers.add_parser(
        "demo",
        help="run a scenario end to end on loopback: console, stations, feed simulator",
        description=(
            "Provision keys and grants, start every station (headless) and the feed simulator, "
            "and run the console: the window, or --headless with the playbooks' suggestions "
            "approved automatically and a summary at the end. Ctrl-C stops everything."
        ),
    )
    parser.add_argument(
        "scenario",
        nargs="?",
        default=DEFAULT_SCENARIO,
        metavar="SCENARIO",
        help=f"{' | '.join(SCENARIOS)} or a scenario YAML file (default {DEFAULT_SCENARIO})",
    )
    parser.add_argument(
        "--headless",
        action="store_true",
        help="no window: the autopilot approves suggestions; print a summary at the end",
    )
    parser.add_argument(
        "--speed",
        type=float,
        metavar="N",
        help=f"scenario seconds per wall second (default {HEADLESS_SPEED:g} headless or with "
        f"--screenshot, {WINDOW_SPEED:g} with the window)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        metavar="S",
        help="stop after S wall seconds (default: the whole scenario headless, until the "
        "window closes otherwise)",
    )
    parser.add_argument(
        "--journal",
        type=Path,
        metavar="PATH",
        help="the console journal, a new file; station journals go to its folder's stations/ "
        "(default: a fresh run folder in the data directory)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="where keys, grants and runs are kept (default: the user data directory)",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="DIR",
        help="save PNGs of the console at three moments of the run into DIR, then exit",
    )
    parser.add_argument(
        "--station-windows",
        type=int,
        default=0,
        metavar="N",
        help="open the first N stations as windows (default 0: all headless)",
    )
    parser.add_argument(
        "--max-skew",
        type=float,
        default=DEFAULT_MAX_SKEW_S,
        metavar="SECONDS",
        help=f"maximum clock skew in wall seconds (default {DEFAULT_MAX_SKEW_S:g}), for the "
        "console (station reports) and every station (baton station --max-skew: orders)",
    )
    parser.add_argument(
        "--centre",
        action="store_true",
        help="also run the scenario's district operations centre (its window, or headless its "
        "engine): the console reports up to it; disney: the centre hands on-site command to the "
        "Pudong district at minute 150",
    )
    parser.add_argument(
        "--multi",
        action="store_true",
        help="run bund and typhoon at once, each with its console and stations, under one "
        "Huangpu district centre (implies --centre; the typhoon console is autopiloted)",
    )
    add_look_options(
        parser,
        "the console and station windows, screenshots included",
        "the console's last View menu choice",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo (a window first needs Qt's display libraries: one line naming the missing
    Debian packages instead of Qt aborting)."""
    if not args.headless:
        problem = display_packages_problem(os.environ)
        if problem:
            print(f"baton demo: {problem} (or run it with --headless)", file=sys.stderr)
            return 1
    return run_demo(
        DemoArgs(
            scenario=args.scenario,
            headless=args.headless,
            speed=args.speed,
            duration=args.duration,
            journal=args.journal,
            data_dir=args.data_dir,
            screenshot=args.screenshot,
            station_windows=args.station_windows,
            max_skew=args.max_skew,
            centre=args.centre,
            multi=args.multi,
            language=args.lang,
            theme=args.theme,
        ),
        window=QtConsoleWindow(),
    )
