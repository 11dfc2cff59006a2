"""The parallel part of `verify_journal`: check a contiguous seq range of the chain in a child.

Every row's own check (hash == SHA-256(prev_hash ‖ canonical(row)), prev_hash == the previous
row's hash, seq == previous seq + 1) needs only the stored columns of that row and the one
before it, so a range of rows can be checked on its own. `walk_chain` is that check (the one hot
loop: the parent's sequential walk runs it too); `scan_chunk` runs it over the rows with
`lo < seq <= hi` and reports what the parent needs to join the ranges: the first row's
(seq, prev_hash), the last two hashes, whether any row inside failed, and the checkpoint and
batch rows (their checks need state the parent holds). The parent (`command.journal.verify`)
checks the joins, runs the special rows' checks in seq order and re-walks sequentially from the
start of a range that failed, so every finding is the one the sequential walk gives.

Children are forked (`fork_scans`) only from a process with one thread and before the parent
opens its connection to the journal (SQLite's lock state must not cross a fork); the child uses
only its own read-only connection and leaves with `os._exit`. Any failure of a child makes the
parent check that range itself.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import os
import pickle
import signal
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from command.journal.chain import GENESIS

_FETCH = 512
"""Rows fetched at a time: a chunk's row objects stay in the CPU cache while they are hashed
(8192 rows, ~4 MB of objects, made the walk ~10% slower)."""

Special = tuple[int, str, Any, int, str]
"""(seq, kind, body, prev_seq, prev_hash) of a checkpoint or batch row whose hash, link and seq
are good (the body is the stored value: text unless the row was edited)."""


@dataclass(frozen=True, slots=True)
class ChunkScan:
    """What `scan_chunk` found in the rows `lo < seq <= hi` (hi None: to the end)."""

    lo: int
    count: int = 0
    bad: bool = True
    first_seq: int = 0
    first_link: str = ""
    last_seq: int = 0
    last_hash: str = GENESIS
    before_last_hash: str = GENESIS
    special: tuple[Special, ...] = ()


EVENT_ROWS = "SELECT seq, ts, actor, kind, incident, body, prev_hash, hash FROM events"
"""The columns every walk of the chain reads, in the order its loops unpack them."""


def json_literals() -> Callable[[Any], str]:
    """A memoised JSON literal of a stored column value (`repr` of one JSON cannot hold, such
    as a blob in an edited row: it will not hash right, and that is the finding)."""
    known: dict[Any, str] = {}
    dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode

    def literal(value: Any) -> str:
        try:
            return known[value]
        except KeyError:
            try:
                known[value] = dumps(value)
            except TypeError:
                known[value] = repr(value)
            return known[value]

    return literal


class EventFrames:
    """The canonical text around an event's body, per (actor, incident, kind): the part before
    the body and the part between it and the seq, and whether the kind is a special row's.

    The walks look up `cache` inline (one dict lookup a row) and `build` a triple they miss."""

    def __init__(self, special_kinds: frozenset[str]) -> None:
        self.cache: dict[tuple[Any, Any, Any], tuple[str, str, bool]] = {}
        self._special = special_kinds
        self._literal = json_literals()

    def build(self, actor: Any, incident: Any, kind: Any) -> tuple[str, str, bool]:
        """Make and keep the frame of one triple (one the cache missed: all three hashable)."""
        q = self._literal
        frame = self.cache[actor, incident, kind] = (
            f'{{"actor":{q(actor)},"body":',
            f',"incident":{q(incident)},"kind":{q(kind)},"seq":',
            kind in self._special,
        )
        return frame


@dataclass(frozen=True, slots=True)
class Walked:
    """Where `walk_chain` stopped: the rows it passed, the chain state after the last of them,
    and the first bad row (None: it reached the end) with the canonical text it hashed."""

    count: int
    prev_seq: int
    prev_hash: str
    prev2_hash: str
    bad: tuple[Any, ...] | None = None
    text: str = ""


def chunks_of(cursor: sqlite3.Cursor) -> Iterator[list[Any]]:
    """`cursor`'s rows, fetched a chunk at a time."""
    return iter(functools.partial(cursor.fetchmany, _FETCH), [])


def walk_chain(
    chunks: Iterable[list[Any]],
    frames: EventFrames,
    state: tuple[int, str, str],
    special: list[Special],
    progress: Callable[[int], None] | None = None,
) -> Walked:
    """Check the `EVENT_ROWS` of `chunks` (`chunks_of` a cursor) in order, from `state` (the
    seq, hash and hash before it of the row before the first): each row's hash, link and seq.
    The checkpoint and batch rows that pass are appended to `special` for the caller to check
    (their findings come before the first bad row's: they are all earlier). Stops at the first
    bad row.

    `progress(rows passed)` is called after each fetched chunk. This is the hot loop of every
    walk of the chain (the sequential one and each forked range)."""
    sha256 = hashlib.sha256
    # The canonical text around the body depends only on (actor, incident, kind): build those
    # two pieces once per triple, so each row costs one dict lookup, one f-string, one SHA-256
    # and three compares.
    parts, build = frames.cache, frames.build
    keep = special.append
    prev_seq, prev_hash, prev2_hash = state
    count = 0
    for rows in chunks:
        for seq, ts, actor, kind, incident, body, link, digest in rows:
            try:
                pre, mid, odd = parts[actor, incident, kind]
            except KeyError:
                pre, mid, odd = build(actor, incident, kind)
            except TypeError:  # an edited column holding something unhashable: will not hash
                pre, mid, odd = "", "", False
            text = f'{link}{pre}{body}{mid}{seq},"ts":{ts!r}}}'
            if (
                sha256(text.encode()).hexdigest() != digest
                or link != prev_hash
                or seq != prev_seq + 1
            ):
                bad = (seq, ts, actor, kind, incident, body, link, digest)
                count += next(i for i, r in enumerate(rows) if r[0] == seq)  # seqs are unique
                return Walked(count, prev_seq, prev_hash, prev2_hash, bad, text)
            if odd:
                keep((seq, kind, body, prev_seq, prev_hash))
            prev2_hash, prev_hash, prev_seq = prev_hash, digest, seq
        count += len(rows)
        if progress is not None:
            progress(count)
    return Walked(count, prev_seq, prev_hash, prev2_hash)


def scan_chunk(
    conn: sqlite3.Connection, lo: int, hi: int | None, special_kinds: frozenset[str]
) -> ChunkScan:
    """Check the rows `lo < seq <= hi` of `conn`'s events exactly as the sequential walk does
    (`walk_chain`; the first row's link and seq are left to the parent); stop at the first bad
    row."""
    where = "seq > ?" if hi is None else "seq > ? AND seq <= ?"
    args = (lo,) if hi is None else (lo, hi)
    cursor = conn.execute(f"{EVENT_ROWS} WHERE {where} ORDER BY seq", args)
    first = cursor.fetchone()
    if first is None:
        return ChunkScan(lo, bad=False)
    first_seq, first_link = first[0], first[6]
    special: list[Special] = []
    # the range starts as if its first row's link and seq were right: the parent checks them
    walked = walk_chain(
        itertools.chain(([first],), chunks_of(cursor)),
        EventFrames(special_kinds),
        (first_seq - 1, first_link, GENESIS),
        special,
    )
    if walked.bad is not None:
        return ChunkScan(lo)
    return ChunkScan(
        lo,
        walked.count,
        False,
        first_seq,
        first_link,
        walked.prev_seq,
        walked.prev_hash,
        walked.prev2_hash,
        tuple(special),
    )


def open_readonly(uri: str) -> sqlite3.Connection:
    """A read-only connection to the journal at file URI `uri` (query only).

    Not memory-mapped: a child reads only its range's event pages, once, and a fresh map takes a
    page fault for each, which costs more than SQLite's read() of the same pages from the page
    cache (~10% of a range's scan). The parent keeps its map: its observation pass has already
    faulted in most of the file."""
    conn = sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA query_only=1")
    return conn


class Child:
    """One forked child scanning one range; `result()` waits for it (None if it failed)."""

    def __init__(self, uri: str, lo: int, hi: int | None, kinds: frozenset[str]) -> None:
        self.lo = lo
        read, write = os.pipe()
        go_read, go_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its own connection, one pickled result, no cleanup handlers
            status = 1
            try:
                os.close(read)
                os.close(go_write)
                if os.read(go_read, 1) != b"1":  # wait for `start` (EOF: not wanted after all)
                    os._exit(1)
                conn = open_readonly(uri)
                found = scan_chunk(conn, lo, hi, kinds)
                data = pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        os.close(go_read)
        self.pid, self.fd, self.go = pid, read, go_write
        self.reaped = False

    def start(self) -> None:
        """Let the child scan (it was forked early, before the parent opened the journal, and
        waits: its work is timed with the parent's walk, not hidden in what comes before)."""
        with contextlib.suppress(OSError):
            os.write(self.go, b"1")

    def stop(self) -> None:
        """Kill the child and reap it (its range is no longer needed); nothing once reaped."""
        if self.reaped:
            return
        self.reaped = True
        os.close(self.fd)
        os.close(self.go)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)

    def result(self) -> ChunkScan | None:
        """The child's scan, or None when it died or wrote nothing readable."""
        self.reaped = True
        os.close(self.go)
        with os.fdopen(self.fd, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        if status != 0 or not data:
            return None
        try:
            found = pickle.loads(data)  # our own child's bytes
        except (pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return None
        return found if isinstance(found, ChunkScan) else None


def split(total: int, k: int) -> list[int]:
    """The K-1 inner bounds that cut seqs 1..total into K equal contiguous ranges."""
    return [total * i // k for i in range(1, k)]


def fork_scans(uri: str, bounds: list[int], end: int, kinds: frozenset[str]) -> list[Child]:
    """Fork one child per range after the first: (bounds[i], bounds[i+1]], the last to `end`."""
    edges = [*bounds[1:], end]
    return [Child(uri, lo, hi, kinds) for lo, hi in zip(bounds, edges, strict=True)]
