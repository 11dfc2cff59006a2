"""Orders as every view sees them: the order, where it is now, how it got there, who vouched.

The console's withdrawal (expiry or cancellation) and the steps that crossed it on the wire
(`order.crossed`, see the crossing rule in `command.lifecycle`) fold the same way from either
end's journal: the order ends `expired` or `cancelled` at both; `OrderView.withdrawal_note` says
what happened in one line for the console's table and the station's inbox.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from command.fold.rows import RowModel
from command.lifecycle import TRANSITIONS, WITHDRAWN_STATES, OrderState, Step, allowed_steps
from command.model import EscalationKind, Order, Priority
from command.vocabulary import (
    AttentionAcknowledged,
    AttentionSubject,
    EscalationRaised,
    EventLike,
    OrderCrossed,
    OrderIssued,
    OrderReceived,
    OrderRechained,
    OrderRejected,
    OrderStepped,
)

JSON = Any
LATE_BEFORE_ACCEPT = (OrderState.ISSUED, OrderState.DELIVERED, OrderState.ACKNOWLEDGED)
OPERATOR_STEPS = (
    Step.ACKNOWLEDGE,
    Step.ACCEPT,
    Step.DECLINE,
    Step.PROGRESS,
    Step.START,
    Step.COMPLETE,
    Step.FAIL,
)
ARROW = " → "
ATTENTION_STATES = frozenset({OrderState.EXPIRED, OrderState.DECLINED, OrderState.REJECTED})
"""End states that need a person to look at them (highlighted until acknowledged)."""


@dataclass(frozen=True, slots=True)
class Authority:
    """What the station checked about an order's authority, for the verification badge."""

    ok: bool
    reason: str = ""
    detail: str = ""
    chain: tuple[str, ...] = ()  # names, root first, the commander last
    scope: str = ""
    valid_until: float | None = None
    links: tuple[str, ...] = ()  # "issuer [key] → delegate [key]" per grant, as verified

    @classmethod
    def from_body(cls, body: Mapping[str, JSON] | None) -> Authority:
        """Read a verification summary as the station desk journals it (tolerant of gaps).

        `chain` may hold names (root → commander) or one "issuer [fingerprint] → delegate
        [fingerprint]" string per grant; both give the names.
        """
        if not body:
            return cls(ok=True, detail="verified")
        raw = tuple(str(link) for link in body.get("chain", ()))
        until = body.get("valid_until")
        return cls(
            ok=bool(body.get("ok", True)),
            reason=str(body.get("reason", "")),
            detail=str(body.get("detail", "")),
            chain=chain_names(raw),
            scope=str(body.get("scope", "")),
            valid_until=float(until) if until is not None else None,
            links=tuple(link for link in raw if ARROW in link),
        )


def _name(part: str) -> str:
    """A name without its trailing " [fingerprint]"."""
    part = part.strip()
    if part.endswith("]") and " [" in part:
        part = part[: part.rindex(" [")]
    return part


def chain_names(links: tuple[str, ...]) -> tuple[str, ...]:
    """Names root → commander from per-grant links ("a [k] → b [k]") or from plain names."""
    names: list[str] = []
    for link in links:
        for part in link.split(ARROW) if ARROW in link else [link]:
            name = _name(part)
            if name and (not names or names[-1] != name):
                names.append(name)
    return tuple(names)


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One journaled transition of an order."""

    seq: int
    ts: float
    step: Step
    state: OrderState
    actor: str
    detail: Mapping[str, JSON]


@dataclass(frozen=True, slots=True)
class Crossing:
    """A step from the other end that crossed the console's withdrawal (`order.crossed`)."""

    seq: int
    ts: float  # when this journal recorded it
    step: Step  # the crossing step: a station's report at the console, expire/cancel at a station
    at: float  # when the other end took it (its stated time)


def params_text(params: Mapping[str, JSON]) -> str:
    """An order's parameters for a sentence, by name: "fade s 60, level percent 30"."""
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(params.items()))


@dataclass(frozen=True, slots=True)
class OrderView:
    """An order and where it is now: one row of the console's table or the station's inbox."""

    order: Order
    state: OrderState
    received_at: float  # when this journal first held it (issued, or received at the station)
    updated_at: float
    detail: Mapping[str, JSON] = field(default_factory=dict)
    escalation: str = ""
    late: bool = False  # a deadline passed while the order was open (an escalation said so)
    authority: Authority = field(default_factory=lambda: Authority(ok=True))
    history: tuple[StepRecord, ...] = ()
    seq: int = 0  # the event that first held it
    # The commander acknowledged what made it need attention (`attention.acknowledged`); a
    # later escalation or a step into an attention state asks for attention again.
    acknowledged: bool = False
    crossed: tuple[Crossing, ...] = ()  # steps that crossed the withdrawal (`order.crossed`)

    # -- the order's own fields ------------------------------------------------------------
    @property
    def order_id(self) -> str:
        """The order id."""
        return self.order.id

    @property
    def station(self) -> str:
        """The station it is for."""
        return self.order.station

    @property
    def kind(self) -> str:
        """The order kind (from the station's catalogue)."""
        return self.order.kind

    @property
    def zone(self) -> str:
        """The zone it concerns."""
        return self.order.zone

    @property
    def priority(self) -> Priority:
        """Its priority."""
        return self.order.priority

    @property
    def issued_at(self) -> float:
        """When the commander signed it."""
        return self.order.issued_at

    @property
    def ack_deadline(self) -> float:
        """When it must be accepted by."""
        return self.order.ack_deadline

    @property
    def due(self) -> float:
        """When it must be done by."""
        return self.order.due

    @property
    def text(self) -> str:
        """The commander's words."""
        return self.order.text

    @property
    def asks(self) -> str:
        """What the order asks, for a log line: its text as signed, else its parameters
        ("fade s 60, level percent 30"); empty only for an order with neither."""
        return self.order.text or params_text(self.order.params)

    @property
    def commander(self) -> str:
        """Who signed it."""
        return self.order.commander

    @property
    def params(self) -> Mapping[str, JSON]:
        """Its parameters."""
        return self.order.params

    # -- derived --------------------------------------------------------------------------
    def age(self, now: float) -> float:
        """Seconds since the order was issued."""
        return max(0.0, now - self.issued_at)

    def overdue(self, now: float) -> bool:
        """True when the order is still open past its due time, or unaccepted past its deadline."""
        if not self.state.open:
            return False
        if now > self.due:
            return True
        return self.state in LATE_BEFORE_ACCEPT and now > self.ack_deadline

    @property
    def attention(self) -> bool:
        """True when the order was late, ended expired, declined or rejected, or a step crossed
        its withdrawal."""
        return self.late or self.state in ATTENTION_STATES or bool(self.crossed)

    @property
    def withdrawn(self) -> bool:
        """True when the console withdrew the order (expired or cancelled it)."""
        return self.state in WITHDRAWN_STATES

    @property
    def overruled_at(self) -> float | None:
        """When the station's accept was taken that the console's withdrawal overruled (from
        the station's journal), None when none was."""
        if not self.withdrawn or not self.history:
            return None
        d = self.history[-1].detail
        if not d.get("overruled"):
            return None
        at = d.get("overruled_at")
        return float(at) if at is not None else self.history[-1].ts

    def withdrawal_note(self, when: Callable[[float], str] | None = None) -> str:
        """One line on the withdrawal and what crossed it ("" when neither); `when` formats a
        time (e.g. HH:MM in the incident's zone; None: the line names no time)."""

        def at(ts: float) -> str:
            return f" at {when(ts)}" if when is not None else ""

        word = "expiry" if self.state is OrderState.EXPIRED else "cancellation"
        accepts = [c for c in self.crossed if c.step not in (Step.EXPIRE, Step.CANCEL)]
        finished = [c for c in self.crossed if c.step in (Step.EXPIRE, Step.CANCEL)]
        if accepts:  # the console's journal: a station report reached a withdrawn order
            c = accepts[0]
            return (
                f"withdrawn — the station's {c.step.value}{at(c.at)} crossed the {word}; "
                "the console's decision stands"
            )
        if finished:  # a station's journal: the withdrawal came after it had finished
            c = finished[0]
            what = "expiry" if c.step is Step.EXPIRE else "cancellation"
            return (
                f"{self.state.value} here; the console's {what} arrived{at(c.ts)} "
                "after it — check with the console"
            )
        if not self.withdrawn:
            return ""
        overruled = self.overruled_at
        if overruled is not None:
            return f"withdrawn — your accept{at(overruled)} crossed the {word}"
        return (
            "withdrawn — expired" if self.state is OrderState.EXPIRED else "withdrawn — cancelled"
        )

    @property
    def needs_attention(self) -> bool:
        """True while it needs attention and the commander has not acknowledged it."""
        return self.attention and not self.acknowledged

    @property
    def refused(self) -> bool:
        """True when the station refused it for authority (or as malformed): state REJECTED."""
        return self.state is OrderState.REJECTED

    @property
    def refusal_reason(self) -> str:
        """Why the station refused it (its reason and text), "" when it did not."""
        if not self.refused:
            return ""
        d = self.detail
        parts = [str(d.get(k, "")) for k in ("reason", "text") if d.get(k)]
        return ": ".join(parts) if parts else self.authority.reason

    def reached(self, step: Step) -> bool:
        """True when the order ever took `step`."""
        return any(s.step is step for s in self.history)

    def first(self, step: Step) -> StepRecord | None:
        """The first transition of kind `step`, if any."""
        return next((s for s in self.history if s.step is step), None)

    @property
    def last_detail(self) -> str:
        """The most telling part of the last report, as one line (what crossed a withdrawal
        first: the commander must see it)."""
        if self.crossed:
            return self.withdrawal_note()
        d = self.detail
        for key in ("reason", "note", "message", "text"):
            if d.get(key):
                text = str(d[key])
                if key == "note" and d.get("percent") is not None:
                    text = f"{d['percent']}% {text}"
                return text
        if d.get("percent") is not None:
            return f"{d['percent']}%"
        return self.text

    @property
    def actionable(self) -> tuple[Step, ...]:
        """What a station operator may do now (nothing for a refused order)."""
        if not self.authority.ok:
            return ()
        return tuple(s for s in allowed_steps(self.state) if s in OPERATOR_STEPS)

    def urgency(self, now: float) -> tuple[int, int, float]:
        """Sort key, most urgent first: open orders, higher priority, nearer deadline."""
        open_ = 1 if (self.state.open and self.authority.ok) else 0
        deadline = (
            self.due
            if self.state in (OrderState.ACCEPTED, OrderState.IN_PROGRESS)
            else self.ack_deadline
        )
        return (open_, int(self.priority), -(deadline - now))


_LATE_KINDS = (EscalationKind.NOT_ACCEPTED, EscalationKind.OVERDUE)

REPLAY_REASONS = frozenset({"replayed", "replayed_order"})
"""Refusal codes that say the station already holds an order with that id (the desk's and the
authority book's): the refusal is of the message, never of the order it holds."""


def rejected_state(state: OrderState, body: OrderRejected) -> OrderState | None:
    """The state a held order in `state` takes when the station refuses an ORDER message for
    its id: rejected when the transition table allows the step, None (unchanged) when it does
    not or when the refusal is a replay. The journal's projections read it too."""
    if body.reason in REPLAY_REASONS:
        return None
    return TRANSITIONS.get((state, Step.REJECT))


class OrdersModel(RowModel[OrderView]):
    """Orders folded from order events (console or station journal) and their escalations."""

    def apply(self, ev: EventLike, body: object) -> bool:
        """Fold one decoded event; True when it touched this model."""
        if isinstance(body, OrderIssued | OrderReceived):
            if self.row_of(body.order.id) is not None:
                return False
            received = isinstance(body, OrderReceived)
            self._insert(
                body.order.id,
                OrderView(
                    order=body.order,
                    state=OrderState.DELIVERED if received else OrderState.ISSUED,
                    received_at=ev.ts,
                    updated_at=ev.ts,
                    authority=Authority.from_body(body.verification)
                    if isinstance(body, OrderReceived)
                    else Authority(ok=True),
                    seq=ev.seq,
                ),
            )
            return True
        if isinstance(body, OrderStepped):
            row = self.get(body.order_id)
            if row is None:
                return False
            record = StepRecord(ev.seq, ev.ts, body.step, body.state, ev.actor, body.detail)
            anew = body.state in ATTENTION_STATES and body.state is not row.state
            self._update(
                row.order_id,
                replace(
                    row,
                    state=body.state,
                    detail=dict(body.detail),
                    updated_at=ev.ts,
                    history=(*row.history, record),
                    acknowledged=row.acknowledged and not anew,
                ),
            )
            return True
        if isinstance(body, OrderRejected):
            return self._rejected(ev, body)
        if isinstance(body, OrderCrossed):
            row = self.get(body.order_id)
            if row is None:
                return False
            try:
                step = Step(body.step)
            except ValueError:
                return False
            crossing = Crossing(ev.seq, ev.ts, step, body.at)
            self._update(
                row.order_id,
                replace(row, crossed=(*row.crossed, crossing), acknowledged=False),
            )
            return True
        if isinstance(body, OrderRechained):
            row = self.get(body.order_id)
            if row is None:
                return False
            order = replace(
                row.order,
                grant_chain=body.grant_chain,
                commander=body.commander,
                signature=body.signature,
            )
            self._update(row.order_id, replace(row, order=order, updated_at=ev.ts))
            return True
        if isinstance(body, EscalationRaised):
            esc = body.escalation
            row = self.get(esc.order_id)
            if row is None:
                return False
            late = row.late or esc.kind in _LATE_KINDS
            self._update(
                row.order_id,
                replace(row, escalation=esc.kind.value, late=late, acknowledged=False),
            )
            return True
        if isinstance(body, AttentionAcknowledged):
            if body.subject != AttentionSubject.ORDER.value:
                return False
            row = self.get(body.id)
            if row is None or row.acknowledged:
                return False
            self._update(row.order_id, replace(row, acknowledged=True))
            return True
        return False

    def _rejected(self, ev: EventLike, body: OrderRejected) -> bool:
        """A station refused an ORDER message: its inbox shows it refused, with the reason."""
        auth = Authority(ok=False, reason=body.reason, detail=body.detail)
        detail = {"reason": body.reason, "text": body.detail}
        row = self.get(body.order_id)
        record = StepRecord(ev.seq, ev.ts, Step.REJECT, OrderState.REJECTED, ev.actor, detail)
        if row is not None:
            new = rejected_state(row.state, body)
            if new is None:  # a replayed id or a refused re-chain: the original keeps its state
                return False
            self._update(
                row.order_id,
                replace(
                    row,
                    state=new,
                    acknowledged=row.acknowledged and new is row.state,
                    authority=auth,
                    detail=detail,
                    updated_at=ev.ts,
                    history=(*row.history, record),
                ),
            )
            return True
        if body.order is None:
            return False
        self._insert(
            body.order.id,
            OrderView(
                order=body.order,
                state=OrderState.REJECTED,
                received_at=ev.ts,
                updated_at=ev.ts,
                detail=detail,
                authority=auth,
                history=(record,),
                seq=ev.seq,
            ),
        )
        return True

    def open_orders(self, station: str | None = None) -> list[OrderView]:
        """Orders still open, optionally for one station."""
        return [r for r in self.rows if r.state.open and station in (None, r.station)]

    def needing_attention(self, station: str | None = None) -> list[OrderView]:
        """Unacknowledged late, expired, declined or rejected orders (optionally one station's)."""
        return [r for r in self.rows if r.needs_attention and station in (None, r.station)]
