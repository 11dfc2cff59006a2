"""Escalations raised by order timers, open until the order moves on."""

from __future__ import annotations

from dataclasses import dataclass, replace

from command.fold.rows import RowModel
from command.vocabulary import EscalationRaised, EscalationResolved, EventLike


@dataclass(frozen=True, slots=True)
class EscalationView:
    """One escalation; open until resolved."""

    id: str
    order_id: str
    station: str
    kind: str
    raised_at: float
    message: str
    resolved_at: float | None = None

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
        return False

    def open(self) -> list[EscalationView]:
        """Open escalations, oldest first."""
        return [r for r in self.rows if r.open]
