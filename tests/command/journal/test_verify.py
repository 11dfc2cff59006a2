"""verify_journal: an intact journal passes; each kind of after-the-fact edit is caught at its seq.

Every tamper is a raw sqlite3 edit of a real journal file (see helpers.build_file_journal for
the seq layout).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from command.canonical import canonical_text
from command.clock import ManualClock
from command.errors import JournalError, ValidationError
from command.journal import Journal, verify_journal
from command.journal.chain import checkpoint_payload, event_hash
from command.journal.verify import (
    BAD_SIGNATURE,
    CHANGED,
    CHECKPOINT_MISMATCH,
    INSERTED,
    MISSING,
    OBSERVATIONS,
    REORDERED,
    UNTRUSTED,
    read_trusted_keys,
)
from command.signing import Signer
from tests.command.journal.helpers import (
    rechain,
    repack,
    stored_batch,
    tamper,
)


@pytest.fixture
def path(journal_file: Path) -> Path:
    """The closed 13-event journal file every tamper here edits."""
    return journal_file


def row(path: Path, seq: int) -> tuple[object, ...]:
    conn = sqlite3.connect(path)
    try:
        found = conn.execute(
            "SELECT seq, ts, actor, kind, incident, body, prev_hash, hash FROM events WHERE seq=?",
            (seq,),
        ).fetchone()
    finally:
        conn.close()
    assert found is not None
    return tuple(found)


def shift_up(path: Path, from_seq: int) -> None:
    """Renumber events from `from_seq` on one up, freeing `from_seq` (two steps: PK clash)."""
    tamper(
        path,
        ("UPDATE events SET seq = -(seq + 1) WHERE seq >= ?", (from_seq,)),
        "UPDATE events SET seq = -seq WHERE seq < 0",
    )


def check(path: Path, seq: int, problem: str) -> None:
    result = verify_journal(path)
    assert not result.ok
    assert (result.first_bad_seq, result.problem) == (seq, problem), result.detail
    assert f"seq {seq} {problem}" in result.summary(path)


def test_intact_journal_verifies(path: Path) -> None:
    result = verify_journal(path)
    assert result.ok and result.problem == "" and result.first_bad_seq is None
    assert (result.events, result.checkpoints, result.observations) == (13, 3, 7)
    assert "intact: 13 events, 3 checkpoints" in result.summary(path)


def test_empty_journal_verifies(tmp_path: Path, clock: ManualClock) -> None:
    Journal.open(tmp_path / "j", clock=clock, owner="cmd", role="console").close()
    result = verify_journal(tmp_path / "j")
    assert result.ok and result.events == 0


def test_verify_while_a_writer_is_open(tmp_path: Path, clock: ManualClock) -> None:
    j = Journal.open(tmp_path / "j", clock=clock, owner="cmd", role="console")
    j.append("a.b", {"x": "é\n"})
    assert verify_journal(tmp_path / "j").events == 1
    j.close()


def test_progress_is_reported(path: Path) -> None:
    calls: list[tuple[int, int]] = []
    verify_journal(path, lambda done, total: calls.append((done, total)))
    assert calls[-1] == (13, 13)


def test_changed_body(path: Path) -> None:
    tamper(
        path,
        "UPDATE events SET body = replace(body, 'riverside lane', 'bridge lane') WHERE seq = 2",
    )
    check(path, 2, CHANGED)


def test_changed_timestamp(path: Path) -> None:
    tamper(path, "UPDATE events SET ts = ts - 60 WHERE seq = 8")
    check(path, 8, CHANGED)


def test_changed_and_rehashed_event_is_caught_at_that_event(path: Path) -> None:
    _, ts, actor, kind, incident, body, prev, _ = row(path, 5)
    body = str(body).replace("hold the crowd", "release the crowd")
    forged = event_hash(str(prev), 5, float(ts), str(actor), str(kind), str(incident), body)  # type: ignore[arg-type]
    tamper(path, ("UPDATE events SET body=?, hash=? WHERE seq=5", (body, forged)))
    check(path, 5, CHANGED)


def test_blob_written_into_an_event_or_observation(path: Path) -> None:
    tamper(path, "UPDATE observation_batches SET data = CAST(data AS TEXT) WHERE batch = 4")
    check(path, 4, OBSERVATIONS)
    tamper(path, ("UPDATE events SET actor = ? WHERE seq = 3", (b"\x00cmd",)))
    check(path, 3, CHANGED)


def test_changed_prev_hash(path: Path) -> None:
    tamper(path, ("UPDATE events SET prev_hash=? WHERE seq=6", ("f" * 64,)))
    check(path, 6, CHANGED)


def test_missing_event(path: Path) -> None:
    tamper(path, "DELETE FROM events WHERE seq = 7")
    check(path, 7, MISSING)


def test_missing_run_of_events(path: Path) -> None:
    tamper(path, "DELETE FROM events WHERE seq IN (5, 6, 7)")
    result = verify_journal(path)
    assert (result.first_bad_seq, result.problem) == (5, MISSING)
    assert "seq 5 to 7" in result.detail


def test_missing_first_event(path: Path) -> None:
    tamper(path, "DELETE FROM events WHERE seq = 1")
    check(path, 1, MISSING)


def test_inserted_event(path: Path) -> None:
    shift_up(path, 6)
    body = canonical_text({"decision": {"id": "forged"}})
    tamper(
        path,
        (
            "INSERT INTO events VALUES (6, 1.0, 'cmd', 'decision.added', '', ?, ?, ?)",
            (body, "1" * 64, "2" * 64),
        ),
    )
    check(path, 6, INSERTED)


def test_inserted_event_with_a_valid_link_and_hash(path: Path) -> None:
    shift_up(path, 6)
    prev = str(row(path, 5)[7])
    body = canonical_text({"decision": {"id": "forged"}})
    forged = event_hash(prev, 6, 1.0, "cmd", "decision.added", "", body)
    tamper(
        path,
        (
            "INSERT INTO events VALUES (6, 1.0, 'cmd', 'decision.added', '', ?, ?, ?)",
            (body, prev, forged),
        ),
    )
    check(path, 6, INSERTED)


def test_reordered_events(path: Path) -> None:
    tamper(
        path,
        "UPDATE events SET seq = -1 WHERE seq = 7",
        "UPDATE events SET seq = 7 WHERE seq = 8",
        "UPDATE events SET seq = 8 WHERE seq = -1",
    )
    check(path, 7, REORDERED)


def test_reordered_far_apart(path: Path) -> None:
    tamper(
        path,
        "UPDATE events SET seq = -1 WHERE seq = 5",
        "UPDATE events SET seq = 5 WHERE seq = 8",
        "UPDATE events SET seq = 8 WHERE seq = -1",
    )
    check(path, 5, REORDERED)


def test_bad_checkpoint_signature(path: Path) -> None:
    body = json.loads(str(row(path, 10)[5]))
    body["signature"] = "00" * 64
    tamper(path, ("UPDATE events SET body=? WHERE seq=10", (canonical_text(body),)))
    rechain(path, 10)  # a forger re-hashes the chain, but cannot sign
    check(path, 10, BAD_SIGNATURE)


def test_checkpoint_signed_over_another_head(path: Path) -> None:
    forger = Signer.generate("forger")
    body = json.loads(str(row(path, 10)[5]))
    body.update(
        head_hash="ab" * 32,
        key=forger.public_hex,
        signature=forger.sign(checkpoint_payload(body["head_seq"], "ab" * 32)),
    )
    tamper(path, ("UPDATE events SET body=? WHERE seq=10", (canonical_text(body),)))
    rechain(path, 10)
    check(path, 10, CHECKPOINT_MISMATCH)


def test_rewritten_history_is_caught_by_the_next_checkpoint(path: Path) -> None:
    tamper(path, "UPDATE events SET body = replace(body, 'open the', 'close the') WHERE seq = 12")
    tamper(path, "UPDATE events SET ts = ts + 1 WHERE seq = 11")
    rechain(path, 11)  # the whole chain after the edit is consistent again...
    check(path, 13, CHECKPOINT_MISMATCH)  # ...but no longer what the commander signed


def test_edited_observation(path: Path) -> None:
    rows = stored_batch(path, 9)
    rows[1] = replace(rows[1], value=rows[1].value + 1)
    repack(path, 9, rows)
    check(path, 9, OBSERVATIONS)


def test_flipped_byte_in_a_stored_batch(path: Path) -> None:
    conn = sqlite3.connect(path)
    (data,) = conn.execute("SELECT data FROM observation_batches WHERE batch = 9").fetchone()
    conn.close()
    flipped = bytearray(data)
    flipped[-20] ^= 1  # inside the values
    tamper(path, ("UPDATE observation_batches SET data = ? WHERE batch = 9", (bytes(flipped),)))
    check(path, 9, OBSERVATIONS)


def test_deleted_observation(path: Path) -> None:
    rows = stored_batch(path, 4)
    repack(path, 4, rows[:1] + rows[2:])
    check(path, 4, OBSERVATIONS)


def test_added_observation(path: Path) -> None:
    rows = stored_batch(path, 4)
    repack(path, 4, rows + rows[:1])
    check(path, 4, OBSERVATIONS)


def test_deleted_batch(path: Path) -> None:
    tamper(path, "DELETE FROM observation_batches WHERE batch = 9")
    check(path, 9, OBSERVATIONS)


def test_observation_naming_no_batch(path: Path) -> None:
    tamper(path, "UPDATE observation_batches SET batch = 11 WHERE batch = 9")
    result = verify_journal(path)
    assert (result.first_bad_seq, result.problem) == (9, OBSERVATIONS)
    tamper(
        path,
        "UPDATE observation_batches SET batch = 9 WHERE batch = 11",
        "INSERT INTO observation_batches SELECT 11, first_ts, last_ts, count, data "
        "FROM observation_batches WHERE batch = 4",
    )
    check(path, 11, OBSERVATIONS)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="no such file") as err:
        verify_journal(tmp_path / "nope")
    assert "\n" not in str(err.value)


def test_not_a_journal(tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.write_bytes(b"\x00not sqlite" * 500)
    with pytest.raises(JournalError, match="not a Baton journal"):
        verify_journal(junk)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.close()
    with pytest.raises(JournalError, match="not a Baton journal"):
        verify_journal(other)


# -- trust list of checkpoint keys -------------------------------------------------------------


def test_without_a_trust_list_the_summary_says_keys_were_not_checked(path: Path) -> None:
    result = verify_journal(path)
    assert result.ok and not result.trust_checked
    assert "not checked against a trust list" in result.summary(path)


def test_trusted_checkpoint_keys_pass(path: Path, signer: Signer) -> None:
    other = Signer.generate("deputy")
    result = verify_journal(path, trusted=[other.public_hex, signer.public_hex.upper()])
    assert result.ok and result.trust_checked
    assert "checkpoint keys are all trusted" in result.summary(path)


def test_untrusted_checkpoint_key_fails_at_the_first_checkpoint(path: Path) -> None:
    stranger = Signer.generate("stranger")
    result = verify_journal(path, trusted=[stranger.public_hex])
    assert not result.ok
    assert (result.first_bad_seq, result.problem) == (3, UNTRUSTED)
    assert "seq 3 untrusted checkpoint key" in result.summary(path)


def test_a_checkpoint_signed_by_another_valid_key_is_untrusted(path: Path, signer: Signer) -> None:
    forger = Signer.generate("forger")
    body = json.loads(str(row(path, 13)[5]))
    body.update(
        key=forger.public_hex,
        signature=forger.sign(checkpoint_payload(body["head_seq"], body["head_hash"])),
    )
    tamper(path, ("UPDATE events SET body=? WHERE seq=13", (canonical_text(body),)))
    rechain(path, 13)
    assert verify_journal(path).ok  # a valid signature, by someone
    result = verify_journal(path, trusted=[signer.public_hex])
    assert (result.first_bad_seq, result.problem) == (13, UNTRUSTED)


def test_read_trusted_keys(tmp_path: Path, signer: Signer) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text(f"# commanders\n\n{signer.public_hex}  # cmd\n{'AB' * 32}\n")
    assert read_trusted_keys([keys]) == {signer.public_hex, "ab" * 32}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not-a-key\n", "line 1 is not an Ed25519 public key"),
        ("# only a comment\n", "holds no public key"),
        (None, "cannot read trust file"),
    ],
)
def test_bad_trust_files(tmp_path: Path, text: str | None, message: str) -> None:
    keys = tmp_path / "keys.txt"
    if text is not None:
        keys.write_text(text)
    with pytest.raises(ValidationError, match=message) as err:
        read_trusted_keys([keys])
    assert "\n" not in str(err.value)
