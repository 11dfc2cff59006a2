"""Labels that show text as text.

A `QLabel` left at Qt's default (`AutoText`) renders its text as HTML whenever it looks like
HTML anywhere in its first line, and much of what Baton's windows show comes from peers: a
station's decline reason, a witness's name, a site's summary, an order's text. `plain_label`
is the one way `ui/` makes a label (tests/ui/test_labels.py keeps it so); a label that needs
markup sets `Qt.TextFormat.RichText` itself and escapes every value it puts in.

Tooltips have the same trap and no format to set: Qt renders a tooltip as HTML whenever the
text might be rich text. `plain_tip` is the one way `ui/` makes a tooltip (every `setToolTip`
and every model's `ToolTipRole`; tests/ui/test_labels.py keeps it so): the text escaped into a
paragraph that keeps its line breaks and spaces, so it reads exactly as it was written.
"""

from __future__ import annotations

import html

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A `QLabel` showing `text` literally (`Qt.TextFormat.PlainText`), never as markup."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


ERROR_COLOUR = "#d9363e"  # a dialog's "what is wrong" line, in either theme


def error_label(name: str = "") -> QLabel:
    """A dialog's error line: plain text, wrapped, in `ERROR_COLOUR`; `name` its object name."""
    label = plain_label()
    if name:
        label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    return label


def plain_tip(text: str) -> str:
    """A tooltip that shows `text` literally, never as markup (empty stays empty: no tooltip)."""
    if not text:
        return ""
    return "<p style='white-space:pre'>" + html.escape(text, quote=False) + "</p>"


def tip_text(tip: str) -> str:
    """What a tooltip reads as on screen: `plain_tip(t)` reads as `t`."""
    text: str = QtGui.QTextDocumentFragment.fromHtml(tip).toPlainText()
    return text if QtGui.Qt.mightBeRichText(tip) else tip
