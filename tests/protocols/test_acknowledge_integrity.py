"""The console engine journals an acknowledged integrity alarm (issue #14); the fold reads it."""

from __future__ import annotations

from pathlib import Path

from command.clock import ManualClock
from command.fold import IncidentState
from command.vocabulary import Kind
from protocols.commands import Acknowledge
from protocols.engine import Engine, EngineBatch
from protocols.nodes import ConsoleNode
from protocols.security import CurveKeys
from tests.command.review.witnessed import write_witnessed
from tests.protocols.wiring import console_settings
from tests.waiting import wait_for


def test_acknowledge_integrity_is_journaled_and_folded(tmp_path: Path) -> None:
    run = write_witnessed(tmp_path / "seen.sqlite")
    refusal = next(e for e in run.events if e.kind == Kind.WITNESS_REFUSED)
    clock = ManualClock()
    batches: list[EngineBatch] = []
    console = Engine(
        lambda ctx: ConsoleNode(
            ctx,
            console_settings(clock, CurveKeys.generate(), journal_path=tmp_path / "console.db"),
        ),
        clock,
        on_batch=batches.append,
    ).start()
    try:
        console.call_sync(Acknowledge("integrity", str(refusal.seq), "seen the fork"))
        wait_for(
            lambda: any(e.kind == Kind.ATTENTION_ACKNOWLEDGED for b in batches for e in b.events),
            timeout=10,
            interval=0.01,
            message="the acknowledgement journaled",
        )
    finally:
        console.stop()
    acks = [e for b in batches for e in b.events if e.kind == Kind.ATTENTION_ACKNOWLEDGED]
    assert [a.body["subject"] for a in acks] == ["integrity"]
    state = IncidentState()
    state.apply_all(run.events)
    assert len(state.integrity.open_alarms()) == 1
    state.apply(acks[0])  # the alarm's id is the refusal's seq, whichever journal says so
    assert state.integrity.open_alarms() == []
