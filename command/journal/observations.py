"""Observations: batches of feed values stored beside the chain, each covered by one
`observations.batch` event holding its digest (`baton verify` recomputes it)."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from command.errors import ValidationError
from command.journal.chain import batch_digest
from command.journal.core import JournalCore
from command.journal.records import Event
from command.journal.store import ObservationValues
from command.model import Observation
from command.vocabulary import ObservationsBatch

_OBSERVATION_FIELDS = attrgetter("ts", "feed", "zone", "metric", "value", "source")


class Observations(JournalCore):
    """Feed values and their batch events (a mixin of `Journal`)."""

    def add_observations(self, batch: Sequence[Observation]) -> Event:
        """Store a batch of feed values plus one `observations.batch` event with its digest.

        The digest is SHA-256 of the canonical JSON list of `[ts, feed, zone, metric, value,
        source]` rows; `baton verify` recomputes it from the stored rows.
        """
        if not batch:
            raise ValidationError("an observation batch needs at least one observation")
        rows: list[ObservationValues] = list(map(_OBSERVATION_FIELDS, batch))
        if not all(type(r[0]) is float and type(r[4]) is float for r in rows):
            rows = [(float(r[0]), r[1], r[2], r[3], float(r[4]), r[5]) for r in rows]
        try:
            digest = batch_digest(rows)
        except ValueError:
            raise ValidationError("an observation batch holds a value that is not finite") from None
        except TypeError as err:
            raise ValidationError(
                f"an observation batch holds a value that is not JSON: {err}"
            ) from None
        times = [r[0] for r in rows]
        with self.transaction():
            event = self._record(ObservationsBatch(len(rows), digest, min(times), max(times)))
            self._store.insert_observations(event.seq, rows)
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
