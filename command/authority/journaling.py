"""The one journal method the delegation code needs (structural, so tests can use any journal)."""

from __future__ import annotations

from typing import Any, Protocol


class Appender(Protocol):
    """Anything with the journal's `append` (command.journal.Journal satisfies it)."""

    def append(
        self,
        kind: str,
        body: dict[str, Any],
        *,
        actor: str | None = None,
        incident: str = "",
        ts: float | None = None,
    ) -> Any:
        """Append one event."""
        ...
