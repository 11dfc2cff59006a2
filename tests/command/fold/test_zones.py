"""The zone picture folds journaled levels and fused values; the live engine journals them so
the fold's values at a decision's instant are the values of the decision's snapshot."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from command.clock import ManualClock
from command.fold import IncidentState, fold_until
from command.journal import Journal
from command.model import Observation
from command.picture.engine import PictureEngine
from command.scenarios.loader import load_scenario

from .events import T0, EventMaker, decision


def test_values_levels_stale_and_series() -> None:
    mk = EventMaker()
    state = IncidentState()
    state.zones.add_zone("north", "North terrace")
    north = state.zones.get("north")
    assert north is not None and not north.has_data  # known, nothing measured: "no data"
    values = {"values": {"north": {"density": 1.5, "crowd": 1500.0}}, "stale": []}
    assert "zones" in state.apply(mk.ev("picture.values", values, ts=T0))
    north = state.zones.get("north")
    assert north is not None and north.has_data and north.level == 0  # data, still green
    assert north.values == {"density": 1.5, "crowd": 1500.0}
    later = {"values": {"north": {"density": 3.2}}, "stale": ["north/crowd"]}
    state.apply(mk.ev("picture.values", later, ts=T0 + 10))
    level = {"zone": "north", "level": "orange", "indicator": "density", "value": 3.2}
    state.apply(mk.ev("picture.level", level, ts=T0 + 10))
    north = state.zones.get("north")
    assert north is not None
    assert north.values == {"density": 3.2, "crowd": 1500.0}  # a stale value stays, marked
    assert north.stale == frozenset({"crowd"})
    assert (north.level_name, north.indicator, north.since) == ("orange", "density", T0 + 10)
    series = state.zones.series_of("north", "density")
    assert (series.times, series.values) == ([T0, T0 + 10], [1.5, 3.2])
    assert state.zones.series_of("north", "wind").times == []
    fresh: dict[str, Any] = {"values": {}, "stale": []}
    state.apply(mk.ev("picture.values", fresh, ts=T0 + 20))
    assert state.zones.get("north").stale == frozenset()  # type: ignore[union-attr]


def test_fold_at_a_decision_equals_its_snapshot() -> None:
    sc = load_scenario("bund")
    clock = ManualClock(sc.ts(60))
    journal = Journal.in_memory(clock=clock, owner="cmd", role="console")
    engine = PictureEngine(sc, clock=clock, journal=journal)
    now = clock.now()
    for k, value in enumerate((48_000.0, 51_000.0, 55_000.0)):
        engine.ingest(
            [Observation(now + k, "chenyi.crowd", "chenyi", "crowd", value, s) for s in "abc"]
        )
        clock.set(now + k)
        engine.tick(now + k)
    # fed after the last tick: only the snapshot's own journaling can put it in the fold
    engine.ingest(
        [Observation(now + 3, "chenyi.crowd", "chenyi", "crowd", 60_000.0, s) for s in "abc"]
    )
    clock.set(now + 3.5)
    snapshot = engine.snapshot(clock.now())  # as the post does, right before a decision
    entry = replace(decision("D1", ts=clock.now()), snapshot=snapshot)
    decided = journal.add_decision(entry).ts
    state = fold_until(list(journal.events()), decided)
    for zone_id, zone in snapshot["zones"].items():
        row = state.zones.get(zone_id)
        assert row is not None
        for name, entry in zone["indicators"].items():
            value = entry["value"]
            if value is None or not math.isfinite(value):
                assert name not in row.values
            else:
                assert row.values[name] == value, (zone_id, name)
        assert sorted(row.stale) == sorted(zone["stale"])
        assert row.level_name == zone["level"]
    chenyi = state.zones.get("chenyi")
    assert chenyi is not None and chenyi.values["crowd"] == 60_000.0
    journal.close()


KEY_METRICS = (
    {"zone": "north", "metric": "density", "unit": "persons/m²"},
    {"zone": "gate", "metric": "queue", "unit": "persons"},
)


def test_a_zone_reads_the_same_rule_in_every_view() -> None:
    """`zone_reading`: no data, not rated, the figure and its unit, stale (console, centre and
    replay all draw it)."""
    from command.fold import ZoneView, zone_reading

    assert zone_reading(ZoneView("north"), KEY_METRICS) == zone_reading(ZoneView("north"), ())
    blank = zone_reading(ZoneView("north"), KEY_METRICS)
    assert blank.level is None and blank.value is None  # no data: never a colour
    counted = zone_reading(ZoneView("park", values={"visitors": 1074.0}), KEY_METRICS)
    assert not counted.rated and counted.level == 0 and counted.value == 1074.0  # not green
    north = ZoneView("north", level=3, indicator="density", since=T0, values={"density": 2.1})
    reading = zone_reading(north, KEY_METRICS)
    assert reading.rated and reading.level == 3 and not reading.stale
    assert (reading.indicator, reading.value, reading.unit) == ("density", 2.1, "persons/m²")
    silent = zone_reading(replace(north, stale=frozenset({"density"})), KEY_METRICS)
    assert silent.stale and silent.level == 3 and silent.value == 2.1  # the last known value
    # a stale metric that is not the one shown leaves the figure fresh
    both = replace(north, values={"density": 2.1, "inflow": 9.0}, stale=frozenset({"inflow"}))
    assert not zone_reading(both, KEY_METRICS).stale
    # a metric without thresholds takes its unit from the feed that measures it
    feeds = ({"zone": "park", "metric": "visitors", "unit": "persons"},)
    park = ZoneView("park", values={"visitors": 1074.0})
    assert zone_reading(park, KEY_METRICS, feeds=feeds).unit == "persons"
    # the console's own thresholds decide what is rated when it has them
    assert not zone_reading(north, KEY_METRICS, rated_metrics=("queue",)).rated
