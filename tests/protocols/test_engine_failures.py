"""The engine on a journal that cannot be written: one line, once, a typed `JournalFailed`, and
the node stopped instead of retried every loop turn; other loop errors are logged once each."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import zmq

from command.clock import ManualClock
from command.journal import Journal, sqlite_store
from command.model import Observation
from protocols.commands import Handlers, JournalFailed, Pending, Update
from protocols.engine import Engine, EngineBatch, EngineError
from tests.waiting import wait_for

ENGINE_LOG = "protocols.engine"


class FillingNode:
    """Journals a batch of observations every tick (as a console does with its feeds)."""

    def __init__(self, path: Path | None, clock: ManualClock, fail: Exception | None = None):
        if path is None:
            self.journal = Journal.in_memory(clock=clock, owner="cmd", role="console")
        else:
            self.journal = Journal.open(path, clock=clock, owner="cmd", role="console")
        self.fail = fail
        self.ticks = 0
        self.closed = False

    def sockets(self) -> list[zmq.Socket[Any]]:
        return []

    def pump(self) -> int:
        return 0

    def tick(self, now: float) -> None:
        self.ticks += 1
        if self.fail is not None:
            raise self.fail
        self.journal.add_observations(
            [
                Observation(now, "gauges", f"zone-{i % 5}", "depth", float(i), f"gauge-{i:04d}")
                for i in range(200)
            ]
        )

    def handlers(self) -> Handlers:
        return Handlers().on(Pending, lambda _: len(self.journal.pending()))

    def drain_updates(self) -> tuple[Update, ...]:
        return ()

    def close(self) -> None:
        self.closed = True
        self.journal.close()


def _full_disk(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cap `path` at the pages of an empty journal: its first growth fails as SQLITE_FULL."""
    Journal.open(path, clock=ManualClock(), owner="cmd", role="console").close()
    pages = path.stat().st_size // 4096
    monkeypatch.setenv(sqlite_store.TEST_MAX_PAGES_ENV, f"{path.name}={pages}")


def test_a_full_journal_stops_the_node_and_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "console.sqlite"
    _full_disk(path, monkeypatch)
    nodes: list[FillingNode] = []
    batches: list[EngineBatch] = []

    def factory(ctx: zmq.Context[Any]) -> FillingNode:
        nodes.append(FillingNode(path, ManualClock()))
        return nodes[0]

    caplog.set_level(logging.DEBUG, logger=ENGINE_LOG)
    engine = Engine(factory, ManualClock(), on_batch=batches.append, tick_s=0.001, name="console")
    engine.start()
    try:
        wait_for(lambda: not engine.running, timeout=10, message="the engine to stop by itself")
        failure = engine.failure
        assert failure is not None
        # the journal's one line, with the file, the cause and the fix
        assert failure.journal == path
        assert "\n" not in failure.text
        assert failure.text.startswith(f"console stopped: cannot write journal {path}: ")
        assert "the disk is full (SQLITE_FULL)" in failure.text
        assert f"free some space under {tmp_path}" in failure.text
        assert "nothing already journaled is lost" in failure.text
        # logged once, without a traceback; not counted as a loop error
        records = [r for r in caplog.records if r.name == ENGINE_LOG]
        assert [r.getMessage() for r in records] == [failure.text]
        assert records[0].levelno == logging.ERROR and records[0].exc_info is None
        assert engine.errors == 0
        # the failing work was tried once, not in a hot loop; the node was closed
        assert nodes[0].ticks == 1 and nodes[0].closed
        # the GUI hears it as one typed update
        updates = [u for b in batches for u in b.updates]
        assert updates == [failure] and isinstance(failure, JournalFailed)
        # and a command sent afterwards fails at once with the same line
        err = engine.call(Pending()).exception(timeout=5)
        assert isinstance(err, EngineError) and str(err) == failure.text
    finally:
        engine.stop(timeout=5)
    assert not engine.running


def test_a_repeated_loop_error_logs_its_traceback_once(caplog: pytest.LogCaptureFixture) -> None:
    nodes: list[FillingNode] = []

    def factory(ctx: zmq.Context[Any]) -> FillingNode:
        nodes.append(FillingNode(None, ManualClock(), fail=RuntimeError("a hook is broken")))
        return nodes[0]

    caplog.set_level(logging.DEBUG, logger=ENGINE_LOG)
    engine = Engine(factory, ManualClock(), tick_s=0.001, name="console").start()
    try:
        wait_for(lambda: engine.errors >= 120, timeout=10, message="120 failing ticks")
    finally:
        engine.stop(timeout=5)
    records = [r for r in caplog.records if r.name == ENGINE_LOG]
    with_traceback = [r for r in records if r.exc_info is not None]
    assert len(with_traceback) == 1
    assert with_traceback[0].getMessage() == "console: error in the engine loop (continuing)"
    repeats = [r.getMessage() for r in records if r.exc_info is None]
    assert repeats[:2] == [
        "console: the same error 10 times (continuing): a hook is broken",
        "console: the same error 100 times (continuing): a hook is broken",
    ]
    assert len(records) < 5  # for 120 and more failing turns
    assert engine.failure is None  # not a journal failure: the engine kept going
