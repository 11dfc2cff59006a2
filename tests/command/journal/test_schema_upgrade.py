"""A version-1 journal (one row per observation) still opens, reads and verifies; its first
writer upgrades it in place to version 2 (packed batches) and both forms read and verify."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from command.canonical import canonical_text
from command.clock import ManualClock
from command.errors import JournalError
from command.journal import Journal, verify_journal
from command.journal.chain import batch_digest
from command.journal.sqlite_store import SCHEMA_VERSION
from command.journal.verify import OBSERVATIONS
from command.model import Observation
from tests.command.journal.helpers import observations, rechain, stored_batch, tamper

V1_TABLE = (
    "CREATE TABLE observations (ts FLOAT, feed TEXT, zone TEXT, metric TEXT, value FLOAT, "
    "source TEXT, batch INTEGER)",
    "CREATE INDEX idx_observations_zone_metric_ts ON observations (zone, metric, ts)",
    "CREATE INDEX idx_observations_ts ON observations (ts)",
)


def downgrade_to_1(path: Path, batches: list[int]) -> None:
    """Rewrite a journal as version 1 wrote it: rows in `observations`, JSON-row digests."""
    rows = {seq: stored_batch(path, seq) for seq in batches}
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER events_no_update")
        for ddl in V1_TABLE:
            conn.execute(ddl)
        for seq, batch in rows.items():
            values = [[o.ts, o.feed, o.zone, o.metric, o.value, o.source] for o in batch]
            conn.executemany(f"INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?, {seq})", values)
            (text,) = conn.execute("SELECT body FROM events WHERE seq = ?", (seq,)).fetchone()
            body = json.loads(text)
            body["digest"] = batch_digest(values)
            conn.execute("UPDATE events SET body = ? WHERE seq = ?", (canonical_text(body), seq))
        conn.execute("DROP TABLE observation_batches")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    finally:
        conn.close()
    rechain(path, 1)


@pytest.fixture
def v1(tmp_path: Path, clock: ManualClock) -> Path:
    """A version-1 journal: seq 1 and 3 are batches (3 and 2 rows), seq 2 an event."""
    path = tmp_path / "old.journal"
    j = Journal.open(path, clock=clock, owner="cmd", role="console")
    j.add_observations(observations(clock))
    j.append("note.added", {"text": "between"})
    clock.advance(10)
    j.add_observations(observations(clock, 2, zone="bridge"))
    j.close()
    downgrade_to_1(path, [1, 3])
    return path


def test_a_version_1_journal_reads_and_verifies_read_only(v1: Path) -> None:
    result = verify_journal(v1)
    assert result.ok and result.observations == 5, result.detail
    j = Journal.open_readonly(v1)
    try:
        assert [o.zone for o in j.observations()] == ["promenade"] * 3 + ["bridge"] * 2
        assert len(j.observations(zone="bridge")) == 2
    finally:
        j.close()
    conn = sqlite3.connect(v1)
    assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
    conn.close()


def test_its_first_writer_upgrades_it_and_both_forms_read_and_verify(
    v1: Path, clock: ManualClock
) -> None:
    j = Journal.open(v1, clock=clock, owner="cmd", role="console")
    early = [Observation(clock.now() - 5, "late", "bridge", "count", 1.0, "cam9")]
    j.add_observations(early)
    got = j.observations()
    j.close()
    assert [o.feed for o in got] == ["crowd", "crowd", "crowd", "late", "crowd", "crowd"]
    assert [o.ts for o in got] == sorted(o.ts for o in got)
    conn = sqlite3.connect(v1)
    assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        SCHEMA_VERSION,
    )
    conn.close()
    result = verify_journal(v1)
    assert result.ok and result.observations == 6, result.detail


def test_an_edited_version_1_row_is_still_caught(v1: Path) -> None:
    tamper(v1, "UPDATE observations SET value = value + 1 WHERE rowid = 4")
    result = verify_journal(v1)
    assert (result.ok, result.first_bad_seq, result.problem) == (False, 3, OBSERVATIONS)


def test_a_batch_in_both_forms_is_caught(v1: Path, clock: ManualClock) -> None:
    j = Journal.open(v1, clock=clock, owner="cmd", role="console")  # upgrades
    assert j.add_observations(observations(clock)).seq == 4
    j.close()
    tamper(
        v1,
        "INSERT INTO observations SELECT ts, feed, zone, metric, value, source, 4 "
        "FROM observations WHERE rowid = 1",
    )
    result = verify_journal(v1)
    assert (result.ok, result.first_bad_seq, result.problem) == (False, 4, OBSERVATIONS)


def test_a_newer_schema_is_refused_in_one_line(v1: Path) -> None:
    tamper(v1, "UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with pytest.raises(JournalError, match="schema version 3") as err:
        Journal.open_readonly(v1)
    assert "\n" not in str(err.value)
