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
from importlib.metadata import EntryPoint, entry_points
from typing import Any

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


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full argument parser, one sub-parser per subcommand module present.

    With `only` (a subcommand's name), just that subcommand is registered: each command module
    imports what it runs (the demo, Qt, the authority, NumPy), so `baton verify` need not pay
    for all of them at start-up. A name that is not found falls back to the full parser.
    """
    if only is not None:
        narrow = _one_command_parser(only)
        if narrow is not None:
            return narrow
    parser = _top_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        _register_built_in(sub, name)
    registered = set(SUBCOMMANDS)
    for ep in sorted(entry_points(group=COMMANDS_GROUP), key=lambda e: e.name):
        if ep.name in registered:
            continue  # the first registration of a name wins; built-ins are never replaced
        if _register_entry_point(sub, ep):
            registered.add(ep.name)
    return parser


def _one_command_parser(name: str) -> argparse.ArgumentParser | None:
    parser = _top_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if name in SUBCOMMANDS:
        return parser if _register_built_in(sub, name) else None
    for ep in entry_points(group=COMMANDS_GROUP):
        if ep.name == name:
            return parser if _register_entry_point(sub, ep) else None
    return None


def _top_parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="baton",
        description="Baton: a console for delegated emergency command.",
        epilog="Run 'baton COMMAND --help' for the options of one command.",
    )


def _register_built_in(sub: Any, name: str) -> bool:
    try:
        module = importlib.import_module(f"ui.commands.{name}")
    except ModuleNotFoundError as err:
        if err.name != f"ui.commands.{name}":
            raise
        return False  # not built yet
    module.register(sub)
    return True


def _register_entry_point(sub: Any, ep: EntryPoint) -> bool:
    try:
        register = ep.load()
    except ModuleNotFoundError as err:
        if not err.name or not f"{ep.module}.".startswith(f"{err.name}."):
            raise
        return False  # installed metadata names a module this copy does not have
    register(sub)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `baton` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = args_list[0] if args_list and not args_list[0].startswith("-") else None
    parser = build_parser(only=first)
    args = parser.parse_args(args_list)
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
