"""verify --trust holds a journal to the checkpoint policy its signed checkpoints declare.

Journals are checkpointed by hand every 5 events (tests/command/journal/forge.py), the way the
journal's periodic signer does; the attacks are raw edits and rehashes of the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from command.clock import ManualClock
from command.journal import Journal, verify_journal
from command.journal.checkpoints import CheckpointPolicy
from command.journal.verify_policy import (
    MISSING_CHECKPOINT,
    NO_CHECKPOINT,
    POLICY_CHANGED,
    TAIL_TOO_LONG,
)
from command.signing import Signer
from tests.command.journal.forge import (
    body_of,
    rewrite_and_resign,
    sign_head,
    signed_journal,
)
from tests.command.journal.helpers import make_decision, tamper


@pytest.fixture
def path(tmp_path: Path, clock: ManualClock, signer: Signer) -> Path:
    """A 12-event journal checkpointed every 5 events and closed (15 events in all)."""
    p = tmp_path / "console.sqlite"
    signed_journal(p, clock, signer)
    return p


def test_signed_journal_verifies_with_its_report(path: Path, signer: Signer) -> None:
    result = verify_journal(path, trusted=[signer.public_hex])
    assert result.ok, result.summary(path)
    assert result.checkpoints == 3 and result.closed and result.tail == 0
    line = result.summary(path)
    assert "signed up to seq 14; closed cleanly at seq 15" in line
    assert "policy every 5 events / 60 s" in line
    assert result.origins and "/console/cmd/" in result.origins[0]


def test_no_checkpoint_fails_with_trust_only(tmp_path: Path, clock: ManualClock) -> None:
    p = tmp_path / "j.sqlite"
    signed_journal(p, clock, Signer.generate("cmd"), events=3, close=False)
    assert verify_journal(p).ok
    result = verify_journal(p, trusted=["ab" * 32])
    assert not result.ok and result.problem == NO_CHECKPOINT
    assert "none of its 3 events is signed" in result.summary(p)


def test_rewrite_and_drop_checkpoints_is_caught(path: Path, signer: Signer) -> None:
    # edit seq 8, rehash with the project's own hash function, drop every later checkpoint
    edited = body_of(path, 8).replace("decision 6", "decision X")
    rewrite_and_resign(path, 8, edited, None, drop_checkpoints=True)
    assert verify_journal(path, tables=False).ok  # the chain alone is fooled
    result = verify_journal(path, trusted=[signer.public_hex], tables=False)
    assert not result.ok and result.problem == TAIL_TOO_LONG
    assert "7 unsigned events" in result.detail, result.detail


def test_sigkilled_tail_is_reported_and_passes(tmp_path: Path, clock: ManualClock) -> None:
    signer = Signer.generate("cmd")
    p = tmp_path / "j.sqlite"
    signed_journal(p, clock, signer, events=8, close=False)  # checkpoint after 5, 3 unsigned
    result = verify_journal(p, trusted=[signer.public_hex])
    assert result.ok, result.summary(p)
    assert not result.closed and result.tail == 3
    assert "unsigned tail of 3 events after seq 6 (no close)" in result.summary(p)


def test_truncated_tail_without_witness_looks_like_a_crash(path: Path, signer: Signer) -> None:
    tamper(path, "DELETE FROM events WHERE seq >= 14")  # the close checkpoint and one event
    result = verify_journal(path, trusted=[signer.public_hex], tables=False)
    assert result.ok and "unsigned tail of 1 events after seq 12 (no close)" in result.summary(path)


def test_missing_checkpoint_in_the_middle(tmp_path: Path, clock: ManualClock) -> None:
    signer = Signer.generate("cmd")
    p = tmp_path / "j.sqlite"
    j = Journal.open(p, clock=clock, owner="cmd", role="console")
    for n in range(10):  # the policy says every 5: one checkpoint is missing
        j.add_decision(make_decision(clock, text=f"d{n}"))
    sign_head(j, signer, clock, "events")
    j.close()
    result = verify_journal(p, trusted=[signer.public_hex], tables=False)
    assert not result.ok and result.problem == MISSING_CHECKPOINT, result.summary(p)
    assert result.first_bad_seq == 11
    assert "10 unsigned events from seq 1 to 10, the policy allows 5" in result.detail


def test_run_spanning_longer_than_every_s(tmp_path: Path, clock: ManualClock) -> None:
    signer = Signer.generate("cmd")
    p = tmp_path / "j.sqlite"
    j = Journal.open(p, clock=clock, owner="cmd", role="console")
    j.add_decision(make_decision(clock))
    clock.advance(120)
    j.add_decision(make_decision(clock, text="later"))
    sign_head(j, signer, clock, "events")
    j.close()
    result = verify_journal(p, trusted=[signer.public_hex])
    assert not result.ok and result.problem == MISSING_CHECKPOINT
    assert "span 120.0 s, the policy allows 60 s" in result.detail


def test_policy_change_between_checkpoints(tmp_path: Path, clock: ManualClock) -> None:
    signer = Signer.generate("cmd")
    p = tmp_path / "j.sqlite"
    j = Journal.open(p, clock=clock, owner="cmd", role="console")
    j.add_decision(make_decision(clock))
    sign_head(j, signer, clock, "events")
    j.add_decision(make_decision(clock, text="second"))
    sign_head(j, signer, clock, "close", CheckpointPolicy(every_events=500, every_s=60.0))
    j.close()
    result = verify_journal(p, trusted=[signer.public_hex])
    assert not result.ok and result.problem == POLICY_CHANGED and result.first_bad_seq == 4
    assert "every 500 events" in result.detail


def test_legacy_checkpoints_declare_no_policy(tmp_path: Path, clock: ManualClock) -> None:
    signer = Signer.generate("cmd")
    p = tmp_path / "j.sqlite"
    j = Journal.open(p, clock=clock, owner="cmd", role="console")
    for n in range(8):
        j.add_decision(make_decision(clock, text=f"d{n}"))
    j.close(signer)
    result = verify_journal(p, trusted=[signer.public_hex])
    assert result.ok and "legacy checkpoints declare no policy" in result.summary(p)
