"""The picture engine: fusion → risk → playbooks for one incident, journaling what it sees.

The console post (or a headless driver) feeds it observation batches and signals and calls
`tick(now)`; it returns level changes, new suggestions and a snapshot. It never sends orders.

At each tick, and right before each decision snapshot, the engine journals a `picture.values`
event holding the fused estimate of every indicator whose value changed since the last one it
journaled (and every stale "zone/indicator"), so every view folds the same fused values from the
journal: the live console, replay and the report show what the commander saw, and the fold's
values at a decision's instant are the values of the decision's snapshot.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from command.cap.semantics import CANCELLED_BY, AlertThreads
from command.clock import Clock
from command.journal.packed import Columns, columns
from command.model import Observation, RiskLevel, Signal
from command.picture.fusion import Fused, Fusion, Key
from command.picture.playbooks import EventSink, PlaybookEngine, Suggestion, SuggestionBook
from command.picture.risk import LevelChange, RiskBoard
from command.picture.snapshot import picture_snapshot
from command.vocabulary import PictureLevel, PictureValues, SignalReceived

if TYPE_CHECKING:
    from command.scenarios.scenario import Scenario


@runtime_checkable
class ColumnsSink(Protocol):
    """A journal that stores a batch already read into arrays (`Journal.add_columns`)."""

    def add_columns(self, batch: Columns) -> object:
        """Store a batch of observations given as columns."""
        ...


class JournalLike(EventSink, Protocol):
    """The journal methods the engine uses (`command.journal.Journal` has them)."""

    def add_observations(self, batch: Sequence[Observation]) -> object:
        """Store a batch of observations."""
        ...


@dataclass(frozen=True, slots=True)
class PictureUpdate:
    """What changed at one tick: zone level changes and newly proposed suggestions."""

    ts: float
    level_changes: tuple[LevelChange, ...]
    suggestions: tuple[Suggestion, ...]


def signal_body(signal: Signal) -> SignalReceived:
    """The `signal.received` journal body."""
    return SignalReceived(
        {
            "id": signal.id,
            "ts": signal.ts,
            "source": signal.source,
            "kind": signal.kind,
            "headline": signal.headline,
            "zone": signal.zone,
            "body": dict(signal.body),
        }
    )


class PictureEngine:
    """Owns one incident's Fusion, RiskBoard, PlaybookEngine and SuggestionBook."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        clock: Clock,
        journal: JournalLike | None = None,
        actor: str = "picture",
    ) -> None:
        self.scenario = scenario
        self.clock = clock
        self.journal = journal
        self.actor = actor
        inc = scenario.incident
        self.fusion = Fusion(
            scenario.metric_specs(),
            areas=scenario.areas(),
            derived=scenario.derived,
            trend_window_s=scenario.trend_window_s,
            stale_factor=scenario.stale_factor,
        )
        self.board = RiskBoard(scenario.thresholds, [z.id for z in inc.zones])
        self.playbooks = PlaybookEngine(scenario.playbooks, inc.zones)
        self.book = SuggestionBook(
            incident=inc.id, stations=inc.stations, clock=clock, journal=journal
        )
        self._threads = AlertThreads()  # CAP alerts and the Updates/Cancels that follow them
        self._journaled: dict[tuple[str, str], float] = {}  # (zone, indicator) → value journaled
        self._stale: tuple[str, ...] = ()  # the stale list last journaled

    def ingest(self, batch: Sequence[Observation]) -> int:
        """Fuse a batch and store it in the journal (one `observations.batch` event).

        The batch is read into arrays once (`command.journal.packed.columns`); fusion and a
        journal that takes columns (`ColumnsSink`) both use them."""
        cols = columns(batch)
        if not (np.isfinite(cols.ts).all() and np.isfinite(cols.values).all()):
            accepted = self.fusion.ingest(batch)  # the journal stores finite values only
            batch = [o for o in batch if math.isfinite(o.value)]
            if self.journal is not None and batch:
                self.journal.add_observations(batch)
            return accepted
        accepted = self.fusion.ingest_columns(cols)
        if self.journal is None or not accepted:
            return accepted
        if isinstance(self.journal, ColumnsSink):
            self.journal.add_columns(cols)
        else:
            self.journal.add_observations(batch)
        return accepted

    def signal(self, signal: Signal) -> list[Suggestion]:
        """Journal an incoming signal and propose what its playbooks suggest.

        A CAP Update continues the thread of the alert it references (nothing that fired for it
        fires again); a CAP Cancel proposes nothing and withdraws the thread's open suggestions
        (each dismissed by `cap-cancel` with the reason journaled).
        """
        if self.journal is not None:
            self.journal.record(
                signal_body(signal),
                actor=signal.source,
                incident=self.scenario.incident.id,
            )  # stamped when received: the sender's own time is the signal's "ts"
        step = self._threads.observe(signal)
        if step.cancels:
            self._withdraw(signal, step.thread)
            return []
        proposed = self.playbooks.on_signal(signal, signal.ts, thread=step.thread)
        return [self.book.propose(s) for s in proposed]

    def _withdraw(self, cancel: Signal, thread: str) -> None:
        """A CAP Cancel: dismiss the thread's open suggestions, journaling why."""
        why = f"withdrawn: {cancel.source} cancelled alert {thread} (CAP Cancel {cancel.id})"
        for s in self.book.open():
            if self._threads.thread_of(s.signal) == thread:
                self.book.dismiss(s.id, by=CANCELLED_BY, why=why)

    def tick(self, now: float) -> PictureUpdate:
        """Re-rate the zones at `now`, journal the changed fused values and the level changes,
        propose level-triggered playbooks."""
        fused = self.fusion.indicators(now)
        self._journal_values(fused, now)
        changes = self.board.update(fused, now)
        if self.journal is not None:
            for change in changes:
                self.journal.record(
                    PictureLevel(
                        change.zone,
                        change.level.label,
                        change.previous.label,
                        change.indicator,
                        change.value,
                    ),
                    actor=self.actor,
                    incident=self.scenario.incident.id,
                    ts=now,
                )
        suggestions = [self.book.propose(s) for s in self.playbooks.on_levels(self._level, now)]
        return PictureUpdate(now, tuple(changes), tuple(suggestions))

    def values(self, now: float) -> PictureValues | None:
        """Journal the fused values that changed since the last `picture.values` (and the stale
        list); the event's body, or None when nothing changed (nothing is journaled then)."""
        return self._journal_values(self.fusion.indicators(now), now)

    def _journal_values(self, fused: Mapping[Key, Fused], now: float) -> PictureValues | None:
        changed: dict[str, dict[str, float]] = {}
        stale: list[str] = []
        for (zone, indicator), f in sorted(fused.items()):
            if f.stale:
                stale.append(f"{zone}/{indicator}")
            value = f.value
            if value is None or not math.isfinite(value):
                continue
            if self._journaled.get((zone, indicator)) != value:
                changed.setdefault(zone, {})[indicator] = value
        if not changed and tuple(stale) == self._stale:
            return None
        body = PictureValues(changed, tuple(stale))
        if self.journal is not None:
            self.journal.record(
                body,
                actor=self.actor,
                incident=self.scenario.incident.id,
                ts=now,
            )
        for zone, metrics in changed.items():
            for indicator, value in metrics.items():
                self._journaled[(zone, indicator)] = value
        self._stale = tuple(stale)
        return body

    def _level(self, zone: str, indicator: str | None) -> RiskLevel:
        if indicator is None:
            return self.board.level(zone)
        return self.board.indicator_level(zone, indicator)

    def snapshot(self, now: float) -> dict[str, Any]:
        """The JSON-ready picture at `now` (for decision entries), after journaling the fused
        values that changed, so the journal's values at this instant are the snapshot's."""
        self.values(now)
        return picture_snapshot(self.scenario.incident.zones, self.fusion, self.board, now)
