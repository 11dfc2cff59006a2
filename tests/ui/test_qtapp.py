"""`ui.qtapp`: `--theme`/`--lang` applied as the View menu would, and the run until SIGTERM."""

from __future__ import annotations

import os
import signal
import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ui.qtapp import apply_look, exec_until_closed


class _Window:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def set_theme(self, name: str) -> None:
        self.calls.append(f"theme {name}")

    def set_language(self, code: str) -> None:
        self.calls.append(f"language {code}")


def test_apply_look_switches_only_what_was_given() -> None:
    window = _Window()
    apply_look(window, None, None)
    assert window.calls == []
    apply_look(window, "dark", "zh_CN")
    assert window.calls == ["theme dark", "language zh_CN"]


def test_sigterm_closes_as_the_user_would_then_cleanup_runs_and_the_handler_is_restored(
    qapp: QApplication,
) -> None:
    log: list[str] = []
    before = signal.getsignal(signal.SIGTERM)

    def close() -> None:
        log.append("close")
        qapp.quit()

    # From another thread, as a supervisor's signal arrives while Qt waits in C: Python sees it
    # only when the main thread runs Python again (the wake timer's job).
    sender = threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGTERM))
    bound = QTimer()  # the bound if the signal were never seen
    bound.setSingleShot(True)

    def give_up() -> None:
        log.append("bound")
        qapp.quit()

    bound.timeout.connect(give_up)
    bound.start(5000)
    sender.start()
    exec_until_closed(qapp, close, lambda: log.append("cleanup"))
    sender.join()
    bound.stop()
    assert log == ["close", "cleanup"]
    assert signal.getsignal(signal.SIGTERM) is before


def test_cleanup_runs_when_the_loop_ends_without_a_signal(qapp: QApplication) -> None:
    log: list[str] = []
    QTimer.singleShot(10, qapp.quit)
    exec_until_closed(qapp, lambda: log.append("close"), lambda: log.append("cleanup"))
    assert log == ["cleanup"]
