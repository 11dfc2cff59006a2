"""`baton`'s parser: built-in subcommands from ui.commands, others from the `baton.commands`
entry point group (how `baton bench` arrives without ui importing the bench package)."""

from __future__ import annotations

import argparse
import sys
import types
from importlib.metadata import EntryPoint, EntryPoints
from typing import Any

import pytest

from ui import cli


def _fake_group(monkeypatch: pytest.MonkeyPatch, *eps: EntryPoint) -> None:
    found = EntryPoints(eps)
    monkeypatch.setattr(
        cli,
        "entry_points",
        lambda *, group: found if group == cli.COMMANDS_GROUP else EntryPoints(()),
    )


def _plugin(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    registered: list[str] = []
    module = types.ModuleType("fake_baton_plugin")

    def register(sub: Any) -> None:
        registered.append("fakecmd")
        p = sub.add_parser("fakecmd", help="a command from outside ui")
        p.set_defaults(func=lambda args: 7)

    def hijack(sub: Any) -> None:
        registered.append("demo")
        sub.add_parser("demo")

    module.register = register  # type: ignore[attr-defined]
    module.hijack = hijack  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_baton_plugin", module)
    return registered


def _choices(parser: argparse.ArgumentParser) -> set[str]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


def test_an_entry_point_adds_a_subcommand(monkeypatch: pytest.MonkeyPatch) -> None:
    registered = _plugin(monkeypatch)
    _fake_group(
        monkeypatch,
        EntryPoint("fakecmd", "fake_baton_plugin:register", cli.COMMANDS_GROUP),
    )
    assert "fakecmd" in _choices(cli.build_parser())
    assert cli.main(["fakecmd"]) == 7
    assert registered == ["fakecmd", "fakecmd"]


def test_a_built_in_is_never_replaced_and_a_missing_module_is_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered = _plugin(monkeypatch)
    _fake_group(
        monkeypatch,
        EntryPoint("demo", "fake_baton_plugin:hijack", cli.COMMANDS_GROUP),
        EntryPoint("gone", "no_such_baton_package.cli:register", cli.COMMANDS_GROUP),
    )
    choices = _choices(cli.build_parser())
    assert registered == []
    assert "demo" in choices and "gone" not in choices


def test_an_entry_point_whose_module_fails_inside_is_not_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = types.ModuleType("fake_baton_broken")
    monkeypatch.setitem(sys.modules, "fake_baton_broken", module)
    _fake_group(monkeypatch, EntryPoint("broken", "fake_baton_broken:register", cli.COMMANDS_GROUP))
    with pytest.raises(AttributeError):
        cli.build_parser()


def test_a_named_command_imports_only_its_own_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """`baton verify ...` registers verify alone (start-up does not import the demo or Qt)."""
    imported: list[str] = []
    real = cli.importlib.import_module

    def spy(name: str, package: str | None = None) -> Any:
        imported.append(name)
        return real(name, package)

    monkeypatch.setattr(cli.importlib, "import_module", spy)
    assert _choices(cli.build_parser(only="verify")) == {"verify"}
    assert imported == ["ui.commands.verify"]
    assert "verify" in _choices(cli.build_parser(only="no-such-command"))  # falls back to all
    assert len(_choices(cli.build_parser(only="no-such-command"))) > 5


def test_a_named_command_parses_as_the_full_parser_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["verify", "--help"])
    narrow = capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["verify", "--help"])
    assert capsys.readouterr().out == narrow
