"""A writer SIGKILLed mid-transaction leaves a journal that verifies and holds whole groups."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from command.clock import ManualClock
from command.journal import Journal, verify_journal
from tests.command.journal.crash_writer import GROUP

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_transaction_keeps_whole_transactions(tmp_path: Path) -> None:
    path = tmp_path / "crash.journal"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.command.journal.crash_writer", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    reported = -1
    deadline = time.monotonic() + 10
    try:
        assert child.stdout is not None
        while reported < 20 and time.monotonic() < deadline:
            ready, _, _ = select.select([child.stdout], [], [], 0.5)
            if ready:
                line = child.stdout.readline()
                if not line:
                    break  # the child died on its own
                reported = int(line)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert child.stdout is not None and child.stderr is not None
        child.stdout.close()
        err = child.stderr.read().decode()
        child.stderr.close()
    assert reported >= 0, f"the writer never committed: {err}"

    result = verify_journal(path)
    assert result.ok, result.summary(path)
    journal = Journal.open(path, clock=ManualClock(), owner="cmd", role="console")
    try:
        groups = Counter(e.body["group"] for e in journal.events(kinds=["test.group"]))
        batches = list(journal.events(kinds=["observations.batch"]))
        committed = sorted(groups)
        assert committed == list(range(len(committed)))
        assert len(committed) >= reported + 1  # every reported commit survived
        assert set(groups.values()) == {GROUP}  # no partial group
        assert len(batches) == len(committed) and len(journal.observations()) == 50 * len(batches)
        assert [m.body["group"] for m in journal.pending()] == committed
        journal.append("after.crash", {})  # and it is writable again
    finally:
        journal.close()
    assert verify_journal(path).ok
