"""Engine ↔ Qt bridge: hands batched engine events from the engine thread to the GUI thread.

The engine thread calls `post_events(events)` / `post_updates(updates)`; the bridge re-emits them
on the GUI thread through queued signals (`events`: a tuple of journal events; `updates`: a tuple
of `protocols.commands.Update` objects), so GUI code never runs on the engine thread and the
engine never waits for the GUI. One bridge per window.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, Signal, Slot

from command.journal import Event
from protocols.commands import Update


class EngineBridge(QObject):
    """Thread-safe relay: call `post_*` from any thread, connect to the signals in the GUI."""

    events = Signal(object)  # a tuple of journal Events, in journal order
    updates = Signal(object)  # a tuple of Update objects, in the order the engine made them
    _events_in = Signal(object)
    _updates_in = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Emitting from another thread on a queued connection posts an event to this object's
        # thread (the GUI thread it was created in); the slot then runs there.
        self._events_in.connect(self._relay_events, Qt.ConnectionType.QueuedConnection)
        self._updates_in.connect(self._relay_updates, Qt.ConnectionType.QueuedConnection)

    def post_events(self, batch: Sequence[Event]) -> None:
        """Queue a batch of events for the GUI thread (callable from any thread)."""
        if batch:
            self._events_in.emit(tuple(batch))

    def post_updates(self, updates: Sequence[Update]) -> None:
        """Queue the engine's updates for the GUI thread (callable from any thread)."""
        if updates:
            self._updates_in.emit(tuple(updates))

    @Slot(object)
    def _relay_events(self, batch: tuple[Event, ...]) -> None:
        self.events.emit(batch)

    @Slot(object)
    def _relay_updates(self, updates: tuple[Update, ...]) -> None:
        self.updates.emit(updates)
