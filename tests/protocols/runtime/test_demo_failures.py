"""The demo's summary when a journal could not be written: it names the journal and why, never
says "All journals verify", and a child that exited on a journal failure is reported as one."""

from __future__ import annotations

import sys
from pathlib import Path

from protocols.runtime.demo import COUNT_KEYS, DemoSummary, Verdict, failed_children
from protocols.runtime.supervisor import JOURNAL_FAILED_EXIT, Supervisor
from tests.waiting import wait_for

FULL = (
    "baton-console stopped: cannot write journal /runs/console.sqlite: the disk is full "
    "(SQLITE_FULL); free some space under /runs (or use a journal on another disk) and "
    "restart; nothing already journaled is lost"
)


def _summary(
    *, ok: bool = True, problems: tuple[str, ...] = (), failures: tuple[str, ...] = ()
) -> DemoSummary:
    verdicts = (
        Verdict("console", Path("/runs/console.sqlite"), ok, "intact: 7 events, 1 checkpoints"),
        Verdict("police", Path("/runs/stations/police.sqlite"), True, "intact: 2 events"),
    )
    counts = dict.fromkeys(COUNT_KEYS, 0)
    return DemoSummary("bund", counts, verdicts, Path("/runs/console.sqlite"), problems, failures)


def test_a_clean_run_says_all_journals_verify() -> None:
    summary = _summary()
    assert summary.ok and summary.lines()[-1] == "All journals verify."


def test_a_journal_failure_is_named_and_the_run_is_not_ok() -> None:
    summary = _summary(failures=(FULL,))
    lines = summary.lines()
    assert not summary.ok and summary.verified
    assert f"  journal failed: {FULL}" in lines
    assert not any("All journals verify" in line for line in lines)
    assert lines[-1].startswith("NOT a complete run: a journal could not be written")


def test_other_problems_and_broken_journals_are_not_ok_either() -> None:
    crashed = _summary(problems=("simulator exited with code 1 (log: /runs/logs/simulator.log)",))
    assert not crashed.ok and crashed.lines()[-1].startswith("NOT a clean run")
    broken = _summary(ok=False, failures=(FULL,))
    assert not broken.ok and broken.lines()[-1] == "NOT everything verifies: see above."


def test_children_that_failed_are_told_apart_with_their_last_line(tmp_path: Path) -> None:
    def child(code: int, *lines: str) -> list[str]:
        printed = "; ".join(f"print({line!r}, file=sys.stderr)" for line in lines)
        return [sys.executable, "-c", f"import sys; {printed}; sys.exit({code})"]

    full = "station-police stopped: cannot write journal /runs/police.sqlite: the disk is full"
    with Supervisor(tmp_path / "logs") as sup:
        sup.start("station-police", child(JOURNAL_FAILED_EXIT, "connected", full))
        sup.start("station-fire", child(2, "baton: no CURVE key /keys/fire.key_secret"))
        sup.start("simulator", child(0, "scenario over"))
        wait_for(lambda: len(sup.exited()) == 3, timeout=20, message="the three children")
        journals, others = failed_children(sup)
    log = tmp_path / "logs"
    assert journals == [f"{full} (log: {log / 'station-police.log'})"]
    assert others == [
        "station-fire exited with code 2: baton: no CURVE key /keys/fire.key_secret "
        f"(log: {log / 'station-fire.log'})"
    ]
