"""`verify_journal`: recompute the hash chain of a journal file and report the first problem.

The file is opened read-only and events are streamed in seq order. For each event the chain link
is checked first (does its prev_hash name the previous event's hash?), then its own hash. A broken
link is classified by looking at its neighbours, so each kind of edit is reported at the seq
where it happened:

- changed: an event's hash does not match its content (or an event was rewritten and rehashed,
  so the next one links to a hash that no longer exists: reported at the rewritten event);
- missing: seq numbers skip and the link names an event that is not there (reported at the first
  absent seq);
- inserted: an event does not link to its predecessor, but its successor links past it (or it
  links correctly but its successor links past it);
- reordered: an event links to the hash of an event stored after it;
- bad checkpoint signature / checkpoint does not match chain;
- untrusted checkpoint key (only when a trust list of public keys is given);
- observations do not match their digest (reported at the `observations.batch` event).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from command.errors import JournalError, ValidationError
from command.journal.chain import GENESIS
from command.journal.checkpoints import checkpoint_valid
from command.journal.sqlite_store import (
    APPLICATION_ID,
    describe_error,
    has_legacy_observations,
    stored_batch_digests,
)
from command.journal.verify_policy import NO_CHECKPOINT, Found, check_policy
from command.journal.verify_scan import (
    EVENT_ROWS,
    BlockScanner,
    Child,
    ChunkScan,
    EventFrames,
    Settled,
    Special,
    Task,
    Tokens,
    batch_prefixes,
    chunks_of,
    cut,
    json_literals,
    walk_chain,
)
from command.journal.verify_tables import check_tables
from command.journal.verify_witness import Identity, check_witnesses
from command.vocabulary import Checkpoint, Kind

_BATCH, _CHECKPOINT = Kind.OBSERVATIONS_BATCH.value, Kind.CHECKPOINT.value
_SPECIAL = frozenset((_CHECKPOINT, _BATCH))

Progress = Callable[[int, int], None]
"""Called as progress(events_done, events_total) every few thousand events."""

CHANGED = "changed"
MISSING = "missing"
INSERTED = "inserted"
REORDERED = "reordered"
BAD_SIGNATURE = "bad checkpoint signature"
CHECKPOINT_MISMATCH = "checkpoint does not match chain"
OBSERVATIONS = "observations do not match their digest"
UNTRUSTED = "untrusted checkpoint key"

_CHUNK = 8192
PARALLEL_MIN = 20_000
"""Fewer events are walked in one process (forking would cost more than it saves)."""
_EVENT_BYTES = 150
"""The fewest bytes an event takes in the file (two hashes and its columns): a smaller file
cannot hold `PARALLEL_MIN` events, so no child is forked for it."""


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """What `verify_journal` found. `problem` is "" when the journal is intact.

    `where` names the bad place when it is not an event (a projection, outbox or inbox row);
    `first_bad_seq` is then None. `integrity` is the checkpoint report ("signed up to seq N;
    closed cleanly at seq M" or the unsigned tail), `witnesses` who cosigned what was checked.
    """

    ok: bool
    events: int
    checkpoints: int
    first_bad_seq: int | None = None
    problem: str = ""
    detail: str = ""
    observations: int = 0
    seconds: float = 0.0
    observation_seconds: float = 0.0
    trust_checked: bool = False
    where: str = ""
    integrity: str = ""
    origins: tuple[str, ...] = ()
    signed_to: int = 0
    tail: int = 0
    closed: bool = False
    cosignatures: int = 0
    witnesses: tuple[str, ...] = ()
    stale_refusals: int = 0
    tables_checked: bool = False
    table_rows: int = 0
    table_seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Events verified per second (hash chain and checkpoints)."""
        return self.events / self.seconds if self.seconds > 0 else 0.0

    @property
    def observation_rate(self) -> float:
        """Observations re-digested per second."""
        t = self.observation_seconds
        return self.observations / t if t > 0 else 0.0

    def summary(self, path: Path | str) -> str:
        """One line for people."""
        if self.ok:
            trust = (
                "checkpoint keys are all trusted"
                if self.trust_checked
                else "checkpoint keys were not checked against a trust list"
            )
            origin = f"; origin {', '.join(self.origins)}" if self.origins else ""
            witnessed = (
                f"; {self.cosignatures} cosignatures by {', '.join(self.witnesses)} agree"
                if self.cosignatures
                else ""
            )
            if self.stale_refusals:
                witnessed += (
                    f" ({self.stale_refusals} refusals of an older checkpoint after a newer "
                    "one: both are in this journal)"
                )
            tables = (
                f"; projections, outbox and inbox match the events ({self.table_rows} rows)"
                if self.tables_checked
                else ""
            )
            return (
                f"journal {path} is intact: {self.events} events, {self.checkpoints} "
                f"checkpoints, {self.observations} observations "
                f"({self.rate:,.0f} events/s, {self.observation_rate:,.0f} observations/s); "
                f"{self.integrity}{origin}{witnessed}{tables}; {trust}"
            )
        place = self.where or f"seq {self.first_bad_seq}"
        return f"journal {path}: {place} {self.problem}: {self.detail}"


class _Problem(Exception):
    def __init__(self, seq: int, problem: str, detail: str) -> None:
        super().__init__(problem)
        self.seq, self.problem, self.detail = seq, problem, detail


def read_trusted_keys(paths: Iterable[Path | str]) -> frozenset[str]:
    """The public keys (hex, one a line; blank lines and `#` comments skipped) of key files.

    Raises `ValidationError` naming the file and line when one cannot be read or is not a key.
    """
    keys: set[str] = set()
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
            raise ValidationError(
                f"cannot read trust file {path}: {reason}; give a file of hex public keys"
            ) from None
        for number, line in enumerate(text.splitlines(), 1):
            key = line.split("#", 1)[0].strip().lower()
            if not key:
                continue
            if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
                raise ValidationError(
                    f"trust file {path} line {number} is not an Ed25519 public key "
                    "(64 hex digits); fix or remove that line"
                )
            keys.add(key)
    if not keys:
        raise ValidationError("the trust list holds no public key; give at least one key file")
    return frozenset(keys)


def verify_journal(
    path: Path | str,
    progress: Progress | None = None,
    *,
    trusted: Collection[str] | None = None,
    witnesses: Iterable[Path | str] = (),
    tables: bool = True,
    workers: int | None = None,
) -> VerifyResult:
    """Verify the journal file at `path` (read-only). Raises `JournalError` if it (or a witness
    journal) cannot be read or is not a journal; a damaged journal is a result with `ok=False`.

    Always: the hash chain, checkpoint signatures, observation digests, the journal's own
    `checkpoint.cosigned` events and (unless `tables` is False) the projections, outbox and
    inbox against the events (`command.journal.verify_tables`).

    With `trusted` (hex public keys), every checkpoint must be signed by one of them, there must
    be at least one, and the policy the checkpoints declare must hold for every run and for the
    unsigned tail (`command.journal.verify_policy`). Each of `witnesses` (journals of the
    journal's witnesses) is read for cosignatures and refusals about this journal
    (`command.journal.verify_witness`).

    The chain is checked in `workers` processes (default: one per usable CPU, up to 8, for a
    journal of `PARALLEL_MIN` events or more in a process with one thread; see
    `command.journal.verify_scan`); the findings are the same for any number.
    """
    p = Path(path)
    if not p.is_file():
        raise JournalError(
            f"cannot read journal {path}: no such file; give the path of a journal file"
        )
    uri = p.resolve().as_uri()
    # The children fork before this call opens its own connection: SQLite's per-process lock
    # state must not be carried across fork() (they open their own). They are given their
    # ranges once this call has read the journal's size in its snapshot.
    forked = _fork_children(p, uri, workers)
    try:
        try:
            conn = sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None)
        except sqlite3.Error as err:
            raise describe_error(path, "read", err) from None
        try:
            keys = None if trusted is None else frozenset(k.strip().lower() for k in trusted)
            return _verify(conn, str(path), progress, keys, tuple(witnesses), tables, forked)
        except sqlite3.Error as err:
            raise describe_error(path, "read", err) from None
        finally:
            conn.close()
    finally:
        forked.close()


def _verify(
    conn: sqlite3.Connection,
    name: str,
    progress: Progress | None,
    trusted: frozenset[str] | None,
    witnesses: tuple[Path | str, ...],
    tables: bool,
    forked: Forked,
) -> VerifyResult:
    conn.execute("PRAGMA query_only=1")
    # Map the file instead of copying each page through read(): the walk touches every page
    # of a file that can be gigabytes (SQLite caps the map at its own limit, ~2 GB).
    conn.execute(f"PRAGMA mmap_size={1 << 34}")
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise JournalError(
            f"cannot read journal {name}: the file is not a Baton journal; give a journal file"
        )
    conn.execute("BEGIN")  # one read snapshot for events, observations and tables alike
    try:
        return _verify_snapshot(conn, name, progress, trusted, witnesses, tables, forked)
    finally:
        conn.execute("COMMIT")


def _verify_snapshot(
    conn: sqlite3.Connection,
    name: str,
    progress: Progress | None,
    trusted: frozenset[str] | None,
    witnesses: tuple[Path | str, ...],
    tables: bool,
    forked: Forked,
) -> VerifyResult:
    started = time.perf_counter()
    digests, obs_count = _observation_digests(conn)
    obs_seconds = time.perf_counter() - started
    started = time.perf_counter()
    total = conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
    state = _Walk(conn, digests, trusted)
    problem: _Problem | None = None
    try:
        state.run(total, progress, forked)
        state.leftover_batches()
    except _Problem as bad:
        problem = bad
    seconds = time.perf_counter() - started
    base = VerifyResult(
        ok=True,
        events=state.count,
        checkpoints=state.checkpoints,
        observations=obs_count,
        seconds=seconds,
        observation_seconds=obs_seconds,
        trust_checked=trusted is not None,
    )
    if problem is not None:
        return replace(
            base,
            ok=False,
            events=max(0, problem.seq - 1),
            first_bad_seq=problem.seq,
            problem=problem.problem,
            detail=problem.detail,
        )
    report = check_policy(conn, state.found, total)
    base = replace(
        base,
        integrity=report.describe(),
        origins=report.origins,
        signed_to=report.signed_to,
        tail=report.tail,
        closed=report.closed,
    )
    if trusted is not None:
        if not state.found:
            return replace(
                base,
                ok=False,
                first_bad_seq=1 if total else None,
                where="" if total else "the journal",
                problem=NO_CHECKPOINT,
                detail=f"none of its {total} events is signed; a trusted journal must hold "
                "signed checkpoints",
            )
        if report.problem is not None:
            seq, what, detail = report.problem
            return replace(base, ok=False, first_bad_seq=seq, problem=what, detail=detail)
    ident = Identity(frozenset(report.origins), *_owner(conn))
    seen = check_witnesses(conn, ident, total, witnesses, name=name, checked=state.valid)
    base = replace(
        base,
        cosignatures=seen.cosignatures,
        witnesses=seen.witnesses,
        stale_refusals=seen.stale,
    )
    if seen.problem is not None:
        seq, what, detail = seen.problem
        return replace(base, ok=False, first_bad_seq=seq, problem=what, detail=detail)
    if not tables:
        return base
    started = time.perf_counter()
    rows = check_tables(conn, total)
    base = replace(
        base,
        tables_checked=True,
        table_rows=rows.projection_rows + rows.outbox_rows + rows.inbox_rows,
        table_seconds=time.perf_counter() - started,
    )
    if rows.problem is not None:
        where, what, detail = rows.problem
        return replace(base, ok=False, where=where, problem=what, detail=detail)
    return base


def _workers(path: Path, asked: int | None) -> int:
    """How many processes walk the chain: `asked`, else one per usable CPU (at most 8) for a
    file that can hold `PARALLEL_MIN` events; 1 without fork or with other threads running."""
    if not hasattr(os, "fork"):
        return 1
    if asked is not None:
        return max(1, asked)
    if threading.active_count() > 1:
        return 1
    try:
        if path.stat().st_size < PARALLEL_MIN * _EVENT_BYTES:
            return 1
    except OSError:
        return 1
    return max(1, min(8, len(os.sched_getaffinity(0))))


@dataclass(frozen=True, slots=True)
class Forked:
    """The children forked to check blocks after this process's first range, the pipe of the
    blocks' tokens they and this process take from, and the fewest events they are used for (a
    smaller journal is walked here alone and they are stopped)."""

    children: tuple[Child, ...] = ()
    tokens: Tokens | None = None
    least: int = PARALLEL_MIN

    def close(self) -> None:
        """Reap every child whose result was not read (not used, or an error) and close the
        tokens' pipe."""
        for child in self.children:
            child.stop()
        if self.tokens is not None:
            self.tokens.close()


NOT_FORKED = Forked()


def _fork_children(path: Path, uri: str, asked: int | None) -> Forked:
    """Fork the children of a parallel walk (none: this process walks it all). They wait for
    their range: the journal's size is only read in this process's snapshot."""
    k = _workers(path, asked)
    if k <= 1:
        return NOT_FORKED
    least = PARALLEL_MIN if asked is None else k
    tokens = Tokens()
    children: list[Child] = []
    for _ in range(k - 1):
        children.append(Child(uri, tokens, _SPECIAL, _BATCH, children))
    return Forked(tuple(children), tokens, least)


def _owner(conn: sqlite3.Connection) -> tuple[str, str]:
    """(role, owner) from the journal's meta table ("" when absent)."""
    meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('role', 'owner')"))
    return str(meta.get("role", "")), str(meta.get("owner", ""))


def _observation_digests(conn: sqlite3.Connection) -> tuple[dict[int, tuple[int, str]], int]:
    """batch seq -> (row count, digest) recomputed from the observation rows.

    Rows are read in insertion order, so a batch's rows normally come in one run; a row that
    names an earlier batch (an edit) starts a second run for it, which still ends in its digest.
    Packed batches (schema 2) digest their stored blob; a batch found in both forms fails.
    """
    packed, packed_total = stored_batch_digests(conn)
    if not has_legacy_observations(conn):
        return packed, packed_total
    runs: dict[int, list[str]] = {}
    q = json_literals()  # a blob in an edited row: `repr`, so it will not match its digest

    total = 0
    current: int | None = None
    parts: list[str] = []
    cursor = conn.execute(
        "SELECT batch, ts, feed, zone, metric, value, source FROM observations ORDER BY rowid"
    )
    # a series repeats its feed, zone, metric and source on every row: encode them once
    texts: dict[tuple[Any, Any, Any, Any], tuple[str, str]] = {}
    while chunk := cursor.fetchmany(_CHUNK):
        for batch, ts, feed, zone, metric, value, source in chunk:
            if batch != current:
                current = batch
                parts = runs.setdefault(batch, [])
            try:
                mid, end = texts[feed, zone, metric, source]
            except KeyError:
                mid, end = texts[feed, zone, metric, source] = (
                    f"{q(feed)},{q(zone)},{q(metric)}",
                    f"{q(source)}]",
                )
            parts.append(f"[{ts!r},{mid},{value!r},{end}")
        total += len(chunk)
    out = {}
    for batch, rows in runs.items():
        text = "[" + ",".join(rows) + "]"
        out[batch] = (len(rows), hashlib.sha256(text.encode()).hexdigest())
    for batch, (count, digest) in packed.items():
        old = out.get(batch)
        out[batch] = (count, digest) if old is None else (old[0] + count, "")
    return out, total + packed_total


class _Walk:
    """The streaming pass over events."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        digests: dict[int, tuple[int, str]],
        trusted: frozenset[str] | None,
    ) -> None:
        self.conn = conn
        self.trusted = trusted
        self.digests = digests
        self.prefixes: dict[int, str] = {}  # of the batches this process walks
        self.count = 0
        self.checkpoints = 0
        self.batches: set[int] = set()
        self.found: list[Found] = []
        self.valid: dict[Checkpoint, bool] = {}  # signatures checked, shared with the witnesses
        self.prev_hash, self.prev2_hash, self.prev_seq = GENESIS, GENESIS, 0

    def run(self, total: int, progress: Progress | None, forked: Forked = NOT_FORKED) -> None:
        """Walk every event; with `forked` children (`command.journal.verify_scan`), this
        process walks a first range, then it and the children take the blocks after it as each
        is free (a busy CPU's process takes fewer), and it joins them in seq order (from a block
        that fails it walks to the end: the same finding)."""
        children, tokens = forked.children, forked.tokens
        k = len(children) + 1
        if tokens is None or k == 1 or total < max(k, forked.least):
            forked.close()
            self.prefixes = batch_prefixes(self.digests)
            self._loop(self._rows("", ()), total, progress)
            return
        first, edges = cut(total, k)
        task = Task(edges, {seq: d for seq, d in self.digests.items() if seq > first})
        tokens.put(len(edges) - 1)
        for child in children:
            child.start(task)
        self.prefixes = batch_prefixes({seq: d for seq, d in self.digests.items() if seq <= first})
        try:
            self._loop(self._rows("WHERE seq <= ?", (first,)), total, progress)
            mine = BlockScanner(self.conn, task, _SPECIAL, _BATCH).take_all(tokens)
        except BaseException:
            forked.close()
            raise
        scans = {scan.lo: scan for scan in mine}
        for child in children:
            scans.update((scan.lo, scan) for scan in child.result() or ())
        self._join(edges, scans, total, progress)

    def _join(
        self,
        edges: tuple[int, ...],
        scans: dict[int, ChunkScan],
        total: int,
        progress: Progress | None,
    ) -> None:
        """Take the blocks' scans in seq order: check each one's first row's link and seq
        against the chain so far and its special rows; from a block that failed (or that no
        process reported), walk here to the end."""
        for lo in edges[:-1]:
            scan = scans.get(lo)
            if (
                scan is None
                or scan.bad
                or (
                    scan.count
                    and (scan.first_seq != self.prev_seq + 1 or scan.first_link != self.prev_hash)
                )
            ):
                self.prefixes = batch_prefixes(self.digests)
                self._loop(self._rows("WHERE seq > ?", (lo,)), total, progress)
                return
            if not scan.count:
                continue
            self.batches.update(scan.batches)
            self._specials(scan.special)
            self.prev_seq, self.prev_hash, self.prev2_hash = (
                scan.last_seq,
                scan.last_hash,
                scan.before_last_hash,
            )
            self.count += scan.count
            if progress is not None:
                progress(self.count, total)

    def _rows(self, where: str, args: tuple[int, ...]) -> sqlite3.Cursor:
        return self.conn.execute(f"{EVENT_ROWS} {where} ORDER BY seq", args)

    def _specials(self, rows: Iterable[Special]) -> None:
        """The checks of checkpoint and batch rows whose own hash and link are good, in order
        (those a walk left: not a batch whose body starts with its count and digest)."""
        for seq, kind, body, prev_seq, prev_hash in rows:
            if body.__class__ is not str:  # a blob whose hash was made to match
                raise _Problem(seq, CHANGED, "its body is not text")
            try:
                self._special(seq, kind, body, prev_seq, prev_hash)
            except (KeyError, TypeError, ValueError) as err:
                raise _Problem(seq, CHANGED, f"its body is malformed ({err!r})") from None

    def _loop(self, cursor: sqlite3.Cursor, total: int, progress: Progress | None) -> None:
        """The sequential walk of `cursor`'s rows (`walk_chain`), carrying the chain state in
        `self`: the special rows it passed are checked, then the bad row it stopped at."""
        done = self.count
        found = Settled(self.prefixes)
        walked = walk_chain(
            chunks_of(cursor),
            EventFrames(_SPECIAL, _BATCH),
            (self.prev_seq, self.prev_hash, self.prev2_hash),
            found,
            None if progress is None else lambda n: progress(done + n, total),
        )
        self.count += walked.count
        self.prev_seq, self.prev_hash, self.prev2_hash = (
            walked.prev_seq,
            walked.prev_hash,
            walked.prev2_hash,
        )
        self.batches.update(found.batches)
        self._specials(found.special)
        if walked.bad is not None:
            seq, _, _, _, _, _, link, digest = walked.bad
            self._bad_row(
                seq, link, digest, walked.text, walked.prev_seq, walked.prev_hash, walked.prev2_hash
            )

    def _bad_row(
        self,
        seq: int,
        link: Any,
        digest: Any,
        text: str,
        prev_seq: int,
        prev_hash: str,
        prev2_hash: str,
    ) -> None:
        """Raise the `_Problem` of a row whose hash, link or seq is wrong."""
        intact = hashlib.sha256(text.encode()).hexdigest() == digest
        if link != prev_hash:
            nxt = self.conn.execute(
                "SELECT prev_hash FROM events WHERE seq > ? ORDER BY seq LIMIT 1", (seq,)
            ).fetchone()
            self._broken_link(seq, link, nxt, prev_seq, prev_hash, prev2_hash, intact)
        if not intact:
            raise _Problem(seq, CHANGED, "its hash does not match its content")
        raise _Problem(seq, CHANGED, f"its seq does not follow seq {prev_seq}")

    def _broken_link(
        self,
        seq: int,
        link: Any,
        nxt: tuple[Any, ...] | None,
        prev_seq: int,
        prev_hash: str,
        prev2_hash: str,
        intact: bool,
    ) -> None:
        later = self.conn.execute(
            "SELECT seq FROM events WHERE hash = ? AND seq > ? LIMIT 1", (link, seq)
        ).fetchone()
        if later is not None:
            raise _Problem(seq, REORDERED, f"it links to the event stored at seq {later[0]}")
        if nxt is not None and nxt[0] == prev_hash:
            raise _Problem(seq, INSERTED, f"the next event links past it to seq {prev_seq}")
        if prev_seq > 0 and link == prev2_hash:
            raise _Problem(
                prev_seq, INSERTED, f"the next event links past it to seq {prev_seq - 1}"
            )
        if seq > prev_seq + 1:
            first = prev_seq + 1
            span = f"seq {first}" if seq == first + 1 else f"seq {first} to {seq - 1}"
            raise _Problem(first, MISSING, f"{span} is not in the journal")
        if not intact or prev_seq == 0:
            raise _Problem(seq, CHANGED, "its link and hash do not match its content")
        raise _Problem(prev_seq, CHANGED, "the next event links to a different version of it")

    def _special(self, seq: int, kind: str, body_text: str, prev_seq: int, prev_hash: str) -> None:
        body = json.loads(body_text)
        if kind == _CHECKPOINT:
            self.checkpoints += 1
            cp = Checkpoint.from_body(body)  # legacy or new-style
            head_seq, head_hash = cp.head_seq, cp.head_hash
            valid = self.valid.get(cp)
            if valid is None:  # one Ed25519 check per distinct checkpoint
                valid = self.valid[cp] = checkpoint_valid(cp)
            if not valid:
                raise _Problem(seq, BAD_SIGNATURE, f"signature by key {cp.key[:16]}…")
            if self.trusted is not None and cp.key.lower() not in self.trusted:
                raise _Problem(seq, UNTRUSTED, f"key {cp.key[:16]}… is not in the trust list")
            self.found.append(Found(seq, cp))
            if head_seq == prev_seq:
                actual: str | None = prev_hash
            elif head_seq == 0:
                actual = GENESIS
            else:
                found = self.conn.execute(
                    "SELECT hash FROM events WHERE seq = ?", (head_seq,)
                ).fetchone()
                actual = None if found is None or head_seq >= seq else found[0]
            if actual != head_hash:
                raise _Problem(
                    seq, CHECKPOINT_MISMATCH, f"its head hash is not the hash of seq {head_seq}"
                )
            return
        self.batches.add(seq)
        found_batch = self.digests.get(seq)
        count, digest = found_batch if found_batch else (0, "")
        if count != body["count"]:
            raise _Problem(
                seq,
                OBSERVATIONS,
                f"the batch event counts {body['count']} observations, the table holds {count}",
            )
        if digest != body["digest"]:
            raise _Problem(seq, OBSERVATIONS, "an observation of this batch was edited")

    def leftover_batches(self) -> None:
        """Observation rows that name no batch event at all."""
        stray = sorted(set(self.digests) - self.batches)
        if stray:
            raise _Problem(
                stray[0], OBSERVATIONS, "observation rows name a batch event that does not exist"
            )
