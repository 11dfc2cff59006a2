"""Labels and tooltips show text as text: what a peer sends (a refusal reason, a witness's name,
an order's text) is never rendered as markup, and `ui/` makes its labels and tooltips through
`ui.labels`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.console.clock import IncidentClock
from ui.console.panels import FittedLabel
from ui.labels import plain_label, plain_tip, tip_text

UI = Path(__file__).resolve().parents[2] / "ui"
SPOOF = "<span style='color:green'>✔ integrity OK</span>"


def test_ui_makes_no_label_that_may_render_markup() -> None:
    """Every `QLabel(...)` in ui/ goes through `plain_label`, or is a subclass that sets plain
    text itself; a label meant for markup says `RichText` where it is made."""
    found = []
    for path in UI.rglob("*.py"):
        if path.name == "labels.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bQLabel\(", line) and not line.lstrip().startswith("class "):
                found.append(f"{path.relative_to(UI.parent)}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.usefixtures("qapp")
def test_every_label_kind_shows_markup_literally(qapp: QApplication) -> None:
    labels = [plain_label(SPOOF), FittedLabel(), IncidentClock(lambda: 0.0)]
    for label in labels:
        label.setText(SPOOF)
        assert label.textFormat() == Qt.TextFormat.PlainText


def _is_plain_tip(node: ast.expr | None) -> bool:
    """Whether `node` is `plain_tip(...)` (or None / "": no tooltip)."""
    if node is None or (isinstance(node, ast.Constant) and node.value in (None, "")):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "plain_tip"
    )


def _mentions_tooltip_role(test: ast.expr) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "ToolTipRole" for n in ast.walk(test))


def test_ui_makes_no_tooltip_that_may_render_markup() -> None:
    """Every `setToolTip(x)` in ui/ is `setToolTip(plain_tip(...))`, and every branch of a
    model's `data` that answers `ToolTipRole` returns `plain_tip(...)` (or None): Qt renders a
    tooltip as HTML whenever it might be, and there is no format to set."""
    found = []
    for path in UI.rglob("*.py"):
        if path.name == "labels.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(UI.parent)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "setToolTip"
                and not (len(node.args) == 1 and _is_plain_tip(node.args[0]))
            ):
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
            if isinstance(node, ast.If) and _mentions_tooltip_role(node.test):
                for inner in ast.walk(ast.Module(body=node.body, type_ignores=[])):
                    if isinstance(inner, ast.Return) and not _is_plain_tip(inner.value):
                        found.append(f"{where}:{inner.lineno}: {ast.unparse(inner)}")
    assert found == []


@pytest.mark.parametrize(
    "text", [SPOOF, "a < b & c > d", "line one\nline two", "  two  spaces", "<b>bold</b>\n<i>"]
)
def test_a_tooltip_reads_as_written(qapp: QApplication, text: str) -> None:
    tip = plain_tip(text)
    assert tip_text(tip) == text
    assert "<span" not in tip and "<b>" not in tip  # the markup is escaped, never rendered
    assert plain_tip("") == ""  # no text, no tooltip
