"""Replay: the state of an incident at any time T, from its journal.

The journal is read once into per-entity timelines (every order's, station's, zone's, escalation's
and decision's changes, in time order). Seeking is then a binary search per entity — never a
re-fold from the start — and feed values at T come from the observations index.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from command.model import Observation
from command.review.record import EventLike

JSON = Any


class ObservationSource(Protocol):
    """Where replay reads feed values (a read-only `Journal` fits)."""

    def observations(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        zone: str | None = None,
        metric: str | None = None,
    ) -> list[Observation]:
        """Stored values with since <= ts <= until, by time."""
        ...


@dataclass
class Timeline:
    """One entity's successive values, with the time each took effect."""

    times: list[float] = field(default_factory=list)
    values: list[dict[str, JSON]] = field(default_factory=list)

    def add(self, ts: float, value: dict[str, JSON]) -> None:
        """Record `value` from `ts` on (events arrive in journal order)."""
        self.times.append(ts)
        self.values.append(value)

    def at(self, t: float) -> dict[str, JSON] | None:
        """The value in force at `t`, or None before the first."""
        i = bisect.bisect_right(self.times, t)
        return self.values[i - 1] if i else None


@dataclass
class ReplayState:
    """What every panel shows at time T."""

    at: float
    orders: list[dict[str, JSON]]
    zones: list[dict[str, JSON]]
    stations: list[dict[str, JSON]]
    escalations: list[dict[str, JSON]]
    decisions: list[dict[str, JSON]]

    def to_json(self) -> dict[str, JSON]:
        """A JSON-ready dict, keys and lists in a stable order."""
        return {
            "at": self.at,
            "orders": self.orders,
            "zones": self.zones,
            "stations": self.stations,
            "escalations": self.escalations,
            "decisions": self.decisions,
        }


class ReplayIndex:
    """Per-entity timelines of one journal; `state_at(t)` answers without re-folding."""

    def __init__(self, events: Iterable[EventLike], observations: ObservationSource | None = None):
        self.observations = observations
        self.orders: dict[str, Timeline] = {}
        self.stations: dict[str, Timeline] = {}
        self.zones: dict[str, Timeline] = {}
        self.escalations: dict[str, Timeline] = {}
        self.decisions: dict[str, Timeline] = {}
        self.incident: dict[str, JSON] = {}
        self.feeds: list[tuple[str, str, float]] = []  # zone, metric, expected interval
        self.start: float | None = None
        self.end: float | None = None
        self.event_times: list[float] = []
        for ev in events:
            self._fold(ev)

    # ------------------------------------------------------------------ building
    def _fold(self, ev: EventLike) -> None:
        self.start = ev.ts if self.start is None else self.start
        self.end = ev.ts if self.end is None else max(self.end, ev.ts)
        self.event_times.append(ev.ts)
        kind, body = ev.kind, ev.body
        if kind == "incident.opened":
            self.incident = dict(body.get("incident", {}))
            for z in self.incident.get("zones", []):
                self.zones.setdefault(str(z["id"]), Timeline()).add(
                    ev.ts, {"zone": str(z["id"]), "name": z.get("name", z["id"]), "level": "green"}
                )
            for s in self.incident.get("stations", []):
                self.stations.setdefault(str(s["id"]), Timeline())
            self.feeds = [
                (str(f["zone"]), str(f["metric"]), float(f.get("interval_s", 60.0)))
                for f in body.get("feeds", [])
            ]
        elif kind in ("order.issued", "order.received"):
            order = body["order"]
            self.orders.setdefault(str(order["id"]), Timeline()).add(
                ev.ts,
                {
                    "id": str(order["id"]),
                    "station": order.get("station"),
                    "kind": order.get("kind"),
                    "zone": order.get("zone"),
                    "priority": order.get("priority"),
                    "issued_at": order.get("issued_at"),
                    "due": order.get("due"),
                    "text": order.get("text", ""),
                    "state": "issued" if kind == "order.issued" else "delivered",
                    "updated_at": ev.ts,
                    "detail": {},
                },
            )
        elif kind.startswith("order.") and "order_id" in body:
            line = self.orders.get(str(body["order_id"]))
            if line is not None and line.values:
                detail = dict(body.get("detail") or {})
                if kind == "order.rejected":
                    detail.setdefault("reason", body.get("reason", ""))
                state = str(body.get("state") or kind.removeprefix("order."))
                line.add(
                    ev.ts,
                    {**line.values[-1], "state": state, "updated_at": ev.ts, "detail": detail},
                )
        elif kind in ("station.online", "station.offline"):
            sid = str(body.get("station"))
            self.stations.setdefault(sid, Timeline()).add(
                ev.ts, {"station": sid, "online": kind == "station.online", "since": ev.ts}
            )
        elif kind == "picture.level":
            zid = str(body.get("zone"))
            line = self.zones.setdefault(zid, Timeline())
            base = line.values[-1] if line.values else {"zone": zid, "name": zid}
            line.add(ev.ts, {**base, "level": str(body.get("level")), "since": ev.ts})
        elif kind == "escalation.raised":
            esc = dict(body["escalation"])
            self.escalations.setdefault(str(esc["id"]), Timeline()).add(
                ev.ts, {**esc, "open": True}
            )
        elif kind == "escalation.resolved":
            line = self.escalations.get(str(body.get("id")))
            if line is not None and line.values:
                line.add(ev.ts, {**line.values[-1], "open": False, "resolved_at": ev.ts})
        elif kind in ("decision.added", "decision.corrected"):
            dec = dict(body["decision"])
            self.decisions.setdefault(str(dec["id"]), Timeline()).add(
                ev.ts, {**dec, "struck_by": None, "struck_reason": ""}
            )
            if kind == "decision.corrected":
                struck = self.decisions.get(str(body.get("corrects")))
                if struck is not None and struck.values:
                    struck.add(
                        ev.ts,
                        {
                            **struck.values[-1],
                            "struck_by": dec["id"],
                            "struck_reason": body.get("reason", ""),
                        },
                    )

    # ------------------------------------------------------------------ seeking
    def state_at(self, t: float) -> ReplayState:
        """Every panel's state at time `t` (same answer every time for the same `t`)."""
        zones = _current(self.zones, t)
        values = self.values_at(t)
        for z in zones:
            z["values"] = values.get(z["zone"], {})
        return ReplayState(
            at=t,
            orders=_current(self.orders, t),
            zones=zones,
            stations=_current(self.stations, t),
            escalations=[e for e in _current(self.escalations, t) if e.get("open")],
            decisions=_current(self.decisions, t),
        )

    def values_at(self, t: float) -> dict[str, dict[str, float]]:
        """Latest value per zone and metric at `t` (within 3 expected intervals, else absent)."""
        out: dict[str, dict[str, float]] = {}
        if self.observations is None:
            return out
        for zone, metric, interval in self.feeds:
            rows = self.observations.observations(
                since=t - 3 * interval, until=t, zone=zone, metric=metric
            )
            if rows:
                out.setdefault(zone, {})[metric] = rows[-1].value
        return out

    def series(
        self, zone: str, metric: str, t0: float, t1: float
    ) -> tuple[Sequence[float], Sequence[float]]:
        """Times and values of one metric between t0 and t1 (for replay plots)."""
        if self.observations is None:
            return [], []
        rows = self.observations.observations(since=t0, until=t1, zone=zone, metric=metric)
        return [r.ts for r in rows], [r.value for r in rows]


def _current(lines: Mapping[str, Timeline], t: float) -> list[dict[str, JSON]]:
    out = []
    for key in sorted(lines):
        value = lines[key].at(t)
        if value is not None:
            out.append(dict(value))
    return out
