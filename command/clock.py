"""Injectable clocks. Every timestamp in Baton is UTC epoch seconds (float) from one of these.

- `SystemClock`: wall time, for production.
- `SimulatedClock`: scenario time that runs `speed` times faster than the wall, from a chosen start.
- `ManualClock`: advances only when told to, for deterministic tests.
"""

from __future__ import annotations

import time
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
    """Scenario time: starts at `start` and runs `speed` times faster than the wall clock."""

    def __init__(self, start: float, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError(f"clock speed must be positive, got {speed}")
        self._start = start
        self._speed = speed
        self._wall0 = time.monotonic()

    @property
    def speed(self) -> float:
        """Scenario seconds per wall second."""
        return self._speed

    @property
    def start(self) -> float:
        """Scenario time at which the clock was started."""
        return self._start

    def now(self) -> float:
        """Current scenario time."""
        return self._start + (time.monotonic() - self._wall0) * self._speed

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
