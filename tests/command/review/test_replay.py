"""Replay: the fold's state at T, as `baton replay --at T --json` prints it."""

from __future__ import annotations

import json

from command.model import Observation
from command.review.replay import ReplayIndex
from tests.command.review.events import T0, Ev, incident_events


class Obs:
    """An in-memory observation source with the journal's query shape."""

    def __init__(self, rows: list[Observation]) -> None:
        self.rows = sorted(rows, key=lambda r: r.ts)

    def observations(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        zone: str | None = None,
        metric: str | None = None,
    ) -> list[Observation]:
        return [
            r
            for r in self.rows
            if (since is None or r.ts >= since)
            and (until is None or r.ts <= until)
            and (zone is None or r.zone == zone)
            and (metric is None or r.metric == metric)
        ]


def _events() -> list[Ev]:
    events = incident_events()
    opened = events[0]
    body = dict(opened.body)
    body["incident"] = {**body["incident"], "zones": [{"id": "z-chenyi", "name": "Chenyi"}]}
    body["feeds"] = [{"zone": "z-chenyi", "metric": "count", "interval_s": 10}]
    extra = [
        Ev(100, T0 + 50, "sys", "station.online", {"station": "security"}),
        Ev(101, T0 + 150, "sys", "picture.level", {"zone": "z-chenyi", "level": "orange"}),
        Ev(102, T0 + 250, "sys", "station.offline", {"station": "security"}),
        Ev(103, T0 + 260, "chief-li", "escalation.resolved", {"id": "e1"}),
    ]
    merged = [Ev(1, opened.ts, opened.actor, opened.kind, body), *events[1:], *extra]
    return sorted(merged, key=lambda e: (e.ts, e.seq))


def _index() -> ReplayIndex:
    obs = [
        Observation(T0 + 10 * i, "cam", "z-chenyi", "count", 1000.0 + i, "cam") for i in range(40)
    ]
    return ReplayIndex(_events(), Obs(obs))


def test_orders_at_t_show_their_state_then() -> None:
    idx = _index()
    early = {o["id"]: o["state"] for o in idx.state_at(T0 + 65).orders}
    assert early == {"o1": "delivered"}
    late = {o["id"]: o["state"] for o in idx.state_at(T0 + 400).orders}
    assert late == {"o1": "completed", "o2": "declined"}


def test_zone_levels_stations_and_escalations_follow_the_clock() -> None:
    idx = _index()
    at100, at200, at300 = (idx.state_at(T0 + t) for t in (100, 200, 300))
    assert [z["level"] for z in at100.zones] == ["green"]
    assert [z["level"] for z in at200.zones] == ["orange"]
    online = {s["station"]: s["online"] for s in at200.stations}
    assert online == {"lighting": False, "security": True}  # every station the incident names
    assert {s["station"]: s["online"] for s in at300.stations}["security"] is False
    assert at300.stations[1]["last_heard"] == T0 + 300  # its last report (the completion)
    assert [e["id"] for e in at200.escalations] == ["e1"]
    assert at300.escalations == []


def test_without_fused_values_zone_values_come_from_the_observations() -> None:
    idx = _index()
    zone = idx.state_at(T0 + 105).zones[0]
    assert zone["values"] == {"count": 1010.0}
    assert zone["values_from"] == "observations"
    assert idx.state_at(T0 + 2000).zones[0]["values"] == {}  # silent feed: shown absent


def test_fused_values_journaled_are_the_zone_values() -> None:
    fused = Ev(104, T0 + 100, "fusion", "picture.values", {"values": {"z-chenyi": {"count": 7.5}}})
    events = sorted([*_events(), fused], key=lambda e: (e.ts, e.seq))
    obs = [
        Observation(T0 + 10 * i, "cam", "z-chenyi", "count", 1000.0 + i, "cam") for i in range(40)
    ]
    idx = ReplayIndex(events, Obs(obs))
    assert idx.state_at(T0 + 99).zones[0]["values"] == {}  # fused journal: no raw stand-in
    zone = idx.state_at(T0 + 105).zones[0]
    assert (zone["values"], zone["values_from"]) == ({"count": 7.5}, "fused")


def test_a_decision_is_struck_only_from_its_correction_on() -> None:
    idx = _index()
    before = {d["id"]: d["struck_by"] for d in idx.state_at(T0 + 150).decisions}
    after = {d["id"]: d["struck_by"] for d in idx.state_at(T0 + 250).decisions}
    assert before == {"d-o1": None}
    assert after == {"d-o1": "d-c1", "d-c1": None}


def test_same_t_same_json_every_time() -> None:
    a = json.dumps(_index().state_at(T0 + 222).to_json(), sort_keys=True)
    b = json.dumps(_index().state_at(T0 + 222).to_json(), sort_keys=True)
    assert a == b
    assert set(json.loads(a)) >= {
        "orders",
        "zones",
        "stations",
        "escalations",
        "decisions",
        "counts",
    }
    assert json.loads(a)["counts"]["completed"] == 0  # o1 completes at T0 + 300
