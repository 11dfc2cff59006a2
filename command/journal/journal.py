"""The journal: an append-only, hash-chained event log with projections, outbox and inbox.

Every write goes through `transaction()`; events, their projection rows, outbox entries and
observation rows written inside one transaction commit together or not at all. Group commit:
`issue_orders`, `receive_orders` and `record_steps` journal a whole batch in ONE commit (one
fsync), all of it or none of it. Use a journal from one thread at a time (the engine thread
owns the writer); viewers open their own read-only journal with `Journal.open_readonly`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal, NamedTuple

from command.canonical import canonical_text
from command.clock import Clock, SystemClock
from command.errors import JournalError, ValidationError
from command.ids import new_id
from command.journal import projections
from command.journal.bodies import decision_body, order_body
from command.journal.chain import (
    GENESIS,
    batch_digest,
    canonical_encode,
    checkpoint_payload,
    event_hash,
)
from command.journal.chain import json_string as _quote
from command.journal.memory_store import MemoryStore
from command.journal.records import (
    DecisionRow,
    Event,
    OrderRow,
    OutMessage,
    StationRow,
)
from command.journal.sqlite_store import SqliteStore
from command.journal.store import EventRow, ObservationValues, OutboxRow, Store
from command.lifecycle import OrderState, Step, next_state
from command.model import (
    Decision,
    DecisionKind,
    Escalation,
    EscalationKind,
    Observation,
    Order,
)
from command.signing import Signer
from command.timers import OrderClock, escalation_message, escalations_due, should_expire
from command.vocabulary import (
    Checkpoint,
    DecisionAdded,
    DecisionCorrected,
    EscalationRaised,
    EscalationResolved,
    EventBody,
    Kind,
    ObservationsBatch,
    OrderStepped,
    StationPresence,
)

Role = Literal["console", "station"]

_COMMITTED = object()  # only this module holds it: an IssuedOrder proves a commit happened

_STILL_APPLIES: dict[str, frozenset[OrderState]] = {
    EscalationKind.UNDELIVERED.value: frozenset({OrderState.ISSUED}),
    EscalationKind.NOT_ACCEPTED.value: frozenset(
        {OrderState.ISSUED, OrderState.DELIVERED, OrderState.ACKNOWLEDGED}
    ),
    EscalationKind.OVERDUE.value: frozenset({OrderState.ACCEPTED, OrderState.IN_PROGRESS}),
}


class Incoming(NamedTuple):
    """An order a station received: what `receive_orders` journals (`ts` defaults to now)."""

    order: Order
    msg_id: str
    peer: str
    ts: float | None = None


class StepRequest(NamedTuple):
    """One lifecycle step for `record_steps` (`ts` defaults to now)."""

    order_id: str
    step: Step
    actor: str
    detail: dict[str, Any] | None = None
    ts: float | None = None


_OBSERVATION_FIELDS = attrgetter("ts", "feed", "zone", "metric", "value", "source")


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


class Journal:
    """The journal of one console or station: one writer, every change an event in the chain."""

    def __init__(self, store: Store, *, clock: Clock, owner: str, role: Role) -> None:
        """Wrap an opened store; use `open`, `in_memory` or `open_readonly` instead."""
        if role not in ("console", "station"):
            raise ValidationError(f"journal role must be console or station, got {role!r}")
        self._store = store
        self.clock = clock
        self.owner = owner
        self.role: Role = role
        self._depth = 0
        self._closed = False
        self._readonly = False
        self._head = store.last_event() or (0, GENESIS)
        self._claim()

    # -- opening and closing ----------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path | str, *, clock: Clock, owner: str, role: Role, timeout: float = 5.0
    ) -> Journal:
        """Create or open the journal file at `path` (WAL, synchronous=FULL).

        Raises `JournalError` (one line: file, cause, fix) when it cannot be opened or written.
        """
        store = SqliteStore(path, timeout=timeout)
        try:
            return cls(store, clock=clock, owner=owner, role=role)
        except BaseException:
            store.close()
            raise

    @classmethod
    def in_memory(cls, *, clock: Clock, owner: str, role: Role) -> Journal:
        """A journal on the in-memory store twin: same behaviour, nothing on disk."""
        return cls(MemoryStore(), clock=clock, owner=owner, role=role)

    @classmethod
    def open_readonly(cls, path: Path | str, *, clock: Clock | None = None) -> Journal:
        """Open an existing journal for reading only (viewers, replay); writes raise."""
        store = SqliteStore(path, readonly=True)
        owner = store.get_meta("owner") or ""
        role = store.get_meta("role") or "console"
        journal = cls.__new__(cls)
        journal._store = store
        journal.clock = clock or SystemClock()
        journal.owner = owner
        journal.role = "station" if role == "station" else "console"
        journal._depth = 0
        journal._closed = False
        journal._readonly = True
        journal._head = store.last_event() or (0, GENESIS)
        return journal

    def _claim(self) -> None:
        """Record owner and role in a new journal; refuse someone else's journal."""
        owner, role = self._store.get_meta("owner"), self._store.get_meta("role")
        if owner is None:
            with self.transaction():
                self._store.set_meta("owner", self.owner)
                self._store.set_meta("role", self.role)
            return
        if owner != self.owner or role != self.role:
            self._store.close()
            raise JournalError(
                f"cannot open journal {self.path}: it belongs to {role} {owner!r}, "
                f"not {self.role} {self.owner!r}; give this {self.role} its own journal path"
            )

    @property
    def path(self) -> Path | None:
        """The journal file, or None for an in-memory journal."""
        return self._store.path

    @property
    def store(self) -> Store:
        """The storage backend the journal reads and writes through (for checks and tests)."""
        return self._store

    @property
    def head(self) -> tuple[int, str]:
        """(seq, hash) of the last event; (0, GENESIS) when there is none."""
        if self._readonly:  # another connection is writing: always ask the file
            return self._store.last_event() or (0, GENESIS)
        return self._head

    def close(self, signer: Signer | None = None) -> None:
        """Close the journal, first signing a checkpoint of the head when `signer` is given."""
        if self._closed:
            return
        if signer is not None and self._head[0] > 0:
            last = next(self._store.select_events(self._head[0] - 1, None), None)
            if last is None or last.kind != Kind.CHECKPOINT:
                self.checkpoint(signer)
        self._closed = True
        self._store.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- events and transactions ------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all. Re-entrant: a nested block that
        raises undoes only its own writes (a savepoint) and lets the exception through."""
        if self._closed:
            raise JournalError(f"cannot write journal {self.path}: it is closed; reopen it")
        if self._depth:
            name = f"baton_sp{self._depth}"
            self._store.savepoint(name)
            self._depth += 1
            try:
                yield
            except BaseException:
                self._store.rollback_to(name)
                self._head = self._store.last_event() or (0, GENESIS)
                raise
            else:
                self._store.release(name)
            finally:
                self._depth -= 1
            return
        self._store.begin()
        self._depth = 1
        try:
            yield
            self._store.commit()
        except BaseException:
            with suppress(JournalError):  # the first error is the one to report
                self._store.rollback()
            self._head = self._store.last_event() or (0, GENESIS)
            raise
        finally:
            self._depth = 0

    def record(
        self,
        body: EventBody,
        *,
        actor: str | None = None,
        incident: str | None = None,
        ts: float | None = None,
    ) -> Event:
        """Journal one typed event body (`command.vocabulary`): its kind and its JSON form, in
        its own transaction unless inside `transaction()`. `actor` defaults to the owner."""
        with self.transaction():
            return self._record(body, actor=actor, incident=incident, ts=ts)

    def _record(
        self,
        body: EventBody,
        *,
        actor: str | None = None,
        incident: str | None = None,
        ts: float | None = None,
    ) -> Event:
        return self._append(body.kind, body.to_body(), actor=actor, incident=incident or "", ts=ts)

    def append(
        self,
        kind: Kind | str,
        body: dict[str, Any],
        *,
        actor: str | None = None,
        incident: str = "",
        ts: float | None = None,
    ) -> Event:
        """Append one event given as kind and JSON body (its own transaction unless inside
        `transaction()`). Writers use `record` with a typed body; this is for tools and tests
        that write raw events."""
        with self.transaction():
            return self._append(kind, body, actor=actor, incident=incident, ts=ts)

    def _append(
        self,
        kind: Kind | str,
        body: dict[str, Any],
        *,
        actor: str | None = None,
        incident: str = "",
        ts: float | None = None,
    ) -> Event:
        try:
            body_text = canonical_encode(body)
        except (TypeError, ValueError) as err:
            raise ValidationError(f"event {kind!r} has a body that is not JSON: {err}") from None
        return self._append_text(
            kind, json.loads(body_text), body_text, actor=actor, incident=incident, ts=ts
        )

    def _append_text(
        self,
        kind: Kind | str,
        body: dict[str, Any],
        body_text: str,
        *,
        actor: str | None,
        incident: str,
        ts: float | None,
    ) -> Event:
        """Append an event whose canonical body text is already made; `body` must be JSON-equal
        to it and only read (projections canonicalise what they store)."""
        kind = str(kind)  # a Kind member's value
        seq = self._head[0] + 1
        prev = self._head[1]
        when = float(self.clock.now() if ts is None else ts)
        who = self.owner if actor is None else actor
        digest = event_hash(prev, seq, when, who, kind, incident, body_text)
        self._store.insert_event(EventRow(seq, when, who, kind, incident, body_text, prev, digest))
        self._head = (seq, digest)
        event = Event(seq, when, who, kind, incident, body, prev, digest)
        try:
            projections.apply(self._store, event)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            # the caller's transaction rolls the event back with everything else
            raise ValidationError(f"event {kind!r} has a malformed body: {err!r}") from None
        return event

    def events(
        self, after_seq: int = 0, kinds: Iterable[Kind | str] | None = None
    ) -> Iterator[Event]:
        """Events after `after_seq` (optionally only these kinds), in seq order."""
        wanted = None if kinds is None else tuple(str(k) for k in kinds)
        for row in self._store.select_events(after_seq, wanted):
            yield Event(
                row.seq,
                row.ts,
                row.actor,
                row.kind,
                row.incident,
                json.loads(row.body),
                row.prev_hash,
                row.hash,
            )

    def projection_tables(self) -> projections.Tables:
        """Every stored projection: table -> key -> row (compare with `projections.fold`)."""
        return {
            table: {row[key]: row for row in self._store.select_rows(table)}
            for table, key in projections.KEY_FIELD.items()
        }

    # -- orders -----------------------------------------------------------------------------

    def issue_order(self, order: Order, decision: Decision) -> IssuedOrder:
        """Journal a signed order with its decision entry and outbox message in ONE commit.

        Only after the commit does the caller get the `IssuedOrder` it needs to send. Runs its
        own transaction, so it cannot be called inside `transaction()`.
        """
        return self.issue_orders([(order, decision)])[0]

    def issue_orders(self, pairs: Sequence[tuple[Order, Decision]]) -> list[IssuedOrder]:
        """Journal many signed orders, each with its decision entry and outbox message, in ONE
        commit (group commit): all of them or, if any is refused, none.

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
        now = self.clock.now()
        done: list[tuple[Order, str, int]] = []
        with self.transaction():
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
                    canonical_encode(body),
                    actor=decision.author,
                    incident=decision.incident,
                    ts=None,
                )
            order_dict = order_body(order)
            order_text = canonical_encode(order_dict)
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
        if self._store.get_row("orders", order.id) is not None:
            return None
        try:
            order_dict = order_body(order)
            order_text = canonical_encode(order_dict)
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

    def record_steps(self, items: Sequence[StepRequest]) -> list[OrderState]:
        """Journal many lifecycle steps in ONE commit (steps of one order apply in turn); the
        new state of each. An unknown order or an illegal step rolls back the whole batch."""
        out: list[OrderState] = []
        if not items:
            return out
        with self.transaction():
            escalations = self._open_escalations()
            for order_id, step, actor, detail, ts in items:
                row = self._store.get_row("orders", order_id)
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
        self._record(
            OrderStepped(step, order_id, new, dict(detail or {})),
            actor=actor,
            incident=row["order"]["incident"],
            ts=ts,
        )
        self._resolve_moot(order_id, new, ts, escalations)

    def _open_escalations(self) -> dict[str, list[dict[str, Any]]]:
        """Open escalations by order id (few: read once per batch of steps)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for esc in self._store.select_rows("escalations", open=True):
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
            if state in _STILL_APPLIES.get(esc["kind"], frozenset()):
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

    # -- generic durable messaging ----------------------------------------------------------

    def enqueue(self, peer: str, msg_type: str, body: dict[str, Any]) -> str:
        """Queue a message for `peer` (call inside the transaction of the event that caused
        it); returns its msg_id."""
        with self.transaction():
            now = self.clock.now()
            msg_id = new_id(now)
            self._store.insert_outbox(
                OutboxRow(msg_id, peer, msg_type, canonical_text(body), self._head[0], now, None)
            )
        return msg_id

    def pending(self, peer: str | None = None) -> list[OutMessage]:
        """Messages not yet acknowledged, in seq order."""
        return [
            OutMessage(r.msg_id, r.peer, r.msg_type, json.loads(r.body), r.seq, r.created_at)
            for r in self._store.select_outbox(peer, None, pending_only=True)
        ]

    def mark_acked(self, msg_id: str) -> bool:
        """Record the peer's acknowledgement; True the first time."""
        with self.transaction():
            return self._store.ack_outbox(msg_id, self.clock.now())

    def mark_received(self, msg_id: str, peer: str) -> bool:
        """Remember a received message id; True the first time only (dedupe)."""
        with self.transaction():
            return self._store.insert_inbox(msg_id, peer, self._head[0])

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

    # -- escalations and timers -------------------------------------------------------------

    def raise_escalation(self, escalation: Escalation) -> Event:
        """Journal an escalation (open until resolved)."""
        if self._store.get_row("escalations", escalation.id) is not None:
            raise ValidationError(f"escalation {escalation.id} was already raised")
        return self._raise(escalation)

    def _raise(self, e: Escalation, ts: float | None = None) -> Event:
        return self.record(EscalationRaised(e), ts=ts)

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

    def check_timers(self, now: float) -> list[Escalation]:
        """Raise each due escalation once per order and kind; expire orders past due unaccepted.

        Returns the escalations raised by this call.
        """
        raised: list[Escalation] = []
        with self.transaction():
            seen: dict[str, set[str]] = {}
            for known in self._store.select_rows("escalations"):
                seen.setdefault(known["order_id"], set()).add(known["kind"])
            for row in self._store.select_rows("orders", open=True):
                o = row["order"]
                clock = OrderClock(
                    o["id"],
                    o["station"],
                    OrderState(row["state"]),
                    float(o["issued_at"]),
                    float(o["ack_deadline"]),
                    float(o["due"]),
                )
                if should_expire(clock, now):
                    self.record_step(
                        o["id"],
                        Step.EXPIRE,
                        actor=self.owner,
                        detail={"reason": "not accepted by its due time"},
                        ts=now,
                    )
                    continue
                for kind in escalations_due(clock, now):
                    if kind.value in seen.get(o["id"], set()):
                        continue
                    esc = Escalation(
                        new_id(now),
                        o["id"],
                        o["station"],
                        kind,
                        now,
                        escalation_message(kind, clock),
                    )
                    self._raise(esc, ts=now)
                    raised.append(esc)
        return raised

    # -- observations -----------------------------------------------------------------------

    def add_observations(self, batch: Sequence[Observation]) -> Event:
        """Store a batch of feed values plus one `observations.batch` event with its digest.

        The digest is SHA-256 of the canonical JSON list of `[ts, feed, zone, metric, value,
        source]` rows; `baton verify` recomputes it from the stored rows.
        """
        if not batch:
            raise ValidationError("an observation batch needs at least one observation")
        rows: list[ObservationValues] = list(map(_OBSERVATION_FIELDS, batch))
        if not all(type(r[0]) is float and type(r[4]) is float for r in rows):
            rows = [(float(r[0]), r[1], r[2], r[3], float(r[4]), r[5]) for r in rows]
        try:
            digest = batch_digest(rows)
        except ValueError:
            raise ValidationError("an observation batch holds a value that is not finite") from None
        except TypeError as err:
            raise ValidationError(
                f"an observation batch holds a value that is not JSON: {err}"
            ) from None
        times = [r[0] for r in rows]
        with self.transaction():
            event = self._record(ObservationsBatch(len(rows), digest, min(times), max(times)))
            self._store.insert_observations(event.seq, rows)
        return event

    def observations(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        zone: str | None = None,
        metric: str | None = None,
    ) -> list[Observation]:
        """Stored feed values with since <= ts <= until, by time."""
        return [
            Observation(r.ts, r.feed, r.zone, r.metric, r.value, r.source)
            for r in self._store.select_observations(since, until, zone, metric)
        ]

    # -- checkpoints ------------------------------------------------------------------------

    def checkpoint(self, signer: Signer) -> Event:
        """Sign the chain head and journal the signature (`baton verify` checks it)."""
        with self.transaction():
            seq, digest = self._head
            signature = signer.sign(checkpoint_payload(seq, digest))
            body = Checkpoint(seq, digest, signer.public_hex, signature)
            return self._record(body, actor=signer.name)


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
