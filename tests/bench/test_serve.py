"""bench.serve: a bench process prints "ready", runs its work, and ends on SIGTERM or when its
engine stops on its own, always stopping the engine."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from bench.serve import serve


class _Engine:
    """Stands in for an `Engine`: records start/stop; `running` until `die()` or `stop()`."""

    def __init__(self) -> None:
        self.started = self.stopped = False
        self._alive = threading.Event()

    def start(self) -> _Engine:
        self.started = True
        self._alive.set()
        return self

    def stop(self) -> None:
        self.stopped = True
        self._alive.clear()

    @property
    def running(self) -> bool:
        return self._alive.is_set()

    def die(self) -> None:
        self._alive.clear()


def test_serve_prints_ready_runs_work_and_ends_when_the_engine_dies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    engine = _Engine()
    seen: list[bool] = []

    def work(e: object, stop: threading.Event) -> None:
        seen.append(engine.running and not stop.is_set())
        engine.die()

    assert serve(engine, work) == 0  # type: ignore[arg-type]
    assert capsys.readouterr().out == "ready\n"
    assert seen == [True] and engine.started and engine.stopped


def test_serve_ends_on_sigterm_and_stops_the_engine() -> None:
    engine = _Engine()
    previous = signal.getsignal(signal.SIGTERM)
    try:
        timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM))
        timer.start()
        assert serve(engine) == 0  # type: ignore[arg-type]
        timer.join()
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert engine.stopped and not engine.running
