"""Each scenario runs headless end to end: simulation → fusion → risk → playbooks."""

from __future__ import annotations

from functools import cache

from command.clock import ManualClock
from command.journal import Journal
from command.model import RiskLevel
from command.scenarios.headless import HeadlessResult, run_headless
from command.scenarios.loader import load_scenario


@cache
def run(name: str) -> HeadlessResult:
    return run_headless(load_scenario(name), seed=1)


def rises_then_falls(levels: list[tuple[float, RiskLevel]], peak: RiskLevel) -> None:
    seq = [lvl for _, lvl in levels]
    top = seq.index(peak)
    assert seq[: top + 1] == sorted(seq[: top + 1]), seq
    assert seq[top:] == sorted(seq[top:], reverse=True), seq
    assert seq[-1] == RiskLevel.GREEN


def test_bund_hold_entry_when_the_main_zone_turns_orange() -> None:
    r = run("bund")
    orange = [c for c in r.level_changes if c.zone == "chenyi" and c.level == RiskLevel.ORANGE]
    assert len(orange) == 1 and orange[0].indicator == "density"
    assert 45 <= r.minute(orange[0].ts) <= 58  # the curve crosses 1.5 persons/m² near minute 52
    hold = r.suggestions_of("density_orange_hold_entry")
    assert len(hold) == 1 and hold[0].ts == orange[0].ts and hold[0].zone == "chenyi"
    assert [(o.station, o.kind) for o in hold[0].orders] == [
        ("security", "hold_entry"),
        ("lighting", "dim_show"),
    ]
    assert hold[0].orders[0].zone == "chenyi"
    rises_then_falls(r.levels_of("chenyi"), RiskLevel.ORANGE)
    assert r.suggestions_of("density_red_metro") == []  # the peak never reaches red


def test_bund_metro_signal_and_peak_crowd() -> None:
    r = run("bund")
    metro = r.suggestions_of("metro_platform_crowding")
    assert len(metro) == 1 and r.minute(metro[0].ts) == 62
    snap = run_headless(r.scenario, seed=1, until_min=70).final_snapshot
    total = sum(z["indicators"]["crowd"]["value"] for z in snap["zones"].values())
    assert abs(total - 117_000) < 117_000 * 0.03


def test_bund_stale_wind_is_flagged_not_zero() -> None:
    sc = load_scenario("bund")
    r = run_headless(sc, seed=1, until_min=110)
    wind = r.final_snapshot["zones"]["central"]["indicators"]["wind"]
    assert wind["stale"] is True and wind["value"] is not None and wind["value"] > 3
    assert "wind" in r.final_snapshot["zones"]["central"]["stale"]


def test_typhoon_tunnel_lane_at_the_minute_of_the_ferry_alert() -> None:
    r = run("typhoon")
    alert = next(s for s in r.signals if s.kind == "ferry_suspension")
    assert r.minute(alert.ts) == 45
    lane = r.suggestions_of("ferry_suspension_tunnel_lane")
    assert len(lane) == 1 and lane[0].ts == alert.ts and lane[0].signal == alert.id
    first = lane[0].orders[0]
    assert (first.station, first.kind, first.zone) == (
        "traffic_police",
        "open_lane_non_motorised",
        "tunnel",
    )
    assert first.params["escort"] is True and first.params["batch_size"] == 50
    assert {o.station for o in lane[0].orders} == {"traffic_police", "city", "ferry"}
    assert len(r.suggestions_of("typhoon_warning_prepare")) == 1
    assert [s.zone for s in r.suggestions_of("riders_orange_shelter")] == ["ferry_jinling"]
    assert len(r.suggestions_of("water_level_orange")) == 1


def test_typhoon_levels_rise_and_fall_with_the_curves() -> None:
    r = run("typhoon")
    river = r.levels_of("river")
    assert RiskLevel.RED in [lvl for _, lvl in river]
    red_at = next(m for m, lvl in river if lvl == RiskLevel.RED)
    assert 60 <= red_at <= 75
    assert river[-1][1] < RiskLevel.RED  # the wind eases after the peak
    rises_then_falls(r.levels_of("ferry_jinling"), RiskLevel.ORANGE)


def test_disney_queue_and_bus_suggestions() -> None:
    r = run("disney")
    queue = r.suggestions_of("testing_queue_orange")
    assert len(queue) == 1 and 35 <= r.minute(queue[0].ts) <= 55
    buses = r.suggestions_of("buses_short")
    assert len(buses) == 1 and 105 <= r.minute(buses[0].ts) <= 118
    assert buses[0].orders[0].params["count"] == 40
    assert [r.minute(s.ts) for s in r.suggestions_of("exit_congestion")] == [140]
    rises_then_falls(r.levels_of("testing_plaza"), RiskLevel.ORANGE)
    rises_then_falls(r.levels_of("bus_depot"), RiskLevel.ORANGE)


def test_headless_run_journals_signals_levels_suggestions_and_observations() -> None:
    sc = load_scenario("typhoon")
    clock = ManualClock(sc.start)
    journal = Journal.in_memory(clock=clock, owner="console", role="console")
    r = run_headless(sc, seed=1, journal=journal, clock=clock, until_min=60)
    kinds = [e.kind for e in journal.events()]
    assert {"signal.received", "picture.level", "suggestion.proposed", "observations.batch"} <= set(
        kinds
    )
    lane = r.suggestions_of("ferry_suspension_tunnel_lane")[0]
    orders = r.engine.book.approve(lane.id, by="traffic_duty_chief", why="riders stranded")
    assert orders[0].kind == "open_lane_non_motorised"
    approved = list(journal.events(kinds=["suggestion.approved"]))
    assert approved[0].body["suggestion_id"] == lane.id
    assert approved[0].body["by"] == "traffic_duty_chief"
    level = next(journal.events(kinds=["picture.level"]))
    assert set(level.body) == {"zone", "level", "previous", "indicator", "value"}
    assert len(journal.observations()) == r.observations
    journal.close()
