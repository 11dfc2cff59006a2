"""Key-metric series for the replay plots, read from a journal's observations.

A zone's metric is reported by several sources (video, Wi-Fi, carrier...): the replay plots one
value per feed interval, the median of the values received in it, and only for intervals that
are over at T (so a point never changes once drawn). A derived indicator (density = crowd / zone
area) is computed from its source metric, as fusion does.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from command.review.replay import ObservationSource, ReplayIndex

MAX_FEEDS_PLOTTED = 12  # without key metrics, the first feeds only
PER_SERIES_QUERIES = 24


@dataclass(frozen=True, slots=True)
class PlotSeries:
    """How to read one plotted (zone, metric): from which observed metric, bucket, divisor."""

    zone: str
    metric: str
    source_metric: str
    interval_s: float
    divisor: float = 1.0

    def points(
        self, source: ObservationSource, since: float | None, until: float
    ) -> tuple[list[float], list[float]]:
        """Bucket medians for the intervals that start at or after `since` and end by `until`."""
        rows = source.observations(
            since=since, until=until, zone=self.zone, metric=self.source_metric
        )
        return self.bucket([(r.ts, r.value) for r in rows], since, until)

    def bucket(
        self, rows: Sequence[tuple[float, float]], since: float | None, until: float
    ) -> tuple[list[float], list[float]]:
        """Bucket medians of (ts, value) rows of this series' source metric (see `points`)."""
        buckets: dict[int, list[float]] = {}
        for ts_, value in rows:
            buckets.setdefault(math.floor(ts_ / self.interval_s), []).append(value)
        ts: list[float] = []
        values: list[float] = []
        for b in sorted(buckets):
            start, end = b * self.interval_s, (b + 1) * self.interval_s
            if end > until or (since is not None and start < since):
                continue
            ts.append(end)
            values.append(statistics.median(buckets[b]) / self.divisor)
        return ts, values

    def complete_until(self, t: float) -> float:
        """The end of the last interval that is over at `t` (where the next read starts)."""
        return math.floor(t / self.interval_s) * self.interval_s


def plot_series(
    opened: Mapping[str, Any], derived: Mapping[str, str] | None = None
) -> list[PlotSeries]:
    """The series of the incident's key metrics (else of every feed).

    `derived` maps a derived indicator to the observed metric it divides by the zone's area
    (the scenario's `derived` list); without it, density is read from crowd.
    """
    derived = dict(derived or {"density": "crowd"})
    feeds = {
        (str(f["zone"]), str(f["metric"])): float(f.get("interval_s") or 60.0)
        for f in opened.get("feeds", [])
    }
    areas = {
        str(z["id"]): float(z.get("area_m2") or 0.0)
        for z in (opened.get("incident") or {}).get("zones", [])
    }
    out: list[PlotSeries] = []
    keys: Sequence[tuple[str, str]] = [
        (str(k["zone"]), str(k["metric"])) for k in opened.get("key_metrics", [])
    ] or list(feeds)[:MAX_FEEDS_PLOTTED]
    for zone, metric in keys:
        if (zone, metric) in feeds:
            out.append(PlotSeries(zone, metric, metric, feeds[(zone, metric)]))
            continue
        base = derived.get(metric)
        if base and (zone, base) in feeds and areas.get(zone):
            out.append(PlotSeries(zone, metric, base, feeds[(zone, base)], areas[zone]))
    return out


def series_points(
    series: Sequence[PlotSeries],
    source: ObservationSource,
    last: float | None,
    t: float,
    window_s: float,
) -> list[tuple[list[float], list[float]]]:
    """Each series' new points for a move of T from `last` (None: the window before `t`).

    One observations query covers every series; rows are grouped by zone and metric here.
    """
    if last is None:
        starts = [s.complete_until(t - window_s) for s in series]
    else:
        starts = [s.complete_until(last) for s in series]
    if len(series) <= PER_SERIES_QUERIES:  # an indexed query each beats one wide scan
        return [s.points(source, start, t) for s, start in zip(series, starts, strict=True)]
    rows = source.observations(since=min(starts), until=t)
    wanted = {(s.zone, s.source_metric) for s in series}
    grouped: dict[tuple[str, str], list[tuple[float, float]]] = {k: [] for k in wanted}
    for r in rows:
        key = (r.zone, r.metric)
        if key in grouped:
            grouped[key].append((r.ts, r.value))
    return [
        s.bucket([p for p in grouped[(s.zone, s.source_metric)] if p[0] >= start], start, t)
        for s, start in zip(series, starts, strict=True)
    ]


def latest_values(index: ReplayIndex, t: float) -> dict[str, dict[str, float]]:
    """Latest value per zone and metric at `t`, within 3 feed intervals (one query).

    The same answer as `ReplayIndex.values_at`, without a query per feed.
    """
    source = index.observations
    if source is None or not index.feeds:
        return {}
    horizon = {(z, m): 3 * interval for z, m, interval in index.feeds}
    rows = source.observations(since=t - max(horizon.values()), until=t)
    out: dict[str, dict[str, float]] = {}
    for r in rows:  # by time: later values overwrite earlier ones
        limit = horizon.get((r.zone, r.metric))
        if limit is not None and r.ts >= t - limit:
            out.setdefault(r.zone, {})[r.metric] = r.value
    return out
