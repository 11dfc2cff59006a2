"""The engine bridge delivers batches from another thread on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from protocols.commands import FeedRejected
from ui.bridge import EngineBridge


def test_events_posted_from_a_thread_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    bridge = EngineBridge()
    gui = QThread.currentThread()
    seen: list[tuple[object, bool]] = []
    bridge.events.connect(lambda batch: seen.append((batch, QThread.currentThread() is gui)))
    worker = threading.Thread(target=bridge.post_events, args=([1, 2, 3],))
    with qtbot.wait_signal(bridge.events):
        worker.start()
        worker.join()
    assert seen == [((1, 2, 3), True)]


def test_updates_relay_and_empty_batches_are_dropped(qtbot: QtBot) -> None:
    bridge = EngineBridge()
    got: list[object] = []
    bridge.events.connect(got.append)
    bridge.updates.connect(got.append)
    bridge.post_events([])
    bridge.post_updates([])
    update = FeedRejected("bad", "not signed")
    with qtbot.wait_signal(bridge.updates) as sig:
        bridge.post_updates([update])
    assert sig.args == [(update,)] and got == [(update,)]
