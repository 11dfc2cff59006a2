"""The `baton` command line: the composition root that wires journals, links and windows together.

Every subcommand lives in its own module under `ui.commands` and exposes
`register(subparsers) -> None`, setting `func(args) -> int` on its parser.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from command.errors import BatonError

SUBCOMMANDS = (
    "demo",
    "console",
    "station",
    "simulate",
    "keys",
    "grant",
    "replay",
    "verify",
    "export",
    "bench",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, one sub-parser per subcommand module present."""
    parser = argparse.ArgumentParser(
        prog="baton",
        description="Baton: a console for delegated emergency command.",
        epilog="Run 'baton COMMAND --help' for the options of one command.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"ui.commands.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"ui.commands.{name}":
                raise
            continue  # not built yet
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `baton` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except BatonError as err:
        print(f"baton: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("baton: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
