"""The one journal method the delegation code needs (structural, so tests can use any journal)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
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


def transaction(journal: Appender) -> AbstractContextManager[Any]:
    """The journal's transaction when it has one (events then commit together), else a no-op."""
    begin = getattr(journal, "transaction", None)
    if begin is None:
        return nullcontext()
    ctx: AbstractContextManager[Any] = begin()
    return ctx
