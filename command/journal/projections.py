"""Projections: current orders, stations, escalations and decisions, derived from events.

`apply(rows, event)` is the only place that turns an event into projection rows. The journal
calls it inside the event's own transaction against its store; `fold(events)` calls it against
plain dicts to rebuild every projection from scratch (replay, and the property tests that check
the two agree). Events are read through `command.vocabulary.decode`, and the rows agree with
what `command.fold` folds from the same events (tests/command/journal/test_fold_agrees.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from command.canonical import canonical_text
from command.fold.orders import rejected_state
from command.journal.bodies import decision_body, order_body
from command.journal.store import PROJECTION_TABLES, Store
from command.lifecycle import OrderState, Step
from command.model import Order
from command.vocabulary import (
    DecisionAdded,
    DecisionCorrected,
    EscalationRaised,
    EscalationResolved,
    EventBody,
    EventLike,
    OrderIssued,
    OrderReceived,
    OrderRejected,
    OrderStepped,
    StationPresence,
    decode,
)

Row = dict[str, Any]
Tables = dict[str, dict[str, Row]]

KEY_FIELD = {"orders": "id", "stations": "station", "escalations": "id", "decisions": "id"}
"""The field of each projection row that is its key."""


class Rows(Protocol):
    """Read and write access to projection rows (a store, or the dicts of `fold`)."""

    def get_row(self, table: str, key: str) -> Row | None:
        """One row, or None."""

    def put_row(self, table: str, key: str, row: Row) -> None:
        """Insert or replace one row."""


class MemoRows:
    """The writer's projection rows through a small memo: the order rows it wrote or read, and
    keys it knows are absent, so an ack's step finds its order without a query or JSON parsing
    and a burst of new orders asks no SELECT per order. Only the journal's one writer changes
    the rows, and every change comes through `put_row`, so the memo stays true across commits;
    the journal clears it when a transaction rolls back. Rows come back as shallow copies
    (change only top-level fields). A read-only journal (`remember=False`) always asks."""

    _LIMIT = 4096
    _WRITTEN = frozenset({"orders"})  # tables whose written rows are kept

    def __init__(self, store: Store, *, remember: bool = True) -> None:
        self.store = store
        self.remember = remember
        self._rows: dict[tuple[str, str], Row | None] = {}
        self._open: dict[str, list[Row]] = {}  # table -> its open rows (escalations)

    def get_row(self, table: str, key: str) -> Row | None:
        """One row (a shallow copy), or None."""
        memo = self._rows
        if (table, key) in memo:
            row = memo[(table, key)]
        else:
            row = self.store.get_row(table, key)
            if row is not None and self.remember:
                self._keep(table, key, row)
        return None if row is None else dict(row)

    def _keep(self, table: str, key: str, row: Row | None) -> None:
        if len(self._rows) >= self._LIMIT:
            self._rows.clear()
        self._rows[(table, key)] = row

    def absent(self, table: str, keys: Iterable[str]) -> None:
        """Remember that `keys` have no row in `table` (the caller has just asked the store)."""
        if not self.remember:
            return
        if len(self._rows) >= self._LIMIT:
            self._rows.clear()
        self._rows.update(((table, key), None) for key in keys)

    def open_rows(self, table: str) -> list[Row]:
        """The rows of `table` whose `open` field is true, in insertion order (shallow copies;
        asked of the store once until the table is written)."""
        rows = self._open.get(table)
        if rows is None:
            rows = self.store.select_rows(table, open=True)
            if self.remember:
                self._open[table] = rows
        return [dict(row) for row in rows]

    def put_row(self, table: str, key: str, row: Row) -> None:
        """Write through to the store (an order row is kept as written)."""
        self._rows.pop((table, key), None)
        self._open.pop(table, None)
        self.store.put_row(table, key, row)
        if table in self._WRITTEN and self.remember:
            self._keep(table, key, dict(row))

    def clear(self) -> None:
        """Forget everything (a transaction rolled back)."""
        self._rows.clear()
        self._open.clear()


class DictRows:
    """Projection rows held in dicts, JSON round-tripped like a store would."""

    def __init__(self) -> None:
        self.tables: Tables = {name: {} for name in PROJECTION_TABLES}

    def get_row(self, table: str, key: str) -> Row | None:
        """A copy of one row."""
        row = self.tables[table].get(key)
        return None if row is None else dict(row)

    def put_row(self, table: str, key: str, row: Row) -> None:
        """Store a JSON round-tripped copy."""
        self.tables[table][key] = json.loads(canonical_text(row))


_AS_WRITTEN = (OrderIssued, OrderReceived, OrderStepped, DecisionAdded)
"""The writers' typed bodies `apply` takes as they are: `decode` reads these back unchanged (the
hot paths: orders issued, received and stepped); any other kind is decoded from the event."""


def apply(rows: Rows, event: EventLike, body: EventBody | None = None) -> None:
    """Update the projections for one event, read through `decode` (other kinds change nothing);
    a writer that holds the event's typed body passes it as `body` (it must be what `decode`
    reads back from the event) and the event is not decoded again.

    It agrees with `command.fold`: an order's state is the one its last step journaled; a
    station's refusal of an order it does not hold adds it as rejected, and a refusal naming an
    order it holds (a replay, a refused re-chain) changes it only where `rejected_state` says.
    """
    if isinstance(body, _AS_WRITTEN) and not (
        isinstance(body, OrderStepped) and body.step is Step.DECLINE
    ):
        _apply(rows, event, body)
    elif body is not None and type(body) not in _APPLY:
        return  # a kind no projection reads (a cosignature, a checkpoint...): `decode` reads
        # back the same class, so there is nothing to do and nothing to decode
    else:  # (decode reads a legacy authority decline as a rejection)
        _apply(rows, event, decode(event))


def _apply(rows: Rows, event: EventLike, body: object) -> None:
    project = _APPLY.get(type(body))
    if project is not None:
        project(rows, event, body)


def _order_arrived(rows: Rows, event: EventLike, body: OrderIssued | OrderReceived) -> None:
    order = body.order
    if rows.get_row("orders", order.id) is not None:
        return
    state = OrderState.DELIVERED if isinstance(body, OrderReceived) else OrderState.ISSUED
    rows.put_row("orders", order.id, _order_row(order, state, {}, body.msg_id, event))


def _order_stepped(rows: Rows, event: EventLike, body: OrderStepped) -> None:
    _set_order_state(rows, event, body.order_id, body.state, dict(body.detail))


def _order_rejected(rows: Rows, event: EventLike, body: OrderRejected) -> None:
    detail = {"reason": body.reason, "text": body.detail}
    row = rows.get_row("orders", body.order_id)
    if row is None:
        if body.order is not None:
            state = OrderState.REJECTED
            rows.put_row("orders", body.order_id, _order_row(body.order, state, detail, "", event))
        return
    new = rejected_state(OrderState(row["state"]), body)
    if new is not None:
        _set_order_state(rows, event, body.order_id, new, detail)


def _decision(rows: Rows, event: EventLike, body: DecisionAdded | DecisionCorrected) -> None:
    decision = body.decision
    if rows.get_row("decisions", decision.id) is None:
        rows.put_row("decisions", decision.id, _decision_row(decision_body(decision), event))
    if isinstance(body, DecisionCorrected):
        original = rows.get_row("decisions", body.corrects)
        if original is not None:
            original["struck_by"] = decision.id
            original["struck_reason"] = body.reason
            rows.put_row("decisions", body.corrects, original)


def _presence(rows: Rows, event: EventLike, body: StationPresence) -> None:
    rows.put_row(
        "stations",
        body.station,
        {"station": body.station, "online": body.online, "since": event.ts, "detail": body.detail},
    )


def _escalation_raised(rows: Rows, event: EventLike, body: EscalationRaised) -> None:
    esc = body.escalation
    if rows.get_row("escalations", esc.id) is not None:
        return
    rows.put_row(
        "escalations",
        esc.id,
        {
            "id": esc.id,
            "order_id": esc.order_id,
            "station": esc.station,
            "kind": esc.kind.value,
            "raised_at": esc.raised_at,
            "message": esc.message,
            "resolved_at": None,
            "open": True,
        },
    )


def _escalation_resolved(rows: Rows, event: EventLike, body: EscalationResolved) -> None:
    row = rows.get_row("escalations", body.id)
    if row is not None and row["open"]:
        row["resolved_at"] = event.ts
        row["open"] = False
        rows.put_row("escalations", body.id, row)


_APPLY: dict[type, Callable[[Rows, EventLike, Any], None]] = {
    OrderIssued: _order_arrived,
    OrderReceived: _order_arrived,
    OrderStepped: _order_stepped,
    OrderRejected: _order_rejected,
    DecisionAdded: _decision,
    DecisionCorrected: _decision,
    StationPresence: _presence,
    EscalationRaised: _escalation_raised,
    EscalationResolved: _escalation_resolved,
}
"""Body class -> how it changes the projections: the one list of the kinds they read (a writer's
typed body of any other class changes nothing, and is not decoded again)."""


def _order_row(
    order: Order, state: OrderState, detail: dict[str, Any], msg_id: str, event: EventLike
) -> Row:
    return {
        "id": order.id,
        "station": order.station,
        "state": state.value,
        "open": state.open,
        "updated_at": event.ts,
        "order": order_body(order),
        "detail": detail,
        "msg_id": msg_id,
        "seq": event.seq,
    }


def _set_order_state(
    rows: Rows, event: EventLike, order_id: str, state: OrderState, detail: dict[str, Any]
) -> None:
    row = rows.get_row("orders", order_id)
    if row is None:
        return
    row["state"] = state.value
    row["open"] = state.open
    row["updated_at"] = event.ts
    row["detail"] = detail
    rows.put_row("orders", order_id, row)


def _decision_row(decision: dict[str, Any], event: EventLike) -> Row:
    return {
        "id": decision["id"],
        "decision": decision,
        "struck_by": None,
        "struck_reason": "",
        "seq": event.seq,
    }


def fold(events: Iterable[EventLike]) -> Tables:
    """Rebuild every projection from scratch: table -> key -> row."""
    rows = DictRows()
    for event in events:
        apply(rows, event)
    return rows.tables
