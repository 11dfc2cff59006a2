"""Engine ↔ Qt bridge: hands batched engine events from the engine thread to the GUI thread.

The engine thread calls `post_events(batch)` / `post_picture(update)`; the bridge re-emits them on
the GUI thread through queued signals (`events`, `picture`), so GUI code never runs on the
engine thread and the engine never waits for the GUI. One bridge per window.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot


class EngineBridge(QObject):
    """Thread-safe relay: call `post_*` from any thread, connect to the signals in the GUI."""

    events = Signal(object)  # a tuple of journal Events, in journal order
    picture = Signal(object)  # one picture update (fusion output)
    _events_in = Signal(object)
    _picture_in = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Emitting from another thread on a queued connection posts an event to this object's
        # thread (the GUI thread it was created in); the slot then runs there.
        self._events_in.connect(self._relay_events, Qt.ConnectionType.QueuedConnection)
        self._picture_in.connect(self._relay_picture, Qt.ConnectionType.QueuedConnection)

    def post_events(self, batch: Sequence[Any]) -> None:
        """Queue a batch of events for the GUI thread (callable from any thread)."""
        if batch:
            self._events_in.emit(tuple(batch))

    def post_picture(self, update: Any) -> None:
        """Queue a picture update for the GUI thread (callable from any thread)."""
        self._picture_in.emit(update)

    @Slot(object)
    def _relay_events(self, batch: tuple[Any, ...]) -> None:
        self.events.emit(batch)

    @Slot(object)
    def _relay_picture(self, update: Any) -> None:
        self.picture.emit(update)
