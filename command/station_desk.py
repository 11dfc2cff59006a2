"""StationDesk: the station's application core (Qt-free, zmq-free).

Receiving: an order is deduplicated by message id, checked against the station's authority book
(delegation chain, scope, window, signature), and journaled as `order.received` (with the
book's verification summary, `verification`, when the verifier gives one) or `order.rejected`
(with the order when it could be read) in one transaction; the wire acks only after that commit.
Rejections go back to the console as a REPORT with step "rejected" and the machine-readable
reason.

Receipt is idempotent by order id AND content hash. The station keeps, per order id it holds,
the SHA-256 of the order's canonical signed content (`Journal.held_content_hash`, derived from
the journaled `order.received` / `order.rechained`, no table of its own). A message naming an
order id already held is:

- the same message again (its id is in the inbox): a duplicate, re-acked, nothing journaled;
- the same content under a new message id (a resend after a console restart): a duplicate,
  re-acked silently — the message id is remembered, no event, no REPORT;
- the same order re-signed under a successor's chain (handover): `order.rechained` when the book
  accepts it;
- anything else (other content under that id, or a re-chained copy the book refuses): journaled
  as `message.rejected` naming the message, reason `replayed` for a replay; its REPORT says so
  (`held`: the order's state here), so the console leaves its copy alone too.

In no case does receiving change a held order's state: only the transition table's steps do.

Operator actions (acknowledge, accept, decline, progress, complete, fail) journal the step and
queue the REPORT to the console in the same transaction, so a report is never lost or invented.

Withdrawal (the crossing rule, see `command.lifecycle`): the console's CANCEL message carries its
decision — the commander's cancellation, or the console's expiry (`EXPIRY_REASON`). The desk
takes the order to the same state the console journaled (`cancelled` or `expired`, detail
`withdrawn`), whatever the operator did meanwhile; an accept the console's decision overruled is
named in the step's detail (`overruled`, `overruled_at`) so the inbox can say so. An order this
station had already finished keeps its state; the withdrawal is journaled as `order.crossed`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from command.authority.book import AuthorityBook
from command.authority.grants import Grant, Revocation
from command.clock import Clock
from command.errors import BatonError, IllegalTransition, ValidationError
from command.journal import Journal, OrderRow
from command.journal.messages import content_hash
from command.lifecycle import (
    EXPIRY_REASON,
    TRANSITIONS,
    WITHDRAWN_STATES,
    OrderState,
    Step,
    withdrawal_step,
)
from command.model import Order
from command.vocabulary import (
    STEP_KIND,
    GrantsReceived,
    Kind,
    MessageRejected,
    OrderCrossed,
    OrderReceived,
    OrderRechained,
    OrderRejected,
    OrderStepped,
    decode,
)

JSON = Any


def _core(order: Order) -> dict[str, JSON]:
    """What a re-chained copy keeps: everything but the chain, the commander and the signature."""
    body = order.signing_payload()
    del body["grant_chain"], body["commander"]
    return body


def _reason_of(step: str) -> str:
    """The withdrawal reason that gives `step` (the commander's own words are in the journal's
    order.crossed only as the step; a cancellation's detail says it was withdrawn early)."""
    return EXPIRY_REASON if step == Step.EXPIRE.value else "cancelled before it arrived"


class OrderVerifier(Protocol):
    """What the desk needs from the authority book."""

    def check(self, order: Order, now: float) -> tuple[str, str] | None:
        """None when `order` may be executed here now, else (reason code, one-line text)."""
        ...

    def add_documents(self, documents: Sequence[Mapping[str, JSON]]) -> list[str]:
        """Learn grant/revocation documents sent by the console; returns problems, if any."""
        ...


class SummarizingVerifier(OrderVerifier, Protocol):
    """A verifier that also says what it checked, for the station window's badge."""

    def summarize(self, order: Order, now: float) -> tuple[tuple[str, str] | None, dict[str, JSON]]:
        """(`check`'s answer, the verification summary journaled with the order)."""
        ...


class AcceptAll:
    """A verifier that only checks the order is signed (for tests of the wire, not authority)."""

    def check(self, order: Order, now: float) -> tuple[str, str] | None:
        """Refuse unsigned orders, accept the rest."""
        if not order.signature:
            return ("unsigned", f"order {order.id} carries no signature")
        return None

    def add_documents(self, documents: Sequence[Mapping[str, JSON]]) -> list[str]:
        """Nothing to learn."""
        return []


class BookVerifier:
    """Adapts the delegation helper's `AuthorityBook` to what the desk needs."""

    def __init__(self, book: AuthorityBook) -> None:
        self.book = book

    def check(self, order: Order, now: float) -> tuple[str, str] | None:
        """The book's verdict as (reason code, text), None when the order may be executed."""
        verdict = self.book.check(order, now)
        if verdict.ok:
            return None
        code = verdict.reason.value if verdict.reason is not None else "refused"
        return (code, verdict.detail)

    def summarize(self, order: Order, now: float) -> tuple[tuple[str, str] | None, dict[str, JSON]]:
        """Check once; the verdict as `check` gives it and `AuthorityBook.summary` (chain root →
        commander, scope, valid until) for the `order.received` body."""
        verdict = self.book.check(order, now)
        summary = self.book.summary(order, verdict)
        if verdict.ok:
            return None, summary
        code = verdict.reason.value if verdict.reason is not None else "refused"
        return (code, verdict.detail), summary

    def add_documents(self, documents: Sequence[Mapping[str, JSON]]) -> list[str]:
        """Grants (have `delegate`) and revocations (have `effective_at`); forgeries refused."""
        problems: list[str] = []
        for doc in documents:
            try:
                if "effective_at" in doc:
                    self.book.add_revocation(Revocation.from_dict(doc))
                else:
                    self.book.add_grant(Grant.from_dict(doc))
            except BatonError as err:
                problems.append(str(err))
        return problems


class Receipt(Enum):
    """What receiving one ORDER message did (the wire acks all three)."""

    RECEIVED = "received"
    DUPLICATE = "duplicate"  # this message id already seen, or the held order's content under
    # a new one: re-ack, journal nothing
    REJECTED = "rejected"  # journaled as order.rejected (message.rejected for a held order);
    # the console is told why
    RECHAINED = "rechained"  # a held order under a successor's chain (handover)


@dataclass(frozen=True, slots=True)
class ReceiveResult:
    """Outcome of `StationDesk.receive_order`."""

    receipt: Receipt
    order_id: str = ""
    reason: str = ""


class StationDesk:
    """The station's core: inbox of orders, the operator's answers, reports to the console."""

    def __init__(
        self,
        journal: Journal,
        clock: Clock,
        station_id: str,
        verifier: OrderVerifier,
        *,
        console: str = "console",
    ) -> None:
        self.journal = journal
        self.clock = clock
        self.station_id = station_id
        self.verifier = verifier
        self.console = console
        # Withdrawals that overtook their order on the wire (order id → reason), applied when
        # the order arrives; rebuilt from the journal after a restart.
        self._early: dict[str, str] = {}
        for event in journal.events(kinds=[Kind.GRANTS_RECEIVED, Kind.ORDER_CROSSED]):
            body = decode(event)
            if isinstance(body, GrantsReceived):
                verifier.add_documents(body.documents)
            elif isinstance(body, OrderCrossed) and body.state is OrderState.ISSUED:
                self._early[body.order_id] = _reason_of(body.step)
        for oid in [o for o in self._early if journal.order(o) is not None]:
            del self._early[oid]  # already applied on receipt

    # -- from the console -------------------------------------------------------------------

    def receive_order(self, body: Mapping[str, JSON], *, msg_id: str, peer: str) -> ReceiveResult:
        """Journal an ORDER message once: received, rejected (with reason) or duplicate."""
        now = self.clock.now()
        with self.journal.transaction():
            try:
                order = Order.from_dict(body)
            except ValidationError as err:
                order_id = str(body.get("id", "")) if isinstance(body, Mapping) else ""
                return self._reject(msg_id, peer, order_id, "malformed", str(err))
            if order.station != self.station_id:
                return self._reject(
                    msg_id,
                    peer,
                    order.id,
                    "wrong_station",
                    f"order {order.id} is for {order.station}, this is {self.station_id}",
                    order,
                )
            held = self.journal.order(order.id)
            if held is not None:
                if self.journal.held_content_hash(order.id) == content_hash(order):
                    # The order held here, sent again (a new message id after a console
                    # restart): re-ack silently; only the message id is remembered.
                    self.journal.mark_received(msg_id, peer)
                    return ReceiveResult(Receipt.DUPLICATE, order.id)
                if (
                    _core(held.order) == _core(order)
                    and held.order.grant_chain != order.grant_chain
                ):
                    return self._rechain(held, order, msg_id, peer, now)
                # Other content under a held id: a replay, refused as a message (a duplicate
                # when this message id was seen); the held order keeps its state.
                return self._refuse_held(
                    held, msg_id, peer, "replayed", f"order {order.id} was already received"
                )
            summarize = getattr(self.verifier, "summarize", None)
            if summarize is None:
                verdict = self.verifier.check(order, now)
                if verdict is not None:
                    return self._reject(msg_id, peer, order.id, verdict[0], verdict[1], order)
                row = self.journal.receive_order(order, msg_id=msg_id, peer=peer, ts=now)
                if row is None:
                    return ReceiveResult(Receipt.DUPLICATE, order.id)
                self._withdraw_early(order.id, peer)
                return ReceiveResult(Receipt.RECEIVED, order.id)
            verdict, summary = summarize(order, now)
            if verdict is not None:
                return self._reject(msg_id, peer, order.id, verdict[0], verdict[1], order)
            # The order with what was verified about its authority (the station window's badge).
            if not self.journal.mark_received(msg_id, peer):
                return ReceiveResult(Receipt.DUPLICATE, order.id)
            self.journal.record(
                OrderReceived(order, msg_id, peer, summary),
                actor=peer,
                incident=order.incident,
                ts=now,
            )
            self._withdraw_early(order.id, peer)
            return ReceiveResult(Receipt.RECEIVED, order.id)

    def _rechain(
        self, held: OrderRow, order: Order, msg_id: str, peer: str, now: float
    ) -> ReceiveResult:
        """A held order re-signed under a successor's chain (handover): verified like a new
        order, journaled as `order.rechained`; its state and the operator's work carry on. A
        refused copy is a refused message: the order held under the old chain stands."""
        verdict = self.verifier.check(order, now)
        if verdict is not None:
            return self._refuse_held(held, msg_id, peer, verdict[0], verdict[1])
        if not self.journal.mark_received(msg_id, peer):
            return ReceiveResult(Receipt.DUPLICATE, order.id)
        self.journal.record(
            OrderRechained(
                order.id, tuple(order.grant_chain), order.commander, order.signature, msg_id
            ),
            actor=peer,
            incident=order.incident,
        )
        return ReceiveResult(Receipt.RECHAINED, order.id)

    def _reject(
        self,
        msg_id: str,
        peer: str,
        order_id: str,
        code: str,
        text: str,
        order: Order | None = None,
    ) -> ReceiveResult:
        """Refuse an order the station does not hold: `order.rejected` (with the order when it
        could be read, so the inbox can show what was refused) and a REPORT "rejected"."""
        if not self.journal.mark_received(msg_id, peer):
            return ReceiveResult(Receipt.DUPLICATE, order_id)
        self.journal.record(
            OrderRejected(order_id, code, text, order),
            actor=peer,
            incident=order.incident if order is not None else "",
        )
        self._report_rejected(order_id, {"reason": code, "text": text})
        return ReceiveResult(Receipt.REJECTED, order_id, code)

    def _refuse_held(
        self, held: OrderRow, msg_id: str, peer: str, code: str, text: str
    ) -> ReceiveResult:
        """Refuse a message naming an order already held here (a replay, a refused re-chain):
        `message.rejected` names the message; the held order's state is untouched."""
        order_id = held.order.id
        if not self.journal.mark_received(msg_id, peer):
            return ReceiveResult(Receipt.DUPLICATE, order_id)
        self.journal.record(
            MessageRejected(peer, msg_id, code, text, by=self.station_id),
            actor=peer,
            incident=held.order.incident,
        )
        detail = {"reason": code, "text": text, "msg_id": msg_id, "held": held.state.value}
        self._report_rejected(order_id, detail)
        return ReceiveResult(Receipt.REJECTED, order_id, code)

    def _report_rejected(self, order_id: str, detail: dict[str, JSON]) -> None:
        self.journal.enqueue(
            self.console,
            "REPORT",
            {"order_id": order_id, "step": "rejected", "ts": self.clock.now(), "detail": detail},
        )

    def cancel(self, order_id: str, reason: str, *, msg_id: str, peer: str) -> bool:
        """Apply the console's withdrawal (a CANCEL message: the commander's cancellation, or the
        console's expiry) once; True when it withdrew the order here. False for a duplicate, an
        order not held, one already withdrawn, or one this station had finished (journaled as
        `order.crossed`: its state stands)."""
        with self.journal.transaction():
            if not self.journal.mark_received(msg_id, peer):
                return False
            row = self.journal.order(order_id)
            step = withdrawal_step(reason)
            if row is None:  # overtook its order on the wire: applied when the order arrives
                early = OrderCrossed(
                    order_id,
                    self.station_id,
                    step.value,
                    OrderState.ISSUED,
                    self.clock.now(),
                    msg_id,
                )
                self.journal.record(early, actor=peer)
                self._early[order_id] = reason
                return False
            if row.state in WITHDRAWN_STATES:
                return False
            if (row.state, step) not in TRANSITIONS:  # finished here before it arrived
                crossed = OrderCrossed(
                    order_id, self.station_id, step.value, row.state, self.clock.now(), msg_id
                )
                self.journal.record(crossed, actor=peer, incident=row.order.incident)
                return False
            detail: dict[str, JSON] = {"reason": reason, "withdrawn": True}
            if row.state in (OrderState.ACCEPTED, OrderState.IN_PROGRESS):
                detail["overruled"] = Step.ACCEPT.value
                detail["overruled_at"] = self._accepted_at(order_id)
            self.journal.record_step(order_id, step, actor=peer, detail=detail)
            return True

    def _withdraw_early(self, order_id: str, peer: str) -> None:
        """Apply a withdrawal that arrived before its order (inside the receipt's transaction)."""
        reason = self._early.pop(order_id, None)
        if reason is not None:
            detail: dict[str, JSON] = {"reason": reason, "withdrawn": True}
            self.journal.record_step(order_id, withdrawal_step(reason), actor=peer, detail=detail)

    def _accepted_at(self, order_id: str) -> float | None:
        """When this station accepted `order_id` (rare path: a withdrawal overruling it)."""
        for event in self.journal.events(kinds=[STEP_KIND[Step.ACCEPT]]):
            body = decode(event)
            if isinstance(body, OrderStepped) and body.order_id == order_id:
                return event.ts
        return None

    def learn_grants(
        self, documents: Sequence[Mapping[str, JSON]], *, msg_id: str, peer: str
    ) -> list[str]:
        """Hand GRANTS documents to the authority book once and journal them
        (`grants.received` {documents, problems}) so the book is rebuilt after a restart."""
        with self.journal.transaction():
            if not self.journal.mark_received(msg_id, peer):
                return []
            problems = self.verifier.add_documents(documents)
            self.journal.record(
                GrantsReceived(tuple(dict(d) for d in documents), tuple(problems)), actor=peer
            )
            return problems

    # -- the operator -----------------------------------------------------------------------

    def acknowledge(self, order_id: str) -> None:
        """The operator has seen the order."""
        self._act(order_id, Step.ACKNOWLEDGE, {})

    def accept(self, order_id: str, note: str = "") -> None:
        """The station will carry the order out (acknowledging it first if need be)."""
        row = self._row(order_id)
        if row.state is OrderState.DELIVERED:
            self._act(order_id, Step.ACKNOWLEDGE, {})
        self._act(order_id, Step.ACCEPT, {"note": note} if note else {})

    def decline(self, order_id: str, reason: str) -> None:
        """The station will not carry it out; `reason` is required."""
        if not reason.strip():
            raise ValidationError(f"declining order {order_id} needs a reason")
        row = self._row(order_id)
        if row.state is OrderState.DELIVERED:
            self._act(order_id, Step.ACKNOWLEDGE, {})
        self._act(order_id, Step.DECLINE, {"reason": reason})

    def progress(self, order_id: str, percent: float | None = None, note: str = "") -> None:
        """A progress report."""
        detail: dict[str, JSON] = {"note": note}
        if percent is not None:
            detail["percent"] = percent
        self._act(order_id, Step.PROGRESS, detail)

    def start(self, order_id: str) -> None:
        """Work on the order has begun."""
        self._act(order_id, Step.START, {})

    def step(self, order_id: str, step: Step, detail: Mapping[str, JSON] | None = None) -> None:
        """Take any operator step (used by simulated operators)."""
        self._act(order_id, step, dict(detail or {}))

    def complete(self, order_id: str, note: str = "") -> None:
        """Done."""
        self._act(order_id, Step.COMPLETE, {"note": note} if note else {})

    def fail(self, order_id: str, reason: str) -> None:
        """Could not be done; `reason` is required."""
        if not reason.strip():
            raise ValidationError(f"failing order {order_id} needs a reason")
        self._act(order_id, Step.FAIL, {"reason": reason})

    def inbox(self, *, open_only: bool = True) -> list[OrderRow]:
        """This station's orders."""
        return self.journal.orders(station=self.station_id, open_only=open_only)

    def _row(self, order_id: str) -> OrderRow:
        row = self.journal.order(order_id)
        if row is None:
            raise ValidationError(f"no order {order_id} at station {self.station_id}")
        return row

    def _act(self, order_id: str, step: Step, detail: dict[str, JSON]) -> None:
        self._row(order_id)
        now = self.journal.stamp(self.clock.now())  # the REPORT repeats the step's own time
        with self.journal.transaction():
            try:
                self.journal.record_step(
                    order_id, step, actor=self.station_id, detail=detail, ts=now
                )
            except IllegalTransition:
                raise
            self.journal.enqueue(
                self.console,
                "REPORT",
                {"order_id": order_id, "step": step.value, "ts": now, "detail": detail},
            )


class TimedOperator:
    """A stand-in station operator: acknowledges at once, accepts after `accept_after_s`,
    completes after `complete_after_s` more. Driven by `tick(now)`; resumes open orders from the
    journal after a restart, so every order is still completed exactly once."""

    def __init__(
        self, desk: StationDesk, accept_after_s: float = 1.0, complete_after_s: float = 2.0
    ) -> None:
        self.desk = desk
        self.accept_after_s = accept_after_s
        self.complete_after_s = complete_after_s
        self._due: dict[str, float] = {}
        now = desk.clock.now()
        for row in desk.inbox(open_only=True):
            self._due[row.order.id] = now

    def on_order(self, order_id: str) -> None:
        """A new order arrived: acknowledge it now, act on it later."""
        self.desk.acknowledge(order_id)
        self._due[order_id] = self.desk.clock.now() + self.accept_after_s

    def tick(self, now: float) -> None:
        """Take every step that is due."""
        for order_id, at in sorted(self._due.items(), key=lambda kv: kv[1]):
            if at > now:
                continue
            row = self.desk.journal.order(order_id)
            if row is None or row.state.terminal:
                del self._due[order_id]
                continue
            state = row.state.value
            if state == "delivered":
                self.desk.acknowledge(order_id)
                continue
            if state == "acknowledged":
                self.desk.accept(order_id)
                self._due[order_id] = now + self.complete_after_s
            elif state in ("accepted", "in_progress"):
                self.desk.complete(order_id)
                del self._due[order_id]


PlanFn = Callable[[str], Sequence[tuple[float, Step, Mapping[str, JSON]]]]
"""order id → the operator's steps as (delay after receipt in seconds, step, detail)."""


class PlannedOperator:
    """A simulated operator that follows a plan per order (e.g. the scenario's
    `SimulatedOperator.plan`). After a restart it picks open orders up again from the journal,
    skipping steps their state no longer allows, so nothing is done twice."""

    def __init__(self, desk: StationDesk, plan: PlanFn) -> None:
        self.desk = desk
        self.plan = plan
        self._due: list[tuple[float, str, Step, dict[str, JSON]]] = []
        received: dict[str, float] = {}
        for e in desk.journal.events(kinds=[Kind.ORDER_RECEIVED]):
            body = decode(e)
            if isinstance(body, OrderReceived):
                received[body.order.id] = e.ts
        for row in desk.inbox(open_only=True):
            self._schedule(row.order.id, received.get(row.order.id, desk.clock.now()))

    def _schedule(self, order_id: str, at: float) -> None:
        for delay, step, detail in self.plan(order_id):
            self._due.append((at + delay, order_id, step, dict(detail)))
        self._due.sort(key=lambda item: item[0])

    def on_order(self, order_id: str) -> None:
        """A new order arrived: plan its steps from now."""
        self._schedule(order_id, self.desk.clock.now())

    def tick(self, now: float) -> None:
        """Take the steps that are due (illegal ones are skipped: already done or moot)."""
        while self._due and self._due[0][0] <= now:
            _, order_id, step, detail = self._due.pop(0)
            row = self.desk.journal.order(order_id)
            if row is None or (row.state, step) not in TRANSITIONS:
                continue
            self.desk.step(order_id, step, detail)
