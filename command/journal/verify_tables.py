"""The tables beside the events, held against the events (`baton verify`).

The hash chain covers the events; the projection tables, the outbox and the inbox are written in
the transaction of the event that caused them but are not hashed. An edit there would change
what the console shows or re-send an old order, so verify derives them again from the (verified)
events:

- **Projections** (`orders`, `stations`, `escalations`, `decisions`): refolded with
  `command.journal.projections.fold`, the code the journal writes them with, and compared row
  by row (document and indexed columns). Events of the bulk kinds no projection reads (feed
  batches, the picture, checkpoints and cosignatures) are not fed to the fold.
- **Outbox**: every row carries the seq of the event that queued it. An `order` row is the
  `order.issued` event with its msg_id, at that seq, with that body; a `CANCEL` row an
  `order.cancel` step of the order with that reason (or its `order.expire`: the withdrawal); a
  station's `REPORT` row a step it took (same time and detail) or a refusal it journaled; a re-
  chained `ORDER` row an order a handover carried on. Each event explains at most one row (a copy is
  a duplicate). An `order.issued` without its row is a lost message; an ORDER row still pending
  although the order's delivery (or the peer's refusal of that message) is journaled is a re-queued
  message. Rows of other types must name an event that exists and may not be exact copies of one
  another.
- **Inbox**: every message id an `order.received` or `order.rechained` event names is in the
  inbox (without it a replay of that message would be executed again).

The first problem is reported as (where, problem, detail), e.g. ("outbox row 01H…", ...).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from command.ids import short_id
from command.journal.projections import KEY_FIELD, fold
from command.journal.records import Event
from command.journal.store import PROJECTION_TABLES
from command.lifecycle import Step
from command.vocabulary import KIND_STEP, STEP_KIND, Kind

PROJECTION = "projection differs from the events"
OUTBOX = "outbox row not explained by the events"
OUTBOX_DUPLICATE = "duplicate outbox row"
OUTBOX_MISSING = "outbox row missing"
OUTBOX_REQUEUED = "outbox row pending although delivered"
INBOX_MISSING = "inbox row missing"

_NOT_FOLDED = tuple(
    k.value
    for k in (
        Kind.OBSERVATIONS_BATCH,
        Kind.PICTURE_VALUES,
        Kind.PICTURE_LEVEL,
        Kind.CHECKPOINT,
        Kind.WITNESS_COSIGNED,
        Kind.CHECKPOINT_COSIGNED,
    )
)
_ISSUED, _CANCEL, _DELIVER = Kind.ORDER_ISSUED, Kind.ORDER_CANCEL, Kind.ORDER_DELIVER
_EXPIRE = Kind.ORDER_EXPIRE
_ORDER_REJECTED, _MSG_REJECTED = Kind.ORDER_REJECTED, Kind.MESSAGE_REJECTED
_RECEIVED, _RECHAINED, _HANDOVER = Kind.ORDER_RECEIVED, Kind.ORDER_RECHAINED, Kind.HANDOVER
_OUTBOX_KINDS = (
    _ISSUED,
    _ORDER_REJECTED,
    _MSG_REJECTED,
    _RECEIVED,
    _RECHAINED,
    _HANDOVER,
    *STEP_KIND.values(),
)

_OUTBOX_VALUES = frozenset(k.value for k in _OUTBOX_KINDS)
assert not _OUTBOX_VALUES & set(_NOT_FOLDED)  # the fold's pass sees every event they need

Problem = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class TablesReport:
    """Rows compared, and the first that the events do not explain."""

    projection_rows: int
    outbox_rows: int
    inbox_rows: int
    problem: Problem | None = None


def check_tables(conn: sqlite3.Connection, size: int) -> TablesReport:
    """Compare projections, outbox and inbox on `conn` with the events (inside one read)."""
    events: list[Event] = []  # the outbox's and inbox's, decoded once in the fold's pass
    projection_rows, problem = _projections(conn, events)
    outbox = conn.execute(
        "SELECT msg_id, peer, msg_type, body, seq, created_at, acked_at FROM outbox "
        "ORDER BY seq, rowid"
    ).fetchall()
    inbox = {str(r[0]) for r in conn.execute("SELECT msg_id FROM inbox")}
    if problem is None:
        problem = _Outbox(events, size).check(outbox)
    if problem is None:
        problem = _inbox(events, inbox)
    return TablesReport(projection_rows, len(outbox), len(inbox), problem)


def _rows(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> Iterator[Event]:
    cursor = conn.execute(sql, params)
    while chunk := cursor.fetchmany(4096):
        for seq, ts, actor, kind, incident, body in chunk:
            yield Event(seq, ts, actor, kind, incident, json.loads(body), "", "")


def _feeding(events: Iterator[Event], keep: list[Event]) -> Iterator[Event]:
    """`events`, also collecting into `keep` those the outbox and inbox checks read."""
    wanted = _OUTBOX_VALUES
    for e in events:
        if e.kind in wanted:
            keep.append(e)
        yield e


def _projections(conn: sqlite3.Connection, keep: list[Event]) -> tuple[int, Problem | None]:
    """Refold the projections from the events (one pass, which also fills `keep`) and compare."""
    marks = ", ".join("?" * len(_NOT_FOLDED))
    folded = fold(
        _feeding(
            _rows(
                conn,
                "SELECT seq, ts, actor, kind, incident, body FROM events "
                f"WHERE kind NOT IN ({marks}) ORDER BY seq",
                _NOT_FOLDED,
            ),
            keep,
        )
    )
    count = 0
    for table, indexed in PROJECTION_TABLES.items():
        expected = folded[table]
        cols = "".join(f", {n}" for n in indexed)
        seen: set[str] = set()
        for key, doc, *values in conn.execute(f"SELECT key, doc{cols} FROM {table} ORDER BY rowid"):
            count += 1
            where = f"{table} row {key}"
            want = expected.get(key)
            if want is None:
                return count, (where, PROJECTION, "no event makes this row")
            seen.add(key)
            try:
                got = json.loads(doc)
            except (TypeError, ValueError):
                return count, (where, PROJECTION, "its document is not JSON")
            if got != want:
                field = next(
                    (f for f in sorted(set(got) | set(want)) if got.get(f) != want.get(f)), "?"
                )
                return count, (
                    where,
                    PROJECTION,
                    f"field {field!r} is {got.get(field)!r}, the events give {want.get(field)!r}",
                )
            for name, value in zip(indexed, values, strict=True):
                if value != want.get(name):
                    return count, (
                        where,
                        PROJECTION,
                        f"column {name!r} is {value!r}, the events give {want.get(name)!r}",
                    )
            if key != str(want.get(KEY_FIELD[table])):
                return count, (where, PROJECTION, "its key is not the row's id")
        missing = [k for k in expected if k not in seen]
        if missing:
            return count, (f"{table} row {missing[0]}", PROJECTION, "the row is missing")
    return count, None


def _inbox(events: list[Event], inbox: set[str]) -> Problem | None:
    for e in events:
        if e.kind in (_RECEIVED, _RECHAINED):
            msg_id = str(e.body.get("msg_id") or "")
            if msg_id and msg_id not in inbox:
                return (
                    f"inbox row {msg_id}",
                    INBOX_MISSING,
                    f"seq {e.seq} ({e.kind}) received this message id; without its row a "
                    "replay would be executed again",
                )
    return None


class _Outbox:
    """The outbox rows the events explain."""

    def __init__(self, events: list[Event], size: int) -> None:
        self.size = size
        self.issued: dict[str, Event] = {}  # msg_id -> order.issued
        self.station: dict[str, str] = {}  # order id -> station
        self.delivered: dict[str, set[str]] = {}  # order id -> msg ids its deliver steps name
        self.refused: set[str] = set()  # msg ids a message.rejected names
        self.steps: list[Event] = []
        self.rejections: list[Event] = []
        self.handovers: list[Event] = []
        for e in events:
            body = e.body
            if e.kind == _ISSUED:
                order = body.get("order") or {}
                self.issued[str(body.get("msg_id", ""))] = e
                self.station[str(order.get("id"))] = str(order.get("station"))
            elif e.kind in KIND_STEP:
                self.steps.append(e)
                if e.kind == _DELIVER:
                    detail = body.get("detail") or {}
                    got = self.delivered.setdefault(str(body.get("order_id")), set())
                    got.add(str(detail.get("msg_id", "")))
            elif e.kind == _MSG_REJECTED:
                self.refused.add(str(body.get("msg_id", "")))
                self.rejections.append(e)
            elif e.kind == _ORDER_REJECTED:
                self.rejections.append(e)
            elif e.kind == _HANDOVER:
                self.handovers.append(e)
        self.used: set[tuple[int, str]] = set()

    def _take(self, candidates: list[Event], tag: str) -> bool:
        """Use the first unused candidate event (each explains one row)."""
        for e in candidates:
            if (e.seq, tag) not in self.used:
                self.used.add((e.seq, tag))
                return True
        return False

    def check(self, rows: list[tuple[Any, ...]]) -> Problem | None:
        """The first row the events do not explain, then the first order.issued without a row."""
        copies: set[tuple[str, str, str, int]] = set()
        seen_orders: set[str] = set()
        for msg_id, peer, msg_type, text, seq, _created, acked in rows:
            where = f"outbox row {msg_id}"
            try:
                body = json.loads(text)
            except (TypeError, ValueError):
                return (where, OUTBOX, "its body is not JSON")
            if not isinstance(seq, int) or not 0 <= seq <= self.size:
                return (where, OUTBOX, f"it names seq {seq!r}, the journal has {self.size}")
            if not isinstance(body, dict):
                return (where, OUTBOX, "its body is not a JSON object")
            ident = (str(peer), str(msg_type), json.dumps(body, sort_keys=True), seq)
            if ident in copies:
                return (where, OUTBOX_DUPLICATE, f"a copy of an earlier {msg_type} row to {peer}")
            copies.add(ident)
            why = self._explain(str(msg_id), str(peer), str(msg_type), body, seq, acked)
            if why is not None:
                return (where, *why)
            if msg_type == "order":
                seen_orders.add(str(msg_id))
        for msg_id, e in self.issued.items():
            if msg_id not in seen_orders:
                return (
                    f"outbox row {msg_id}",
                    OUTBOX_MISSING,
                    f"seq {e.seq} issued order {e.body['order'].get('id')} under this message "
                    "id; its ORDER row is gone",
                )
        return None

    def _explain(
        self, msg_id: str, peer: str, msg_type: str, body: dict[str, Any], seq: int, acked: Any
    ) -> tuple[str, str] | None:
        """(problem, detail) when the row is not what its event implies, else None."""
        if msg_type == "order":
            e = self.issued.get(msg_id)
            if e is None:
                return (OUTBOX, "no order.issued event names this message id")
            order = e.body.get("order") or {}
            if seq != e.seq or peer != order.get("station") or body != {"order": order}:
                return (OUTBOX, f"it differs from the ORDER seq {e.seq} queued")
            order_id = str(order.get("id"))
            if acked is None and (
                msg_id in self.refused or msg_id in self.delivered.get(order_id, set())
            ):
                return (
                    OUTBOX_REQUEUED,
                    f"order {short_id(order_id)}'s delivery (or refusal) is journaled, yet the row "
                    "waits to be sent again",
                )
            return None
        if msg_type == "CANCEL":
            cancel_id, reason = body.get("order_id"), body.get("reason")
            cancels = [
                e
                for e in self.steps
                if e.seq <= seq
                and e.body.get("order_id") == cancel_id
                and (
                    e.kind == _EXPIRE
                    or (e.kind == _CANCEL and (e.body.get("detail") or {}).get("reason") == reason)
                )
            ]
            if self.station.get(str(cancel_id), peer) != peer or not self._take(cancels, "C"):
                return (OUTBOX, f"no cancellation or expiry of order {cancel_id} queued it")
            return None
        if msg_type == "REPORT":
            return self._report(body, seq)
        if msg_type == "ORDER" and body.get("rechain"):
            moved_id = (body.get("order") or {}).get("id")
            moved = [
                e
                for e in self.handovers
                if e.seq <= seq
                and any(o.get("id") == moved_id for o in e.body.get("rechained") or ())
            ]
            if not self._take(moved, f"R{moved_id}"):
                return (OUTBOX, f"no handover carried order {moved_id} on")
            return None
        return None

    def _report(self, body: dict[str, Any], seq: int) -> tuple[str, str] | None:
        order_id, step, detail = body.get("order_id"), body.get("step"), body.get("detail")
        if step == "rejected":
            d = detail if isinstance(detail, dict) else {}
            found = [
                e
                for e in self.rejections
                if e.seq <= seq
                and (
                    (
                        e.kind == _ORDER_REJECTED
                        and e.body.get("order_id") == order_id
                        and e.body.get("reason") == d.get("reason")
                    )
                    or (e.kind == _MSG_REJECTED and e.body.get("msg_id") == d.get("msg_id"))
                )
            ]
            if not self._take(found, "J"):
                return (OUTBOX, f"no refusal of order {short_id(str(order_id))} queued this REPORT")
            return None
        try:
            kind = STEP_KIND[Step(str(step))]
        except (KeyError, ValueError):
            return (OUTBOX, f"REPORT of an unknown step {step!r}")
        found = [
            e
            for e in self.steps
            if e.kind == kind
            and e.seq <= seq
            and e.body.get("order_id") == order_id
            and e.ts == body.get("ts")
            and (e.body.get("detail") or {}) == detail
        ]
        if not self._take(found, "S"):
            return (
                OUTBOX,
                f"no {kind.value} step of order {short_id(str(order_id))} queued this REPORT",
            )
        return None
