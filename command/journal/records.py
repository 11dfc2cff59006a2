"""The read-side records the journal hands out: events and projection rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from command.lifecycle import OrderState
from command.model import Decision, Order


@dataclass(frozen=True, slots=True)
class Event:
    """One journal event: the append-only source of truth (treat `body` as read-only)."""

    seq: int
    ts: float
    actor: str
    kind: str
    incident: str
    body: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class OrderRow:
    """An order with where it is now (the orders projection)."""

    order: Order
    state: OrderState
    updated_at: float
    detail: dict[str, Any] = field(default_factory=dict)
    msg_id: str = ""


@dataclass(frozen=True, slots=True)
class OutMessage:
    """A durable outgoing message not yet acknowledged by its peer."""

    msg_id: str
    peer: str
    msg_type: str
    body: dict[str, Any]
    seq: int
    created_at: float


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """A decision-log entry and, when a correction struck it through, by which entry and why."""

    decision: Decision
    struck_by: str | None = None
    struck_reason: str = ""


@dataclass(frozen=True, slots=True)
class StationRow:
    """A station's journaled status (online, since when) and when it was last heard."""

    station: str
    online: bool
    since: float | None
    last_heard: float | None
