"""ConsolePost: the console's application core (Qt-free, zmq-free).

It turns the commander's intentions into journaled facts (log before send: an order exists only
once its decision, its `order.issued` event and its outbox message are committed together), and
turns what stations report into lifecycle steps. The wire layer calls it; it never touches a
socket. Every method runs in the engine thread, which owns the journal writer.

Withdrawal: cancelling an order (and its expiry, in `command.timers`) queues the station's CANCEL
in the same transaction. The crossing rule (see `command.lifecycle`): the console's decision
wins; a station report that reaches an order already withdrawn (expired or cancelled) — an
accept that crossed the withdrawal on the wire — is journaled as `order.crossed` (the order
needs the commander's attention) and not applied; the withdrawal already queued answers it.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from command.authority.orders import sign_order
from command.clock import Clock
from command.drafts import OrderDraft as OrderDraft  # the one draft type; also importable here
from command.errors import IllegalTransition, ValidationError
from command.fold.orders import REPLAY_REASONS
from command.ids import new_id
from command.journal import Cause, IssuedOrder, Journal, OrderRow
from command.lifecycle import (
    EXPIRY_REASON,
    TRANSITIONS,
    WITHDRAWN_STATES,
    OrderState,
    Step,
    catch_up,
)
from command.model import Decision, DecisionKind, Escalation, Incident, Order
from command.signing import Signer
from command.timers import UNDELIVERED_AFTER_S, check_timers
from command.vocabulary import MessageRejected, OrderCrossed

JSON = Any

REPORT_STEPS = frozenset(
    {
        Step.ACKNOWLEDGE,
        Step.ACCEPT,
        Step.DECLINE,
        Step.START,
        Step.PROGRESS,
        Step.COMPLETE,
        Step.FAIL,
    }
)
"""Steps a station may report; anything else in a report is refused."""

TIMER_SCAN_S = 5.0
"""Longest gap between full timer scans of the open orders (`check_timers`): between them only
the orders this post knows whose deadline has come are checked (see `_watch`)."""


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    """What a station report did: `applied` steps, or why nothing was applied."""

    duplicate: bool = False
    applied: tuple[Step, ...] = ()
    refused: str = ""
    crossed: bool = False  # reached an order already withdrawn: journaled as order.crossed


class ConsolePost:
    """The console's core: issue, cancel, decide; apply acks and station reports; presence."""

    def __init__(
        self,
        journal: Journal,
        clock: Clock,
        signer: Signer,
        grant_chain: tuple[str, ...],
        incident: Incident,
        *,
        commander: str | None = None,
        snapshot: Callable[[], dict[str, JSON]] | None = None,
        signer_fn: Callable[[Order, Signer], Order] = sign_order,
    ) -> None:
        self.journal = journal
        self.clock = clock
        self.signer = signer
        self.grant_chain = grant_chain
        self.incident = incident
        self.commander = commander or signer.name
        self._snapshot = snapshot or dict
        self._sign = signer_fn
        # min-heap of (deadline, order id); None until the first scan
        self._deadlines: list[tuple[float, str]] | None = None
        self._next_scan = float("-inf")

    # -- commander actions ---------------------------------------------------------------

    def issue_order(self, draft: OrderDraft, **decision: Any) -> IssuedOrder:
        """Validate, sign and journal an order with its decision entry; it is sent from there.
        The keywords are the entry's fields (`_decision`: decision, rationale, and optionally
        information, risk_assessment, powers_policy, options, kind).

        Raises `ValidationError` (unknown station, kind, zone or bad parameter) or `JournalError`
        (nothing is sent when nothing could be logged).
        """
        issued = self.journal.issue_order(*self._prepare(draft, **decision))
        self._watch([_times(issued.order)])
        return issued

    def issue_orders(
        self, drafts: Sequence[OrderDraft], *, cause: Cause | None = None, **decision: Any
    ) -> list[IssuedOrder]:
        """Several drafts under ONE decision entry (the same decision fields; the entry lists
        every order and each order names it), journaled in ONE commit: all of them or, if any
        is refused, none. `cause` (a suggestion's outcome) is journaled first in that commit."""
        if not drafts:
            return []
        now = self.clock.now()
        decision_id = new_id(now)
        orders = [self._order(d, now, decision_id) for d in drafts]
        entry = self._decision(decision_id, now, tuple(o.id for o in orders), **decision)
        issued = self.journal.issue_orders([(order, entry) for order in orders], cause=cause)
        self._watch(_times(i.order) for i in issued)
        return issued

    def _prepare(self, draft: OrderDraft, **decision: Any) -> tuple[Order, Decision]:
        """One validated, signed order and its own decision entry."""
        now = self.clock.now()
        decision_id = new_id(now)
        order = self._order(draft, now, decision_id)
        return order, self._decision(decision_id, now, (order.id,), **decision)

    def _order(self, draft: OrderDraft, now: float, decision_id: str) -> Order:
        """Validate `draft` against the incident and sign the order it makes."""
        station = self.incident.station(draft.station)
        order_kind = station.kind(draft.kind)
        self.incident.zone(draft.zone)
        params = order_kind.validate_params(draft.params)
        ack_s = (
            draft.ack_deadline_s if draft.ack_deadline_s is not None else order_kind.ack_deadline_s
        )
        due_s = draft.due_s if draft.due_s is not None else order_kind.due_s
        order = Order(
            id=new_id(now),
            incident=self.incident.id,
            station=station.id,
            kind=order_kind.name,
            params=params,
            zone=draft.zone,
            priority=draft.priority,
            issued_at=now,
            ack_deadline=now + ack_s,
            due=now + due_s,
            text=draft.text,
            grant_chain=self.grant_chain,
            decision_id=decision_id,
            commander=self.commander,
        )
        return self._sign(order, self.signer)

    def _decision(
        self,
        decision_id: str,
        now: float,
        order_ids: tuple[str, ...],
        *,
        decision: str,
        rationale: str,
        information: str = "",
        risk_assessment: str = "",
        powers_policy: str = "",
        options: str = "",
        kind: DecisionKind = DecisionKind.ORDER,
    ) -> Decision:
        """The decision entry behind `order_ids`, with the current snapshot."""
        if not decision.strip():
            raise ValidationError("a decision needs a text saying what was decided")
        return Decision(
            id=decision_id,
            incident=self.incident.id,
            ts=now,
            author=self.commander,
            decision=decision,
            rationale=rationale,
            information=information,
            risk_assessment=risk_assessment,
            powers_policy=powers_policy,
            options=options,
            kind=kind,
            order_ids=order_ids,
            snapshot=self._snapshot(),
        )

    def cancel_order(self, order_id: str, reason: str) -> str:
        """Cancel an open order and queue the CANCEL for its station; returns the message id."""
        row = self.journal.order(order_id)
        if row is None:
            raise ValidationError(f"no order {order_id}: check the id in the orders table")
        if not reason.strip():
            raise ValidationError(f"cancelling order {order_id} needs a reason")
        if reason.strip() == EXPIRY_REASON:
            raise ValidationError(
                f"cancelling order {order_id}: that reason is the expiry's; say why in your words"
            )
        with self.journal.transaction():
            self.journal.record_step(
                order_id, Step.CANCEL, actor=self.commander, detail={"reason": reason}
            )
            return self.journal.enqueue(
                row.order.station, "CANCEL", {"order_id": order_id, "reason": reason}
            )

    def send_grants(self, station: str, documents: list[dict[str, JSON]]) -> str:
        """Queue grant/revocation documents for a station; returns the message id."""
        return self.journal.enqueue(station, "GRANTS", {"documents": documents})

    def send_handover(
        self,
        documents: list[dict[str, JSON]],
        rechained: list[Order],
        *,
        signer: Signer | None = None,
        grant_chain: tuple[str, ...] | None = None,
    ) -> list[str]:
        """After a handover (journaled by the delegation desk): queue the new grant and the
        revocation for every station, then each open order re-signed under the new chain, in
        one transaction. New orders are signed with `signer` under `grant_chain` from now on.
        Returns the message ids."""
        ids: list[str] = []
        with self.journal.transaction():
            for station in self.incident.stations:
                ids.append(self.journal.enqueue(station.id, "GRANTS", {"documents": documents}))
            for order in rechained:
                ids.append(
                    self.journal.enqueue(
                        order.station, "ORDER", {"order": order.to_dict(), "rechain": True}
                    )
                )
        if signer is not None:
            self.signer = signer
            self.commander = signer.name
        if grant_chain is not None:
            self.grant_chain = grant_chain
        return ids

    def add_decision(self, decision: str, rationale: str, **fields: JSON) -> Decision:
        """Journal a manual decision entry (JDM fields as keywords) with the current snapshot."""
        if not decision.strip():
            raise ValidationError("a decision needs a text saying what was decided")
        now = self.clock.now()
        entry = Decision(
            id=new_id(now),
            incident=self.incident.id,
            ts=now,
            author=self.commander,
            decision=decision,
            rationale=rationale,
            snapshot=self._snapshot(),
            **fields,
        )
        self.journal.add_decision(entry)
        return entry

    def correct_decision(
        self, original_id: str, decision: str, rationale: str, reason: str
    ) -> Decision:
        """Strike an earlier entry through with a corrected one (never erased)."""
        if not reason.strip():
            raise ValidationError(f"correcting decision {original_id} needs a reason")
        now = self.clock.now()
        entry = Decision(
            id=new_id(now),
            incident=self.incident.id,
            ts=now,
            author=self.commander,
            decision=decision,
            rationale=rationale,
            kind=DecisionKind.CORRECTION,
            snapshot=self._snapshot(),
            corrects=original_id,
            correction_reason=reason,
        )
        self.journal.correct_decision(original_id, entry, reason)
        return entry

    # -- what the wire brings -----------------------------------------------------------

    def on_ack(self, station: str, msg_id: str, *, msg_type: str, body: Mapping[str, JSON]) -> bool:
        """A station journaled our message `msg_id`; an acked ORDER becomes delivered.

        Returns False when the ack was already known (duplicate ack).
        """
        with self.journal.transaction():
            if not self.journal.mark_acked(msg_id):
                return False
            if msg_type.upper() == "ORDER":
                order_id = _order_id(body)
                if order_id:
                    self.journal.step_if(
                        order_id,
                        Step.DELIVER,
                        OrderState.ISSUED,
                        actor=station,
                        detail={"msg_id": msg_id},
                    )
        return True

    def on_nack(self, station: str, msg_id: str, code: str, text: str) -> None:
        """A station refused our message: journal why and stop retrying it."""
        with self.journal.transaction():
            self.journal.record(
                MessageRejected(station, msg_id, code, text, by=station), actor=station
            )
            self.journal.mark_acked(msg_id)

    def on_report(
        self,
        station: str,
        msg_id: str,
        *,
        order_id: str,
        step: str,
        ts: float,
        detail: Mapping[str, JSON],
    ) -> ReportOutcome:
        """Apply a station report once (dedupe by `msg_id`, in the same transaction).

        A report "rejected" (the station refused the ORDER message) takes the order to REJECTED
        where the transition table allows it; when the station says it still holds the order
        (`held`, or a replay code) or the order is past rejecting, the report is refused
        (`message.rejected`) and the order left as it is.
        """
        with self.journal.transaction():
            if not self.journal.mark_received(msg_id, station):
                return ReportOutcome(duplicate=True)
            # Journaled at the console's own receipt time (journal times never run backwards);
            # the station's stated time is kept in the step's detail.
            detail = {**detail, "reported_at": ts}
            ts = self.clock.now()
            refused = self._check_report(station, order_id, step)
            if refused:
                self._refuse(station, msg_id, order_id, step, refused)
                return ReportOutcome(refused=refused)
            row = self.journal.order(order_id)
            assert row is not None
            if step == "rejected":
                return self._rejected(station, msg_id, row, ts, detail)
            target = Step(step)
            if row.state in WITHDRAWN_STATES:
                # Crossed the withdrawal on the wire: the console's decision stands.
                crossed = OrderCrossed(
                    order_id, station, target.value, row.state, float(detail["reported_at"]), msg_id
                )
                self.journal.record(crossed, actor=station, incident=row.order.incident, ts=ts)
                return ReportOutcome(crossed=True)
            final_detail = dict(detail)
            path = catch_up(row.state, target)
            if not path:
                refused = f"illegal: order is {row.state.value}, cannot {target.value}"
                self._refuse(station, msg_id, order_id, step, refused)
                return ReportOutcome(refused=refused)
            for s in path:
                try:
                    self.journal.record_step(
                        order_id,
                        s,
                        actor=station,
                        detail=final_detail if s is target else {"implied_by": target.value},
                        ts=ts,
                    )
                except IllegalTransition as err:  # pragma: no cover - catch_up said legal
                    self._refuse(station, msg_id, order_id, step, str(err))
                    return ReportOutcome(refused=str(err))
            return ReportOutcome(applied=path)

    def _rejected(
        self, station: str, msg_id: str, row: OrderRow, ts: float, detail: Mapping[str, JSON]
    ) -> ReportOutcome:
        order_id = row.order.id
        code = str(detail.get("reason", "unknown"))
        held = detail.get("held")
        if held or code in REPLAY_REASONS:
            refused = f"held: the station holds the order ({held or 'replayed'}), refused {code}"
        elif (row.state, Step.REJECT) not in TRANSITIONS:
            refused = f"illegal: order is {row.state.value}, cannot {Step.REJECT.value}"
        else:
            final = {"reason": code, "text": str(detail.get("text", ""))}
            self.journal.record_step(order_id, Step.REJECT, actor=station, detail=final, ts=ts)
            return ReportOutcome(applied=(Step.REJECT,))
        self._refuse(station, msg_id, order_id, "rejected", refused)
        return ReportOutcome(refused=refused)

    def _check_report(self, station: str, order_id: str, step: str) -> str:
        row = self.journal.order(order_id)
        if row is None:
            return "unknown_order"
        if row.order.station != station:
            return "not_your_order"
        if step != "rejected" and step not in {s.value for s in REPORT_STEPS}:
            return "unknown_step"
        return ""

    def _refuse(self, station: str, msg_id: str, order_id: str, step: str, why: str) -> None:
        text = f"report {step} for order {order_id}: {why}"
        self.journal.record(MessageRejected(station, msg_id, "report_refused", text), actor=station)

    def station_online(self, station: str, *, detail: str = "") -> None:
        """A station said HELLO or was heard again after being offline."""
        self.journal.set_station_status(station, True, detail=detail)

    def station_offline(self, station: str, *, detail: str = "") -> None:
        """A station has been silent for three heartbeat intervals."""
        self.journal.set_station_status(station, False, detail=detail)

    def heard(self, station: str, ts: float) -> None:
        """Record when a station was last heard (presence table, not an event)."""
        self.journal.touch_station(station, ts)

    def check_timers(self, now: float) -> list[Escalation]:
        """Raise due escalations (undelivered after 30 s, not accepted, overdue) and expire.

        Every `TIMER_SCAN_S` all open orders are scanned (a restart's, and any journaled around
        this post); between scans only the orders whose deadline has come: not on every tick,
        and not every open order for a few of them."""
        if self._deadlines is None:
            self._deadlines = []
            self._watch(
                (t.order_id, t.issued_at, t.ack_deadline, t.due)
                for t in self.journal.store.open_order_times()
            )
        due: list[str] = []
        while self._deadlines and self._deadlines[0][0] <= now:
            due.append(heapq.heappop(self._deadlines)[1])
        if now >= self._next_scan:
            self._next_scan = now + TIMER_SCAN_S
            return check_timers(self.journal, now)
        return check_timers(self.journal, now, due) if due else []

    def _watch(self, orders: Iterable[tuple[str, float, float, float]]) -> None:
        """Remember when the timers of orders (id, issued_at, ack_deadline, due) can next fire:
        every state's deadline is one of issue + `UNDELIVERED_AFTER_S`, the ack deadline and
        the due time, and a deadline already passed was seen by a check (an escalation is
        raised once; an order past due expires or is overdue)."""
        if self._deadlines is None:
            return  # the first scan reads every open order anyway
        for order_id, issued_at, ack_deadline, due in orders:
            for at in (issued_at + UNDELIVERED_AFTER_S, ack_deadline, due):
                heapq.heappush(self._deadlines, (at, order_id))


def _times(order: Order) -> tuple[str, float, float, float]:
    return (order.id, order.issued_at, order.ack_deadline, order.due)


def _order_id(body: Mapping[str, JSON]) -> str:
    order = body.get("order")
    if isinstance(order, Mapping):
        return str(order.get("id", ""))
    return str(body.get("order_id", ""))
