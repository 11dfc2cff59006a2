"""Injectable clocks. Every timestamp in Baton is UTC epoch seconds (float) from one of these.

- `SystemClock`: wall time, for production.
- `SimulatedClock`: scenario time that runs `speed` times faster than the wall, from a chosen start.
  `SimulatedClock.from_origin` pins it to a shared wall-clock origin (`time.time()`), so separate
  processes given the same (start, speed, origin) agree on scenario time.
- `ManualClock`: advances only when told to, for deterministic tests.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current time in UTC epoch seconds."""

    def now(self) -> float:
        """Current time, UTC epoch seconds."""
        ...

    @property
    def speed(self) -> float:
        """How many clock seconds pass per wall second (1.0 for real time)."""
        ...


class SystemClock:
    """Wall-clock time."""

    speed = 1.0

    def now(self) -> float:
        """Current wall time."""
        return time.time()


class SimulatedClock:
    """Scenario time: starts at `start` and runs `speed` times faster than the wall clock.

    scenario time = start + (wall() - wall_origin) × speed. By default the wall is
    `time.monotonic` and the origin is the moment of construction (one process); `from_origin`
    uses `time.time` and an origin shared between processes.
    """

    def __init__(
        self,
        start: float,
        speed: float = 1.0,
        *,
        wall: Callable[[], float] = time.monotonic,
        wall_origin: float | None = None,
    ) -> None:
        if not math.isfinite(speed) or speed <= 0:
            raise ValueError(f"clock speed must be a positive number, got {speed}")
        if not math.isfinite(start):
            raise ValueError(f"clock start must be a finite time, got {start}")
        if wall_origin is not None and not math.isfinite(wall_origin):
            raise ValueError(f"wall origin must be a finite time, got {wall_origin}")
        self._start = start
        self._speed = speed
        self._wall = wall
        self._wall0 = wall() if wall_origin is None else wall_origin

    @classmethod
    def from_origin(
        cls,
        start: float,
        speed: float,
        wall_origin: float,
        *,
        wall: Callable[[], float] = time.time,
    ) -> SimulatedClock:
        """A clock shared across processes: at wall time `wall_origin` (epoch seconds, as from
        `time.time()`) the scenario is at `start`; each wall second adds `speed` scenario seconds.

        The origin may lie in the past (joining a running scenario) or the future (not begun).
        """
        return cls(start, speed, wall=wall, wall_origin=wall_origin)

    @property
    def speed(self) -> float:
        """Scenario seconds per wall second."""
        return self._speed

    @property
    def start(self) -> float:
        """Scenario time at which the clock was started."""
        return self._start

    @property
    def wall_origin(self) -> float:
        """The wall time (in this clock's wall base) at which scenario time was `start`."""
        return self._wall0

    def now(self) -> float:
        """Current scenario time."""
        return self.at_wall(self._wall())

    def at_wall(self, wall_ts: float) -> float:
        """Scenario time at wall time `wall_ts` (in this clock's wall base)."""
        return self._start + (wall_ts - self._wall0) * self._speed

    def wall_at(self, ts: float) -> float:
        """Wall time (in this clock's wall base) at which the scenario reaches `ts`."""
        return self._wall0 + (ts - self._start) / self._speed

    def wall_seconds(self, clock_seconds: float) -> float:
        """How long `clock_seconds` of scenario time take on the wall."""
        return clock_seconds / self._speed


class ManualClock:
    """A clock for tests: it stands still until `advance` or `set` moves it."""

    speed = 1.0

    def __init__(self, start: float = 1_760_000_000.0) -> None:
        self._now = start

    def now(self) -> float:
        """The time it was last set to."""
        return self._now

    def advance(self, seconds: float) -> float:
        """Move forward by `seconds` and return the new time."""
        if seconds < 0:
            raise ValueError("a clock does not run backwards")
        self._now += seconds
        return self._now

    def set(self, ts: float) -> None:
        """Jump to `ts` (not earlier than now)."""
        if ts < self._now:
            raise ValueError("a clock does not run backwards")
        self._now = ts
