"""The one QApplication of a process, created on demand (CLI tools that draw offscreen)."""

from __future__ import annotations

import os
import sys

from PySide6.QtWidgets import QApplication


def ensure_app(offscreen: bool = True) -> QApplication:
    """Return the QApplication, creating it (offscreen unless a display is wanted) if needed."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    if offscreen and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return QApplication(sys.argv[:1])
