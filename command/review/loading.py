"""Reading a journal for review: its events (with a progress callback) and its verify verdict."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from command.fold import IncidentState, fold
from command.journal import Event, Journal, verify_journal
from command.review.replay import ReplayIndex

Progress = Callable[[int], None]


@dataclass
class LoadedJournal:
    """A journal opened read-only, its events in seq order, and what they fold into."""

    path: Path
    journal: Journal
    events: list[Event]
    _state: IncidentState | None = field(default=None, repr=False)

    def state(self) -> IncidentState:
        """The fold of every event (for exports and the report; folded once)."""
        if self._state is None:
            self._state = fold(self.events)
        return self._state

    def replay(self) -> ReplayIndex:
        """The replay index (for state at T)."""
        return ReplayIndex(self.events, self.journal)

    def verdict(self) -> tuple[bool, str]:
        """`baton verify`'s verdict as (intact, one line)."""
        result = verify_journal(self.path)
        if result.ok:
            return True, f"intact: {result.events} events, {result.checkpoints} signed checkpoints"
        return False, f"NOT intact: {result.problem} at seq {result.first_bad_seq}"

    def close(self) -> None:
        """Release the read-only connection."""
        self.journal.close()


def load_journal(path: Path, progress: Progress | None = None) -> LoadedJournal:
    """Open `path` read-only and read every event (raises `JournalError` in one line)."""
    journal = Journal.open_readonly(path)
    events: list[Event] = []
    for ev in journal.events():
        events.append(ev)
        if progress is not None and len(events) % 1000 == 0:
            progress(1000)
    if progress is not None:
        progress(len(events) % 1000)
    return LoadedJournal(path, journal, events)
