"""Labels show text as text: what a peer sends (a refusal reason, a witness's name, an order's
text) is never rendered as markup, and `ui/` makes its labels through `ui.labels`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.console.clock import IncidentClock
from ui.console.panels import FittedLabel
from ui.labels import plain_label

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
