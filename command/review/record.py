"""The incident record: a journal's events folded into what a reviewer asks about.

Built from events alone (any object with seq, ts, actor, kind, incident and body), so it serves
console and station journals, live or replayed, and the exports that read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

JSON = Any


class EventLike(Protocol):
    """What the review needs of a journal event."""

    @property
    def seq(self) -> int: ...
    @property
    def ts(self) -> float: ...
    @property
    def actor(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def incident(self) -> str: ...
    @property
    def body(self) -> Mapping[str, JSON]: ...


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One journaled transition of an order."""

    seq: int
    ts: float
    step: str
    state: str
    actor: str
    detail: Mapping[str, JSON]


@dataclass
class OrderHistory:
    """An order and every transition it went through, in journal order."""

    order: Mapping[str, JSON]
    issued_seq: int
    steps: list[StepRecord] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The order id."""
        return str(self.order["id"])

    @property
    def state(self) -> str:
        """The state after the last transition."""
        return self.steps[-1].state if self.steps else "issued"

    def first(self, step: str) -> StepRecord | None:
        """The first transition of kind `step` (e.g. "accept"), if any."""
        return next((s for s in self.steps if s.step == step), None)


@dataclass
class DecisionRecord:
    """A decision-log entry as recorded, with what struck it through (if anything)."""

    seq: int
    decision: Mapping[str, JSON]
    struck_by: str | None = None
    struck_reason: str = ""


@dataclass
class IncidentRecord:
    """Everything a reviewer needs, folded from one journal."""

    incident: dict[str, JSON] = field(default_factory=dict)
    first_ts: float | None = None
    last_ts: float | None = None
    events: int = 0
    orders: dict[str, OrderHistory] = field(default_factory=dict)
    decisions: dict[str, DecisionRecord] = field(default_factory=dict)
    escalations: dict[str, dict[str, JSON]] = field(default_factory=dict)
    signals: list[dict[str, JSON]] = field(default_factory=list)
    alerts: list[dict[str, JSON]] = field(default_factory=list)
    grants: list[dict[str, JSON]] = field(default_factory=list)
    presence: list[tuple[float, str, bool]] = field(default_factory=list)
    levels: list[tuple[float, str, str]] = field(default_factory=list)
    actors: set[str] = field(default_factory=set)

    @property
    def incident_name(self) -> str:
        """The incident's name, or its id, or a placeholder when the journal never said."""
        return str(self.incident.get("name") or self.incident.get("id") or "(unnamed incident)")


def build_record(events: Iterable[EventLike]) -> IncidentRecord:
    """Fold `events` (in seq order) into an `IncidentRecord`."""
    rec = IncidentRecord()
    for ev in events:
        rec.events += 1
        rec.first_ts = ev.ts if rec.first_ts is None else rec.first_ts
        rec.last_ts = ev.ts
        if ev.actor:
            rec.actors.add(ev.actor)
        _apply(rec, ev)
    return rec


def _apply(rec: IncidentRecord, ev: EventLike) -> None:
    kind, body = ev.kind, ev.body
    if kind == "incident.opened":
        rec.incident = dict(body.get("incident", {}))
        for key in ("commander", "position", "agency", "scenario"):
            if key in body:
                rec.incident[key] = body[key]
    elif kind in ("order.issued", "order.received"):
        order = body["order"]
        rec.orders[str(order["id"])] = OrderHistory(order=order, issued_seq=ev.seq)
        if not rec.incident.get("id") and order.get("incident"):
            rec.incident.setdefault("id", order["incident"])
    elif kind.startswith("order.") and "order_id" in body:
        history = rec.orders.get(str(body["order_id"]))
        if history is not None:
            step = kind.removeprefix("order.")
            state = str(body.get("state", step))
            detail = dict(body.get("detail") or {})
            if step == "rejected":
                detail.setdefault("reason", body.get("reason", ""))
            history.steps.append(StepRecord(ev.seq, ev.ts, step, state, ev.actor, detail))
    elif kind == "decision.added":
        dec = body["decision"]
        rec.decisions[str(dec["id"])] = DecisionRecord(ev.seq, dec)
    elif kind == "decision.corrected":
        dec = body["decision"]
        rec.decisions[str(dec["id"])] = DecisionRecord(ev.seq, dec)
        struck = rec.decisions.get(str(body.get("corrects")))
        if struck is not None:
            struck.struck_by = str(dec["id"])
            struck.struck_reason = str(body.get("reason", ""))
    elif kind == "escalation.raised":
        esc = dict(body["escalation"])
        rec.escalations[str(esc["id"])] = esc
    elif kind == "escalation.resolved":
        esc_open = rec.escalations.get(str(body.get("id")))
        if esc_open is not None:
            esc_open["resolved_at"] = ev.ts
    elif kind == "signal.received":
        rec.signals.append(dict(body["signal"]))
    elif kind == "alert.issued":
        rec.alerts.append(dict(body))
    elif kind.startswith("grant.") or kind == "handover":
        rec.grants.append({"kind": kind, "ts": ev.ts, **dict(body)})
    elif kind in ("station.online", "station.offline"):
        rec.presence.append((ev.ts, str(body.get("station")), kind == "station.online"))
    elif kind == "picture.level":
        rec.levels.append((ev.ts, str(body.get("zone")), str(body.get("level"))))
