"""`baton centre --name NAME --dir DIR --signing-key KEY [--grant FILE] ...`: the district or
city operations centre.

Opens the centre window (incidents board, per-incident map, orders, decisions and timeline,
grants and SITREP requests from the screen) on the centre engine; `--headless` runs only the
engine (`protocols.runtime.centre.run_headless`) and prints what each site shipped. The centre
binds a CURVE ROUTER for its sites' uplinks (`--bind`), admitting the site consoles named in
`DIR/sites.yaml`; with `--up` it ships its own journal to the centre above (a district under the
city), whose window then lists the district's incidents too.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from command.errors import BatonError
from ui.commands.look import add_look_options

DEFAULT_BIND = "tcp://127.0.0.1:7711"  # protocols.centre_node.DEFAULT_CENTRE_ADDRESS


def register(subparsers: Any) -> None:
    """Add the `centre` subcommand."""
    parser = subparsers.add_parser(
        "centre",
        help="the operations centre: incidents board, grants and SITREPs (window or headless)",
        description=(
            "Run a district or city operations centre. The window lists every delegated "
            "incident (commander and key, scope, authority left, link and last heard, worst "
            "zone, open/late/declined orders, escalations, last witnessed checkpoint, SITREPs, "
            "integrity), shows the selected incident's zone map, orders, decisions and "
            "timeline, and issues, narrows, extends, revokes and hands over grants and "
            "requests SITREPs (Authority menu; Ctrl+G grant, Ctrl+E extend, Ctrl+R SITREP, "
            "Ctrl+F filter)."
        ),
        epilog=(
            "Files: DIR holds centre.key_secret/centre.key (CURVE) and sites.yaml "
            "(sites: {name: Z85 uplink key}), as `baton demo` provisions them. Give the "
            "centre the sites' scenario clock (--start, --origin, --speed) so grants are "
            "judged in their time."
        ),
    )
    parser.add_argument("--name", required=True, help="this centre's name (e.g. huangpu)")
    parser.add_argument(
        "--dir",
        type=Path,
        required=True,
        metavar="DIR",
        help="the centre's folder: centre.key_secret, centre.key, sites.yaml",
    )
    parser.add_argument(
        "--signing-key",
        type=Path,
        required=True,
        metavar="KEY",
        help="the authority key the centre signs grants with (NAME.sign, mode 0600)",
    )
    parser.add_argument(
        "--grant",
        type=Path,
        metavar="FILE",
        help="the centre's own grant chain (a district under the city); none for a root",
    )
    parser.add_argument(
        "--journal", type=Path, metavar="PATH", help="journal (default DIR/centre.sqlite)"
    )
    parser.add_argument(
        "--bind",
        default=DEFAULT_BIND,
        metavar="ADDR",
        help=f"site uplinks (default {DEFAULT_BIND})",
    )
    parser.add_argument(
        "--start", type=float, metavar="TS", help="scenario time at --origin (sites' clock)"
    )
    parser.add_argument("--origin", type=float, metavar="WALL_TS", help="wall time of --start")
    parser.add_argument("--speed", type=float, default=1.0, help="scenario speed (default 1)")
    parser.add_argument("--up", metavar="ADDR", help="ship this centre's journal to this centre")
    parser.add_argument("--up-key", type=Path, metavar="FILE", help="that centre's CURVE key")
    parser.add_argument("--up-name", default="city", help="that centre's name (default city)")
    parser.add_argument(
        "--up-secret", type=Path, metavar="FILE", help="this centre's uplink CURVE secret"
    )
    parser.add_argument(
        "--timezone",
        default="Asia/Shanghai",
        help="IANA zone the window shows times in (default Asia/Shanghai)",
    )
    parser.add_argument(
        "--headless", action="store_true", help="no window: run the engine, print a summary"
    )
    parser.add_argument(
        "--duration", type=float, default=0.0, metavar="S", help="stop after S seconds"
    )
    parser.add_argument(
        "--screenshot", type=Path, metavar="PNG", help="save the window after 3 s and exit"
    )
    add_look_options(parser, "the centre window", "as View last saved it")
    parser.set_defaults(func=run)


def options_of(args: argparse.Namespace) -> Any:
    """The runtime's `CentreOptions` from the command line (one-line errors name the file)."""
    from protocols.runtime.centre import CentreOptions
    from protocols.runtime.provision import CentreFiles

    folder: Path = args.dir
    files = CentreFiles(
        name=args.name,
        directory=folder,
        signing_key=args.signing_key,
        chain=args.grant,
        curve_secret=folder / "centre.key_secret",
        curve_public=folder / "centre.key",
        allow_list=folder / "sites.yaml",
    )
    for what, path in (
        ("CURVE secret", files.curve_secret),
        ("site allow-list", files.allow_list),
        ("signing key", files.signing_key),
    ):
        if not Path(path).is_file():
            raise BatonError(f"centre {args.name}: no {what} at {path}: check --dir/--signing-key")
    return CentreOptions(
        files=files,
        journal=args.journal or folder / "centre.sqlite",
        bind=args.bind,
        clock_start=args.start,
        origin=args.origin,
        speed=args.speed,
        up_address=args.up,
        up_key=args.up_key,
        up_name=args.up_name,
        up_secret=args.up_secret,
    )


def run(args: argparse.Namespace) -> int:
    """Run the centre: the window, or headless."""
    options = options_of(args)
    if args.headless:
        from protocols.runtime.centre import run_headless

        return run_headless(options, duration_s=args.duration)
    import os

    from protocols.runtime.display import display_packages_problem

    if not os.environ.get("DISPLAY") and args.screenshot is None:
        raise BatonError("no display (DISPLAY is unset): run `baton centre --headless`")
    problem = display_packages_problem(os.environ)
    if problem:
        raise BatonError(problem)
    if args.screenshot is not None and not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.centre.live import run_window

    return run_window(
        options,
        timezone=args.timezone,
        screenshot=args.screenshot,
        quit_after_s=args.duration or None,
        language=args.lang,
        theme_name=args.theme,
    )
