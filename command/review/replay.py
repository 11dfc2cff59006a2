"""Replay: the incident at any time T, as the one fold (`command.fold`) saw it.

`ReplayIndex` seeks with the fold's `Replayer` and turns the state at T into `ReplayState`, the
JSON `baton replay --at T --json` prints. Zone values are the fused estimates the console
journaled (`picture.values`); a journal written before those were journaled falls back to the
latest stored observation of each feed (within three feed intervals), and says so per zone.
`integrity` is the fold's integrity at T: signed up to, unsigned tail, witnesses, refusals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from command.fold import IncidentState, Replayer
from command.model import Observation
from command.vocabulary import EventLike, Kind

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
class ReplayState:
    """What every panel shows at time T, read off the fold's state."""

    at: float
    orders: list[dict[str, JSON]]
    zones: list[dict[str, JSON]]
    stations: list[dict[str, JSON]]
    escalations: list[dict[str, JSON]]
    decisions: list[dict[str, JSON]]
    counts: dict[str, int]
    integrity: dict[str, JSON] = field(default_factory=dict)  # the fold's IntegrityModel at T

    @classmethod
    def of(
        cls,
        state: IncidentState,
        at: float,
        raw_values: Mapping[str, Mapping[str, float]] | None = None,
    ) -> ReplayState:
        """The JSON view of `state` at `at`; `raw_values` (zone → metric → value) stand in for
        zones with no fused values (journals without `picture.values`)."""
        zones = []
        for z in sorted(state.zones.rows, key=lambda z: z.zone):
            values, source = dict(z.values), "fused"
            if not values and raw_values and raw_values.get(z.zone):
                values, source = dict(raw_values[z.zone]), "observations"
            zones.append(
                {
                    "zone": z.zone,
                    "name": z.name or z.zone,
                    "level": z.level_name,
                    "since": z.since,
                    "has_data": z.has_data or bool(values),
                    "values": values,
                    "values_from": source if values else "none",
                    "stale": sorted(z.stale),
                }
            )
        orders = [
            {
                "id": o.order_id,
                "station": o.station,
                "kind": o.kind,
                "zone": o.zone,
                "priority": int(o.priority),
                "issued_at": o.issued_at,
                "due": o.due,
                "text": o.text,
                "state": o.state.value,
                "updated_at": o.updated_at,
                "late": o.late,
                "detail": dict(o.detail),
            }
            for o in sorted(state.orders.rows, key=lambda o: o.order_id)
        ]
        open_counts = state.stations.open_counts()
        stations = [
            {
                "station": s.station,
                "name": s.name or s.station,
                "online": s.online,
                "since": s.since,
                "last_heard": s.last_heard,
                "open": open_counts.get(s.station, 0),
            }
            for s in sorted(state.stations.rows, key=lambda s: s.station)
        ]
        escalations = [
            {
                "id": e.id,
                "order_id": e.order_id,
                "station": e.station,
                "kind": e.kind,
                "raised_at": e.raised_at,
                "message": e.message,
            }
            for e in sorted(state.escalations.open(), key=lambda e: e.id)
        ]
        decisions = [
            {
                "id": d.decision.id,
                "ts": d.decision.ts,
                "author": d.decision.author,
                "decision": d.decision.decision,
                "rationale": d.decision.rationale,
                "corrects": d.decision.corrects,
                "struck_by": d.struck_by,
                "struck_reason": d.struck_reason,
            }
            for d in sorted(state.decisions.rows, key=lambda d: d.decision.id)
        ]
        return cls(
            at,
            orders,
            zones,
            stations,
            escalations,
            decisions,
            state.counts().to_json(),
            state.integrity.to_json(),
        )

    def integrity_line(self) -> str:
        """One line: "signed to #12 (3 checkpoints) · unsigned tail 0 · witnessed: metro #3,
        police #8 · 1 refusal (1 open)"."""
        i = self.integrity
        if not i:
            return "—"
        text = (
            f"signed to #{i['signed_to']} ({i['checkpoints']} checkpoints) · "
            f"unsigned tail {i['unsigned_tail']}"
        )
        marks = ", ".join(f"{n} #{w['head_seq']}" for n, w in i["witnesses"].items())
        text += f" · witnessed: {marks}" if marks else " · not witnessed"
        if i["alarms"]:
            text += f" · {len(i['alarms'])} refusal(s) ({i['open_alarms']} open)"
        return text

    def to_json(self) -> dict[str, JSON]:
        """A JSON-ready dict, keys and lists in a stable order."""
        return {
            "at": self.at,
            "orders": self.orders,
            "zones": self.zones,
            "stations": self.stations,
            "escalations": self.escalations,
            "decisions": self.decisions,
            "counts": self.counts,
            "integrity": self.integrity,
        }


class ReplayIndex:
    """One journal replayed: the fold's state at any T (`fold_at`) and its JSON view."""

    def __init__(
        self, events: Iterable[EventLike], observations: ObservationSource | None = None
    ) -> None:
        self.replayer = Replayer(list(events))
        self.observations = observations
        self.final = self.replayer.state_at(float("inf"))
        self.info = self.final.info
        self.fused = any(ev.kind == Kind.PICTURE_VALUES for ev in self.replayer.events)
        self.feeds: list[tuple[str, str, float]] = [
            (str(f["zone"]), str(f["metric"]), float(f.get("interval_s") or 60.0))
            for f in self.info.feeds
            if "zone" in f and "metric" in f
        ]

    @property
    def start(self) -> float | None:
        """The time of the first event."""
        return self.replayer.start

    @property
    def end(self) -> float | None:
        """The time of the last event."""
        return self.replayer.end

    def fold_at(self, t: float) -> IncidentState:
        """The fold's state holding every event with ts ≤ t (a fresh copy)."""
        return self.replayer.state_at(t)

    def state_at(self, t: float) -> ReplayState:
        """Every panel's state at time `t` (same answer every time for the same `t`)."""
        raw = None if self.fused else self.values_at(t)
        return ReplayState.of(self.fold_at(t), t, raw)

    def values_at(self, t: float) -> dict[str, dict[str, float]]:
        """Latest stored observation per zone and metric at `t`, within 3 feed intervals (one
        query; for journals without fused values)."""
        if self.observations is None or not self.feeds:
            return {}
        horizon = {(z, m): 3 * interval for z, m, interval in self.feeds}
        rows = self.observations.observations(since=t - max(horizon.values()), until=t)
        out: dict[str, dict[str, float]] = {}
        for r in rows:  # by time: later values overwrite earlier ones
            limit = horizon.get((r.zone, r.metric))
            if limit is not None and r.ts >= t - limit:
                out.setdefault(r.zone, {})[r.metric] = r.value
        return out
