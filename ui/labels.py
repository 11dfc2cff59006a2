"""Labels that show text as text.

A `QLabel` left at Qt's default (`AutoText`) renders its text as HTML whenever it looks like
HTML anywhere in its first line, and much of what Baton's windows show comes from peers: a
station's decline reason, a witness's name, a site's summary, an order's text. `plain_label`
is the one way `ui/` makes a label (tests/ui/test_labels.py keeps it so); a label that needs
markup sets `Qt.TextFormat.RichText` itself and escapes every value it puts in.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A `QLabel` showing `text` literally (`Qt.TextFormat.PlainText`), never as markup."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
