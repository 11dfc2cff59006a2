"""verify --witness: a journal rewritten and re-signed with its own key is caught by what its
witnesses cosigned; a truncation, a bad cosignature and a witness's refusal are failures."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from command.clock import ManualClock
from command.errors import JournalError
from command.journal import Journal, verify_journal
from command.journal.checkpoints import cosign
from command.journal.verify_witness import (
    BAD_COSIGNATURE,
    CONTRADICTED,
    REFUSED,
    TRUNCATED,
    _cosignature_valid,
)
from command.signing import Signer
from command.vocabulary import Checkpoint, RefusalReason, WitnessRefused
from tests.command.journal.forge import body_of, rewrite_and_resign, signed_journal, witness_journal
from tests.command.journal.helpers import tamper


@pytest.fixture
def station_key() -> Signer:
    """The witness station's signing key."""
    return Signer.generate("traffic")


@pytest.fixture
def run(
    tmp_path: Path, clock: ManualClock, signer: Signer, station_key: Signer
) -> tuple[Path, Path, list[Checkpoint]]:
    """(console journal, station journal that cosigned every console checkpoint, checkpoints)."""
    console, station = tmp_path / "console.sqlite", tmp_path / "traffic.sqlite"
    cps = signed_journal(console, clock, signer)
    witness_journal(station, clock, station_key, cps)
    return console, station, cps


def test_witnessed_journal_verifies(
    run: tuple[Path, Path, list[Checkpoint]], signer: Signer
) -> None:
    console, station, _ = run
    result = verify_journal(console, trusted=[signer.public_hex], witnesses=[station])
    assert result.ok, result.summary(console)
    assert result.cosignatures == 3 and result.witnesses == ("traffic",)
    assert "3 cosignatures by traffic agree" in result.summary(console)


def test_rewrite_and_resign_with_commanders_key_is_caught_by_the_station(
    run: tuple[Path, Path, list[Checkpoint]], signer: Signer
) -> None:
    console, station, _ = run
    edited = body_of(console, 8).replace("decision 6", "decision X")
    rewrite_and_resign(console, 8, edited, signer)
    alone = verify_journal(console, trusted=[signer.public_hex], tables=False)
    assert alone.ok, alone.summary(console)  # re-signed with the key from the data dir
    result = verify_journal(console, trusted=[signer.public_hex], witnesses=[station])
    assert not result.ok and result.problem == CONTRADICTED
    assert result.first_bad_seq == 11  # the first cosigned head after the edit
    assert "witness traffic" in result.detail and "cosigned" in result.detail
    assert f"seq 11 {CONTRADICTED}" in result.summary(console)


def test_truncation_is_caught_by_a_witness(
    run: tuple[Path, Path, list[Checkpoint]], signer: Signer
) -> None:
    console, station, _ = run
    tamper(console, "DELETE FROM events WHERE seq >= 14")
    result = verify_journal(console, trusted=[signer.public_hex], witnesses=[station])
    assert not result.ok and result.problem == TRUNCATED
    assert "the journal ends at seq 13, witness traffic" in result.detail
    assert "cosigned size 14" in result.detail


def test_all_checkpoints_dropped_still_finds_the_witnessed_ones(
    run: tuple[Path, Path, list[Checkpoint]],
) -> None:
    console, station, _ = run
    edited = body_of(console, 2).replace("riverside", "bridge")
    rewrite_and_resign(console, 2, edited, None, drop_checkpoints=True)
    result = verify_journal(console, witnesses=[station], tables=False)
    assert not result.ok and result.problem in (CONTRADICTED, TRUNCATED), result.summary(console)


def test_bad_cosignature(run: tuple[Path, Path, list[Checkpoint]]) -> None:
    console, station, _ = run
    conn = sqlite3.connect(station)
    body = conn.execute("SELECT body FROM events WHERE seq = 1").fetchone()[0]
    conn.close()
    sig = body.split('"signature":"')[-1][:8]
    tamper(
        station,
        ("UPDATE events SET body = replace(body, ?, ?) WHERE seq = 1", (sig, "00000000")),
    )
    result = verify_journal(console, witnesses=[station])
    assert not result.ok and result.problem == BAD_COSIGNATURE
    assert "witness traffic" in result.detail


def test_a_witness_refusal_is_a_failure(
    tmp_path: Path, clock: ManualClock, run: tuple[Path, Path, list[Checkpoint]]
) -> None:
    console, _, cps = run
    other = tmp_path / "security.sqlite"
    j = Journal.open(other, clock=clock, owner="security", role="station")
    j.record(
        WitnessRefused("security", RefusalReason.FORK, cps[0], cps[1], None, "another head"),
        actor="security",
    )
    j.close()
    result = verify_journal(console, witnesses=[other])
    assert not result.ok and result.problem == REFUSED
    assert "witness security" in result.detail and "fork" in result.detail


def test_own_cosignature_events_are_checked(
    tmp_path: Path, clock: ManualClock, signer: Signer, station_key: Signer
) -> None:
    p = tmp_path / "console.sqlite"
    cps = signed_journal(p, clock, signer)
    j = Journal.open(p, clock=clock, owner="cmd", role="console")
    forged = cosign(station_key, "traffic", cps[0], clock.now())
    bad = Checkpoint(
        cps[0].head_seq,
        "f" * 64,
        cps[0].key,
        cps[0].signature,
        cps[0].origin,
        cps[0].ts,
        cps[0].reason,
        cps[0].every_events,
        cps[0].every_s,
    )
    j.record(replace(forged, checkpoint=bad, mine=False), actor="traffic")
    j.close()
    result = verify_journal(p)
    assert not result.ok and result.problem == BAD_COSIGNATURE


def test_witness_that_is_not_a_journal(
    tmp_path: Path, run: tuple[Path, Path, list[Checkpoint]]
) -> None:
    console, _, _ = run
    junk = tmp_path / "junk"
    junk.write_text("no")
    with pytest.raises(JournalError, match="cannot read journal"):
        verify_journal(console, witnesses=[junk])


def test_a_stale_smaller_refusal_is_not_a_failure(
    tmp_path: Path, clock: ManualClock, run: tuple[Path, Path, list[Checkpoint]]
) -> None:
    console, _, cps = run
    other = tmp_path / "security.sqlite"
    j = Journal.open(other, clock=clock, owner="security", role="station")
    j.record(
        WitnessRefused("security", RefusalReason.SMALLER, cps[1], cps[0], None, "older"),
        actor="security",
    )
    j.close()
    result = verify_journal(console, witnesses=[other])
    assert result.ok and result.stale_refusals == 1, result.summary(console)
    assert "1 refusals of an older checkpoint" in result.summary(console)


def test_a_checkpoint_checked_once_is_only_trusted_as_it_was_checked(
    run: tuple[Path, Path, list[Checkpoint]], signer: Signer, station_key: Signer
) -> None:
    """The signature cache is keyed by the whole checkpoint: a copy naming another key (same
    signature and head) is checked on its own, and fails."""
    _, _, cps = run
    cp = cps[0]
    valid: dict[Checkpoint, bool] = {cp: True}  # as the walk over the journal leaves it
    honest = cosign(station_key, "traffic", cp, 1_000.0)
    assert _cosignature_valid(honest, valid)
    other = Signer.generate("forger")
    forged = cosign(station_key, "traffic", replace(cp, key=other.public_hex), 1_000.0)
    assert not _cosignature_valid(forged, valid)
    assert valid[forged.checkpoint] is False
