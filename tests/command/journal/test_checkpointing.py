"""Periodic checkpoints in the journal core: every N events (inside one transaction too), before
an unsigned run spans every_s, from tick, on close; rollbacks; reopening."""

from __future__ import annotations

from pathlib import Path

import pytest

from command.clock import ManualClock
from command.errors import ValidationError
from command.journal import Journal
from command.journal.checkpoints import CheckpointPolicy, Origin, checkpoint_valid
from command.signing import Signer
from command.vocabulary import Checkpoint, Kind, LinkChanged, decode


def _signed(journal: Journal, policy: CheckpointPolicy) -> Signer:
    signer = Signer.generate("commander")
    journal.sign_with(signer, Origin.of("inc", "console", "c", signer), policy)
    return signer


def _checkpoints(journal: Journal) -> list[tuple[int, Checkpoint]]:
    out = []
    for event in journal.events(kinds=[Kind.CHECKPOINT]):
        body = decode(event)
        assert isinstance(body, Checkpoint)
        out.append((event.seq, body))
    return out


def _unsigned_runs(journal: Journal) -> list[int]:
    runs, run = [], 0
    for event in journal.events():
        if event.kind == Kind.CHECKPOINT:
            runs.append(run)
            run = 0
        else:
            run += 1
    return [*runs, run]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def test_every_events_inside_one_big_transaction(clock: ManualClock) -> None:
    journal = Journal.in_memory(clock=clock, owner="c", role="console")
    _signed(journal, CheckpointPolicy(every_events=200, every_s=10.0))
    with journal.transaction():
        for i in range(1000):
            journal.record(LinkChanged(f"s{i}", True))
    cps = _checkpoints(journal)
    assert len(cps) == 5 and all(cp.reason == "events" for _, cp in cps)
    assert all(checkpoint_valid(cp) for _, cp in cps)
    assert max(_unsigned_runs(journal)) == 200
    for seq, cp in cps:  # each signs the event right before it
        assert cp.head_seq == seq - 1
    assert journal.unsigned == 0 and journal.latest_checkpoint == cps[-1][1]


def test_every_s_before_the_append_that_would_span_it(clock: ManualClock) -> None:
    journal = Journal.in_memory(clock=clock, owner="c", role="console")
    _signed(journal, CheckpointPolicy(every_events=200, every_s=10.0))
    journal.record(LinkChanged("a", True))
    clock.advance(10.0)
    journal.record(LinkChanged("b", True))  # exactly every_s: still one run
    assert _checkpoints(journal) == []
    clock.advance(0.5)
    journal.record(LinkChanged("c", True))
    [(seq, cp)] = _checkpoints(journal)
    assert cp.reason == "interval" and cp.head_seq == 2 and seq == 3
    assert journal.unsigned == 1


def test_tick_signs_an_old_unsigned_tail_and_nothing_when_idle(clock: ManualClock) -> None:
    journal = Journal.in_memory(clock=clock, owner="c", role="console")
    _signed(journal, CheckpointPolicy(every_events=200, every_s=10.0))
    assert journal.tick(clock.now()) is None
    journal.record(LinkChanged("a", True))
    clock.advance(9.0)
    assert journal.tick(clock.now()) is None
    clock.advance(1.0)
    event = journal.tick(clock.now())
    assert event is not None and event.body["reason"] == "interval"
    clock.advance(100.0)
    assert journal.tick(clock.now()) is None  # nothing unsigned


def test_close_signs_the_tail_once(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "j.db"
    journal = Journal.open(path, clock=clock, owner="c", role="console")
    _signed(journal, CheckpointPolicy(every_events=200, every_s=10.0))
    journal.record(LinkChanged("a", True))
    journal.close()
    reopened = Journal.open(path, clock=clock, owner="c", role="console")
    cps = _checkpoints(reopened)
    assert [cp.reason for _, cp in cps] == ["close"]
    signer = Signer.generate("other")
    reopened.sign_with(signer, Origin.of("inc", "console", "c", signer))
    reopened.close()  # nothing unsigned: no second checkpoint
    again = Journal.open(path, clock=clock, owner="c", role="console")
    assert len(_checkpoints(again)) == 1
    again.close()


def test_reopen_resumes_the_unsigned_run(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "j.db"
    policy = CheckpointPolicy(every_events=10, every_s=1000.0)
    journal = Journal.open(path, clock=clock, owner="c", role="console")
    signer = _signed(journal, policy)
    for i in range(14):
        journal.record(LinkChanged(f"s{i}", True))
    journal.store.close()  # a crash: no close checkpoint
    reopened = Journal.open(path, clock=clock, owner="c", role="console")
    reopened.sign_with(signer, Origin.of("inc", "console", "c", signer), policy)
    assert reopened.unsigned == 4 and reopened.latest_checkpoint is not None
    for i in range(6):
        reopened.record(LinkChanged(f"t{i}", True))
    assert max(_unsigned_runs(reopened)) == 10
    reopened.close()


def test_a_rollback_restores_the_run(clock: ManualClock) -> None:
    journal = Journal.in_memory(clock=clock, owner="c", role="console")
    _signed(journal, CheckpointPolicy(every_events=5, every_s=1000.0))
    for i in range(3):
        journal.record(LinkChanged(f"s{i}", True))
    with pytest.raises(RuntimeError), journal.transaction():
        for i in range(4):
            journal.record(LinkChanged(f"x{i}", True))
        raise RuntimeError("undo")
    assert journal.unsigned == 3 and journal.latest_checkpoint is None
    assert _checkpoints(journal) == []
    journal.record(LinkChanged("y", True))
    journal.record(LinkChanged("z", True))
    assert [cp.head_seq for _, cp in _checkpoints(journal)] == [5]


def test_manual_and_legacy_checkpoints(clock: ManualClock) -> None:
    plain = Journal.in_memory(clock=clock, owner="c", role="console")
    plain.record(LinkChanged("a", True))
    legacy = decode(plain.checkpoint(Signer.generate("x")))
    assert isinstance(legacy, Checkpoint) and legacy.origin == "" and checkpoint_valid(legacy)
    journal = Journal.in_memory(clock=clock, owner="c", role="console")
    signer = _signed(journal, CheckpointPolicy())
    journal.record(LinkChanged("a", True))
    manual = decode(journal.checkpoint(signer))
    assert isinstance(manual, Checkpoint) and manual.reason == "manual" and checkpoint_valid(manual)
    assert journal.unsigned == 0 and journal.latest_checkpoint == manual


def test_sign_with_refuses_an_origin_of_another_key(clock: ManualClock) -> None:
    journal = Journal.in_memory(clock=clock, owner="c", role="console")
    a, b = Signer.generate("a"), Signer.generate("b")
    with pytest.raises(ValidationError):
        journal.sign_with(a, Origin.of("inc", "console", "c", b))
