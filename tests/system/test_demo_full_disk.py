"""`baton demo typhoon --headless` with one journal on a "full disk".

The journal is capped through the test-only `BATON_TEST_MAX_PAGES` (`PRAGMA max_page_count`:
SQLITE_FULL, "database or disk is full", as a full disk gives) at a little more than an empty
journal needs: the console's fills up with the first feeds, the met office station's with its
first order. The demo must stop with a non-zero exit, say in one line which journal failed
and why, print no traceback, never claim that all journals verify, and leave no process behind;
what was journaled before the disk filled up still verifies.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from command.journal import sqlite_store, verify_journal
from tests.system.demo_procs import finish, kill_marked, marked, new_mark, start_demo

pytestmark = pytest.mark.system

# At 240x the first orders go out some 5 s into the run (the ferry alert at scenario minute 20,
# approved 20 scenario seconds later). A run ends as soon as a journal fails, so the 40 s are
# only room for a loaded machine: these runs take about 10-13 s.
ARGS = ["typhoon", "--headless", "--speed", "240", "--duration", "40"]
TIMEOUT_S = 120.0
# An empty console journal takes some 32 pages; packed observations fill about a page per
# second of this run, so 38 pages fill with the first feeds (60 took until the first order).
CONSOLE_PAGES = 38


def _run(tmp_path: Path) -> tuple[int, str, Path]:
    console = tmp_path / "run" / "console.sqlite"
    mark = new_mark()
    log = tmp_path / "demo.log"
    argv = [*ARGS, "--data-dir", str(tmp_path / "data"), "--journal", str(console)]
    process = start_demo(argv, mark, log)
    try:
        code = finish(process, TIMEOUT_S)
        assert marked(mark) == [], "processes left behind by baton demo"
    finally:
        kill_marked(mark)
    return code, log.read_text(encoding="utf-8", errors="replace"), console


def _assert_failed_run(code: int, output: str, journal: Path) -> str:
    """The checks every full-journal run passes; returns the summary's journal-failed line."""
    lines = output.splitlines()
    assert code == 1, output
    assert "Traceback" not in output, output
    assert "All journals verify" not in output, output
    failed = [line for line in lines if line.startswith("  journal failed: ")]
    assert len(failed) == 1, output
    assert f"cannot write journal {journal}: the disk is full (SQLITE_FULL)" in failed[0]
    assert f"free some space under {journal.parent}" in failed[0]
    assert lines[-1].startswith("NOT a complete run: a journal could not be written"), output
    result = verify_journal(journal)  # nothing that was journaled is lost or damaged
    assert result.ok, result.summary(journal)
    return failed[0]


def test_a_full_console_journal_fails_the_demo_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sqlite_store.TEST_MAX_PAGES_ENV, f"console.sqlite={CONSOLE_PAGES}")
    code, output, console = _run(tmp_path)
    failed = _assert_failed_run(code, output, console)
    # the engine said it once, as it happened, and the summary repeats that line
    said = [line for line in output.splitlines() if line.startswith("baton-console stopped: ")]
    assert len(said) == 1, output
    assert failed == f"  journal failed: {said[0]}"


def test_a_full_station_journal_fails_the_demo_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sqlite_store.TEST_MAX_PAGES_ENV, "met.sqlite=28")
    code, output, console = _run(tmp_path)
    station = console.parent / "stations" / "met.sqlite"
    failed = _assert_failed_run(code, output, station)
    # the station said it once, last in its log (the demo knew it by its exit code)
    log = console.parent / "logs" / "station-met.log"
    lines = log.read_text(encoding="utf-8").splitlines()
    said = [line for line in lines if line.startswith("station-met stopped: ")]
    assert said == [lines[-1]], lines
    assert "Traceback" not in "\n".join(lines)
    assert failed == f"  journal failed: {said[0]} (log: {log})"
    assert verify_journal(console).ok
