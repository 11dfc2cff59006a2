"""SITREP requests a centre sent this site console, and whether they were answered."""

from __future__ import annotations

from dataclasses import dataclass, replace

from command.vocabulary import EventLike, SitrepRequested, SitrepSent


@dataclass(frozen=True, slots=True)
class SitrepAsk:
    """One SITREP request as the site's journal tells it."""

    sitrep_id: str
    asked_by: str
    due_ts: float
    note: str
    requested_at: float
    answered_at: float | None = None

    @property
    def answered(self) -> bool:
        """True once the site sent its report (`sitrep.sent`)."""
        return self.answered_at is not None

    def overdue(self, now: float) -> bool:
        """True when still unanswered at `now`, past its due time."""
        return self.answered_at is None and now > self.due_ts


class SitrepsModel:
    """The SITREP requests received (`sitrep.requested`) and answered (`sitrep.sent`), in order."""

    def __init__(self) -> None:
        self._asks: dict[str, SitrepAsk] = {}

    def __len__(self) -> int:
        return len(self._asks)

    def copy(self) -> SitrepsModel:
        """A copy with its own table of requests (the frozen requests are shared)."""
        new = SitrepsModel()
        new._asks = dict(self._asks)
        return new

    def apply(self, ev: EventLike, body: object) -> bool:
        """Fold one decoded event; True when a request was added or answered."""
        if isinstance(body, SitrepRequested):
            if body.sitrep_id in self._asks:
                return False
            self._asks[body.sitrep_id] = SitrepAsk(
                body.sitrep_id, body.asked_by, body.due_ts, body.note, ev.ts
            )
            return True
        if isinstance(body, SitrepSent):
            ask = self._asks.get(body.sitrep_id)
            if ask is None or ask.answered:
                return False
            self._asks[body.sitrep_id] = replace(ask, answered_at=ev.ts)
            return True
        return False

    def all(self) -> list[SitrepAsk]:
        """Every request, oldest first."""
        return list(self._asks.values())

    def get(self, sitrep_id: str) -> SitrepAsk | None:
        """The request `sitrep_id`, or None."""
        return self._asks.get(sitrep_id)

    def open(self) -> list[SitrepAsk]:
        """The requests not answered yet, oldest first."""
        return [a for a in self._asks.values() if not a.answered]
