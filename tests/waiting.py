"""The one wait helper of the test suite: poll a condition instead of sleeping a fixed time.

`wait_for(condition, timeout=..., message=...)` calls `condition()` every few milliseconds until
it returns something truthy (which it returns), and on timeout raises `AssertionError` naming
what was awaited and, when `observe` is given, the last value it returned. This is the only place
in tests/ that calls `time.sleep`; GUI tests use `qtbot.waitUntil` / `qtbot.wait_signal` instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_UNSET = object()


def wait_for(
    condition: Callable[[], T],
    *,
    timeout: float = 5.0,
    message: str = "condition",
    interval: float = 0.005,
    observe: Callable[[], object] | None = None,
) -> T:
    """Poll `condition()` until truthy and return that value, or fail after `timeout` seconds.

    `observe`, when given, is called after each failed poll; its last value goes into the
    failure message (e.g. the counts a test is waiting on), so a timeout says what was seen.
    """
    deadline = time.monotonic() + timeout
    last: object = _UNSET
    while True:
        value = condition()
        if value:
            return value
        if observe is not None:
            last = observe()
        if time.monotonic() >= deadline:
            seen = "" if last is _UNSET else f"; last observed: {last!r}"
            raise AssertionError(f"timed out after {timeout:g} s waiting for {message}{seen}")
        time.sleep(interval)
