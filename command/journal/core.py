"""The journal's chain core: an append-only, hash-chained event log and its projections.

Every write goes through `transaction()`; events, their projection rows, outbox entries and
observation rows written inside one transaction commit together or not at all. Writers hand
`record` a typed body from `command.vocabulary`. Use a journal from one thread at a time (the
engine thread owns the writer); viewers open their own read-only journal with
`Journal.open_readonly`.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from itertools import islice
from pathlib import Path
from typing import Any, Literal, Self

from command.canonical import canonical_text
from command.clock import Clock, SystemClock
from command.errors import JournalError, ValidationError
from command.journal import projections
from command.journal.chain import GENESIS, checkpoint_payload, event_hash
from command.journal.checkpointing import (
    REASON_CLOSE,
    REASON_EVENTS,
    REASON_INTERVAL,
    REASON_MANUAL,
    Checkpointer,
    RunState,
)
from command.journal.checkpoints import CheckpointPolicy, Origin, sign_checkpoint
from command.journal.memory_store import MemoryStore
from command.journal.records import Event
from command.journal.sqlite_store import SqliteStore
from command.journal.store import EventRow, Store
from command.signing import Signer
from command.vocabulary import Checkpoint, EventBody, Kind

_CHECKPOINT = str(Kind.CHECKPOINT)

Role = Literal["console", "station", "centre"]

RECENT_EVENTS = 4096
"""How many of its latest committed events a writer keeps to answer `events()` without reading
them back (the engine asks for each turn's new events)."""

QUEUED_BODIES = 8192
"""How many bodies of the orders it queued a writer keeps for `pending` (dropped once acked)."""


class JournalCore:
    """The chain core of one journal: opening, transactions, appending and reading events,
    the head and checkpoints. `command.journal.Journal` adds the ledger, messages and
    observations on top of it."""

    def __init__(self, store: Store, *, clock: Clock, owner: str, role: Role) -> None:
        """Wrap an opened store; use `open`, `in_memory` or `open_readonly` instead."""
        if role not in ("console", "station", "centre"):
            raise ValidationError(f"journal role must be console, station or centre, got {role!r}")
        self._store = store
        self.clock = clock
        self.owner = owner
        self.role: Role = role
        self._depth = 0
        self._write_failure: JournalError | None = (
            None  # the first write error inside a transaction
        )
        self._closed = False
        self._readonly = False
        self._head = store.last_event() or (0, GENESIS)
        self._last_ts: float | None = None  # the head event's time, read when first needed
        self._rows = projections.MemoRows(store)  # the writer's view of the projection rows
        self._recent: deque[Event] = deque(maxlen=RECENT_EVENTS)  # committed, seq order
        self._fresh: list[Event] = []  # appended in the open transaction
        self._queued: dict[str, dict[str, Any]] = {}  # outbox msg_id -> body, as queued
        self._queued_count: dict[str, int] = {}  # peer -> outbox rows this writer inserted
        self._checkpointer: Checkpointer | None = None
        self._saved: list[RunState] = []
        self._claim()

    # -- opening and closing ----------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path | str, *, clock: Clock, owner: str, role: Role, timeout: float = 5.0
    ) -> Self:
        """Create or open the journal file at `path` (WAL, synchronous=FULL).

        Raises `JournalError` (one line: file, cause, fix) when it cannot be opened or written.
        """
        store = SqliteStore(path, timeout=timeout)
        try:
            return cls(store, clock=clock, owner=owner, role=role)
        except BaseException:
            store.close()
            raise

    @classmethod
    def in_memory(cls, *, clock: Clock, owner: str, role: Role) -> Self:
        """A journal on the in-memory store twin: same behaviour, nothing on disk."""
        return cls(MemoryStore(), clock=clock, owner=owner, role=role)

    @classmethod
    def open_readonly(cls, path: Path | str, *, clock: Clock | None = None) -> Self:
        """Open an existing journal for reading only (viewers, replay); writes raise."""
        store = SqliteStore(path, readonly=True)
        owner = store.get_meta("owner") or ""
        role = store.get_meta("role") or "console"
        journal = cls.__new__(cls)
        journal._store = store
        journal.clock = clock or SystemClock()
        journal.owner = owner
        journal.role = role if role in ("station", "centre") else "console"  # type: ignore[assignment]
        journal._depth = 0
        journal._closed = False
        journal._readonly = True
        journal._head = store.last_event() or (0, GENESIS)
        journal._last_ts = None
        journal._rows = projections.MemoRows(store, remember=False)  # another process writes
        journal._recent = deque(maxlen=0)  # another connection writes: always ask the file
        journal._fresh = []
        journal._queued = {}
        journal._queued_count = {}
        journal._checkpointer = None
        journal._saved = []
        return journal

    def _claim(self) -> None:
        """Record owner and role in a new journal; refuse someone else's journal."""
        owner, role = self._store.get_meta("owner"), self._store.get_meta("role")
        if owner is None:
            with self.transaction():
                self._store.set_meta("owner", self.owner)
                self._store.set_meta("role", self.role)
            return
        if owner != self.owner or role != self.role:
            self._store.close()
            raise JournalError(
                f"cannot open journal {self.path}: it belongs to {role} {owner!r}, "
                f"not {self.role} {self.owner!r}; give this {self.role} its own journal path"
            )

    @property
    def path(self) -> Path | None:
        """The journal file, or None for an in-memory journal."""
        return self._store.path

    @property
    def store(self) -> Store:
        """The storage backend the journal reads and writes through (for checks and tests)."""
        return self._store

    @property
    def head(self) -> tuple[int, str]:
        """(seq, hash) of the last event; (0, GENESIS) when there is none."""
        if self._readonly:  # another connection is writing: always ask the file
            return self._store.last_event() or (0, GENESIS)
        return self._head

    def close(self, signer: Signer | None = None) -> None:
        """Close the journal, first signing a checkpoint of the head: with the journal's own
        signer (`sign_with`, reason "close") when events are unsigned, else with `signer` when
        given and the last event is not a checkpoint (the legacy close)."""
        if self._closed:
            return
        cp = self._checkpointer
        if cp is not None and not self._readonly:
            if cp.count > 0:
                try:
                    self._sign_head(REASON_CLOSE)
                except BaseException:
                    self._closed = True
                    self._store.close()
                    raise
        elif signer is not None and self._head[0] > 0:
            last = next(self._store.select_events(self._head[0] - 1, None), None)
            if last is None or last.kind != Kind.CHECKPOINT:
                self.checkpoint(signer)
        self._closed = True
        self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- events and transactions ------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all. Re-entrant: a nested block that
        raises undoes only its own writes (a savepoint) and lets the exception through."""
        if self._closed:
            raise JournalError(f"cannot write journal {self.path}: it is closed; reopen it")
        if self._depth:
            name = f"baton_sp{self._depth}"
            self._store.savepoint(name)
            saved = self._save_run()
            self._depth += 1
            try:
                yield
            except BaseException as err:
                if isinstance(err, JournalError) and self._write_failure is None:
                    # SQLite may have rolled the whole transaction back (SQLITE_FULL, IOERR):
                    # if the outer commit then fails, this is the error to report.
                    self._write_failure = err
                with suppress(JournalError):  # the savepoint is gone with such a rollback
                    self._store.rollback_to(name)
                self._rows.clear()
                self._head = self._store.last_event() or (0, GENESIS)
                self._last_ts = None
                while self._fresh and self._fresh[-1].seq > self._head[0]:
                    self._fresh.pop()
                self._restore_run(saved)
                raise
            else:
                self._store.release(name)
            finally:
                self._depth -= 1
            return
        self._store.begin()
        saved = self._save_run()
        self._depth = 1
        self._write_failure = None
        try:
            yield
            try:
                self._store.commit()
            except JournalError:
                failure = self._write_failure
                if failure is None:
                    raise
                raise failure from None  # "no transaction is active" hides the disk-full error
            self._committed(self._fresh)
        except BaseException:
            with suppress(JournalError):  # the first error is the one to report
                self._store.rollback()
            self._rows.clear()
            self._queued.clear()
            self._head = self._store.last_event() or (0, GENESIS)
            self._last_ts = None
            self._restore_run(saved)
            raise
        finally:
            self._depth = 0
            self._fresh = []

    def _count_queued(self, peer: str) -> None:
        """One more outbox row queued for `peer` by this writer (see `Messages.outbox_mark`)."""
        self._queued_count[peer] = self._queued_count.get(peer, 0) + 1

    def _committed(self, events: list[Event]) -> None:
        """Keep the events a commit made durable for `events()` (the engine reads each turn's
        events back at once: no query, no JSON parsing)."""
        recent = self._recent
        if not events or recent.maxlen == 0:
            return
        if recent and recent[-1].seq + 1 != events[0].seq:
            recent.clear()  # a gap (a huge transaction): start again from here
        recent.extend(events)

    def _save_run(self) -> RunState | None:
        return None if self._checkpointer is None else self._checkpointer.save()

    def _restore_run(self, saved: RunState | None) -> None:
        if saved is not None and self._checkpointer is not None:
            self._checkpointer.restore(saved)

    def record(
        self,
        body: EventBody,
        *,
        actor: str | None = None,
        incident: str | None = None,
        ts: float | None = None,
    ) -> Event:
        """Journal one typed event body (`command.vocabulary`): its kind and its JSON form, in
        its own transaction unless inside `transaction()`. `actor` defaults to the owner."""
        with self.transaction():
            return self._record(body, actor=actor, incident=incident, ts=ts)

    def _record(
        self,
        body: EventBody,
        *,
        actor: str | None = None,
        incident: str | None = None,
        ts: float | None = None,
    ) -> Event:
        return self._append(
            body.kind, body.to_body(), actor=actor, incident=incident or "", ts=ts, typed=body
        )

    def append(
        self,
        kind: Kind | str,
        body: dict[str, Any],
        *,
        actor: str | None = None,
        incident: str = "",
        ts: float | None = None,
    ) -> Event:
        """Append one event given as kind and JSON body (its own transaction unless inside
        `transaction()`). Writers use `record` with a typed body; this is for tools and tests
        that write raw events."""
        with self.transaction():
            return self._append(kind, body, actor=actor, incident=incident, ts=ts)

    def _append(
        self,
        kind: Kind | str,
        body: dict[str, Any],
        *,
        actor: str | None = None,
        incident: str = "",
        ts: float | None = None,
        typed: EventBody | None = None,
    ) -> Event:
        try:
            body_text = canonical_text(body)
        except (TypeError, ValueError) as err:
            raise ValidationError(f"event {kind!r} has a body that is not JSON: {err}") from None
        return self._append_text(
            kind,
            json.loads(body_text),
            body_text,
            actor=actor,
            incident=incident,
            ts=ts,
            typed=typed,
        )

    def _append_text(
        self,
        kind: Kind | str,
        body: dict[str, Any],
        body_text: str,
        *,
        actor: str | None,
        incident: str,
        ts: float | None,
        typed: EventBody | None = None,
    ) -> Event:
        """Append an event whose canonical body text is already made; `body` must be JSON-equal
        to it and only read (projections canonicalise what they store); `typed`, when the writer
        has it, is the typed body `decode` would read back (the projections use it as it is)."""
        kind = str(kind)  # a Kind member's value
        when = float(self.clock.now() if ts is None else ts)
        cp = self._checkpointer
        if cp is not None and kind != _CHECKPOINT:
            now = when if ts is None else float(self.clock.now())
            if cp.interval_due(now):
                self._sign_head(REASON_INTERVAL, now)
            event = self._append_row(kind, body, body_text, actor, incident, when, typed)
            if cp.appended(now):
                self._sign_head(REASON_EVENTS, now)
            return event
        return self._append_row(kind, body, body_text, actor, incident, when, typed)

    def _append_row(
        self,
        kind: str,
        body: dict[str, Any],
        body_text: str,
        actor: str | None,
        incident: str,
        when: float,
        typed: EventBody | None = None,
    ) -> Event:
        seq = self._head[0] + 1
        prev = self._head[1]
        # journal time never steps back (a writer's `ts` read before another append, a clock
        # set back): replay at T folds a prefix, so a later event is never earlier
        when = self.stamp(when)
        self._last_ts = when
        who = self.owner if actor is None else actor
        digest = event_hash(prev, seq, when, who, kind, incident, body_text)
        self._store.insert_event(EventRow(seq, when, who, kind, incident, body_text, prev, digest))
        self._head = (seq, digest)
        event = Event(seq, when, who, kind, incident, body, prev, digest)
        if len(self._fresh) < RECENT_EVENTS:
            self._fresh.append(event)
        try:
            projections.apply(self._rows, event, typed)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            # the caller's transaction rolls the event back with everything else
            raise ValidationError(f"event {kind!r} has a malformed body: {err!r}") from None
        if kind == _CHECKPOINT and self._checkpointer is not None:
            self._checkpointer.signed(self._own_checkpoint(body))
        return event

    def stamp(self, t: float) -> float:
        """The time an event appended now with `ts=t` is given: `t`, or the head event's time
        when that is later (journal time never steps back). A writer that repeats an event's
        time in a message (a station's REPORT) stamps it first."""
        floor = self._last_ts if self._last_ts is not None else self._head_time()
        return t if t >= floor else floor

    def _head_time(self) -> float:
        """The time of the head event (minus infinity for an empty journal)."""
        seq = self._head[0]
        row = next(self._store.select_events(seq - 1, None), None) if seq else None
        return float("-inf") if row is None else float(row.ts)

    def events(
        self, after_seq: int = 0, kinds: Iterable[Kind | str] | None = None
    ) -> Iterator[Event]:
        """Events after `after_seq` (optionally only these kinds), in seq order."""
        wanted = None if kinds is None else tuple(str(k) for k in kinds)
        recent = self._recent
        if recent and recent[0].seq <= after_seq + 1 and recent[-1].seq == self._head[0]:
            # everything asked for was committed by this writer lately: no need to read it back
            start = max(0, after_seq + 1 - recent[0].seq)
            for event in list(islice(recent, start, None)):
                if wanted is None or event.kind in wanted:
                    yield event
            return
        for row in self._store.select_events(after_seq, wanted):
            yield Event(
                row.seq,
                row.ts,
                row.actor,
                row.kind,
                row.incident,
                json.loads(row.body),
                row.prev_hash,
                row.hash,
            )

    def projection_tables(self) -> projections.Tables:
        """Every stored projection: table -> key -> row (compare with `projections.fold`)."""
        return {
            table: {row[key]: row for row in self._store.select_rows(table)}
            for table, key in projections.KEY_FIELD.items()
        }

    # -- checkpoints ------------------------------------------------------------------------

    def sign_with(
        self,
        signer: Signer,
        origin: Origin,
        policy: CheckpointPolicy | None = None,
    ) -> None:
        """Checkpoint periodically from now on (see `command.journal.checkpointing`): every
        `policy.every_events` events, before an unsigned run spans `policy.every_s` seconds of
        the journal clock, from `tick`, and on close; each signed by `signer` for `origin`."""
        if self._readonly:
            raise JournalError(f"cannot sign journal {self.path}: it is open read-only")
        if not signer.public_hex.lower().startswith(origin.key_id.lower()):
            raise ValidationError(f"origin {origin.text!r} does not name the key of {signer.name}")
        cp = Checkpointer(signer, origin, policy or CheckpointPolicy())
        self._checkpointer = cp
        last_seq = 0
        for row in self._store.select_events(0, (_CHECKPOINT,)):
            last_seq = row.seq
            mine = self._own_checkpoint(json.loads(row.body))
            if mine is not None:
                cp.latest = mine
        head_seq = self._head[0]
        if head_seq > last_seq:
            first = next(self._store.select_events(last_seq, None), None)
            cp.count = head_seq - last_seq
            cp.first_at = None if first is None else float(first.ts)

    @property
    def checkpointer(self) -> Checkpointer | None:
        """The periodic signer (`sign_with`), or None when the journal does not checkpoint."""
        return self._checkpointer

    @property
    def latest_checkpoint(self) -> Checkpoint | None:
        """The newest checkpoint this journal's own signer (`sign_with`) journaled, if any."""
        return None if self._checkpointer is None else self._checkpointer.latest

    @property
    def unsigned(self) -> int:
        """Events since the last checkpoint (only known to a journal that checkpoints)."""
        return 0 if self._checkpointer is None else self._checkpointer.count

    def tick(self, now: float | None = None) -> Event | None:
        """Sign the head (reason "interval") when the oldest unsigned event is `every_s` old at
        `now` (journal clock); the engine calls this every turn. Returns the checkpoint event."""
        cp = self._checkpointer
        if cp is None or self._closed or self._readonly:
            return None
        when = float(self.clock.now() if now is None else now)
        if not cp.tick_due(when):
            return None
        with self.transaction():
            return self._sign_head(REASON_INTERVAL, when)

    def _own_checkpoint(self, body: dict[str, Any]) -> Checkpoint | None:
        """The checkpoint in `body` when it is one of this journal's origin, else None."""
        cp = self._checkpointer
        if cp is None or body.get("origin") != cp.origin.text:
            return None
        try:
            return Checkpoint.from_body(body)
        except (KeyError, TypeError, ValueError):
            return None

    def _sign_head(self, reason: str, now: float | None = None) -> Event:
        """Journal a checkpoint of the head by the journal's own signer."""
        cp = self._checkpointer
        assert cp is not None
        when = float(self.clock.now() if now is None else now)
        if not self._depth:
            with self.transaction():
                return self._sign_head(reason, when)
        seq, digest = self._head
        body = cp.sign(seq, digest, ts=when, reason=reason)
        return self._append(body.kind, body.to_body(), actor=cp.signer.name, ts=when)

    def checkpoint(self, signer: Signer) -> Event:
        """Sign the chain head and journal the signature (`baton verify` checks it). On a
        journal that checkpoints (`sign_with`) it is a full checkpoint with reason "manual",
        under the journal's origin (naming `signer`'s key); otherwise a legacy one."""
        with self.transaction():
            seq, digest = self._head
            cp = self._checkpointer
            if cp is not None:
                origin = cp.origin
                if not signer.public_hex.lower().startswith(origin.key_id.lower()):
                    origin = Origin.of(origin.incident, origin.side, origin.owner, signer)
                body = sign_checkpoint(
                    signer,
                    origin,
                    seq,
                    digest,
                    ts=float(self.clock.now()),
                    policy=cp.policy,
                    reason=REASON_MANUAL,
                )
                return self._record(body, actor=signer.name, ts=body.ts)
            signature = signer.sign(checkpoint_payload(seq, digest))
            legacy = Checkpoint(seq, digest, signer.public_hex, signature)
            return self._record(legacy, actor=signer.name)
