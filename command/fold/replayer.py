"""Seeking through a journal: the fold's state at any time T, without re-folding from the start.

The events are read once; every `stride` events the replayer keeps the index of that event and,
lazily, a folded state up to it. Seeking to T folds forward from the nearest kept state before T
(a copy of it, `IncidentState.copy`: each model copies its own containers and shares its frozen
rows), so every seek costs at most `stride` events plus one cheap copy.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from command.fold.incident import IncidentState, journal_times
from command.vocabulary import EventLike

STRIDE = 250  # events between kept states: a seek folds fewer than this many


class Replayer:
    """The state of one journal at any time T (same answer every time for the same T)."""

    def __init__(self, events: Sequence[EventLike], *, stride: int = STRIDE) -> None:
        self.events = list(events)
        self.times = journal_times(self.events)
        self.stride = max(1, stride)
        self._kept: dict[int, IncidentState] = {0: IncidentState()}

    @property
    def start(self) -> float | None:
        """The time of the first event."""
        return self.times[0] if self.times else None

    @property
    def end(self) -> float | None:
        """The time of the last event."""
        return self.times[-1] if self.times else None

    def count_until(self, t: float) -> int:
        """How many events were journaled by time t: the longest prefix (in seq order) whose
        times are all ≤ t, as `fold_until` folds (see `journal_times`)."""
        return bisect.bisect_right(self.times, t)

    def state_at(self, t: float) -> IncidentState:
        """A fresh state holding every event with ts ≤ t (folding into it changes no kept state)."""
        n = self.count_until(t)
        base = (n // self.stride) * self.stride
        self._keep(base)
        state = self._kept[base].copy()
        state.apply_all(self.events[base:n])
        return state

    def _keep(self, index: int) -> None:
        if index in self._kept:
            return
        below = max(k for k in self._kept if k <= index)
        state = self._kept[below].copy()
        for k in range(below, index, self.stride):
            state.apply_all(self.events[k : k + self.stride])
            self._kept[k + self.stride] = state.copy()
