"""The SQLite journal's -wal file stays bounded, and the test-only page cap
(`BATON_TEST_MAX_PAGES`) makes a journal fail as a full disk does."""

from __future__ import annotations

from pathlib import Path

import pytest

from command.clock import ManualClock
from command.errors import JournalError
from command.journal import Journal, sqlite_store, verify_journal
from command.model import Observation

OBSERVATIONS_PER_EVENT = 30
PAGE_SIZE = 4096  # SQLite's default
EVENTS_PER_COMMIT = 10


def _open(path: Path, clock: ManualClock) -> Journal:
    return Journal.open(path, clock=clock, owner="cmd", role="console")


def _batch(n: int) -> list[Observation]:
    return [
        Observation(float(n), "gauges", f"zone-{i % 7}", "depth", float(i), f"gauge-{i:04d}")
        for i in range(OBSERVATIONS_PER_EVENT)
    ]


def _commit(journal: Journal, n: int) -> None:
    """One transaction of EVENTS_PER_COMMIT observation batches (one event each)."""
    with journal.transaction():
        for k in range(EVENTS_PER_COMMIT):
            journal.add_observations(_batch(n * EVENTS_PER_COMMIT + k))


def _wal(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_the_wal_stays_bounded_over_thousands_of_events(tmp_path: Path) -> None:
    path = tmp_path / "console.sqlite"
    clock = ManualClock()
    writer = _open(path, clock)
    reader = Journal.open_readonly(path)  # a viewer reading now and then, as the windows do
    peak = 0
    try:
        for n in range(400):  # 4,000 events, 120,000 observations
            _commit(writer, n)
            if n % 20 == 0:
                assert reader.head == writer.head
            peak = max(peak, _wal(path))
        events = writer.head[0]
    finally:
        reader.close()
        writer.close()
    assert events >= 4000
    # the WAL was copied back and started over more than once
    assert path.stat().st_size > 2 * sqlite_store.WAL_AUTOCHECKPOINT_PAGES * PAGE_SIZE
    assert 0 < peak <= sqlite_store.WAL_SIZE_LIMIT
    assert verify_journal(path).ok


def test_the_wal_shrinks_back_once_a_long_reader_lets_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small limits so the test writes little: 10 pages between checkpoints, 256 KiB kept.
    limit = 256 * 1024
    monkeypatch.setattr(sqlite_store, "WAL_AUTOCHECKPOINT_PAGES", 10)
    monkeypatch.setattr(sqlite_store, "WAL_SIZE_LIMIT", limit)
    path = tmp_path / "console.sqlite"
    writer = _open(path, ManualClock())
    reader = Journal.open_readonly(path)
    connection = reader.store.connection  # type: ignore[attr-defined]
    try:
        connection.execute("BEGIN")
        connection.execute("SELECT count(*) FROM events").fetchone()  # holds its snapshot
        for n in range(60):
            _commit(writer, n)
        assert _wal(path) > 4 * limit  # nothing could be copied back past the reader
        connection.execute("COMMIT")
        for n in range(60, 80):
            _commit(writer, n)
        assert _wal(path) <= limit
    finally:
        reader.close()
        writer.close()


# -- the test-only page cap -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name", "cap"),
    [
        ("", "console.sqlite", None),
        ("40", "console.sqlite", 40),
        ("console.sqlite=40", "console.sqlite", 40),
        ("console.sqlite=40", "police.sqlite", None),
        ("police.sqlite=30, console.sqlite=40", "console.sqlite", 40),
    ],
)
def test_page_cap_for_tests_reads_the_variable(value: str, name: str, cap: int | None) -> None:
    env = {sqlite_store.TEST_MAX_PAGES_ENV: value}
    assert sqlite_store.page_cap_for_tests(Path("/runs") / name, env) == cap


@pytest.mark.parametrize("value", ["many", "console.sqlite=", "0", "console.sqlite=-3"])
def test_a_malformed_page_cap_is_one_line(value: str) -> None:
    env = {sqlite_store.TEST_MAX_PAGES_ENV: value}
    with pytest.raises(JournalError) as err:
        sqlite_store.page_cap_for_tests("console.sqlite", env)
    assert "\n" not in str(err.value) and "for tests only" in str(err.value)


def test_a_capped_journal_fails_like_a_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "console.sqlite"
    clock = ManualClock()
    _open(path, clock).close()
    pages = path.stat().st_size // 4096
    monkeypatch.setenv(sqlite_store.TEST_MAX_PAGES_ENV, f"console.sqlite={pages}")
    journal = _open(path, clock)
    failure: JournalError | None = None
    try:
        for n in range(100):
            head = journal.head
            try:
                _commit(journal, n)
            except JournalError as err:
                failure = err
                break
        assert failure is not None, "the capped journal never filled up"
        assert journal.head == head  # the failed transaction left nothing behind
    finally:
        journal.close()
    text = str(failure)
    assert "\n" not in text
    assert text.startswith(f"cannot write journal {path}: the disk is full (SQLITE_FULL)")
    assert f"free some space under {tmp_path}" in text
    assert "nothing already journaled is lost" in text
    assert verify_journal(path).ok


def test_a_full_disk_inside_a_kept_savepoint_is_what_the_commit_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group commit keeps going after one item's nested block fails (its savepoint undone);
    when the disk was full SQLite may have rolled the whole transaction back, and the commit's
    own "no transaction is active" must not hide the real cause."""
    path = tmp_path / "console.sqlite"
    clock = ManualClock()
    _open(path, clock).close()
    pages = path.stat().st_size // 4096
    monkeypatch.setenv(sqlite_store.TEST_MAX_PAGES_ENV, f"console.sqlite={pages}")
    journal = _open(path, clock)
    try:
        with pytest.raises(JournalError) as err, journal.transaction():
            for n in range(100):
                try:
                    with journal.transaction():
                        for k in range(EVENTS_PER_COMMIT):
                            journal.add_observations(_batch(n * EVENTS_PER_COMMIT + k))
                except JournalError:
                    continue  # like the wire's group commit: the other items go on
    finally:
        journal.close()
    assert "the disk is full (SQLITE_FULL)" in str(err.value), str(err.value)
    assert verify_journal(path).ok
