"""The order ledger: orders issued and received, their lifecycle steps, the outbox of orders,
escalations, the decision log and station presence, on the journal's chain core.

Group commit: `issue_orders`, `receive_orders` and `record_steps` journal a whole batch in ONE
commit (one fsync), all of it or none of it. What raises escalations and expires orders is the
timer policy in `command.timers`; an escalation the order's new state makes moot is resolved
in the step's own transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from command.canonical import canonical_text
from command.errors import ValidationError
from command.ids import new_id
from command.journal.bodies import decision_body, order_body
from command.journal.chain import json_string as _quote
from command.journal.core import QUEUED_BODIES, JournalCore
from command.journal.records import DecisionRow, Event, OrderRow, StationRow
from command.journal.store import OutboxRow
from command.lifecycle import OrderState, Step, next_state
from command.model import Decision, DecisionKind, Escalation, EscalationKind, Order
from command.timers import STILL_APPLIES
from command.vocabulary import (
    DecisionAdded,
    DecisionCorrected,
    EscalationRaised,
    EscalationResolved,
    EventBody,
    Kind,
    OrderIssued,
    OrderReceived,
    OrderStepped,
    StationPresence,
)

_COMMITTED = object()  # only this module holds it: an IssuedOrder proves a commit happened


class Incoming(NamedTuple):
    """An order a station received: what `receive_orders` journals (`ts` defaults to now)."""

    order: Order
    msg_id: str
    peer: str
    ts: float | None = None


class Cause(NamedTuple):
    """An event journaled in the same commit as a batch of orders, before them: what made
    them (a suggestion's outcome; see `issue_orders`)."""

    body: EventBody
    actor: str | None = None
    incident: str | None = None
    ts: float | None = None


class StepRequest(NamedTuple):
    """One lifecycle step for `record_steps` (`ts` defaults to now)."""

    order_id: str
    step: Step
    actor: str
    detail: dict[str, Any] | None = None
    ts: float | None = None


@dataclass(frozen=True, slots=True)
class IssuedOrder:
    """An order that is committed to the journal and may now be sent (log before send).

    Only `Journal.issue_order` and `Journal.outbox` make these: constructing one elsewhere
    raises `TypeError`.
    """

    order: Order
    msg_id: str
    seq: int
    _proof: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._proof is not _COMMITTED:
            raise TypeError("an IssuedOrder comes only from a committed Journal.issue_order")


class OrderLedger(JournalCore):
    """Orders, their steps and outbox, and escalations (a mixin of `Journal`)."""

    # -- orders -----------------------------------------------------------------------------

    def issue_order(self, order: Order, decision: Decision) -> IssuedOrder:
        """Journal a signed order with its decision entry and outbox message in ONE commit.

        Only after the commit does the caller get the `IssuedOrder` it needs to send. Runs its
        own transaction, so it cannot be called inside `transaction()`.
        """
        return self.issue_orders([(order, decision)])[0]

    def issue_orders(
        self, pairs: Sequence[tuple[Order, Decision]], *, cause: Cause | None = None
    ) -> list[IssuedOrder]:
        """Journal many signed orders, each with its decision entry and outbox message, in ONE
        commit (group commit): all of them or, if any is refused, none. `cause` (a suggestion's
        outcome) is journaled first in that commit: it stands or falls with the orders.

        The `IssuedOrder`s, needed to send, exist only after that commit. Runs its own
        transaction, so it cannot be called inside `transaction()`.
        """
        if self._depth:
            raise RuntimeError("issue_orders commits on its own: call it outside transaction()")
        if not pairs:
            return []
        seen: set[str] = set()
        for order, decision in pairs:
            self._check_issuable(order, decision)
            if order.id in seen:
                raise ValidationError(f"order {order.id} appears twice in one batch")
            seen.add(order.id)
        known = self._store.existing_keys("orders", [order.id for order, _ in pairs])
        if known:
            first = next(order.id for order, _ in pairs if order.id in known)
            raise ValidationError(f"order {first} is already in the journal")
        decisions = self._store.existing_keys("decisions", [d.id for _, d in pairs])
        self._rows.absent("orders", seen)  # the projections need not ask again
        self._rows.absent("decisions", {d.id for _, d in pairs} - decisions)
        now = self.clock.now()
        done: list[tuple[Order, str, int]] = []
        with self.transaction():
            if cause is not None:
                self._record(cause.body, actor=cause.actor, incident=cause.incident, ts=cause.ts)
            for order, decision in pairs:
                msg_id = new_id(now)
                done.append((order, msg_id, self._issue(order, decision, msg_id, decisions)))
        return [IssuedOrder(order, msg_id, seq, _COMMITTED) for order, msg_id, seq in done]

    def _check_issuable(self, order: Order, decision: Decision) -> None:
        if not order.signature:
            raise ValidationError(
                f"order {order.id} is not signed: sign it with the commander's key first"
            )
        if order.decision_id != decision.id:
            raise ValidationError(
                f"order {order.id} names decision {order.decision_id}, not {decision.id}"
            )

    def _issue(self, order: Order, decision: Decision, msg_id: str, decisions: set[str]) -> int:
        """Append decision (unless in `decisions`, which it joins), order and outbox row;
        the order event's seq."""
        try:
            if decision.id not in decisions:
                decisions.add(decision.id)
                body = {"decision": decision_body(decision)}
                self._append_text(
                    Kind.DECISION_ADDED,
                    body,
                    canonical_text(body),
                    actor=decision.author,
                    incident=decision.incident,
                    ts=None,
                    typed=DecisionAdded(decision),
                )
            order_dict = order_body(order)
            order_text = canonical_text(order_dict)
        except (TypeError, ValueError) as err:
            raise ValidationError(
                f"order {order.id} holds a value that is not JSON: {err}"
            ) from None
        event = self._append_text(
            Kind.ORDER_ISSUED,
            {"order": order_dict, "msg_id": msg_id},
            f'{{"msg_id":{_quote(msg_id)},"order":{order_text}}}',
            actor=order.commander,
            incident=order.incident,
            ts=None,
            typed=OrderIssued(order, msg_id),
        )
        self._store.insert_outbox(
            OutboxRow(
                msg_id,
                order.station,
                "order",
                f'{{"order":{order_text}}}',
                event.seq,
                event.ts,
                None,
            )
        )
        self._count_queued(order.station)
        if len(self._queued) >= QUEUED_BODIES:
            self._queued.clear()
        self._queued[msg_id] = {"order": order_dict}  # `pending` need not parse it back
        return event.seq

    def receive_order(
        self, order: Order, *, msg_id: str, peer: str, ts: float | None = None
    ) -> OrderRow | None:
        """Station side: journal a received order once (None for a duplicate message or order)."""
        return self.receive_orders([Incoming(order, msg_id, peer, ts)])[0]

    def receive_orders(self, items: Sequence[Incoming]) -> list[OrderRow | None]:
        """Station side: journal many received orders in ONE commit; for each, its row, or None
        for a duplicate message or order. A malformed one rolls back the whole batch."""
        out: list[OrderRow | None] = []
        if not items:
            return out
        with self.transaction():
            for order, msg_id, peer, ts in items:
                out.append(self._receive(order, msg_id, peer, ts))
        return out

    def _receive(self, order: Order, msg_id: str, peer: str, ts: float | None) -> OrderRow | None:
        if not self._store.insert_inbox(msg_id, peer, self._head[0] + 1):
            return None
        if self._rows.get_row("orders", order.id) is not None:
            return None
        try:
            order_dict = order_body(order)
            order_text = canonical_text(order_dict)
        except (TypeError, ValueError) as err:
            raise ValidationError(
                f"order {order.id} holds a value that is not JSON: {err}"
            ) from None
        event = self._append_text(
            Kind.ORDER_RECEIVED,
            {"order": order_dict, "msg_id": msg_id, "peer": peer},
            f'{{"msg_id":{_quote(msg_id)},"order":{order_text},"peer":{_quote(peer)}}}',
            actor=peer,
            incident=order.incident,
            ts=ts,
            typed=OrderReceived(order, msg_id, peer),
        )
        return OrderRow(order, OrderState.DELIVERED, event.ts, {}, msg_id)

    def record_step(
        self,
        order_id: str,
        step: Step,
        *,
        actor: str,
        detail: dict[str, Any] | None = None,
        ts: float | None = None,
    ) -> OrderState:
        """Journal one lifecycle step; raises `IllegalTransition` (nothing journaled) if illegal.

        Escalations the new state makes moot are resolved in the same transaction.
        """
        row = self._store.get_row("orders", order_id)
        if row is None:
            raise ValidationError(f"order {order_id} is not in this journal")
        new = next_state(order_id, OrderState(row["state"]), step)
        with self.transaction():
            self._step(order_id, row, new, step, actor, detail, ts, self._open_escalations())
        return new

    def step_if(
        self,
        order_id: str,
        step: Step,
        expected: OrderState,
        *,
        actor: str,
        detail: dict[str, Any] | None = None,
        ts: float | None = None,
    ) -> OrderState | None:
        """Journal `step` only if the order is in state `expected` (one read of the order, for
        the hot path of acks); the new state, or None for an unknown order or another state."""
        row = self._rows.get_row("orders", order_id)
        if row is None or row["state"] != expected.value:
            return None
        new = next_state(order_id, expected, step)
        with self.transaction():
            self._step(order_id, row, new, step, actor, detail, ts, self._open_escalations())
        return new

    def record_steps(self, items: Sequence[StepRequest]) -> list[OrderState]:
        """Journal many lifecycle steps in ONE commit (steps of one order apply in turn); the
        new state of each. An unknown order or an illegal step rolls back the whole batch."""
        out: list[OrderState] = []
        if not items:
            return out
        with self.transaction():
            escalations = self._open_escalations()
            for order_id, step, actor, detail, ts in items:
                row = self._rows.get_row("orders", order_id)
                if row is None:
                    raise ValidationError(f"order {order_id} is not in this journal")
                new = next_state(order_id, OrderState(row["state"]), step)
                self._step(order_id, row, new, step, actor, detail, ts, escalations)
                out.append(new)
        return out

    def _step(
        self,
        order_id: str,
        row: dict[str, Any],
        new: OrderState,
        step: Step,
        actor: str,
        detail: dict[str, Any] | None,
        ts: float | None,
        escalations: dict[str, list[dict[str, Any]]],
    ) -> None:
        stepped = OrderStepped(step, order_id, new, dict(detail or {}))
        body = stepped.to_body()
        try:
            text = canonical_text(body)
        except (TypeError, ValueError) as err:
            raise ValidationError(
                f"event {stepped.kind!r} has a body that is not JSON: {err}"
            ) from None
        self._append_text(  # JSON-equal to its text already: no need to read it back
            stepped.kind,
            body,
            text,
            actor=actor,
            incident=row["order"]["incident"],
            ts=ts,
            typed=stepped,
        )
        self._resolve_moot(order_id, new, ts, escalations)

    def _open_escalations(self) -> dict[str, list[dict[str, Any]]]:
        """Open escalations by order id (few: read once per batch of steps)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for esc in self._rows.open_rows("escalations"):
            out.setdefault(esc["order_id"], []).append(esc)
        return out

    def _resolve_moot(
        self,
        order_id: str,
        state: OrderState,
        ts: float | None,
        escalations: dict[str, list[dict[str, Any]]],
    ) -> None:
        still_open = []
        for esc in escalations.get(order_id, ()):
            if state in STILL_APPLIES.get(esc["kind"], frozenset()):
                still_open.append(esc)
            else:
                self._record(EscalationResolved(esc["id"]), ts=ts)
        if order_id in escalations:
            escalations[order_id] = still_open

    def order(self, order_id: str) -> OrderRow | None:
        """The order and its current state, or None."""
        row = self._store.get_row("orders", order_id)
        return None if row is None else _order_row(row)

    def orders(self, *, station: str | None = None, open_only: bool = False) -> list[OrderRow]:
        """Orders in issue order, optionally for one station and/or only open ones."""
        where: dict[str, Any] = {}
        if station is not None:
            where["station"] = station
        if open_only:
            where["open"] = True
        return [_order_row(r) for r in self._store.select_rows("orders", **where)]

    def outbox(self, station: str | None = None) -> list[IssuedOrder]:
        """Committed orders still ISSUED (not yet delivered), in seq order."""
        out: list[IssuedOrder] = []
        for msg in self._store.select_outbox(station, "order", pending_only=False):
            order = Order.from_dict(json.loads(msg.body)["order"])
            row = self._store.get_row("orders", order.id)
            if row is not None and row["state"] == OrderState.ISSUED.value:
                out.append(IssuedOrder(order, msg.msg_id, msg.seq, _COMMITTED))
        return out

    # -- escalations ------------------------------------------------------------------------

    def raise_escalation(self, escalation: Escalation, *, ts: float | None = None) -> Event:
        """Journal an escalation (open until resolved)."""
        if self._store.get_row("escalations", escalation.id) is not None:
            raise ValidationError(f"escalation {escalation.id} was already raised")
        return self.record(EscalationRaised(escalation), ts=ts)

    def resolve_escalation(self, escalation_id: str, *, ts: float | None = None) -> Event | None:
        """Resolve an open escalation; None when it was already resolved."""
        row = self._store.get_row("escalations", escalation_id)
        if row is None:
            raise ValidationError(f"escalation {escalation_id} is not in the journal")
        if not row["open"]:
            return None
        return self.record(EscalationResolved(escalation_id), ts=ts)

    def escalations(self, *, open_only: bool = True) -> list[Escalation]:
        """Escalations in the order they were raised."""
        where: dict[str, Any] = {"open": True} if open_only else {}
        return [_escalation(r) for r in self._store.select_rows("escalations", **where)]


class DecisionLog(JournalCore):
    """The decision log: entries and corrections (a mixin of `Journal`)."""

    # -- decisions --------------------------------------------------------------------------

    def add_decision(self, decision: Decision) -> Event:
        """Append a decision-log entry."""
        if decision.kind is DecisionKind.CORRECTION or decision.corrects:
            raise ValidationError(f"decision {decision.id} is a correction: use correct_decision")
        if self._store.get_row("decisions", decision.id) is not None:
            raise ValidationError(f"decision {decision.id} is already in the log")
        return self.record(
            DecisionAdded(decision),
            actor=decision.author,
            incident=decision.incident,
        )

    def correct_decision(self, original_id: str, corrected: Decision, reason: str) -> Event:
        """Append a correction that strikes `original_id` through (nothing is rewritten)."""
        if not reason.strip():
            raise ValidationError(f"correcting decision {original_id} needs a reason")
        original = self._store.get_row("decisions", original_id)
        if original is None:
            raise ValidationError(f"decision {original_id} is not in the log")
        if original["struck_by"]:
            raise ValidationError(
                f"decision {original_id} was already corrected by {original['struck_by']}: "
                "correct that entry instead"
            )
        if self._store.get_row("decisions", corrected.id) is not None:
            raise ValidationError(f"decision {corrected.id} is already in the log")
        entry = replace(
            corrected,
            kind=DecisionKind.CORRECTION,
            corrects=original_id,
            correction_reason=reason,
        )
        return self.record(
            DecisionCorrected(entry, original_id, reason),
            actor=entry.author,
            incident=entry.incident,
        )

    def decisions(self) -> list[DecisionRow]:
        """Every entry in log order, struck ones included."""
        return [
            DecisionRow(Decision.from_dict(r["decision"]), r["struck_by"], r["struck_reason"])
            for r in self._store.select_rows("decisions")
        ]


class StationRoster(JournalCore):
    """Stations online or offline, and when each was last heard (a mixin of `Journal`)."""

    # -- stations and presence --------------------------------------------------------------

    def set_station_status(
        self, station: str, online: bool, *, detail: str = "", ts: float | None = None
    ) -> Event | None:
        """Journal a station going online or offline; None when it already was."""
        row = self._store.get_row("stations", station)
        if row is not None and row["online"] == online:
            return None
        return self.record(StationPresence(station, online, detail), ts=ts)

    def touch_station(self, station: str, ts: float) -> None:
        """Record when a station was last heard (presence table, not an event)."""
        with self.transaction():
            self._store.touch(station, float(ts))

    def stations(self) -> list[StationRow]:
        """Every station with a status or a presence record, by id."""
        rows = {r["station"]: r for r in self._store.select_rows("stations")}
        heard = self._store.presence()
        return [
            StationRow(
                name,
                bool(rows[name]["online"]) if name in rows else False,
                rows[name]["since"] if name in rows else None,
                heard.get(name),
            )
            for name in sorted(set(rows) | set(heard))
        ]


def _order_row(row: dict[str, Any]) -> OrderRow:
    return OrderRow(
        Order.from_dict(row["order"]),
        OrderState(row["state"]),
        float(row["updated_at"]),
        dict(row.get("detail") or {}),
        str(row.get("msg_id", "")),
    )


def _escalation(row: dict[str, Any]) -> Escalation:
    return Escalation(
        row["id"],
        row["order_id"],
        row["station"],
        EscalationKind(row["kind"]),
        float(row["raised_at"]),
        row["message"],
        row["resolved_at"],
    )
