"""The one QApplication of a process, created on demand (CLI tools that draw offscreen), and how
a window command applies `--theme`/`--lang` and runs until closed or SIGTERM."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def ensure_app(offscreen: bool = True) -> QApplication:
    """Return the QApplication, creating it (offscreen unless a display is wanted) if needed."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    if offscreen and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return QApplication(sys.argv[:1])


class Looks(Protocol):
    """A window with the View menu's theme and language switches."""

    def set_theme(self, name: str) -> None:
        """Switch theme."""

    def set_language(self, code: str) -> None:
        """Switch language."""


def apply_look(window: Looks, theme_name: str | None, language: str | None) -> None:
    """`--theme` and `--lang`: switch as the View menu would (and so saved on close)."""
    if theme_name is not None:
        window.set_theme(theme_name)
    if language is not None:
        window.set_language(language)


def exec_until_closed(
    app: QApplication, close: Callable[[], object], cleanup: Callable[[], None]
) -> None:
    """Run `app` until it quits, then `cleanup` (always). SIGTERM calls `close`, as the user
    closing the window would; a 200 ms timer lets Python see the signal between Qt events."""
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda *_: close())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(200)
    try:
        app.exec()
    finally:
        wake.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        cleanup()
