"""The one journal method the delegation code needs (structural, so tests can use any journal)."""

from __future__ import annotations

from typing import Any, Protocol

from command.vocabulary import EventBody


class Recorder(Protocol):
    """Anything with the journal's `record` (command.journal.Journal satisfies it)."""

    def record(
        self,
        body: EventBody,
        *,
        actor: str | None = None,
        incident: str | None = None,
        ts: float | None = None,
    ) -> Any:
        """Journal one typed event body."""
        ...
