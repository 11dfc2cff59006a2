"""The centre parts of `baton demo` that need no process: --multi's checks, typhoon moved to
bund's evening, the centre's name, and the Disney handover's plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from command.scenarios.loader import load_scenario
from protocols.runtime import demo_centre
from protocols.runtime.demo import DemoArgs, DemoError, companion_plan, plan_demo
from protocols.runtime.provision import provision

HEADLESS = {"QT_QPA_PLATFORM": "offscreen"}


def test_multi_refuses_another_scenario(tmp_path: Path) -> None:
    with pytest.raises(DemoError, match="--multi runs bund and typhoon together"):
        plan_demo(DemoArgs(scenario="disney", multi=True, headless=True, data_dir=tmp_path))


def test_multi_implies_the_centre_and_moves_typhoon_to_bunds_evening(tmp_path: Path) -> None:
    plan = plan_demo(DemoArgs(multi=True, headless=True, data_dir=tmp_path), HEADLESS)
    assert plan.centre and plan.multi
    second = companion_plan(plan)
    assert second.scenario.name == "typhoon"
    assert second.scenario.start == plan.scenario.start
    assert second.scenario.duration_min == load_scenario("typhoon").duration_min
    assert second.journal == plan.run_dir / "typhoon" / "console.sqlite"
    assert second.mode == "headless" and second.log_prefix == "typhoon-"
    assert demo_centre.centre_name(plan.scenario) == "huangpu"
    assert demo_centre.centre_name(second.scenario) == "huangpu"


def test_disney_hands_over_to_the_pudong_district_after_its_last_scheduled_order(
    tmp_path: Path,
) -> None:
    scenario = load_scenario("disney")
    assert demo_centre.centre_name(scenario) == "pudong"
    assert max(t.at_min for t in scenario.timeline) < demo_centre.HANDOVER_AT_MIN
    assert scenario.duration_min > demo_centre.HANDOVER_AT_MIN
    provisioned = provision(scenario, tmp_path, now_scenario=scenario.start)
    site = demo_centre.Site("disney", scenario, provisioned, tmp_path / "console.sqlite")
    handover = demo_centre.plan_handover(site)
    assert handover is not None
    assert handover.grant_id == provisioned.chain_ids[-1]
    assert handover.at_ts == scenario.start + demo_centre.HANDOVER_AT_MIN * 60
    assert handover.successor == "pudong_duty" and handover.key_file.is_file()
    again = demo_centre.plan_handover(site)  # the successor's key is kept
    assert again is not None and again.successor_key == handover.successor_key
    bund = load_scenario("bund")
    other = demo_centre.Site("bund", bund, provisioned, tmp_path / "b.sqlite")
    assert demo_centre.plan_handover(other) is None


def test_the_centre_window_gets_the_demos_language_and_theme(tmp_path: Path) -> None:
    from command.scenarios.loader import load_scenario as load
    from protocols.runtime.demo import look_argv
    from protocols.runtime.provision import CentreFiles

    files = CentreFiles(
        "huangpu", tmp_path, tmp_path / "k.sign", None, tmp_path / "s", tmp_path / "p", tmp_path
    )
    plan = demo_centre.CentrePlan(files, {}, "tcp://127.0.0.1:1", tmp_path / "c.sqlite", ())
    scenario = load("bund")
    argv = plan.window_argv(["baton"], scenario, 0.0, 10.0, look=look_argv("zh_CN", None))
    assert argv[-2:] == ["--lang", "zh_CN"]
    plain = plan.window_argv(["baton"], scenario, 0.0, 10.0, look=look_argv(None, None))
    assert "--theme" not in plain and "--lang" not in plain
