"""The parallel part of `verify_journal`: check contiguous seq blocks of the chain in children.

Every row's own check (hash == SHA-256(prev_hash ‖ canonical(row)), prev_hash == the previous
row's hash, seq == previous seq + 1) needs only the stored columns of that row and the one
before it, so a block of rows can be checked on its own. `walk_chain` is that check (the one hot
loop: the parent's sequential walk runs it too); `scan_range` runs it over the rows with
`lo < seq <= hi` and reports what the parent needs to join the blocks: the first row's
(seq, prev_hash), the last two hashes, whether any row inside failed, the batch rows that match
their recomputed digests (the parent sends them in the `Task`) and the other checkpoint and
batch rows (their checks need state the parent holds).

The parent walks a first range itself while the children take blocks of the rest from a pipe
of `Tokens`; then it takes what is left, so a process on a busy CPU takes fewer blocks. It
checks the joins in seq order, runs the special rows' checks in seq order and walks
sequentially from the start of a block that failed or that nobody reported, so every finding is
the one the sequential walk gives.

Children (`Child`) are forked only from a process with one thread and before the parent opens
its connection to the journal (SQLite's lock state must not cross a fork); each waits for its
`Task` (cut from the parent's snapshot), uses only its own read-only connection and leaves with
`os._exit`.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import itertools
import json
import marshal
import os
import pickle
import signal
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from command.journal.chain import GENESIS

try:
    import fcntl
except ImportError:  # Windows: no fork, so no child's pipe to widen
    fcntl = None  # type: ignore[assignment]

_PIPE_BYTES = 1 << 20
_FETCH = 512
"""Rows fetched at a time: a chunk's row objects stay in the CPU cache while they are hashed
(8192 rows, ~4 MB of objects, made the walk ~10% slower)."""

Special = tuple[int, str, Any, int, str]
"""(seq, kind, body, prev_seq, prev_hash) of a checkpoint or batch row whose hash, link and seq
are good (the body is the stored value: text unless the row was edited)."""


@dataclass(frozen=True, slots=True)
class ChunkScan:
    """What `scan_chunk` found in the rows `lo < seq <= hi` of its `Task`: `special`
    the checkpoint and batch rows left for the parent, `batches` the batch rows whose body
    starts with their recomputed count and digest (nothing more to check)."""

    lo: int
    count: int = 0
    bad: bool = True
    first_seq: int = 0
    first_link: str = ""
    last_seq: int = 0
    last_hash: str = GENESIS
    before_last_hash: str = GENESIS
    special: tuple[Special, ...] = ()
    batches: tuple[int, ...] = ()


EVENT_ROWS = "SELECT seq, ts, actor, kind, incident, body, prev_hash, hash FROM events"
"""The columns every walk of the chain reads, in the order its loops unpack them."""


@dataclass(frozen=True, slots=True)
class Task:
    """The blocks every process may take (`Tokens`): block i holds the rows
    `edges[i] < seq <= edges[i + 1]`; and the batches recomputed in them: batch seq -> (row
    count, digest) from the observation rows."""

    edges: tuple[int, ...]
    digests: dict[int, tuple[int, str]]


class Tokens:
    """The blocks not yet taken: one 4-byte index a block in a pipe that every process reads
    from (created before the fork). `put` writes them all at once and closes the writing end, so
    a read of 4 bytes takes exactly one block, and an end of file says none is left."""

    def __init__(self) -> None:
        self.read, self.write = os.pipe()

    def put(self, count: int) -> None:
        """Offer blocks 0..count-1 (at most 1024: one atomic write into the pipe's buffer)."""
        os.write(self.write, b"".join(i.to_bytes(4, "little") for i in range(count)))
        self.close_writer()

    def take(self) -> int | None:
        """The next block nobody has taken (None: all are)."""
        data = os.read(self.read, 4)
        return int.from_bytes(data, "little") if len(data) == 4 else None

    def close_writer(self) -> None:
        """Close this process's writing end (a child does at once; the reading ends see an end
        of file once every writing end is closed)."""
        if self.write >= 0:
            os.close(self.write)
            self.write = -1

    def close(self) -> None:
        """Close both ends in this process."""
        self.close_writer()
        if self.read >= 0:
            os.close(self.read)
            self.read = -1


def batch_prefixes(digests: dict[int, tuple[int, str]]) -> dict[int, str]:
    """What the canonical body of each batch event starts with (sorted keys: count, digest)."""
    return {
        seq: f'{{"count":{count},"digest":"{digest}",' for seq, (count, digest) in digests.items()
    }


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


PLAIN, SPECIAL, BATCH = 0, 1, 2
"""What an `EventFrames` frame says of its kind: a plain row, a checkpoint (or other special
row: its checks need the walk's state) or an observation batch."""


class EventFrames:
    """The canonical text around an event's body, per (actor, incident, kind): the part before
    the body and the part between it and the seq, and whether the kind is a special row's
    (`PLAIN`, `SPECIAL`, `BATCH`: `batch_kind`, one of `special_kinds`).

    The walks look up `cache` inline (one dict lookup a row) and `build` a triple they miss."""

    def __init__(self, special_kinds: frozenset[str], batch_kind: str = "") -> None:
        self.cache: dict[tuple[Any, Any, Any], tuple[str, str, int]] = {}
        self._special = special_kinds
        self._batch = batch_kind
        self._literal = json_literals()

    def build(self, actor: Any, incident: Any, kind: Any) -> tuple[str, str, int]:
        """Make and keep the frame of one triple (one the cache missed: all three hashable)."""
        q = self._literal
        odd = PLAIN if kind not in self._special else BATCH if kind == self._batch else SPECIAL
        frame = self.cache[actor, incident, kind] = (
            f'{{"actor":{q(actor)},"body":',
            f',"incident":{q(incident)},"kind":{q(kind)},"seq":',
            odd,
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


@dataclass(frozen=True, slots=True)
class Settled:
    """What `walk_chain` collects besides the chain state: the batch rows it settled against
    `prefixes` (`batch_prefixes`) and the special rows left to the caller, in seq order."""

    prefixes: dict[int, str]
    batches: list[int] = field(default_factory=list)
    special: list[Special] = field(default_factory=list)


def chunks_of(cursor: sqlite3.Cursor) -> Iterator[list[Any]]:
    """`cursor`'s rows, fetched a chunk at a time."""
    return iter(functools.partial(cursor.fetchmany, _FETCH), [])


def walk_chain(
    chunks: Iterable[list[Any]],
    frames: EventFrames,
    state: tuple[int, str, str],
    found: Settled,
    progress: Callable[[int], None] | None = None,
) -> Walked:
    """Check the `EVENT_ROWS` of `chunks` (`chunks_of` a cursor) in order, from `state` (the
    seq, hash and hash before it of the row before the first): each row's hash, link and seq.
    A batch row that passes and whose text body starts with its prefix in `found.prefixes`
    needs nothing more: its seq goes to `found.batches`. The other checkpoint and batch rows
    that pass go to `found.special` for the caller to check (their findings come before the
    first bad row's: they are all earlier). Stops at the first bad row.

    `progress(rows passed)` is called after each fetched chunk. This is the hot loop of every
    walk of the chain (the sequential one and each forked range)."""
    sha256 = hashlib.sha256
    # The canonical text around the body depends only on (actor, incident, kind): build those
    # two pieces once per triple, so each row costs one dict lookup, one f-string, one SHA-256
    # and three compares.
    parts, build = frames.cache, frames.build
    keep, settled, prefixes = found.special.append, found.batches.append, found.prefixes
    prev_seq, prev_hash, prev2_hash = state
    count = 0
    for rows in chunks:
        for seq, ts, actor, kind, incident, body, link, digest in rows:
            try:
                pre, mid, odd = parts[actor, incident, kind]
            except KeyError:
                pre, mid, odd = build(actor, incident, kind)
            except TypeError:  # an edited column holding something unhashable: will not hash
                pre, mid, odd = "", "", PLAIN
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
                if (
                    odd == BATCH
                    and (prefix := prefixes.get(seq)) is not None
                    and body.__class__ is str
                    and body.startswith(prefix)
                ):
                    settled(seq)
                else:
                    keep((seq, kind, body, prev_seq, prev_hash))
            prev2_hash, prev_hash, prev_seq = prev_hash, digest, seq
        count += len(rows)
        if progress is not None:
            progress(count)
    return Walked(count, prev_seq, prev_hash, prev2_hash)


def scan_range(
    conn: sqlite3.Connection, lo: int, hi: int, frames: EventFrames, found: Settled
) -> ChunkScan:
    """Check the rows `lo < seq <= hi` of `conn`'s events exactly as the sequential walk does
    (`walk_chain`, its batch rows against `found.prefixes`; the first row's link and seq are
    left to the parent); stop at the first bad row."""
    cursor = conn.execute(f"{EVENT_ROWS} WHERE seq > ? AND seq <= ? ORDER BY seq", (lo, hi))
    first = cursor.fetchone()
    if first is None:
        return ChunkScan(lo, bad=False)
    first_seq, first_link = first[0], first[6]
    # the range starts as if its first row's link and seq were right: the parent checks them
    walked = walk_chain(
        itertools.chain(([first],), chunks_of(cursor)),
        frames,
        (first_seq - 1, first_link, GENESIS),
        found,
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
        tuple(found.special),
        tuple(found.batches),
    )


class BlockScanner:
    """One process's scans of the blocks of a `Task` it takes (one `EventFrames` for all)."""

    def __init__(
        self, conn: sqlite3.Connection, task: Task, kinds: frozenset[str], batch_kind: str
    ) -> None:
        self.conn, self.task = conn, task
        self.frames = EventFrames(kinds, batch_kind)
        self.batch_seqs = sorted(task.digests)

    def scan(self, block: int) -> ChunkScan:
        """`scan_range` of one block, its batches against their recomputed digests."""
        lo, hi = self.task.edges[block], self.task.edges[block + 1]
        seqs, digests = self.batch_seqs, self.task.digests
        mine = seqs[bisect.bisect_right(seqs, lo) : bisect.bisect_right(seqs, hi)]
        found = Settled(batch_prefixes({seq: digests[seq] for seq in mine}))
        return scan_range(self.conn, lo, hi, self.frames, found)

    def take_all(self, tokens: Tokens) -> list[ChunkScan]:
        """Scan blocks as long as `tokens` offers one nobody else took."""
        scans = []
        while (block := tokens.take()) is not None:
            scans.append(self.scan(block))
        return scans


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
    """One forked child that takes blocks of the `Task` that `start` gives it; `result()`
    waits for its scans (None if it failed)."""

    def __init__(
        self,
        uri: str,
        tokens: Tokens,
        kinds: frozenset[str],
        batch_kind: str,
        siblings: Iterable[Child] = (),
    ) -> None:
        read, write = os.pipe()
        go_read, go_write = os.pipe()
        _widen(go_write)
        pid = os.fork()
        if pid == 0:  # the child: its own connection, one pickled result, no cleanup handlers
            status = 1
            try:
                os.close(read)
                os.close(go_write)
                tokens.close_writer()
                for other in siblings:  # forked before: their ends must not stay open here
                    other.forget()
                with os.fdopen(go_read, "rb") as go:
                    order = go.read()  # until `start` closes it (nothing: not wanted after all)
                if not order:
                    os._exit(1)
                edges, digests = marshal.loads(order)  # our parent's bytes
                task = Task(tuple(edges), digests)
                scans = BlockScanner(open_readonly(uri), task, kinds, batch_kind).take_all(tokens)
                data = pickle.dumps(scans, protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        os.close(go_read)
        self.pid, self.fd, self.go = pid, read, go_write
        self.reaped = False

    def start(self, task: Task) -> None:
        """Give the child its task (it was forked early, before the parent opened the journal,
        and waits: its work is timed with the parent's walk, not hidden in what comes before)."""
        go, self.go = self.go, -1
        with contextlib.suppress(OSError), os.fdopen(go, "wb") as out:
            # marshal: plain ints, strings and dicts, read by this same interpreter; it writes a
            # task's digests in half pickle's time
            out.write(marshal.dumps((task.edges, task.digests)))

    def stop(self) -> None:
        """Kill the child if it still runs (its blocks are no longer wanted) and reap it;
        nothing once reaped."""
        if self.reaped:
            return
        self.reaped = True
        self._close_fd()
        self._close_go()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)

    def result(self) -> list[ChunkScan] | None:
        """The child's scans, or None when it died or wrote nothing readable (a scan that
        unpickles whole was written in full). The child is reaped later, by `stop`: the kernel
        tears its copy of this process down meanwhile (a millisecond or more), not while this
        process waits."""
        self._close_go()
        with os.fdopen(self.fd, "rb") as pipe:
            self.fd = -1
            data = pipe.read()
        if not data:
            return None
        try:
            found = pickle.loads(data)  # our own child's bytes
        except (pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return None
        if not isinstance(found, list) or not all(isinstance(f, ChunkScan) for f in found):
            return None
        return found

    def forget(self) -> None:
        """Close this process's ends of the child's pipes without waiting for it (in a later
        sibling: a copy of an end left open there would keep the child, or this process,
        waiting for an end of file)."""
        self._close_fd()
        self._close_go()

    def _close_fd(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def _close_go(self) -> None:
        if self.go >= 0:
            os.close(self.go)
            self.go = -1


def _widen(fd: int) -> None:
    """Let a pipe hold a whole task (its digests: ~80 bytes a batch), so `Child.start` writes
    it without waiting for the child to be scheduled and drain the default 64 KiB (where the
    system allows: Linux, up to its pipe-max-size)."""
    if fcntl is None:
        return
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


MIN_BLOCK = 1024
"""The fewest rows in a block (a small block evens out the load; each costs a query and a scan
to send)."""


def cut(total: int, k: int) -> tuple[int, tuple[int, ...]]:
    """Where the parent's own first range ends (half of a K-th of seqs 1..total), and the edges
    of the blocks after it that all K processes take from: about 8 a process, of `MIN_BLOCK`
    rows or more."""
    first = total // (2 * k)
    rest = total - first
    count = max(1, min(8 * k, rest // MIN_BLOCK))
    return first, tuple(first + rest * i // count for i in range(count + 1))
