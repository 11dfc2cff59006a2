"""Scenario files: the shipped three load; bad files give one line naming file and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from command.errors import BatonError
from command.model import RiskLevel
from command.picture.playbooks import SignalTrigger
from command.scenarios import ScenarioError
from command.scenarios.loader import load_scenario, scenario_names
from tests.command.scenarios.helpers import mutated


def test_shipped_scenarios_load() -> None:
    assert scenario_names() == ["bund", "disney", "typhoon"]
    for name in scenario_names():
        sc = load_scenario(name)
        assert sc.incident.timezone == "Asia/Shanghai"
        assert 60 <= sc.duration_min <= 180
        assert sc.incident.zones and sc.incident.stations and sc.playbooks
        for zone in sc.incident.zones:
            assert zone.area_m2 > 0
            ring = sc.geometry[zone.id]["geometry"]["coordinates"][0]
            lon, lat = ring[0]
            assert 121.4 < lon < 121.7 and 31.1 < lat < 31.3  # Shanghai
        assert set(sc.delegation.stations) <= {s.id for s in sc.incident.stations}


def test_bund_figures_match_the_design() -> None:
    sc = load_scenario("bund")
    crowd = [f for f in sc.feeds if f.metric == "crowd"]
    assert len(crowd) == 5
    assert sum(f.value_at(70) for f in crowd) == 117_000
    assert {s.id for s in sc.incident.stations} == {
        "lighting",
        "traffic_police",
        "security",
        "metro",
    }
    chenyi = next(f for f in crowd if f.zone == "chenyi")
    assert chenyi.wild is not None and len(chenyi.sources) == 3
    assert sc.minute(sc.start + 600) == 10


def test_typhoon_ships_a_cap_alert_in_its_timeline() -> None:
    sc = load_scenario("typhoon")
    cap = [e for e in sc.timeline if e.cap_file is not None]
    assert len(cap) == 1 and cap[0].at_min == 45
    assert cap[0].signal.kind == "ferry_suspension"
    assert cap[0].signal.ts == sc.ts(45)
    assert any(
        isinstance(p.trigger, SignalTrigger) and p.trigger.kind == "ferry_suspension"
        for p in sc.playbooks
    )


def test_disney_has_a_falling_threshold() -> None:
    sc = load_scenario("disney")
    buses = next(t for t in sc.thresholds if t.indicator == "buses_available")
    assert buses.falling and buses.raw_level(15) == RiskLevel.ORANGE


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        node = doc
        for p in path[:-1]:
            node = node[p]
        node[path[-1]] = value

    return change


def _del(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        node = doc
        for p in path[:-1]:
            node = node[p]
        del node[path[-1]]

    return change


BAD = [
    (
        _set(["stations", 2, "catalogue", 0, "params", 1, "maximum"], "high"),
        "bund.yaml: stations[2].catalogue[0].params[1].maximum: expected a number, got 'high'",
    ),
    (
        _set(["incident", "duration_min"], "long"),
        "bund.yaml: incident.duration_min: expected a number, got 'long'",
    ),
    (
        _set(["playbooks", 0, "orders", 1, "station"], "fire_brigade"),
        "bund.yaml: playbooks[0].orders[1].station: unknown station 'fire_brigade'",
    ),
    (_del(["zones", 1, "area_m2"]), "bund.yaml: zones[1].area_m2: missing (required)"),
    (_set(["zones", 0, "area_m2"], 0), "bund.yaml: zones[0].area_m2: expected a number > 0"),
    (
        _set(["zones", 3, "geojson"], "nowhere.geojson"),
        "bund.yaml: zones[3].geojson: GeoJSON file 'nowhere.geojson' not found",
    ),
    (
        _set(["zones", 3, "geojson"], "typhoon.geojson"),
        "bund.yaml: zones[3].geojson: 'typhoon.geojson' has no feature with "
        "properties.zone = 'jinling'",
    ),
    (
        _set(["playbooks", 0, "trigger", "level", "indicator"], "noise"),
        "bund.yaml: playbooks[0].trigger.level.indicator: unknown indicator 'noise'",
    ),
    (
        _set(["playbooks", 0, "orders", 0, "kind"], "sing"),
        "bund.yaml: playbooks[0].orders[0].kind: station 'security' offers no order kind 'sing'",
    ),
    (
        _set(["playbooks", 0, "orders", 1, "params", "level_percent"], 300),
        "bund.yaml: playbooks[0].orders[1].params: order kind 'dim_show': "
        "parameter 'level_percent' must be at most 100",
    ),
    (_set(["feeds", 0, "zone"], "mars"), "bund.yaml: feeds[0].zone: unknown zone 'mars'"),
    (
        _set(["thresholds", "density", "orange"], 0.1),
        "bund.yaml: thresholds.density: expected blue, yellow, orange, red increasing",
    ),
    (
        _set(["thresholds", "noise"], {"blue": 1, "yellow": 2, "orange": 3, "red": 4}),
        "bund.yaml: thresholds.noise: unknown indicator 'noise'",
    ),
    (
        _set(["incident", "timezone"], "Mars/Olympus"),
        "bund.yaml: incident.timezone: unknown time zone 'Mars/Olympus'",
    ),
    (_set(["zones", 0, "colour"], "red"), "bund.yaml: zones[0].colour: unknown field"),
    (
        _set(["stations", 0, "catalogue", 0, "params", 0, "type"], "complex"),
        "bund.yaml: stations[0].catalogue[0].params[0].type: expected one of int, float, str, "
        "bool, choice, got 'complex'",
    ),
    (
        _set(["timeline", 0, "at_min"], 999),
        "bund.yaml: timeline[0].at_min: expected ≤ duration_min",
    ),
    (
        _set(["delegation", "scope", "stations"], ["navy"]),
        "bund.yaml: delegation.scope.stations: unknown station 'navy'",
    ),
]


@pytest.mark.parametrize(("change", "expected"), BAD, ids=[e for _, e in BAD])
def test_malformed_scenario_gives_one_line_naming_the_place(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    path = mutated(tmp_path, change)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(expected), message
    assert isinstance(info.value, BatonError)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("incident:\n  id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"^broken\.yaml: not valid YAML: line \d+"):
        load_scenario(bad)


def test_unknown_scenario_name() -> None:
    with pytest.raises(ScenarioError, match="use one of bund, disney, typhoon"):
        load_scenario("volcano")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "missing.yaml")


def test_feed_curve_from_csv(tmp_path: Path) -> None:
    (tmp_path / "wind.csv").write_text("minute,value\n0,3\n60,9\n150,4\n", encoding="utf-8")

    def change(doc: dict[str, Any]) -> None:
        feed = next(f for f in doc["feeds"] if f["metric"] == "wind")
        del feed["curve"]
        feed["csv"] = "wind.csv"

    sc = load_scenario(mutated(tmp_path, change))
    wind = next(f for f in sc.feeds if f.metric == "wind")
    assert wind.curve == ((0.0, 3.0), (60.0, 9.0), (150.0, 4.0))
    assert wind.value_at(30) == 6.0


def test_feed_with_both_curve_and_csv_is_refused(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["feeds"][0]["csv"] = "x.csv"

    with pytest.raises(ScenarioError, match=r"^bund\.yaml: feeds\[0\]: expected exactly one of"):
        load_scenario(mutated(tmp_path, change))
