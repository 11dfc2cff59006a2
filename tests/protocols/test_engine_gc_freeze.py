"""The heap is frozen out of the cyclic collector once per process, when the first engine's node
is built: later engines do not freeze again, and what was garbage then is collected first."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from command.clock import ManualClock
from protocols import engine as engine_module
from protocols.commands import Status
from protocols.engine import Engine
from tests.protocols.test_engine_wake import IdleNode


def test_the_first_engine_freezes_the_heap_once_after_a_collection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(engine_module, "freeze_heap", engine_module._HeapFreeze())

    def collect(*_: int) -> int:
        calls.append("collect")
        return 0

    monkeypatch.setattr(gc, "collect", collect)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    engines: list[Any] = []
    try:
        for _ in range(3):
            engine = Engine(IdleNode, ManualClock(), tick_s=3600.0).start()
            engines.append(engine)
            assert engine.call_sync(Status(), timeout=5) == 1
            assert calls == ["collect", "freeze"]  # the first start did it, the others not
    finally:
        for engine in engines:
            engine.stop(timeout=5)
    assert engine_module.freeze_heap.done


def test_freezing_really_takes_the_heap_out_of_a_full_collection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    freeze = engine_module._HeapFreeze()
    monkeypatch.setattr(engine_module, "freeze_heap", freeze)
    gc.unfreeze()  # as if no engine had run in this process yet
    try:
        assert gc.get_freeze_count() == 0
        engine = Engine(IdleNode, ManualClock(), tick_s=3600.0).start()
        engine.stop(timeout=5)
        assert gc.get_freeze_count() > 1000  # modules, classes, the test session: frozen
        assert not freeze()  # and only once
    finally:
        gc.freeze()  # leave the process as the first engine left it
