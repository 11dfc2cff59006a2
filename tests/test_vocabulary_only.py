"""No module but command/vocabulary.py spells an event kind.

Writers build a typed body and call `Journal.record`; readers filter with `Kind` members and read
bodies through `decode`. This test scans every string constant (and every f-string that starts
with the family of several kinds, like f"order.{step}") in command/, protocols/ and ui/ and
fails on any that is an event kind.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from command.vocabulary import Kind

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("command", "protocols", "ui")
VOCABULARY = "command/vocabulary.py"
KINDS = frozenset(k.value for k in Kind)
_FAMILY = [k.value.split(".", 1)[0] + "." for k in Kind if "." in k.value]
FAMILIES = frozenset(f for f in _FAMILY if _FAMILY.count(f) > 1)
"""Prefixes of several kinds (order., suggestion., station., ...): an f-string starting with one
picks a kind by value. (alert. and the like name one kind only: f"alert.{id}" is an id.)"""

ALLOWED: dict[tuple[str, str], str] = {
    ("ui/commands/grant.py", "handover"): "the `baton grant handover` subcommand, not an event",
}
"""(file, string) pairs that equal a kind but mean something else, each with why."""


def _sources() -> Iterator[tuple[str, ast.AST]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel != VOCABULARY:
                yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)


def _kind_strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value in KINDS:
                yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and first.value in FAMILIES
            ):
                yield node.lineno, f"{first.value}{{...}}"


def _spelled() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for rel, tree in _sources():
        for line, text in _kind_strings(tree):
            if (rel, text) not in ALLOWED:
                found.setdefault(rel, []).append(f"{rel}:{line}: {text!r}")
    return found


def test_only_the_vocabulary_spells_event_kinds() -> None:
    found = _spelled()
    offending = [hit for _, hits in sorted(found.items()) for hit in hits]
    assert offending == [], (
        "event kinds spelled outside command/vocabulary.py (use Kind members and typed bodies "
        "with Journal.record):\n" + "\n".join(offending)
    )


def test_the_scan_sees_a_kind_and_an_f_string_family() -> None:
    tree = ast.parse('x = "order.issued"\ny = f"order.{step}"\nz = "order {id}"')
    assert [text for _, text in _kind_strings(tree)] == ["order.issued", "order.{...}"]
