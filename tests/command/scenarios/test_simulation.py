"""The feed simulator and the simulated station operator."""

from __future__ import annotations

import pytest

from command.lifecycle import Step
from command.scenarios.loader import load_scenario
from command.scenarios.operator import SimulatedOperator
from command.scenarios.scenario import OperatorSpec
from command.scenarios.simulation import FeedSimulator


@pytest.fixture(scope="module")
def bund_sim() -> FeedSimulator:
    return FeedSimulator(load_scenario("bund"), seed=3)


def test_same_seed_same_observations_however_split(bund_sim: FeedSimulator) -> None:
    sc = bund_sim.scenario
    whole = bund_sim.observations_between(sc.ts(10), sc.ts(20))
    again = FeedSimulator(sc, seed=3).observations_between(sc.ts(10), sc.ts(15))
    again += FeedSimulator(sc, seed=3).observations_between(sc.ts(15), sc.ts(20))
    assert whole == again
    other = FeedSimulator(sc, seed=4).observations_between(sc.ts(10), sc.ts(20))
    assert [o.value for o in other] != [o.value for o in whole]


def test_batches_are_half_open_and_grouped_by_second(bund_sim: FeedSimulator) -> None:
    sc = bund_sim.scenario
    t0, t1 = sc.ts(30), sc.ts(31)
    batches = bund_sim.batches_between(t0, t1)
    flat = [o for b in batches for o in b]
    assert flat and all(t0 <= o.ts < t1 for o in flat)
    for b in batches:
        assert len({int(o.ts - sc.start) for o in b}) == 1
    # every crowd feed of every zone reports from its three sources within a minute
    chenyi = {o.source for o in flat if o.zone == "chenyi" and o.metric == "crowd"}
    assert chenyi == {"video", "wifi", "carrier"}


def test_values_follow_the_curve_and_the_wild_source_goes_wild(bund_sim: FeedSimulator) -> None:
    sc = bund_sim.scenario
    obs = bund_sim.observations_between(sc.start, sc.end)
    chenyi = [o for o in obs if o.zone == "chenyi" and o.metric == "crowd"]
    feed = next(f for f in sc.feeds if f.zone == "chenyi" and f.metric == "crowd")
    steady = [o for o in chenyi if o.source == "video"]
    assert all(
        abs(o.value - feed.value_at(sc.minute(o.ts))) < 0.15 * feed.value_at(sc.minute(o.ts))
        for o in steady
    )
    wild = [
        o for o in chenyi if o.source == "wifi" and o.value > 2 * feed.value_at(sc.minute(o.ts))
    ]
    assert wild, "the Wi-Fi source should report a few wild values"
    assert bund_sim.total == len(obs)


def test_gaps_leave_a_feed_silent(bund_sim: FeedSimulator) -> None:
    sc = bund_sim.scenario
    wind = [o for o in bund_sim.observations_between(sc.ts(100), sc.ts(112)) if o.metric == "wind"]
    assert wind == []


def test_signals_between_returns_timeline_signals_at_their_minute() -> None:
    sc = load_scenario("typhoon")
    sim = FeedSimulator(sc, seed=1)
    assert sim.signals_between(sc.ts(0), sc.ts(44.9)) == [sc.timeline[0].signal]
    got = sim.signals_between(sc.ts(45), sc.ts(46))
    assert [s.kind for s in got] == ["ferry_suspension"]
    assert got[0].ts == sc.ts(45) and got[0].source == "dutyoffice@swa.sh.example.cn"


def test_operator_plan_is_deterministic_and_ordered() -> None:
    op = SimulatedOperator(OperatorSpec(seed=5))
    plan = op.plan("order-1")
    assert plan == SimulatedOperator(OperatorSpec(seed=5)).plan("order-1")
    assert [p.step for p in plan] == [
        Step.ACKNOWLEDGE,
        Step.ACCEPT,
        Step.START,
        Step.PROGRESS,
        Step.COMPLETE,
    ]
    delays = [p.delay_s for p in plan]
    assert delays == sorted(delays)
    assert 5.0 <= delays[0] <= 20.0


def test_operator_declines_and_fails_with_reasons() -> None:
    decliner = SimulatedOperator(OperatorSpec(decline_probability=1.0, decline_reasons=("busy",)))
    plan = decliner.plan("o")
    assert [p.step for p in plan] == [Step.ACKNOWLEDGE, Step.DECLINE]
    assert plan[-1].detail == {"reason": "busy"}
    failer = SimulatedOperator(OperatorSpec(fail_probability=1.0, fail_reasons=("flooded",)))
    assert failer.plan("o")[-1].step == Step.FAIL
    assert failer.plan("o")[-1].detail == {"reason": "flooded"}


def test_scenario_operators_come_from_the_file() -> None:
    sc = load_scenario("bund")
    assert sc.operator("metro").decline_probability == 0.1
    assert sc.operator("unknown_station") == OperatorSpec()
