"""The order lifecycle as an explicit transition table, plus per-state timers.

States: draft → issued → delivered → acknowledged → accepted | declined → in_progress →
completed | failed, plus cancelled (by the commander), expired (not accepted by its due time) and
rejected (refused by the station: authority or a malformed order).

Withdrawal and the crossing rule (both ends agree on every order). The console decides an
order's expiry (its due time passed unaccepted, by the console's clock) and its cancellation,
once; in the same transaction it queues a durable withdrawal (the CANCEL message; an expiry's
carries `EXPIRY_REASON`) for the station, which takes its copy to the same state, `expired` or
`cancelled` (`withdrawal_step`), so the fold of either journal ends in the same state. **The
console's decision wins**: an accept (or any later report) that crosses the withdrawal on the
wire is journaled at the console as `order.crossed` (the commander sees it; the order stays
withdrawn), and the station, when the withdrawal arrives, journals the expiry/cancellation with
`overruled` (the step of its own that was overruled) and shows "withdrawn — your accept crossed
the expiry". Only work the station had already finished (completed, failed, declined) when the
withdrawal arrived cannot be undone: the station journals `order.crossed`, keeps its state, and
the merge of the journals lists the order as a disagreement for a person to resolve.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType

from command.errors import IllegalTransition


class OrderState(StrEnum):
    """Where an order is in its life."""

    DRAFT = "draft"
    ISSUED = "issued"
    DELIVERED = "delivered"
    ACKNOWLEDGED = "acknowledged"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REJECTED = "rejected"  # refused by the station for authority or as malformed
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def terminal(self) -> bool:
        """True when no further step is possible."""
        return self in TERMINAL_STATES

    @property
    def open(self) -> bool:
        """True while the order still asks something of someone."""
        return self not in TERMINAL_STATES and self is not OrderState.DRAFT


class Step(StrEnum):
    """Something that happens to an order; each is journaled with its actor and time."""

    ISSUE = "issue"  # commander, committed to the journal
    DELIVER = "deliver"  # station journaled it (transport ack)
    ACKNOWLEDGE = "acknowledge"  # station operator has seen it
    ACCEPT = "accept"
    DECLINE = "decline"
    REJECT = "reject"  # the station refused the order (authority, malformed): not an operator's no
    START = "start"
    PROGRESS = "progress"
    COMPLETE = "complete"
    FAIL = "fail"
    CANCEL = "cancel"  # commander
    EXPIRE = "expire"  # timer: not accepted by its due time


S = OrderState
TERMINAL_STATES = frozenset({S.DECLINED, S.REJECTED, S.COMPLETED, S.FAILED, S.CANCELLED, S.EXPIRED})
_CANCELLABLE = (S.DRAFT, S.ISSUED, S.DELIVERED, S.ACKNOWLEDGED, S.ACCEPTED, S.IN_PROGRESS)
_EXPIRABLE = (S.ISSUED, S.DELIVERED, S.ACKNOWLEDGED)
# At a station, the console's expiry overrules an accept that crossed it on the wire (the
# console's timers never expire an accepted order: see `timers.should_expire`).
_OVERRULED_BY_EXPIRY = (S.ACCEPTED, S.IN_PROGRESS)
WITHDRAWN_STATES = frozenset({S.CANCELLED, S.EXPIRED})
"""The states the console's withdrawal takes an order to, at both ends."""
EXPIRY_REASON = "expired: not accepted by its due time"
"""The reason an expiry's withdrawal carries (a commander's cancel may not use it)."""

_table: dict[tuple[OrderState, Step], OrderState] = {
    (S.DRAFT, Step.ISSUE): S.ISSUED,
    (S.ISSUED, Step.DELIVER): S.DELIVERED,
    (S.DELIVERED, Step.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.ACKNOWLEDGED, Step.ACCEPT): S.ACCEPTED,
    (S.ACKNOWLEDGED, Step.DECLINE): S.DECLINED,
    (S.ACCEPTED, Step.START): S.IN_PROGRESS,
    (S.ACCEPTED, Step.PROGRESS): S.IN_PROGRESS,
    (S.IN_PROGRESS, Step.PROGRESS): S.IN_PROGRESS,
    # A station may finish (or fail) without reporting progress first.
    (S.ACCEPTED, Step.COMPLETE): S.COMPLETED,
    (S.ACCEPTED, Step.FAIL): S.FAILED,
    (S.IN_PROGRESS, Step.COMPLETE): S.COMPLETED,
    (S.IN_PROGRESS, Step.FAIL): S.FAILED,
}
_table.update({(state, Step.CANCEL): S.CANCELLED for state in _CANCELLABLE})
_table.update({(state, Step.EXPIRE): S.EXPIRED for state in _EXPIRABLE})
_table.update({(state, Step.EXPIRE): S.EXPIRED for state in _OVERRULED_BY_EXPIRY})
_table.update({(state, Step.REJECT): S.REJECTED for state in _EXPIRABLE})

TRANSITIONS: MappingProxyType[tuple[OrderState, Step], OrderState] = MappingProxyType(_table)
"""(state, step) → next state. Anything not in this table is illegal."""


def next_state(order_id: str, state: OrderState, step: Step) -> OrderState:
    """Return the state after `step`, or raise `IllegalTransition` naming order, state and step."""
    try:
        return TRANSITIONS[(state, step)]
    except KeyError:
        raise IllegalTransition(order_id, state.value, step.value) from None


def withdrawal_step(reason: str) -> Step:
    """The step a withdrawal (CANCEL message) with `reason` takes at the station: the console's
    expiry when it carries `EXPIRY_REASON`, else the commander's cancellation."""
    return Step.EXPIRE if reason == EXPIRY_REASON else Step.CANCEL


def allowed_steps(state: OrderState) -> tuple[Step, ...]:
    """The steps an order in `state` may take, in table order."""
    return tuple(step for (src, step) in TRANSITIONS if src is state)


# Reports from a station may overtake the transport ack that precedes them (a lost ack is only
# re-sent with the next retry). These are the implied earlier steps, in order.
_IMPLIED_BEFORE: dict[Step, tuple[Step, ...]] = {
    Step.ACKNOWLEDGE: (Step.DELIVER,),
    Step.ACCEPT: (Step.DELIVER, Step.ACKNOWLEDGE),
    Step.DECLINE: (Step.DELIVER, Step.ACKNOWLEDGE),
}


def catch_up(state: OrderState, step: Step) -> tuple[Step, ...]:
    """Return the steps to apply, in order, so that `step` is legal from `state`.

    Only fills in steps a station report implies (deliver, acknowledge); returns `(step,)` when
    the step is legal as it is, and `()` when nothing could make it legal.
    """
    if (state, step) in TRANSITIONS:
        return (step,)
    implied = _IMPLIED_BEFORE.get(step, ())
    for start in range(len(implied)):
        path = (*implied[start:], step)
        current = state
        for s in path:
            nxt = TRANSITIONS.get((current, s))
            if nxt is None:
                break
            current = nxt
        else:
            return path
    return ()
