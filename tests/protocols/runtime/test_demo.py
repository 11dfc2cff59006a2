"""The headless demo: plans and defaults, port fallback, the children's command lines, the
no-display check, a run that has no window, and a SIGTERM in the middle of a headless run leaving
nothing behind. The command line and the window are tested in tests/ui/commands/test_demo_cli.py."""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from command.errors import BatonError
from command.journal import verify_journal
from protocols.runtime.demo import (
    DEFAULT_PORTS,
    HEADLESS_HINT,
    HEADLESS_SPEED,
    WINDOW_SPEED,
    DemoArgs,
    DemoError,
    DemoPlan,
    Ports,
    WindowRun,
    display_problem,
    pick_ports,
    plan_demo,
    port_free,
    run_demo,
    simulator_argv,
    station_argv,
    window_run,
)
from protocols.runtime.provision import provision
from tests.system.demo_procs import finish, kill_marked, marked, new_mark, start_demo

DISPLAY = {"DISPLAY": ":0"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _listening() -> Iterator[int]:
    """A loopback port someone listens on for the duration."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


def _wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        if predicate():
            return True
        pause.wait(0.2)
    return predicate()


# -- arguments ------------------------------------------------------------------------------


def test_headless_defaults_run_the_whole_scenario_at_60x(tmp_path: Path) -> None:
    plan = plan_demo(DemoArgs(headless=True, data_dir=tmp_path), env={})
    assert plan.scenario.name == "bund" and plan.mode == "headless"
    assert plan.speed == HEADLESS_SPEED
    assert plan.duration_s == pytest.approx(plan.scenario.duration_min * 60 / HEADLESS_SPEED)
    assert plan.journal.is_relative_to(tmp_path / "bund" / "runs")
    assert plan.station_journal("police").parent == plan.journal.parent / "stations"


def test_window_defaults_to_10x_until_closed(tmp_path: Path) -> None:
    plan = plan_demo(DemoArgs("typhoon", data_dir=tmp_path), env=DISPLAY)
    assert (plan.mode, plan.speed, plan.duration_s) == ("window", WINDOW_SPEED, None)


def test_with_a_window_orders_give_a_person_a_minute_to_accept(tmp_path: Path) -> None:
    from protocols.runtime.demo import HUMAN_ACCEPT_WALL_S, _run_line

    headless = plan_demo(DemoArgs("typhoon", headless=True, data_dir=tmp_path), env={})
    window = plan_demo(DemoArgs("typhoon", data_dir=tmp_path), env=DISPLAY)
    stations = plan_demo(
        DemoArgs("typhoon", headless=True, station_windows=1, data_dir=tmp_path), env=DISPLAY
    )
    for plan in (window, stations):
        for st, before in zip(
            plan.scenario.incident.stations, headless.scenario.incident.stations, strict=True
        ):
            for k, k0 in zip(st.catalogue, before.catalogue, strict=True):
                assert k.ack_deadline_s / plan.speed >= HUMAN_ACCEPT_WALL_S
                assert k.due_s - k.ack_deadline_s == k0.due_s - k0.ack_deadline_s
        assert "at least 60 s (wall) to accept" in _run_line(plan)
    assert "to accept" not in _run_line(headless)
    assert headless.scenario.incident == load_scenario_incident("typhoon")


def load_scenario_incident(name: str) -> object:
    from command.scenarios.loader import load_scenario

    return load_scenario(name).incident


def test_screenshot_mode_spreads_three_shots_over_the_run(tmp_path: Path) -> None:
    args = DemoArgs("typhoon", data_dir=tmp_path, screenshot=tmp_path / "shots", duration=30)
    plan = plan_demo(args, env={})  # no display needed: it renders offscreen
    assert plan.mode == "screenshot" and plan.speed == HEADLESS_SPEED
    times = plan.screenshot_times()
    assert len(times) == 3 and times == sorted(times) and times[-1] < 30 + 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (DemoArgs(headless=True, speed=0), "--speed must be a positive number"),
        (DemoArgs(headless=True, speed=float("nan")), "--speed"),
        (DemoArgs(headless=True, duration=-1), "--duration"),
        (DemoArgs(headless=True, station_windows=-1), "--station-windows"),
        (DemoArgs("typhoon", headless=True, station_windows=9), "has only 5 stations"),
        (DemoArgs(headless=True, screenshot=Path("x")), "drop --headless"),
    ],
)
def test_bad_arguments_are_one_clear_line(args: DemoArgs, message: str, tmp_path: Path) -> None:
    args = DemoArgs(**{**args.__dict__, "data_dir": tmp_path})
    with pytest.raises(DemoError, match=message) as info:
        plan_demo(args, env=DISPLAY)
    assert "\n" not in str(info.value)


def test_unknown_scenario_names_the_choices(tmp_path: Path) -> None:
    with pytest.raises(BatonError, match="bund"):
        plan_demo(DemoArgs("atlantis", headless=True, data_dir=tmp_path), env={})


def test_an_existing_journal_is_not_reused(tmp_path: Path) -> None:
    journal = tmp_path / "console.sqlite"
    journal.write_bytes(b"")
    with pytest.raises(DemoError, match="already exists"):
        plan_demo(DemoArgs(headless=True, journal=journal, data_dir=tmp_path), env={})


def test_children_share_the_clock_and_the_ports(tmp_path: Path) -> None:
    plan = plan_demo(DemoArgs("typhoon", headless=True, speed=120, data_dir=tmp_path), env={})
    files = provision(plan.scenario, tmp_path, now_scenario=plan.scenario.start)
    ports = Ports(9001, 9002, 9003)
    station = station_argv(plan, files.station("water"), ports, 1234.5, window=False)
    assert station[station.index("--connect") + 1] == "tcp://127.0.0.1:9001"
    assert station[station.index("--origin") + 1] == "1234.5"
    assert station[station.index("--speed") + 1] == "120"
    assert station[station.index("--journal") + 1] == str(plan.station_journal("water"))
    assert "--headless" in station
    window = station_argv(plan, files.station("water"), ports, 1234.5, window=True)
    assert "--headless" not in window
    sim = simulator_argv(plan, files, ports, 1234.5)
    assert sim[sim.index("--feeds") + 1] == "tcp://127.0.0.1:9002"
    assert sim[sim.index("--keys") + 1] == str(files.simulator.curve_secret)
    assert sim[sim.index("--console-key") + 1] == str(files.simulator.console_public)
    assert sim[sim.index("--snapshots") + 1] == "tcp://127.0.0.1:9003"
    assert sim[sim.index("--origin") + 1] == "1234.5"


def test_with_a_window_simulated_operators_answer_in_wall_seconds(tmp_path: Path) -> None:
    from command.scenarios.operator import WALL_DECIDE_WITHIN_S
    from protocols.runtime.demo import HUMAN_ACCEPT_WALL_S, _run_line

    window = plan_demo(DemoArgs("typhoon", data_dir=tmp_path), env=DISPLAY)
    stations = plan_demo(
        DemoArgs("typhoon", headless=True, station_windows=1, data_dir=tmp_path), env=DISPLAY
    )
    headless = plan_demo(DemoArgs("typhoon", headless=True, data_dir=tmp_path), env={})
    shots = plan_demo(
        DemoArgs("typhoon", data_dir=tmp_path, screenshot=tmp_path / "s", duration=9), env={}
    )
    files = provision(window.scenario, tmp_path, now_scenario=window.scenario.start)
    ports = Ports(9001, 9002, 9003)

    def argv(plan: DemoPlan, *, window: bool = False) -> list[str]:
        return station_argv(plan, files.station("water"), ports, 1.0, window=window)

    for plan in (window, stations):
        assert plan.human_timing and "--operator-wall" in argv(plan)
        assert "simulated operators answer in wall seconds" in _run_line(plan)
    assert "--operator-wall" not in argv(stations, window=True)  # a person answers there
    for plan in (headless, shots):  # nobody answers at a window: the scenario's own timing
        assert not plan.human_timing and "--operator-wall" not in argv(plan)
        assert "wall seconds" not in _run_line(plan)
    # a wall-paced operator decides well inside the shortest deadline a window run gives
    assert WALL_DECIDE_WITHIN_S + 10 <= HUMAN_ACCEPT_WALL_S


# -- ports ----------------------------------------------------------------------------------


def test_free_default_ports_are_kept() -> None:
    ports = [_free_port() for _ in range(3)]
    picked = pick_ports(ports)
    assert (picked.orders, picked.feeds, picked.snapshots) == tuple(ports)
    assert not picked.fallback and "busy" not in picked.describe()


def test_busy_default_ports_fall_back_to_free_ones() -> None:
    with _listening() as busy:
        assert not port_free(busy)
        picked = pick_ports([busy, _free_port(), _free_port()])
        chosen = {picked.orders, picked.feeds, picked.snapshots}
        assert picked.fallback and busy not in chosen and len(chosen) == 3
        assert all(port_free(p) for p in chosen)
        assert "busy" in picked.describe()


def test_default_ports_are_the_documented_ones() -> None:
    assert DEFAULT_PORTS == (7701, 7702, 7703)


# -- no display -----------------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland check")
def test_display_problem() -> None:
    message = display_problem({})
    assert message is not None and HEADLESS_HINT in message and "\n" not in message
    assert display_problem(DISPLAY) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


# -- the window ----------------------------------------------------------------------------


def test_without_a_window_only_headless_runs(tmp_path: Path) -> None:
    args = DemoArgs("typhoon", data_dir=tmp_path)
    with pytest.raises(DemoError, match="no console window") as info:
        run_demo(args, env=DISPLAY)
    assert HEADLESS_HINT in str(info.value)
    assert not (tmp_path / "typhoon").exists()  # nothing provisioned or started


def test_window_run_closes_after_the_duration_or_the_last_screenshot(tmp_path: Path) -> None:
    plan = plan_demo(DemoArgs("typhoon", data_dir=tmp_path, duration=30), env=DISPLAY)
    assert window_run(plan) == WindowRun(quit_after_s=30)
    shots = tmp_path / "shots"
    args = DemoArgs("typhoon", data_dir=tmp_path, screenshot=shots, duration=30)
    run = window_run(plan_demo(args, env={}))
    assert run.screenshot_dir == shots.absolute() and len(run.screenshot_times_s) == 3
    assert run.quit_after_s == run.screenshot_times_s[-1] + 1.0


# -- stopping -------------------------------------------------------------------------------


@pytest.mark.system
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_a_headless_demo_leaves_nothing_behind(
    signum: signal.Signals, tmp_path: Path
) -> None:
    mark = new_mark()
    console = tmp_path / "run" / "console.sqlite"
    argv = ["typhoon", "--headless", "--speed", "120", "--duration", "60"]
    argv += ["--data-dir", str(tmp_path / "data"), "--journal", str(console)]
    process = start_demo(argv, mark, tmp_path / "demo.log")
    try:
        # Up: the demo, five stations and the simulator; the console and station journals open.
        stations = console.parent / "stations"

        def up() -> bool:
            return len(marked(mark)) >= 7 and len(list(stations.glob("*.sqlite"))) == 5

        assert _wait_for(lambda: up() and console.exists(), 60), marked(mark)
        process.send_signal(signum)
        code = finish(process, 40)
        output = (tmp_path / "demo.log").read_text(encoding="utf-8", errors="replace")
        assert code == 128 + signum, output
        assert f"Stopped by {signum.name}" in output
        assert "Summary of the typhoon demo:" in output
        assert marked(mark) == []
    finally:
        kill_marked(mark)
    assert verify_journal(console).ok
