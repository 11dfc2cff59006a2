"""`wall_paced`: a simulated operator's desk answers in wall seconds on a faster scenario clock,
always deciding within `WALL_DECIDE_WITHIN_S`, with the work after at the scenario's pace."""

from __future__ import annotations

import pytest

from command.lifecycle import Step
from command.scenarios.loader import load_scenario
from command.scenarios.operator import (
    WALL_DECIDE_WITHIN_S,
    PlannedStep,
    SimulatedOperator,
    wall_paced,
)
from command.scenarios.scenario import OperatorSpec

PLAN = [
    PlannedStep(10.0, Step.ACKNOWLEDGE),
    PlannedStep(30.0, Step.ACCEPT),
    PlannedStep(35.0, Step.START),
    PlannedStep(135.0, Step.PROGRESS, {"percent": 50}),
    PlannedStep(235.0, Step.COMPLETE, {"note": "done"}),
]


def test_desk_answers_become_wall_seconds_and_the_work_keeps_its_pace() -> None:
    paced = wall_paced(PLAN, speed=10.0)
    # 10 and 30 wall seconds are 100 and 300 seconds of a clock 10x faster
    assert [p.delay_s for p in paced] == [100.0, 300.0, 305.0, 405.0, 505.0]
    assert [(p.step, p.detail) for p in paced] == [(p.step, p.detail) for p in PLAN]


def test_a_slow_decision_is_shrunk_to_within_the_limit() -> None:
    slow = [PlannedStep(30.0, Step.ACKNOWLEDGE), PlannedStep(120.0, Step.DECLINE, {"reason": "x"})]
    paced = wall_paced(slow, speed=10.0, decide_within_s=40.0)
    assert [p.delay_s for p in paced] == pytest.approx([100.0, 400.0])
    assert paced[-1].detail == {"reason": "x"}


def test_at_wall_speed_only_the_limit_changes_anything() -> None:
    assert wall_paced(PLAN, speed=1.0) == PLAN


@pytest.mark.parametrize("name", ["bund", "typhoon", "disney"])
def test_every_scenario_operator_decides_within_the_limit(name: str) -> None:
    scenario = load_scenario(name)
    for station in scenario.incident.stations:
        operator = SimulatedOperator(scenario.operator(station.id))
        for n in range(50):
            paced = wall_paced(operator.plan(f"order-{n}"), speed=10.0)
            decision = next(p for p in paced if p.step in (Step.ACCEPT, Step.DECLINE))
            assert decision.delay_s <= WALL_DECIDE_WITHIN_S * 10.0 + 1e-9
            delays = [p.delay_s for p in paced]
            assert delays == sorted(delays)


def test_bad_speed_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        wall_paced(SimulatedOperator(OperatorSpec()).plan("o"), speed=0.0)
