"""The `baton` command line: the composition root that wires journals, links and windows together.

Every built-in subcommand lives in its own module under `ui.commands` and exposes
`register(subparsers) -> None`, setting `func(args) -> int` on its parser. Subcommands from
outside `ui` (which `ui` may not import, such as `baton bench` from the top-layer `bench`
package) are found through the `baton.commands` entry point group instead: each entry point
names such a `register` function, e.g. `bench = "bench.cli:register"` in pyproject.toml.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

from command.errors import BatonError

SUBCOMMANDS = (
    "demo",
    "console",
    "centre",
    "station",
    "simulate",
    "keys",
    "grant",
    "replay",
    "verify",
    "export",
    "cap",
    "tak",
)

COMMANDS_GROUP = "baton.commands"
"""Entry point group of subcommands registered from outside `ui` (value: `module:register`)."""


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
    registered = set(SUBCOMMANDS)
    for ep in sorted(entry_points(group=COMMANDS_GROUP), key=lambda e: e.name):
        if ep.name in registered:
            continue  # the first registration of a name wins; built-ins are never replaced
        try:
            register = ep.load()
        except ModuleNotFoundError as err:
            if not err.name or not f"{ep.module}.".startswith(f"{err.name}."):
                raise
            continue  # installed metadata names a module this copy does not have
        register(sub)
        registered.add(ep.name)
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
