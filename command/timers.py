"""Per-state order timers: which escalations are due, when an order expires, and when an
escalation no longer applies. `check_timers(journal, now)` applies that policy to a journal
(the console's post calls it when a deadline comes, and every few seconds). An expiry is decided
here, once, by the console's clock, and queues the station's withdrawal in the same transaction
(see the crossing rule in `command.lifecycle`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from command.ids import new_id, short_id
from command.journal.store import OrderTimes, order_times
from command.lifecycle import EXPIRY_REASON, OrderState, Step
from command.model import Escalation, EscalationKind

if TYPE_CHECKING:
    from command.journal import Journal

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


def may_fire(order: OrderClock, now: float) -> bool:
    """Whether a timer has anything to do for `order` at `now` (an expiry or an escalation,
    raised or not yet)."""
    return should_expire(order, now) or bool(escalations_due(order, now))


def clock_of(times: OrderTimes) -> OrderClock:
    """The `OrderClock` of an open order's timer fields."""
    return OrderClock(
        times.order_id,
        times.station,
        OrderState(times.state),
        times.issued_at,
        times.ack_deadline,
        times.due,
    )


def escalation_message(kind: EscalationKind, order: OrderClock) -> str:
    """The line the commander reads for an escalation, naming the order by its short id (as
    every view does; the escalation's `order_id` field keeps the full id)."""
    name = short_id(order.order_id)
    if kind is EscalationKind.UNDELIVERED:
        return f"order {name} not delivered to {order.station} after 30 s: unreachable?"
    if kind is EscalationKind.NOT_ACCEPTED:
        return f"order {name} not accepted by {order.station} by its deadline"
    return f"order {name} not completed by {order.station} by its due time"


STILL_APPLIES: Mapping[str, frozenset[OrderState]] = {
    EscalationKind.UNDELIVERED.value: frozenset({OrderState.ISSUED}),
    EscalationKind.NOT_ACCEPTED.value: _AWAITING_ACCEPTANCE,
    EscalationKind.OVERDUE.value: _AWAITING_COMPLETION,
}
"""Escalation kind → the order states in which it still applies; a step to any other state
resolves it (the journal does so in the step's transaction)."""


def check_timers(
    journal: Journal, now: float, order_ids: Iterable[str] | None = None
) -> list[Escalation]:
    """Raise each due escalation once per order and kind; expire orders past due unaccepted,
    in one transaction. Returns the escalations raised by this call.

    Every open order is checked, or with `order_ids` only those of them still open (the ones
    whose deadline came: a burst of thousands of open orders is not re-read for a few). Only
    the orders a timer can fire for are read whole: the others' times come from
    `open_order_times`, and with none of them no transaction is opened."""
    raised: list[Escalation] = []
    store = journal.store  # raw rows: no events decoded, no fold
    if order_ids is None:
        order_ids = (t.order_id for t in store.open_order_times() if may_fire(clock_of(t), now))
    wanted = list(dict.fromkeys(order_ids))
    if not wanted:
        return raised
    with journal.transaction():
        seen: dict[str, set[str]] = {}
        found = (store.get_row("orders", key) for key in wanted)
        rows = [row for row in found if row is not None and row["open"]]
        escalations = [
            known
            for row in rows
            for known in store.select_rows("escalations", order_id=row["order"]["id"])
        ]
        for known in escalations:
            seen.setdefault(known["order_id"], set()).add(known["kind"])
        for row in rows:
            clock = clock_of(order_times(row))
            if should_expire(clock, now):
                journal.record_step(
                    clock.order_id,
                    Step.EXPIRE,
                    actor=journal.owner,
                    detail={"reason": "not accepted by its due time"},
                    ts=now,
                )
                # The station withdraws its copy too (durable, retried like any order message).
                journal.enqueue(
                    clock.station,
                    "CANCEL",
                    {"order_id": clock.order_id, "reason": EXPIRY_REASON},
                )
                continue
            for kind in escalations_due(clock, now):
                if kind.value in seen.get(clock.order_id, set()):
                    continue
                esc = Escalation(
                    new_id(now),
                    clock.order_id,
                    clock.station,
                    kind,
                    now,
                    escalation_message(kind, clock),
                )
                journal.raise_escalation(esc, ts=now)
                raised.append(esc)
    return raised
