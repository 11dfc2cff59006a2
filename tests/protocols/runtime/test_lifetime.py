"""`EngineRuntime`: started once, stopped once, and the side work started and stopped around it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from command.errors import BatonError
from protocols.runtime.lifetime import EngineRuntime, check_speed


class _Engine:
    """Stands in for `protocols.engine.Engine`: records what the runtime asked of it."""

    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.failure = None
        self.running = False

    def start(self) -> None:
        self.log.append("engine.start")
        self.running = True

    def stop(self, timeout: float) -> None:
        self.log.append(f"engine.stop({timeout:g})")
        self.running = False


class _Refused(BatonError):
    """The error this runtime raises."""


class _Runtime(EngineRuntime):
    error = _Refused
    role = "test"

    def __init__(self, journal: Path) -> None:
        self.log: list[str] = []
        engine: Any = _Engine(self.log)
        super().__init__(engine, journal)

    def _started_engine(self) -> None:
        self.log.append("side.start")

    def _stopping_engine(self) -> None:
        self.log.append("side.stop")


def test_start_makes_the_journal_folder_then_side_work_stops_before_the_engine(
    tmp_path: Path,
) -> None:
    journal = tmp_path / "deep" / "er" / "console.journal"
    with _Runtime(journal) as runtime:
        assert journal.parent.is_dir()
        assert runtime.running
    runtime.stop()  # a second stop does nothing
    assert runtime.log == ["engine.start", "side.start", "side.stop", "engine.stop(10)"]
    assert not runtime.running


def test_a_second_start_is_refused_with_the_runtime_s_own_error(tmp_path: Path) -> None:
    runtime = _Runtime(tmp_path / "j")
    runtime.start()
    with pytest.raises(_Refused, match="this test runtime was already started"):
        runtime.start()
    runtime.stop()


def test_stop_before_start_touches_nothing(tmp_path: Path) -> None:
    runtime = _Runtime(tmp_path / "j")
    runtime.stop()
    assert runtime.log == []


@pytest.mark.parametrize("speed", [0.0, -1.0, float("nan"), float("inf")])
def test_check_speed_refuses_what_is_not_a_positive_number(speed: float) -> None:
    with pytest.raises(_Refused, match="--speed must be a positive number"):
        check_speed(speed, _Refused)


def test_check_speed_accepts_a_fast_clock() -> None:
    check_speed(240.0, _Refused)
