"""The parallel chain scan (command.journal.verify_scan) finds exactly what the sequential walk
finds: for an intact journal and for a tampered row at every seq (first or last row of a block,
a boundary link, a checkpoint in a later block, a deleted or swapped row, a checkpoint or batch
edited and re-hashed), for K = 2..6, whichever process takes which block."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from command.canonical import canonical_text
from command.clock import ManualClock
from command.journal import verify_journal
from command.journal.verify_scan import EventFrames
from command.signing import Signer
from command.vocabulary import Kind
from tests.command.journal.helpers import rechain, tamper

Edit = Callable[[sqlite3.Connection, int], None]


@pytest.fixture(autouse=True)
def one_row_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of a row or two, so a small journal is cut into many: every row is some block's
    first and last, taken by whichever process is free."""
    import command.journal.verify_scan as scan

    monkeypatch.setattr(scan, "MIN_BLOCK", 1)


def _body(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("UPDATE events SET body = body || ' ' WHERE seq = ?", (seq,))


def _link(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("UPDATE events SET prev_hash = hash WHERE seq = ?", (seq,))


def _delete(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("DELETE FROM events WHERE seq = ?", (seq,))


def _swap(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("UPDATE events SET seq = -1 WHERE seq = ?", (seq,))
    conn.execute("UPDATE events SET seq = ? WHERE seq = ?", (seq, seq + 1))
    conn.execute("UPDATE events SET seq = ? WHERE seq = -1", (seq + 1,))


def _ts(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("UPDATE events SET ts = ts + 1 WHERE seq = ?", (seq,))


EDITS: dict[str, Edit] = {
    "body": _body,
    "link": _link,
    "delete": _delete,
    "swap": _swap,
    "ts": _ts,
}


def _finding(path: Path, workers: int) -> tuple[object, ...]:
    r = verify_journal(path, workers=workers)
    return (r.ok, r.events, r.checkpoints, r.first_bad_seq, r.problem, r.detail, r.where)


def _events(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT max(seq) FROM events").fetchone()[0])
    finally:
        conn.close()


def test_intact_journal_agrees_for_any_k(journal_file: Path) -> None:
    """K = 1 and K > 1 give the same intact result and progress reaches the end."""
    seen: list[tuple[int, int]] = []
    parallel = verify_journal(journal_file, workers=3, progress=lambda d, t: seen.append((d, t)))
    assert parallel.ok
    assert _finding(journal_file, 1) == _finding(journal_file, 3)
    assert seen and seen[-1][0] == seen[-1][1] == parallel.events


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_every_tampered_seq_is_found_as_the_sequential_walk_finds_it(
    journal_file: Path, tmp_path: Path, edit: str
) -> None:
    """Each edit at each seq, for K = 2..6 (so every row is some range's first, last and
    boundary row): the finding and its message match K = 1."""
    total = _events(journal_file)
    for seq in range(1, total + (0 if edit == "swap" else 1)):
        copy = tmp_path / f"{edit}-{seq}.journal"
        shutil.copy(journal_file, copy)
        conn = sqlite3.connect(copy)
        conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
        with conn:
            EDITS[edit](conn, seq)
        conn.close()
        want = _finding(copy, 1)
        assert not want[0] or (edit, seq) == ("delete", total), (edit, seq)
        for k in range(2, 7):
            assert _finding(copy, k) == want, (edit, seq, k)


def test_rows_appended_after_the_children_forked_are_cut_from_this_snapshot(
    journal_file: Path, clock: ManualClock, signer: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live journal grows between the fork (before this process opens its connection) and
    this process's read snapshot: the ranges are cut from the snapshot, so the result covers
    exactly it, as the sequential walk's does."""
    import command.journal.verify as module
    from command.journal import Journal
    from tests.command.journal.helpers import make_decision

    before = _events(journal_file)
    real = module._fork_children

    def fork_then_append(path: Path, uri: str, asked: int | None) -> object:
        forked = real(path, uri, asked)
        writer = Journal.open(journal_file, clock=clock, owner="cmd", role="console")
        for k in range(3):
            writer.add_decision(make_decision(clock, text=f"appended {k}"))
        writer.close(signer)
        return forked

    monkeypatch.setattr(module, "_fork_children", fork_then_append)
    grown = verify_journal(journal_file, workers=3)
    assert grown.ok and grown.events == _events(journal_file) > before
    monkeypatch.undo()
    assert _finding(journal_file, 3) == _finding(journal_file, 1)


def test_children_forked_for_a_journal_too_small_to_share_are_stopped(
    journal_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forked on the file's size, the children are told nothing and reaped when the snapshot
    holds fewer than `PARALLEL_MIN` events: this process walks them all."""
    import command.journal.verify as module

    monkeypatch.setattr(module, "_EVENT_BYTES", 0)
    forked: list[object] = []
    real = module._fork_children

    def remember(path: Path, uri: str, asked: int | None) -> object:
        forked.append(real(path, uri, asked))
        return forked[-1]

    monkeypatch.setattr(module, "_fork_children", remember)
    monkeypatch.setattr(module.os, "sched_getaffinity", lambda _pid: {0, 1, 2})
    seen: list[tuple[int, int]] = []
    result = verify_journal(journal_file, progress=lambda d, t: seen.append((d, t)))
    (got,) = forked
    assert isinstance(got, module.Forked) and len(got.children) == 2
    assert all(child.reaped for child in got.children)
    assert result.ok and seen[-1] == (result.events, result.events)
    assert _finding(journal_file, 1) == (
        result.ok,
        result.events,
        result.checkpoints,
        None,
        "",
        "",
        "",
    )


def _resign_nothing(body: str) -> str:
    cp = json.loads(body)
    sig = cp["signature"]
    cp["signature"] = ("0" if sig[0] != "0" else "1") + sig[1:]
    return canonical_text(cp)


def _recount(body: str) -> str:
    batch = json.loads(body)
    batch["count"] += 1
    return canonical_text(batch)


SPECIAL_EDITS: dict[str, tuple[str, Callable[[str], str], str]] = {
    "signature": (Kind.CHECKPOINT.value, _resign_nothing, "bad checkpoint signature"),
    "count": (Kind.OBSERVATIONS_BATCH.value, _recount, "observations do not match their digest"),
    "not json": (Kind.OBSERVATIONS_BATCH.value, lambda body: "x" + body, "changed"),
}


@pytest.mark.parametrize("edit", sorted(SPECIAL_EDITS))
def test_a_rehashed_edit_of_a_checkpoint_or_batch_is_found_in_any_range(
    journal_file: Path, tmp_path: Path, edit: str
) -> None:
    """A checkpoint or batch edited and the chain re-hashed after it (only the row's own
    check can fail): found at that row, with the same message, whichever range holds it."""
    kind, change, problem = SPECIAL_EDITS[edit]
    conn = sqlite3.connect(journal_file)
    rows = conn.execute("SELECT seq, body FROM events WHERE kind = ?", (kind,)).fetchall()
    conn.close()
    assert len(rows) >= 2
    for seq, body in rows:
        copy = tmp_path / f"{edit}-{seq}.journal"
        shutil.copy(journal_file, copy)
        tamper(copy, ("UPDATE events SET body = ? WHERE seq = ?", (change(body), seq)))
        rechain(copy, seq)
        want = _finding(copy, 1)
        assert want[3:5] == (seq, problem), (edit, seq, want)
        for k in range(2, 7):
            assert _finding(copy, k) == want, (edit, seq, k)


def test_a_batch_body_stored_as_a_blob_is_a_finding_in_any_range(
    journal_file: Path, tmp_path: Path
) -> None:
    """A batch row whose body is a blob, its hash made to match what the walk hashes: reported
    as a changed event at that row (it used to escape verify as a TypeError), for any K."""
    conn = sqlite3.connect(journal_file, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS events_no_update")
    (seq,) = conn.execute(
        "SELECT min(seq) FROM events WHERE kind = ?", (Kind.OBSERVATIONS_BATCH.value,)
    ).fetchone()
    ts, actor, kind, incident, body, link = conn.execute(
        "SELECT ts, actor, kind, incident, body, prev_hash FROM events WHERE seq = ?", (seq,)
    ).fetchone()
    blob = body.encode()
    pre, mid, _ = EventFrames(frozenset()).build(actor, incident, kind)
    text = f'{link}{pre}{blob}{mid}{seq},"ts":{ts!r}}}'
    digest = hashlib.sha256(text.encode()).hexdigest()
    conn.execute("UPDATE events SET body = ?, hash = ? WHERE seq = ?", (blob, digest, seq))
    conn.close()
    rechain(journal_file, seq + 1)
    want = _finding(journal_file, 1)
    assert want[3:6] == (seq, "changed", "its body is not text")
    for k in range(2, 7):
        assert _finding(journal_file, k) == want, k


def test_a_child_that_fails_leaves_its_range_to_this_process(
    journal_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child that dies before writing its scan: its range (and those after) are walked here,
    so an intact journal stays intact and an edited one gives the sequential finding."""
    import command.journal.verify_scan as scan

    def dies(*_args: object) -> object:
        raise RuntimeError("the child fails")  # only a child opens a connection of its own

    copy = tmp_path / "edited.journal"
    shutil.copy(journal_file, copy)
    tamper(copy, "UPDATE events SET body = body || ' ' WHERE seq = 12")
    want = _finding(journal_file, 1), _finding(copy, 1)
    monkeypatch.setattr(scan, "open_readonly", dies)  # the forked children inherit it
    assert (_finding(journal_file, 3), _finding(copy, 3)) == want
    assert want[0][0] and not want[1][0]


def test_a_child_does_not_wait_for_a_sibling_forked_after_it(journal_file: Path) -> None:
    """Each child gets its range on an end of file of its own pipe, and its result is read to
    an end of file: a sibling forked later must not hold copies of those pipes' ends (the first
    child would wait for the second to finish, which waits for its own range: for ever)."""
    import signal

    from command.journal.verify_scan import Child, Task, Tokens

    def too_slow(_signum: int, _frame: object) -> None:
        raise TimeoutError("the first child waited for its sibling")

    uri = journal_file.resolve().as_uri()
    batch = Kind.OBSERVATIONS_BATCH.value
    tokens = Tokens()
    first = Child(uri, tokens, frozenset(), batch)
    second = Child(uri, tokens, frozenset(), batch, [first])
    old = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(10)
    try:
        tokens.put(1)
        first.start(Task((0, _events(journal_file)), {}))
        scans = first.result()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        first.stop()
        second.stop()
        tokens.close()
    assert scans is not None and [(s.bad, s.count) for s in scans] == [
        (False, _events(journal_file))
    ]


def test_blocks_a_child_took_and_never_reported_are_walked_here(
    journal_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child that dies after taking blocks: nobody reports them, so from the first of them
    this process walks the rest itself: the sequential result, intact or not."""
    import os

    import command.journal.verify_scan as scan

    parent = os.getpid()
    real = scan.scan_range

    def dies_in_a_child(*args: Any) -> Any:
        if os.getpid() != parent:
            raise RuntimeError("the child fails after taking a block")
        return real(*args)

    copy = tmp_path / "edited.journal"
    shutil.copy(journal_file, copy)
    tamper(copy, "UPDATE events SET body = body || ' ' WHERE seq = 11")
    want = _finding(journal_file, 1), _finding(copy, 1)
    monkeypatch.setattr(scan, "scan_range", dies_in_a_child)
    for k in (2, 4):
        assert (_finding(journal_file, k), _finding(copy, k)) == want, k
