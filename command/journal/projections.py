"""Projections: current orders, stations, escalations and decisions, derived from events.

`apply(rows, event)` is the only place that turns an event into projection rows. The journal
calls it inside the event's own transaction against its store; `fold(events)` calls it against
plain dicts to rebuild every projection from scratch (replay, and the property tests that check
the two agree).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Protocol

from command.canonical import canonical_text
from command.journal.records import Event
from command.journal.store import PROJECTION_TABLES
from command.lifecycle import OrderState

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


def apply(rows: Rows, event: Event) -> None:
    """Update the projections for one event (events of other kinds change nothing)."""
    kind, body = event.kind, event.body
    if kind in ("order.issued", "order.received"):
        order = body["order"]
        state = OrderState.ISSUED if kind == "order.issued" else OrderState.DELIVERED
        rows.put_row(
            "orders",
            order["id"],
            {
                "id": order["id"],
                "station": order["station"],
                "state": state.value,
                "open": state.open,
                "updated_at": event.ts,
                "order": order,
                "detail": {},
                "msg_id": body.get("msg_id", ""),
                "seq": event.seq,
            },
        )
    elif kind == "order.rejected":
        _set_order_state(
            rows,
            event,
            body["order_id"],
            OrderState.DECLINED,
            {"reason": body.get("reason", ""), "detail": body.get("detail", "")},
        )
    elif kind.startswith("order.") and "state" in body:
        _set_order_state(
            rows, event, body["order_id"], OrderState(body["state"]), body.get("detail") or {}
        )
    elif kind == "decision.added":
        decision = body["decision"]
        rows.put_row("decisions", decision["id"], _decision_row(decision, event))
    elif kind == "decision.corrected":
        decision = body["decision"]
        rows.put_row("decisions", decision["id"], _decision_row(decision, event))
        original = rows.get_row("decisions", body["corrects"])
        if original is not None:
            original["struck_by"] = decision["id"]
            original["struck_reason"] = body.get("reason", "")
            rows.put_row("decisions", body["corrects"], original)
    elif kind in ("station.online", "station.offline"):
        station = body["station"]
        rows.put_row(
            "stations",
            station,
            {
                "station": station,
                "online": kind == "station.online",
                "since": event.ts,
                "detail": body.get("detail", ""),
            },
        )
    elif kind == "escalation.raised":
        esc = body["escalation"]
        rows.put_row("escalations", esc["id"], {**esc, "resolved_at": None, "open": True})
    elif kind == "escalation.resolved":
        row = rows.get_row("escalations", body["id"])
        if row is not None and row["open"]:
            row["resolved_at"] = event.ts
            row["open"] = False
            rows.put_row("escalations", body["id"], row)


def _set_order_state(
    rows: Rows, event: Event, order_id: str, state: OrderState, detail: dict[str, Any]
) -> None:
    row = rows.get_row("orders", order_id)
    if row is None:
        return
    row["state"] = state.value
    row["open"] = state.open
    row["updated_at"] = event.ts
    row["detail"] = detail
    rows.put_row("orders", order_id, row)


def _decision_row(decision: dict[str, Any], event: Event) -> Row:
    return {
        "id": decision["id"],
        "decision": decision,
        "struck_by": None,
        "struck_reason": "",
        "seq": event.seq,
    }


def fold(events: Iterable[Event]) -> Tables:
    """Rebuild every projection from scratch: table -> key -> row."""
    rows = DictRows()
    for event in events:
        apply(rows, event)
    return rows.tables
