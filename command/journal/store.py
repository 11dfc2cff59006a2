"""The storage interface under the journal, kept small so the in-memory twin stays short.

A store holds rows; it knows nothing about hashing, lifecycles or projections. The journal
brackets every write in `begin()` / `commit()` (or `rollback()`), so a store only has to make
what happened between them atomic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol


class EventRow(NamedTuple):
    """One row of the `events` table; `body` is canonical JSON text."""

    seq: int
    ts: float
    actor: str
    kind: str
    incident: str
    body: str
    prev_hash: str
    hash: str


class ObservationRow(NamedTuple):
    """One row of the `observations` table; `batch` is the seq of its `observations.batch`."""

    ts: float
    feed: str
    zone: str
    metric: str
    value: float
    source: str
    batch: int


ObservationValues = tuple[float, str, str, str, float, str]
"""An observation as stored and digested: (ts, feed, zone, metric, value, source)."""


class OrderTimes(NamedTuple):
    """What an order timer reads of one open order's projection row."""

    order_id: str
    station: str
    state: str
    issued_at: float
    ack_deadline: float
    due: float


def order_times(row: dict[str, Any]) -> OrderTimes:
    """The timer fields of an order's projection row."""
    order = row["order"]
    return OrderTimes(
        str(row["id"]),
        str(row["station"]),
        str(row["state"]),
        float(order["issued_at"]),
        float(order["ack_deadline"]),
        float(order["due"]),
    )


class OutboxRow(NamedTuple):
    """One durable outgoing message; `body` is canonical JSON text."""

    msg_id: str
    peer: str
    msg_type: str
    body: str
    seq: int
    created_at: float
    acked_at: float | None


PROJECTION_TABLES: dict[str, tuple[str, ...]] = {
    "orders": ("station", "state", "open"),
    "stations": (),
    "escalations": ("order_id", "open"),
    "decisions": (),
}
"""Projection tables and the row fields each indexes (usable as `select_rows` filters).

Every projection row is a JSON object keyed by a string id; the indexed fields are copies of
fields of that object.
"""


class Store(Protocol):
    """What the journal needs from storage (SQLite file, or the in-memory twin)."""

    path: Path | None

    # transactions
    def begin(self) -> None:
        """Start a write transaction (taking the write lock now, not at the first write)."""

    def commit(self) -> None:
        """Make everything since `begin` durable."""

    def rollback(self) -> None:
        """Discard everything since `begin`."""

    def savepoint(self, name: str) -> None:
        """Open a nested savepoint inside the current transaction."""

    def release(self, name: str) -> None:
        """Keep what was done since the savepoint."""

    def rollback_to(self, name: str) -> None:
        """Undo what was done since the savepoint; the outer transaction stays open."""

    def close(self) -> None:
        """Release the storage; the store is unusable afterwards."""

    # meta
    def get_meta(self, key: str) -> str | None:
        """A value of the `meta` table."""

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the `meta` table."""

    # events
    def last_event(self) -> tuple[int, str] | None:
        """(seq, hash) of the last event, or None when there is none."""

    def insert_event(self, row: EventRow) -> None:
        """Append one event row."""

    def select_events(self, after_seq: int, kinds: Sequence[str] | None) -> Iterator[EventRow]:
        """Events with seq > after_seq (of these kinds, if given), in seq order."""

    # projections
    def get_row(self, table: str, key: str) -> dict[str, Any] | None:
        """One projection row by key."""

    def existing_keys(self, table: str, keys: Sequence[str]) -> set[str]:
        """Which of `keys` have a row in projection `table` (one query for a whole batch)."""

    def put_row(self, table: str, key: str, row: dict[str, Any]) -> None:
        """Insert or replace one projection row (its position in `select_rows` is kept)."""

    def select_rows(self, table: str, **where: Any) -> list[dict[str, Any]]:
        """Projection rows in insertion order, filtered by equality on indexed fields."""

    def open_order_times(self) -> list[OrderTimes]:
        """The open orders' timer fields, in insertion order (no row document is parsed)."""

    # observations
    def insert_observations(
        self, batch: int, first_ts: float, last_ts: float, count: int, data: bytes
    ) -> None:
        """Store the packed batch (`command.journal.packed`) of the `observations.batch` event
        at seq `batch`: `count` observations with times in [first_ts, last_ts]."""

    def select_observations(
        self,
        since: float | None,
        until: float | None,
        zone: str | None,
        metric: str | None,
    ) -> list[ObservationRow]:
        """Observations with since <= ts <= until, by ts then insertion order."""

    # outbox / inbox / presence
    def insert_outbox(self, row: OutboxRow) -> None:
        """Queue a message."""

    def select_outbox(
        self, peer: str | None, msg_type: str | None, pending_only: bool
    ) -> list[OutboxRow]:
        """Queued messages in seq order (then insertion order)."""

    def ack_outbox(self, msg_id: str, ts: float) -> bool:
        """Mark a message acknowledged; True when it was pending."""

    def insert_inbox(self, msg_id: str, peer: str, seq: int) -> bool:
        """Remember a received message id; False when it was already known."""

    def touch(self, station: str, ts: float) -> None:
        """Record when a station was last heard (kept at the latest time)."""

    def presence(self) -> dict[str, float]:
        """station -> last heard."""


def iter_kinds(kinds: Iterable[str] | None) -> tuple[str, ...] | None:
    """Normalise a `kinds` argument: None stays None, anything else becomes a tuple."""
    return None if kinds is None else tuple(kinds)
