"""Per-state order timers: which escalations are due, and when an order expires."""

from __future__ import annotations

from dataclasses import dataclass

from command.lifecycle import OrderState
from command.model import EscalationKind

UNDELIVERED_AFTER_S = 30.0
"""An order not delivered this long after issue means the station is unreachable."""

_AWAITING_ACCEPTANCE = frozenset({OrderState.ISSUED, OrderState.DELIVERED, OrderState.ACKNOWLEDGED})
_AWAITING_COMPLETION = frozenset({OrderState.ACCEPTED, OrderState.IN_PROGRESS})


@dataclass(frozen=True, slots=True)
class OrderClock:
    """The times a timer needs to know about one order."""

    order_id: str
    station: str
    state: OrderState
    issued_at: float
    ack_deadline: float
    due: float


def escalations_due(order: OrderClock, now: float) -> tuple[EscalationKind, ...]:
    """Escalations that apply to `order` at `now` (callers raise each kind once)."""
    due: list[EscalationKind] = []
    if order.state is OrderState.ISSUED and now - order.issued_at >= UNDELIVERED_AFTER_S:
        due.append(EscalationKind.UNDELIVERED)
    if order.state in _AWAITING_ACCEPTANCE and now >= order.ack_deadline:
        due.append(EscalationKind.NOT_ACCEPTED)
    if order.state in _AWAITING_COMPLETION and now >= order.due:
        due.append(EscalationKind.OVERDUE)
    return tuple(due)


def should_expire(order: OrderClock, now: float) -> bool:
    """True when the order reached its due time without being accepted."""
    return order.state in _AWAITING_ACCEPTANCE and now >= order.due


def escalation_message(kind: EscalationKind, order: OrderClock) -> str:
    """The line the commander reads for an escalation."""
    if kind is EscalationKind.UNDELIVERED:
        return f"order {order.order_id} not delivered to {order.station} after 30 s: unreachable?"
    if kind is EscalationKind.NOT_ACCEPTED:
        return f"order {order.order_id} not accepted by {order.station} by its deadline"
    return f"order {order.order_id} not completed by {order.station} by its due time"
