"""The in-memory twin of the SQLite store: same behaviour, lists and dicts, an undo log."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from command.canonical import canonical_text
from command.journal.packed import select_rows
from command.journal.store import (
    PROJECTION_TABLES,
    EventRow,
    ObservationRow,
    OrderTimes,
    OutboxRow,
    order_times,
)


class MemoryStore:
    """Holds a journal in memory; `rollback` replays an undo log kept since `begin`."""

    path: Path | None = None

    def __init__(self) -> None:
        self.meta: dict[str, str] = {}
        self.events: list[EventRow] = []
        self.rows: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in PROJECTION_TABLES}
        # (batch seq, first ts, last ts, packed blob)
        self.observations: list[tuple[int, float, float, bytes]] = []
        self.outbox: dict[str, OutboxRow] = {}
        self.inbox: dict[str, tuple[str, int]] = {}
        self.last_heard: dict[str, float] = {}
        self._undo: list[Callable[[], None]] | None = None
        self._marks: dict[str, int] = {}

    def _record(self, undo: Callable[[], None]) -> None:
        if self._undo is not None:
            self._undo.append(undo)

    def begin(self) -> None:
        """Start recording undo steps."""
        self._undo = []
        self._marks = {}

    def commit(self) -> None:
        """Forget the undo steps."""
        self._undo = None

    def rollback(self) -> None:
        """Undo every change since `begin`, newest first."""
        undo, self._undo = self._undo or [], None
        for step in reversed(undo):
            step()

    def savepoint(self, name: str) -> None:
        """Remember where the undo log stands."""
        self._marks[name] = len(self._undo or [])

    def release(self, name: str) -> None:
        """Forget the mark; its changes stay in the outer transaction."""
        self._marks.pop(name, None)

    def rollback_to(self, name: str) -> None:
        """Undo back to the mark."""
        mark = self._marks.pop(name, 0)
        undo = self._undo or []
        while len(undo) > mark:
            undo.pop()()

    def close(self) -> None:
        """Nothing to release."""

    def get_meta(self, key: str) -> str | None:
        """A meta value."""
        return self.meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        """Set a meta value."""
        self._restore(self.meta, key)
        self.meta[key] = value

    def _restore(self, mapping: dict[str, Any], key: str) -> None:
        """Record how to put `mapping[key]` back as it is now."""
        if key in mapping:
            old = mapping[key]
            self._record(lambda: mapping.__setitem__(key, old))
        else:
            self._record(lambda: mapping.pop(key, None))

    def last_event(self) -> tuple[int, str] | None:
        """(seq, hash) of the last event."""
        if not self.events:
            return None
        last = self.events[-1]
        return last.seq, last.hash

    def insert_event(self, row: EventRow) -> None:
        """Append an event."""
        if self.events and row.seq <= self.events[-1].seq:
            raise ValueError(f"event seq {row.seq} is not after {self.events[-1].seq}")
        self.events.append(row)
        self._record(lambda: self.events.__delitem__(-1))

    def select_events(self, after_seq: int, kinds: Sequence[str] | None) -> Iterator[EventRow]:
        """Events after `after_seq`, in seq order."""
        wanted = None if kinds is None else set(kinds)
        for row in list(self.events):
            if row.seq > after_seq and (wanted is None or row.kind in wanted):
                yield row

    def get_row(self, table: str, key: str) -> dict[str, Any] | None:
        """A copy of one projection row."""
        row = self.rows[table].get(key)
        return None if row is None else copy.deepcopy(row)

    def existing_keys(self, table: str, keys: Sequence[str]) -> set[str]:
        """Which of `keys` have a row in projection `table`."""
        rows = self.rows[table]
        return {k for k in keys if k in rows}

    def put_row(self, table: str, key: str, row: dict[str, Any]) -> None:
        """Store a JSON round-tripped copy, as the SQLite store would."""
        rows = self.rows[table]
        self._restore(rows, key)
        rows[key] = json.loads(canonical_text(row))

    def select_rows(self, table: str, **where: Any) -> list[dict[str, Any]]:
        """Rows in insertion order, filtered on indexed fields."""
        indexed = PROJECTION_TABLES[table]
        for name in where:
            if name not in indexed:
                raise KeyError(f"{table} has no indexed field {name!r}")
        return [
            copy.deepcopy(row)
            for row in self.rows[table].values()
            if all(row.get(name) == value for name, value in where.items())
        ]

    def open_order_times(self) -> list[OrderTimes]:
        """The open orders' timer fields, in insertion order."""
        return [order_times(row) for row in self.rows["orders"].values() if row["open"]]

    def insert_observations(
        self, batch: int, first_ts: float, last_ts: float, count: int, data: bytes
    ) -> None:
        """Keep a packed batch."""
        before = len(self.observations)
        self.observations.append((batch, first_ts, last_ts, data))
        self._record(lambda: self.observations.__delitem__(slice(before, None)))

    def select_observations(
        self,
        since: float | None,
        until: float | None,
        zone: str | None,
        metric: str | None,
    ) -> list[ObservationRow]:
        """Matching observations by ts (stable, so insertion order breaks ties)."""
        blobs = [
            (batch, data)
            for batch, first, last, data in self.observations
            if (since is None or last >= since) and (until is None or first <= until)
        ]
        return sorted(select_rows(blobs, since, until, zone, metric), key=_ts)

    def insert_outbox(self, row: OutboxRow) -> None:
        """Queue a message."""
        if row.msg_id in self.outbox:
            raise ValueError(f"message {row.msg_id} is already queued")
        self._restore(self.outbox, row.msg_id)
        self.outbox[row.msg_id] = row

    def select_outbox(
        self, peer: str | None, msg_type: str | None, pending_only: bool
    ) -> list[OutboxRow]:
        """Queued messages in seq order."""
        found = [
            r
            for r in self.outbox.values()
            if (peer is None or r.peer == peer)
            and (msg_type is None or r.msg_type == msg_type)
            and (not pending_only or r.acked_at is None)
        ]
        return sorted(found, key=lambda r: r.seq)

    def ack_outbox(self, msg_id: str, ts: float) -> bool:
        """Mark acknowledged once."""
        row = self.outbox.get(msg_id)
        if row is None or row.acked_at is not None:
            return False
        self._restore(self.outbox, msg_id)
        self.outbox[msg_id] = row._replace(acked_at=ts)
        return True

    def insert_inbox(self, msg_id: str, peer: str, seq: int) -> bool:
        """Remember a message id once."""
        if msg_id in self.inbox:
            return False
        self._restore(self.inbox, msg_id)
        self.inbox[msg_id] = (peer, seq)
        return True

    def touch(self, station: str, ts: float) -> None:
        """Keep the latest time a station was heard."""
        if ts > self.last_heard.get(station, float("-inf")):
            self._restore(self.last_heard, station)
            self.last_heard[station] = ts

    def presence(self) -> dict[str, float]:
        """station -> last heard."""
        return dict(self.last_heard)


def _ts(row: ObservationRow) -> float:
    return row.ts
