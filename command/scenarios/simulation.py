"""The feed simulator: deterministic observation batches and injected signals over scenario time.

All values are drawn once at construction (a few thousand points per source), so the same seed
gives the same observations however the time range is split into calls.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from command.model import Observation, Signal
from command.scenarios.scenario import FeedSpec, Scenario


class FeedSimulator:
    """Generates a scenario's feeds: each source reports every `interval_s` with its own phase.

    `batches_between(t0, t1)` gives the observations with t0 ≤ ts < t1 (epoch seconds), grouped
    into batches of `batch_s` scenario seconds; `signals_between` the timeline's signals.
    """

    def __init__(self, scenario: Scenario, seed: int = 1, *, batch_s: float = 1.0) -> None:
        self.scenario = scenario
        self.seed = seed
        self.batch_s = batch_s
        self._series: list[tuple[str, str, str, str]] = []  # feed, zone, metric, source
        ts_parts: list[np.ndarray] = []
        val_parts: list[np.ndarray] = []
        idx_parts: list[np.ndarray] = []
        rng = np.random.default_rng(seed)
        for feed in scenario.feeds:
            for source in feed.sources:
                ts, values = self._draw(feed, source, rng)
                ts_parts.append(ts)
                val_parts.append(values)
                idx_parts.append(np.full(len(ts), len(self._series), dtype=np.int32))
                self._series.append((feed.feed_id, feed.zone, feed.metric, source))
        if ts_parts:
            all_ts = np.concatenate(ts_parts)
            order = np.argsort(all_ts, kind="stable")
            self._ts = all_ts[order]
            self._values = np.concatenate(val_parts)[order]
            self._idx = np.concatenate(idx_parts)[order]
        else:
            self._ts = np.zeros(0)
            self._values = np.zeros(0)
            self._idx = np.zeros(0, dtype=np.int32)

    def _draw(
        self, feed: FeedSpec, source: str, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        sc = self.scenario
        duration_s = sc.duration_min * 60.0
        phase = rng.uniform(0.0, feed.interval_s)
        offsets = np.arange(phase, duration_s, feed.interval_s)
        minutes = offsets / 60.0
        keep = np.ones(len(offsets), dtype=bool)
        for a, b in feed.gaps:
            keep &= ~((minutes >= a) & (minutes < b))
        base = np.array([feed.value_at(float(m)) for m in minutes])
        noise = rng.normal(0.0, 1.0, len(base)) * (feed.noise * np.abs(base) + feed.noise_abs)
        values = base + noise
        if feed.wild is not None and feed.wild.source == source:
            lo, hi = feed.wild.factor
            hit = rng.random(len(values)) < feed.wild.probability
            values = np.where(hit, values * rng.uniform(lo, hi, len(values)), values)
        floor = feed.floor
        if floor is None and min(v for _, v in feed.curve) >= 0:
            floor = 0.0
        if floor is not None:
            values = np.maximum(values, floor)
        if feed.integer:
            values = np.round(values)
        return sc.start + offsets[keep], values[keep]

    @property
    def total(self) -> int:
        """How many observations the whole scenario produces."""
        return len(self._ts)

    def observations_between(self, t0: float, t1: float) -> list[Observation]:
        """Observations with t0 ≤ ts < t1, in time order."""
        lo, hi = np.searchsorted(self._ts, [t0, t1], side="left")
        series = self._series
        return [
            Observation(ts, series[i][0], series[i][1], series[i][2], value, series[i][3])
            for ts, value, i in zip(
                self._ts[lo:hi].tolist(),
                self._values[lo:hi].tolist(),
                self._idx[lo:hi].tolist(),
                strict=True,
            )
        ]

    def batches_between(self, t0: float, t1: float) -> list[list[Observation]]:
        """Observations with t0 ≤ ts < t1 grouped into batches of `batch_s` scenario seconds."""
        batches: list[list[Observation]] = []
        current: list[Observation] = []
        bucket: int | None = None
        start = self.scenario.start
        for obs in self.observations_between(t0, t1):
            b = int((obs.ts - start) // self.batch_s)
            if b != bucket and current:
                batches.append(current)
                current = []
            bucket = b
            current.append(obs)
        if current:
            batches.append(current)
        return batches

    def signals_between(self, t0: float, t1: float) -> list[Signal]:
        """Timeline signals with t0 ≤ ts < t1 (their `ts` is the scenario time of injection)."""
        return [replace(e.signal) for e in self.scenario.timeline if t0 <= e.signal.ts < t1]
