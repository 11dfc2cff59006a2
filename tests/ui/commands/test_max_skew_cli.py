"""`--max-skew SECONDS` on `baton console` and `baton demo`: parsed (default 30 wall seconds),
checked, and passed to the console runtime's options and, by the demo, to every station."""

from __future__ import annotations

from pathlib import Path

import pytest

from command.authority.orders import DEFAULT_MAX_SKEW_S
from command.errors import BatonError
from protocols.runtime.demo import (
    DemoArgs,
    DemoError,
    Ports,
    console_options,
    plan_demo,
    station_argv,
)
from protocols.runtime.provision import provision
from ui.cli import build_parser
from ui.commands.console import options_from


def _console(tmp_path: Path, *extra: str) -> list[str]:
    return ["console", "--scenario", "bund", "--data-dir", str(tmp_path), *extra]


def test_console_max_skew_defaults_to_30_and_reaches_the_runtime(tmp_path: Path) -> None:
    assert DEFAULT_MAX_SKEW_S == 30
    args = build_parser().parse_args(_console(tmp_path))
    assert args.max_skew == DEFAULT_MAX_SKEW_S
    assert options_from(args).max_skew_s == DEFAULT_MAX_SKEW_S
    args = build_parser().parse_args(_console(tmp_path, "--max-skew", "4.5"))
    assert options_from(args).max_skew_s == 4.5


@pytest.mark.parametrize("value", ["-1", "nan", "inf"])
def test_console_refuses_a_bad_max_skew(tmp_path: Path, value: str) -> None:
    args = build_parser().parse_args(_console(tmp_path, f"--max-skew={value}"))
    with pytest.raises(BatonError, match="--max-skew"):
        options_from(args)


def test_demo_passes_max_skew_to_the_console_and_every_station(tmp_path: Path) -> None:
    args = build_parser().parse_args(["demo", "--headless"])
    assert args.max_skew == DEFAULT_MAX_SKEW_S
    args = build_parser().parse_args(["demo", "--headless", "--max-skew", "7"])
    assert args.max_skew == 7.0
    plan = plan_demo(
        DemoArgs("typhoon", headless=True, data_dir=tmp_path, max_skew=args.max_skew), env={}
    )
    assert plan.max_skew_s == 7.0
    provisioned = provision(plan.scenario, tmp_path, now_scenario=plan.scenario.start)
    ports = Ports(orders=1, feeds=2, snapshots=3)
    options = console_options(plan, provisioned, ports, 1234.5)
    assert options.max_skew_s == 7.0
    for window in (False, True):
        argv = station_argv(plan, provisioned.station("water"), ports, 1234.5, window=window)
        assert argv[argv.index("--max-skew") + 1] == "7.0"
        back = build_parser().parse_args(argv[argv.index("station") :])
        assert back.max_skew == 7.0  # `baton station` reads it back


def test_demo_default_max_skew_reaches_the_stations(tmp_path: Path) -> None:
    plan = plan_demo(DemoArgs("typhoon", headless=True, data_dir=tmp_path), env={})
    provisioned = provision(plan.scenario, tmp_path, now_scenario=plan.scenario.start)
    argv = station_argv(plan, provisioned.station("water"), Ports(1, 2, 3), 0.0, window=False)
    assert float(argv[argv.index("--max-skew") + 1]) == DEFAULT_MAX_SKEW_S


def test_demo_refuses_a_negative_max_skew(tmp_path: Path) -> None:
    with pytest.raises(DemoError, match="--max-skew"):
        plan_demo(DemoArgs(headless=True, data_dir=tmp_path, max_skew=-1), env={})
