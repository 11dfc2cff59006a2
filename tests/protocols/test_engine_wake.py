"""The engine's wake-up (one socket pair): a call runs at once, not at the loop's next tick, from
any number of threads, and stop() closes the pair so later or racing calls fail, never hang."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from typing import Any

import pytest
import zmq

from command.clock import ManualClock
from command.journal import Journal
from protocols.commands import Handlers, Status, Update
from protocols.engine import Engine, EngineError


class IdleNode:
    """No sockets, no input: only a wake-up can make the loop run a command before its tick."""

    def __init__(self, _context: zmq.Context[Any]) -> None:
        self.journal = Journal.in_memory(clock=ManualClock(), owner="idle", role="console")
        self.ran = 0

    def sockets(self) -> list[zmq.Socket[Any]]:
        return []

    def pump(self) -> int:
        return 0

    def tick(self, now: float) -> None:
        pass

    def handlers(self) -> Handlers:
        return Handlers().on(Status, self.status)

    def status(self, _: Status) -> int:
        self.ran += 1
        return self.ran

    def drain_updates(self) -> tuple[Update, ...]:
        return ()

    def close(self) -> None:
        self.journal.close()


def _engine() -> Engine:
    # A tick an hour apart: without the wake-up a command would wait for it.
    return Engine(IdleNode, ManualClock(), tick_s=3600.0).start()


def test_calls_from_many_threads_run_at_once_not_at_the_next_tick() -> None:
    engine = _engine()
    try:
        engine.call_sync(Status(), timeout=5)  # the first turn's tick is behind us
        errors: list[BaseException] = []

        def caller() -> None:
            try:
                for _ in range(50):
                    engine.call_sync(Status(), timeout=5)
            except BaseException as err:  # reported below
                errors.append(err)

        threads = [threading.Thread(target=caller) for _ in range(4)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors
        assert engine.call_sync(Status(), timeout=5) == 1 + 4 * 50 + 1
        assert time.monotonic() - started < 30  # far below one tick: every call woke the loop
    finally:
        engine.stop()


def test_stop_closes_the_wake_up_and_later_calls_fail_at_once() -> None:
    engine = _engine()
    wake_r, wake_w = engine._wake_r, engine._wake_w
    assert wake_r is not None and wake_w is not None
    engine.stop(timeout=5)
    assert not engine.running
    assert wake_r.fileno() == -1 and wake_w.fileno() == -1  # both ends closed
    with pytest.raises(EngineError, match="not running"):
        engine.call_sync(Status(), timeout=1)


def test_calls_racing_stop_all_end_with_a_result_or_an_error() -> None:
    engine = _engine()
    futures: list[Future[Any]] = []
    go = threading.Event()

    def caller() -> None:
        go.wait()
        for _ in range(200):
            futures.append(engine.call(Status()))

    threads = [threading.Thread(target=caller) for _ in range(3)]
    for t in threads:
        t.start()
    go.set()
    engine.stop(timeout=5)
    for t in threads:
        t.join(30)
    for future in futures:  # none left waiting for a loop that is gone
        error = future.exception(timeout=5)
        assert error is None or isinstance(error, EngineError)
