"""`baton station --operator-wall`: the scenario's simulated operator answers in wall seconds on
a faster scenario clock (deciding within `WALL_DECIDE_WITHIN_S`), and --help says so."""

from __future__ import annotations

import pytest

from command.lifecycle import Step
from command.scenarios.loader import load_scenario
from command.scenarios.operator import WALL_DECIDE_WITHIN_S, SimulatedOperator
from ui.cli import main
from ui.commands.station import operator_plan


def test_the_plan_is_the_scenario_operators_in_seconds_of_the_station_clock() -> None:
    scenario = load_scenario("typhoon")
    station = scenario.incident.stations[0].id
    expected = SimulatedOperator(scenario.operator(station)).plan("o-1")
    plain = operator_plan(scenario, station)("o-1")
    assert [(d, s) for d, s, _ in plain] == [(p.delay_s, p.step) for p in expected]
    wall = operator_plan(scenario, station, wall_speed=10.0)("o-1")
    assert [s for _, s, _ in wall] == [p.step for p in expected]
    decided = next(d for d, s, _ in wall if s in (Step.ACCEPT, Step.DECLINE))
    first = next(p.delay_s for p in expected if p.step in (Step.ACCEPT, Step.DECLINE))
    assert decided == pytest.approx(min(first, WALL_DECIDE_WITHIN_S) * 10.0)


def test_help_names_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["station", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--operator-wall" in out and "wall seconds, not scenario seconds" in out
