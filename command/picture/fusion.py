"""Feed fusion: per zone and metric the latest robust value, its trend, source agreement and
staleness, plus derived indicators such as crowd density.

Ingest is the hot path (≥ 100,000 observations/s with the journal): it only records the latest
value of each source and, once per touched series and batch, the fused estimate for the trend;
`ingest_columns` takes a batch as NumPy arrays (the picture engine's path).
Everything else (trend fit, staleness, agreement) is computed when the picture is read.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import median

import numpy as np

from command.journal.packed import Columns
from command.model import Observation

#: A series is keyed by (zone, metric); derived indicators use their own name as the metric.
Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """How one zone's metric is fused: its expected reporting interval and agreement bound.

    A source is fresh while it has reported within `interval_s * stale_factor`; sources disagree
    when one lies further than `max(agree_abs, agree_rel * |median|)` from the median.
    """

    zone: str
    metric: str
    interval_s: float
    unit: str = ""
    stale_factor: float = 3.0
    agree_abs: float = 0.0
    agree_rel: float = 0.25


@dataclass(frozen=True, slots=True)
class DerivedSpec:
    """A derived indicator: `name` = fused `metric` / zone area (e.g. density = crowd / m²)."""

    name: str
    metric: str
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Fused:
    """The fused state of one indicator of one zone at a time.

    `value` is the robust estimate from fresh sources; when the indicator is `stale` it is the
    last value known (never a made-up zero) and `None` when nothing was ever received.
    """

    zone: str
    indicator: str
    value: float | None
    unit: str
    latest_ts: float | None
    age_s: float | None
    stale: bool
    trend_per_min: float | None
    sources: int
    disagreement: bool
    outliers: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (used in snapshots)."""
        return {
            "value": _finite(self.value),
            "unit": self.unit,
            "latest_ts": self.latest_ts,
            "age_s": None if self.age_s is None else round(self.age_s, 3),
            "stale": self.stale,
            "trend_per_min": _finite(self.trend_per_min),
            "sources": self.sources,
            "disagreement": self.disagreement,
            "outliers": list(self.outliers),
        }


def _finite(x: float | None) -> float | None:
    return x if x is None or math.isfinite(x) else None


def robust_estimate(values: Sequence[float]) -> float:
    """The median: with three or more sources one wild source cannot move it outside the others."""
    return float(median(values))


def trend_per_minute(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of (ts, value) points in units per minute; None with under two."""
    n = len(points)
    if n < 2:
        return None
    t0 = points[0][0]
    sx = sy = sxx = sxy = 0.0
    for ts, v in points:
        x = ts - t0
        sx += x
        sy += v
        sxx += x * x
        sxy += x * v
    den = n * sxx - sx * sx
    if den <= 0:
        return None
    return (n * sxy - sx * sy) / den * 60.0


class _Series:
    """Mutable state of one (zone, metric): latest value per source and fused history."""

    __slots__ = ("history", "sources", "spec")

    def __init__(self, spec: MetricSpec) -> None:
        self.spec = spec
        self.sources: dict[str, tuple[float, float]] = {}
        self.history: deque[tuple[float, float]] = deque()

    def fresh(self, now: float) -> dict[str, float]:
        limit = self.spec.interval_s * self.spec.stale_factor
        return {s: v for s, (ts, v) in self.sources.items() if now - ts <= limit}

    def latest_ts(self) -> float | None:
        return max((ts for ts, _ in self.sources.values()), default=None)


class Fusion:
    """Fuses observations into a per-zone picture; not thread-safe (one engine thread owns it)."""

    def __init__(
        self,
        specs: Iterable[MetricSpec] = (),
        *,
        areas: Mapping[str, float] | None = None,
        derived: Iterable[DerivedSpec] = (),
        trend_window_s: float = 600.0,
        default_interval_s: float = 60.0,
        stale_factor: float = 3.0,
    ) -> None:
        self._specs = {(s.zone, s.metric): s for s in specs}
        self._areas = dict(areas or {})
        self._derived = tuple(derived)
        self._window = trend_window_s
        self._default_interval = default_interval_s
        self._stale_factor = stale_factor
        self._series: dict[Key, _Series] = {}
        self.ingested = 0
        self.rejected = 0

    # -- ingest (hot path) -------------------------------------------------------------------

    def ingest(self, batch: Sequence[Observation]) -> int:
        """Take in one batch of observations; returns how many were accepted.

        Non-finite values are rejected (counted in `rejected`); an observation older than the
        source's latest one does not replace it.
        """
        series = self._series
        touched: dict[Key, float] = {}
        isfinite = math.isfinite
        accepted = 0
        for o in batch:
            value = o.value
            if not isfinite(value):
                self.rejected += 1
                continue
            key = (o.zone, o.metric)
            s = series.get(key)
            if s is None:
                s = series[key] = _Series(self._spec_for(key))
            srcs = s.sources
            cur = srcs.get(o.source)
            if cur is None or o.ts >= cur[0]:
                srcs[o.source] = (o.ts, value)
            last = touched.get(key)
            if last is None or o.ts > last:
                touched[key] = o.ts
            accepted += 1
        self._fuse(touched)
        self.ingested += accepted
        return accepted

    def ingest_columns(self, batch: Columns) -> int:
        """`ingest` for a batch read into arrays (`command.journal.packed.columns`, which the
        journal stores as it is): the same picture, with Python touching one object per source
        and batch instead of one per observation.

        Per (zone, metric, source) only the newest observation of the batch (the last of equal
        times) can replace the source's latest value, so NumPy picks those; a value or time
        that is not finite is rejected.
        """
        n = len(batch)
        if not n:
            return 0
        ts, values = batch.ts, batch.values
        finite = np.isfinite(values) & np.isfinite(ts)
        rows = np.arange(n) if finite.all() else np.flatnonzero(finite)
        accepted = len(rows)
        self.rejected += n - accepted
        if not accepted:
            return 0
        # (zone, metric, source) of each series of the batch, numbered; feeds that share one
        # share its number
        sources: dict[tuple[str, str, str], int] = {}
        of_series = np.fromiter(
            (sources.setdefault((z, m, src), len(sources)) for _f, z, m, src in batch.series),
            np.intp,
            len(batch.series),
        )
        group = of_series[batch.index[rows]]
        order = np.lexsort((rows, ts[rows], group))  # by group, then time, then position
        group = group[order]
        ends = np.flatnonzero(np.append(group[1:] != group[:-1], True))
        newest = rows[order[ends]]
        names = list(sources)
        series = self._series
        touched: dict[Key, float] = {}
        for g, t_new, v_new in zip(
            group[ends].tolist(), ts[newest].tolist(), values[newest].tolist(), strict=True
        ):
            zone, metric, source = names[g]
            key = (zone, metric)
            s = series.get(key)
            if s is None:
                s = series[key] = _Series(self._spec_for(key))
            cur = s.sources.get(source)
            if cur is None or t_new >= cur[0]:
                s.sources[source] = (t_new, v_new)
            last = touched.get(key)
            if last is None or t_new > last:
                touched[key] = t_new
        self._fuse(touched)
        self.ingested += accepted
        return accepted

    def _fuse(self, touched: Mapping[Key, float]) -> None:
        """Once per touched series and batch: the fused estimate for the trend."""
        series = self._series
        for key, ts in touched.items():
            s = series[key]
            fresh = s.fresh(ts)
            if fresh:
                hist = s.history
                hist.append((ts, robust_estimate(list(fresh.values()))))
                while hist and hist[0][0] < ts - self._window:
                    hist.popleft()

    def _spec_for(self, key: Key) -> MetricSpec:
        spec = self._specs.get(key)
        if spec is None:
            spec = MetricSpec(
                key[0], key[1], self._default_interval, stale_factor=self._stale_factor
            )
            self._specs[key] = spec
        return spec

    # -- reading -----------------------------------------------------------------------------

    def keys(self) -> list[Key]:
        """Every (zone, metric) known from the specs or seen in a feed, sorted."""
        return sorted(set(self._specs) | set(self._series))

    def get(self, zone: str, metric: str, now: float) -> Fused:
        """The fused state of a raw metric at `now` (stale when no source is fresh)."""
        key = (zone, metric)
        s = self._series.get(key)
        spec = self._specs.get(key) or self._spec_for(key)
        if s is None or not s.sources:
            return Fused(zone, metric, None, spec.unit, None, None, True, None, 0, False, ())
        latest = s.latest_ts()
        assert latest is not None
        fresh = s.fresh(now)
        if not fresh:
            last_known = robust_estimate([v for _, v in s.sources.values()])
            return Fused(
                zone, metric, last_known, spec.unit, latest, now - latest, True, None, 0, False, ()
            )
        est = robust_estimate(list(fresh.values()))
        outliers: tuple[str, ...] = ()
        if len(fresh) >= 2:
            bound = max(spec.agree_abs, spec.agree_rel * abs(est))
            outliers = tuple(sorted(src for src, v in fresh.items() if abs(v - est) > bound))
        points = [p for p in s.history if p[0] >= now - self._window and p[0] <= now]
        return Fused(
            zone,
            metric,
            est,
            spec.unit,
            latest,
            max(0.0, now - latest),
            False,
            trend_per_minute(points),
            len(fresh),
            bool(outliers),
            outliers,
        )

    def derived(self, zone: str, spec: DerivedSpec, now: float) -> Fused | None:
        """A derived indicator of `zone` (None when the zone has no area or no base metric)."""
        area = self._areas.get(zone)
        key = (zone, spec.metric)
        if not area or (key not in self._specs and key not in self._series):
            return None
        base = self.get(zone, spec.metric, now)
        return Fused(
            zone,
            spec.name,
            None if base.value is None else base.value / area,
            spec.unit,
            base.latest_ts,
            base.age_s,
            base.stale,
            None if base.trend_per_min is None else base.trend_per_min / area,
            base.sources,
            base.disagreement,
            base.outliers,
        )

    def indicators(self, now: float) -> dict[Key, Fused]:
        """Every raw metric and derived indicator of every zone, keyed by (zone, indicator)."""
        out: dict[Key, Fused] = {}
        for zone, metric in self.keys():
            out[(zone, metric)] = self.get(zone, metric, now)
        zones = {z for z, _ in out}
        for zone in sorted(zones):
            for spec in self._derived:
                fused = self.derived(zone, spec, now)
                if fused is not None:
                    out[(zone, spec.name)] = fused
        return out
