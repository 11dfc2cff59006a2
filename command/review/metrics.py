"""The report's key-metric plots: what each shows, read from the one fold.

Each key metric of the incident (else every fused series, else the first feeds) is plotted as
the fused estimate the console journaled (`picture.values`, the fold's `zones.series`), with the
stored observations as a faint layer behind it. A journal written before fused values were
journaled falls back to the stored observations (interval medians) and says so in the title; a
metric with no data at all is left out, with a line saying so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from command.fold import IncidentState
from command.review.replay import ObservationSource
from command.review.series import PlotSeries, plot_series

RAW_TITLE = "raw observations"


@dataclass(frozen=True, slots=True)
class MetricPlot:
    """One plot of the report: a zone's indicator over the incident's time."""

    zone: str
    metric: str
    title: str
    unit: str
    times: Sequence[float]
    values: Sequence[float]
    thresholds: Mapping[str, float] = field(default_factory=dict)
    fused: bool = True  # False: `times`/`values` are the stored observations (older journals)
    raw_times: Sequence[float] = ()  # the stored observations behind a fused series
    raw_values: Sequence[float] = ()


@dataclass
class MetricPlots:
    """The plots to draw and a line for each one left out for want of data."""

    plots: list[MetricPlot] = field(default_factory=list)
    no_data: list[str] = field(default_factory=list)


def _wanted(state: IncidentState) -> list[Mapping[str, Any]]:
    """The key metrics; without them every fused series, else every feed (as the window)."""
    if state.info.key_metrics:
        return [km for km in state.info.key_metrics if "zone" in km and "metric" in km]
    if state.zones.series:
        return [{"zone": z, "metric": m} for z, m in sorted(state.zones.series)]
    return [{"zone": f["zone"], "metric": f["metric"]} for f in state.info.feeds if "zone" in f]


def metric_plots(
    state: IncidentState,
    observations: ObservationSource | None,
    derived: Mapping[str, str] | None = None,
) -> MetricPlots:
    """Every plot of the report for the fold `state` (observations: the journal's store)."""
    out = MetricPlots()
    t0, t1 = state.first_ts, state.last_ts
    if t0 is None or t1 is None:
        return out
    raw_series = {(s.zone, s.metric): s for s in plot_series(state.info.raw or {}, derived)}
    for km in _wanted(state):
        zone, metric = str(km["zone"]), str(km["metric"])
        zone_name = state.info.zones.get(zone) or _zone_name(state, zone)
        label = str(km.get("title") or metric)
        title = f"{zone_name} — {label}"
        unit = str(km.get("unit") or "")
        thresholds = {str(k): float(v) for k, v in dict(km.get("thresholds") or {}).items()}
        fused = state.zones.series_of(zone, metric)
        raw = _raw(raw_series.get((zone, metric)), observations, t0, t1)
        if fused.times:
            out.plots.append(
                MetricPlot(
                    zone,
                    metric,
                    title,
                    unit,
                    list(fused.times),
                    list(fused.values),
                    thresholds,
                    True,
                    raw[0],
                    raw[1],
                )
            )
        elif raw[0]:
            out.plots.append(
                MetricPlot(
                    zone,
                    metric,
                    f"{title} ({RAW_TITLE})",
                    unit,
                    raw[0],
                    raw[1],
                    thresholds,
                    False,
                )
            )
        else:
            out.no_data.append(f"no data for {title}")
    return out


def scenario_derived(opened: Mapping[str, Any]) -> dict[str, str] | None:
    """Derived indicators of the journal's scenario ({name: observed metric}), if it is shipped."""
    name = opened.get("scenario")
    if not name:
        return None
    try:
        from command.scenarios.loader import load_scenario

        return {d.name: d.metric for d in load_scenario(str(name)).derived}
    except Exception:  # not shipped here, or renamed: density from crowd is the default
        return None


def _zone_name(state: IncidentState, zone: str) -> str:
    row = state.zones.get(zone)
    return row.name if row is not None and row.name else zone


def _raw(
    series: PlotSeries | None, source: ObservationSource | None, t0: float, t1: float
) -> tuple[list[float], list[float]]:
    """Interval medians of the stored observations of one plotted metric, within [t0, t1]."""
    if series is None or source is None:
        return [], []
    return series.points(source, series.complete_until(t0), t1)
