"""Journal-shaped events, orders and decisions for the fold's tests (no journal, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from command.model import Decision, Order, Priority

T0 = 1_751_371_200.0


@dataclass(frozen=True, slots=True)
class Ev:
    """An event shaped like `command.journal.Event` (what `EventLike` needs)."""

    seq: int
    ts: float
    actor: str
    kind: str
    incident: str
    body: dict[str, Any] = field(default_factory=dict)


class EventMaker:
    """Numbers events in order: `ev(kind, body, ts=...)`."""

    def __init__(self, incident: str = "inc", actor: str = "commander") -> None:
        self.incident = incident
        self.actor = actor
        self.seq = 0

    def ev(self, kind: str, body: dict[str, Any], *, ts: float, actor: str = "") -> Ev:
        """The next event."""
        self.seq += 1
        return Ev(self.seq, ts, actor or self.actor, kind, self.incident, body)


def order(
    oid: str = "O1", station: str = "police", *, issued: float = T0, due_s: float = 600.0
) -> Order:
    """A plain unsigned order."""
    return Order(
        id=oid,
        incident="inc",
        station=station,
        kind="close_road",
        params={"lanes": 1},
        zone="north",
        priority=Priority.URGENT,
        issued_at=issued,
        ack_deadline=issued + 120,
        due=issued + due_s,
        text="close it",
        grant_chain=("G1",),
        decision_id="D-" + oid,
        commander="cmd",
    )


def decision(did: str = "D1", *, ts: float = T0, text: str = "Close the road") -> Decision:
    """A manual decision entry."""
    return Decision(
        id=did, incident="inc", ts=ts, author="cmd", decision=text, rationale="crowd at exit"
    )
