"""SQLite-only behaviour: durability settings, reopening, and journals that cannot be written."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from command.clock import ManualClock
from command.errors import JournalError
from command.journal import Journal, fold, sqlite_store, verify_journal
from tests.command.journal.helpers import issue, make_decision

as_root = pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file permissions"
)


def open_journal(path: Path, clock: ManualClock, **kwargs: object) -> Journal:
    return Journal.open(path, clock=clock, owner="cmd", role="console", **kwargs)  # type: ignore[arg-type]


def assert_one_line(err: JournalError, path: Path, *words: str) -> None:
    text = str(err)
    assert "\n" not in text and str(path) in text
    for word in words:
        assert word in text


def test_wal_and_full_sync(tmp_path: Path, clock: ManualClock) -> None:
    j = open_journal(tmp_path / "j", clock)
    conn = j.store.connection  # type: ignore[attr-defined]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    j.close()


def test_reopen_keeps_head_and_projections(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "j"
    j = open_journal(path, clock)
    issued = issue(j, clock)
    j.add_decision(make_decision(clock))
    head, tables = j.head, j.projection_tables()
    j.close()
    again = open_journal(path, clock)
    assert again.head == head
    assert again.projection_tables() == tables == fold(again.events())
    assert again.outbox() == [issued]
    again.append("a.b", {})
    again.close()
    assert verify_journal(path).ok


def test_someone_elses_journal_is_refused(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "j"
    open_journal(path, clock).close()
    with pytest.raises(JournalError) as err:
        Journal.open(path, clock=clock, owner="traffic", role="station")
    assert_one_line(err.value, path, "belongs to console 'cmd'")


def test_events_are_append_only_in_sql(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "j"
    j = open_journal(path, clock)
    j.append("a.b", {})
    j.close()
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE events SET body='{}'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM events")
    conn.close()


def test_file_that_is_not_a_journal(tmp_path: Path, clock: ManualClock) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_bytes(b"minutes of the meeting\n" * 200)
    with pytest.raises(JournalError) as err:
        open_journal(junk, clock)
    assert_one_line(err.value, junk, "not a Baton journal")
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t(x)")
    conn.close()
    with pytest.raises(JournalError) as err:
        open_journal(other, clock)
    assert_one_line(err.value, other, "not a Baton journal")


def test_missing_folder(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "no" / "such" / "j"
    with pytest.raises(JournalError) as err:
        open_journal(path, clock)
    assert_one_line(err.value, path, "cannot be opened or created", "folder")


def _assert_refused_without_trace(j: Journal, clock: ManualClock, *words: str) -> None:
    head = j.head
    with pytest.raises(JournalError) as err:
        issue(j, clock, text="x" * 200_000)
    assert j.path is not None
    assert_one_line(err.value, j.path, *words)
    assert j.head == head
    assert j.outbox() == [] and j.pending() == [] and j.orders() == [] and j.decisions() == []
    assert [e.seq for e in j.events()] == list(range(1, head[0] + 1))


def test_disk_full_refuses_the_order(tmp_path: Path, clock: ManualClock) -> None:
    j = open_journal(tmp_path / "j", clock)
    j.append("a.b", {})
    conn = j.store.connection  # type: ignore[attr-defined]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")
    _assert_refused_without_trace(j, clock, "disk is full", "free some space")
    conn.execute("PRAGMA max_page_count=1073741823")
    issue(j, clock)  # works again once there is room
    j.close()
    assert verify_journal(tmp_path / "j").ok


def test_locked_journal_refuses_the_order(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "j"
    j = open_journal(path, clock, timeout=0.05)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        _assert_refused_without_trace(j, clock, "locked", "close the other program")
    finally:
        other.execute("ROLLBACK")
        other.close()
    issue(j, clock)
    j.close()


def test_read_only_connection_refuses_the_order(tmp_path: Path, clock: ManualClock) -> None:
    # Root ignores file modes, so the read-only cause is produced by SQLite itself here.
    j = open_journal(tmp_path / "j", clock)
    j.store.connection.execute("PRAGMA query_only=1")  # type: ignore[attr-defined]
    _assert_refused_without_trace(j, clock, "read-only", "make it writable")
    j.close()


@as_root
def test_read_only_file(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "j"
    open_journal(path, clock).close()
    path.chmod(0o444)
    try:
        with pytest.raises(JournalError) as err:
            j = open_journal(path, clock)
            issue(j, clock)
        assert_one_line(err.value, path, "read-only")
    finally:
        path.chmod(0o644)


@as_root
def test_read_only_folder(tmp_path: Path, clock: ManualClock) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(JournalError) as err:
            open_journal(folder / "j", clock)
        assert_one_line(err.value, folder / "j")
    finally:
        folder.chmod(0o755)


def test_open_readonly_reads_but_never_writes(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "j"
    writer = open_journal(path, clock)
    issued = issue(writer, clock)
    reader = Journal.open_readonly(path, clock=clock)
    assert (reader.owner, reader.role) == ("cmd", "console")
    assert [r.order for r in reader.orders()] == [issued.order]
    with pytest.raises(JournalError) as err:
        reader.append("a.b", {})
    assert_one_line(err.value, path, "read-only")
    writer.append("a.b", {})  # the writer is not blocked by the reader
    assert reader.head[0] == 3
    reader.close()
    writer.close()


def test_open_readonly_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(JournalError) as err:
        Journal.open_readonly(tmp_path / "nope")
    assert_one_line(err.value, tmp_path / "nope", "does not exist")
    assert "created" not in str(err.value)
    assert not (tmp_path / "nope").exists()


def test_open_readonly_in_a_read_only_folder_reads_the_file_as_it_is(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "j"
    writer = open_journal(path, clock)
    issued = issue(writer, clock)
    writer.close()
    assert not Path(f"{path}-shm").exists()
    monkeypatch.setattr(sqlite_store, "folder_writable", lambda folder: False)
    reader = Journal.open_readonly(path, clock=clock)
    assert reader.store.immutable  # type: ignore[attr-defined]
    assert [r.order for r in reader.orders()] == [issued.order]
    assert not Path(f"{path}-shm").exists()
    reader.close()


def test_open_readonly_in_a_writable_folder_follows_the_writer(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "j"
    writer = open_journal(path, clock)
    reader = Journal.open_readonly(path, clock=clock)
    assert not reader.store.immutable  # type: ignore[attr-defined]
    issue(writer, clock)
    assert len(reader.orders()) == 1
    reader.close()
    writer.close()
