"""Observations: batches of feed values stored beside the chain, one packed row per batch,
each covered by one `observations.batch` event holding its digest (`baton verify` recomputes
it)."""

from __future__ import annotations

from collections.abc import Sequence

from command.journal.core import JournalCore
from command.journal.packed import Columns, columns, pack
from command.journal.records import Event
from command.model import Observation
from command.vocabulary import ObservationsBatch


class Observations(JournalCore):
    """Feed values and their batch events (a mixin of `Journal`)."""

    def add_observations(self, batch: Sequence[Observation]) -> Event:
        """Store a batch of feed values as one packed row plus one `observations.batch` event
        with its digest (SHA-256 of the packed blob, `command.journal.packed`); `baton verify`
        recomputes it from the stored blob."""
        return self.add_columns(columns(batch))

    def add_columns(self, batch: Columns) -> Event:
        """`add_observations` for a batch already read into arrays (the picture engine's)."""
        packed = pack(batch)
        with self.transaction():
            event = self._record(
                ObservationsBatch(packed.count, packed.digest, packed.first_ts, packed.last_ts)
            )
            self._store.insert_observations(
                event.seq, packed.first_ts, packed.last_ts, packed.count, packed.data
            )
        return event

    def observations(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        zone: str | None = None,
        metric: str | None = None,
    ) -> list[Observation]:
        """Stored feed values with since <= ts <= until, by time."""
        return [
            Observation(r.ts, r.feed, r.zone, r.metric, r.value, r.source)
            for r in self._store.select_observations(since, until, zone, metric)
        ]
