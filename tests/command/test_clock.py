"""Clocks: a scenario clock pinned to a shared wall origin agrees across processes."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from command.clock import ManualClock, SimulatedClock

START = 1_785_189_600.0  # a scenario's minute 0


class FakeWall:
    """A wall clock the test moves by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_scenario_time_runs_from_the_shared_origin_at_speed() -> None:
    wall = FakeWall(1_000.0)
    clock = SimulatedClock.from_origin(START, 60.0, 1_000.0, wall=wall)
    assert clock.now() == START
    wall.now = 1_010.0  # ten wall seconds = ten scenario minutes at 60×
    assert clock.now() == START + 600.0
    assert clock.speed == 60.0
    assert clock.start == START
    assert clock.wall_origin == 1_000.0


def test_two_clocks_built_at_different_moments_agree() -> None:
    # A console and a station process start at different wall times with the same origin.
    wall = FakeWall(2_000.0)
    console = SimulatedClock.from_origin(START, 600.0, 1_990.0, wall=wall)
    wall.now = 2_003.5
    station = SimulatedClock.from_origin(START, 600.0, 1_990.0, wall=wall)
    assert console.now() == station.now() == START + 13.5 * 600.0


def test_an_origin_in_the_future_means_the_scenario_has_not_begun() -> None:
    wall = FakeWall(100.0)
    clock = SimulatedClock.from_origin(START, 10.0, 105.0, wall=wall)
    assert clock.now() == START - 50.0


def test_default_wall_is_epoch_time_so_processes_share_it() -> None:
    origin = time.time()
    clock = SimulatedClock.from_origin(START, 1.0, origin)
    # Scenario time is within the few milliseconds this test took, never before the origin.
    assert START <= clock.now() < START + 60.0


def test_wall_at_inverts_at_wall() -> None:
    clock = SimulatedClock.from_origin(START, 120.0, 5_000.0, wall=FakeWall(5_000.0))
    assert clock.wall_at(START + 2_700.0) == pytest.approx(5_022.5)
    assert clock.at_wall(5_022.5) == pytest.approx(START + 2_700.0)
    assert clock.wall_seconds(2_700.0) == pytest.approx(22.5)


@settings(max_examples=50, deadline=None)
@given(
    speed=st.floats(0.01, 10_000.0),
    origin=st.floats(1e9, 2e9),
    offset=st.floats(-1e4, 1e4),
)
def test_at_wall_and_wall_at_round_trip(speed: float, origin: float, offset: float) -> None:
    clock = SimulatedClock.from_origin(START, speed, origin, wall=FakeWall(origin))
    ts = clock.at_wall(origin + offset)
    assert math.isclose(clock.wall_at(ts), origin + offset, rel_tol=0, abs_tol=1e-3)


def test_the_existing_constructor_still_starts_at_start() -> None:
    clock = SimulatedClock(START, 2.0)
    assert clock.speed == 2.0
    assert START <= clock.now() < START + 60.0
    assert clock.wall_seconds(10.0) == 5.0


def test_the_existing_constructor_accepts_an_injected_wall() -> None:
    wall = FakeWall(7.0)
    clock = SimulatedClock(START, 3.0, wall=wall)
    wall.now = 9.0
    assert clock.now() == START + 6.0


@pytest.mark.parametrize("speed", [0.0, -1.0, math.nan, math.inf])
def test_bad_speed_is_refused(speed: float) -> None:
    with pytest.raises(ValueError, match="speed"):
        SimulatedClock.from_origin(START, speed, 0.0)


def test_bad_origin_and_start_are_refused() -> None:
    with pytest.raises(ValueError, match="origin"):
        SimulatedClock.from_origin(START, 1.0, math.nan)
    with pytest.raises(ValueError, match="start"):
        SimulatedClock.from_origin(math.inf, 1.0, 0.0)


def test_manual_clock_is_unchanged() -> None:
    clock = ManualClock(10.0)
    assert clock.advance(5.0) == 15.0
    with pytest.raises(ValueError):
        clock.set(1.0)
