"""`Engine.call_sync`'s own hand-off (a lock per call, not a `Future`): it still returns the
result, raises the handler's error, times out, and fails at once (never hangs) around stop()."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import zmq

from command.clock import ManualClock
from command.journal import Journal
from protocols import engine as engine_module
from protocols.commands import Command, Handlers, Pending, Status, Update
from protocols.engine import Engine, EngineError


class Boom(Command[None]):
    """A command whose handler raises."""


class Hold(Command[str]):
    """A command whose handler waits until the test lets it go."""


class HoldingNode:
    """No sockets: Status counts, Boom raises, Hold blocks the loop until `release` is set."""

    def __init__(self, _context: zmq.Context[Any]) -> None:
        self.journal = Journal.in_memory(clock=ManualClock(), owner="hold", role="console")
        self.ran = 0
        self.holding = threading.Event()
        self.release = threading.Event()

    def sockets(self) -> list[zmq.Socket[Any]]:
        return []

    def pump(self) -> int:
        return 0

    def tick(self, now: float) -> None:
        pass

    def handlers(self) -> Handlers:
        return Handlers().on(Status, self.status).on(Boom, self.boom).on(Hold, self.hold)

    def status(self, _: Status) -> int:
        self.ran += 1
        return self.ran

    def boom(self, _: Boom) -> None:
        raise ValueError("the handler failed")

    def hold(self, _: Hold) -> str:
        self.holding.set()
        self.release.wait(10)
        return "released"

    def drain_updates(self) -> tuple[Update, ...]:
        return ()

    def close(self) -> None:
        self.journal.close()


def _engine() -> tuple[Engine, HoldingNode]:
    engine = Engine(HoldingNode, ManualClock(), tick_s=3600.0).start()
    node = engine.node
    assert isinstance(node, HoldingNode)
    return engine, node


def test_call_sync_returns_results_in_order_without_a_future(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine, _ = _engine()
    try:

        def no_future() -> None:
            raise AssertionError("call_sync built a concurrent.futures.Future")

        with monkeypatch.context() as patched:
            patched.setattr(engine_module, "Future", no_future)
            assert [engine.call_sync(Status(), timeout=5) for _ in range(3)] == [1, 2, 3]
    finally:
        engine.stop(timeout=5)


def test_call_sync_raises_the_handlers_error_and_the_engine_goes_on() -> None:
    engine, _ = _engine()
    try:
        with pytest.raises(ValueError, match="the handler failed"):
            engine.call_sync(Boom(), timeout=5)
        assert engine.call_sync(Status(), timeout=5) == 1
        assert engine.errors == 0  # a command's error is the caller's, not a loop error
    finally:
        engine.stop(timeout=5)


def test_call_sync_times_out_and_a_late_answer_harms_nothing() -> None:
    engine, node = _engine()
    try:
        late = threading.Thread(target=lambda: engine.call_sync(Hold(), timeout=10))
        late.start()
        assert node.holding.wait(5)
        with pytest.raises(TimeoutError, match=r"no answer within 0\.05 s"):
            engine.call_sync(Status(), timeout=0.05)  # queued behind Hold
        node.release.set()
        late.join(10)
        # the timed-out Status still ran (once), and its answer went nowhere
        assert engine.call_sync(Status(), timeout=5) == 2
        assert engine.errors == 0
    finally:
        node.release.set()
        engine.stop(timeout=5)
    assert not engine.running


def test_call_sync_waiting_when_the_engine_stops_fails_instead_of_hanging() -> None:
    engine, node = _engine()
    outcome: list[object] = []

    def caller() -> None:
        try:
            outcome.append(engine.call_sync(Pending(), timeout=10))  # no handler: fails anyway
        except Exception as err:  # recorded for the assertion
            outcome.append(err)

    held = threading.Thread(target=lambda: engine.call_sync(Hold(), timeout=10))
    held.start()
    assert node.holding.wait(5)
    stopper = threading.Thread(target=engine.stop, kwargs={"timeout": 10})
    stopper.start()  # queues Shutdown behind Hold
    waiting = threading.Thread(target=caller)
    waiting.start()
    node.release.set()
    for t in (held, stopper, waiting):
        t.join(15)
    assert not engine.running
    assert len(outcome) == 1 and isinstance(outcome[0], EngineError)
    with pytest.raises(EngineError, match="not running"):
        engine.call_sync(Status(), timeout=1)
