"""Escalations raised by order timers, open until the order moves on."""

from __future__ import annotations

from dataclasses import dataclass, replace

from command.fold.rows import RowModel
from command.vocabulary import (
    AttentionAcknowledged,
    AttentionSubject,
    EscalationRaised,
    EscalationResolved,
    EventLike,
)


@dataclass(frozen=True, slots=True)
class EscalationView:
    """One escalation; open until resolved, highlighted until acknowledged."""

    id: str
    order_id: str
    station: str
    kind: str
    raised_at: float
    message: str
    resolved_at: float | None = None
    acknowledged: bool = False

    @property
    def open(self) -> bool:
        """True until resolved."""
        return self.resolved_at is None


class EscalationsModel(RowModel[EscalationView]):
    """Every escalation raised, with the open ones on top of mind."""

    def apply(self, ev: EventLike, body: object) -> bool:
        """Fold one decoded event; True when it touched this model."""
        if isinstance(body, EscalationRaised):
            e = body.escalation
            if self.row_of(e.id) is not None:
                return False
            self._insert(
                e.id,
                EscalationView(
                    id=e.id,
                    order_id=e.order_id,
                    station=e.station,
                    kind=e.kind.value,
                    raised_at=e.raised_at or ev.ts,
                    message=e.message,
                ),
            )
            return True
        if isinstance(body, EscalationResolved):
            row = self.get(body.id)
            if row is None or not row.open:
                return False
            self._update(row.id, replace(row, resolved_at=ev.ts))
            return True
        if isinstance(body, AttentionAcknowledged):
            # an escalation by its id; an order acknowledges every escalation it raised so far
            hits = [
                r
                for r in self.rows
                if not r.acknowledged
                and (
                    (body.subject == AttentionSubject.ESCALATION.value and r.id == body.id)
                    or (body.subject == AttentionSubject.ORDER.value and r.order_id == body.id)
                )
            ]
            for r in hits:
                self._update(r.id, replace(r, acknowledged=True))
            return bool(hits)
        return False

    def open(self) -> list[EscalationView]:
        """Open escalations, oldest first."""
        return [r for r in self.rows if r.open]

    def unacknowledged(self) -> list[EscalationView]:
        """Escalations the commander has not acknowledged (open or resolved), oldest first."""
        return [r for r in self.rows if not r.acknowledged]
