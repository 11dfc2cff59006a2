"""Picture updates (fusion output) and observation batches as plain samples for the views.

The console only needs, per zone: the latest value of each metric (for the plots), the risk level
and a key figure (for the map). `samples(update)` accepts the shapes the engine may hand over:

- an iterable of `Observation`-like objects (zone, metric, ts, value);
- a picture snapshot (`command.picture.snapshot.picture_snapshot`): `{ts, zones: {zone: {level,
  indicators: {name: {value, unit, latest_ts, stale, level, ...}}}}}` — `metrics` is accepted for
  `indicators`, and a plain number for an indicator's dict; a zone's key figure is its
  highest-level indicator (or an explicit `figure`);
- a mapping of (zone, indicator) → `Fused` (`Fusion.indicators(now)`);
- a mapping or object with `readings`: an iterable of objects with zone, metric, value, ts and
  optionally level / stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from command.fold.zones import level_index


@dataclass(frozen=True, slots=True)
class Sample:
    """One metric value of one zone at one time; level/figure when the update carries them."""

    zone: str
    metric: str
    ts: float
    value: float
    level: int | None = None
    stale: bool = False


@dataclass(frozen=True, slots=True)
class ZoneStatus:
    """A zone's level and key figure as carried by a picture update."""

    zone: str
    level: int | None
    figure: str
    stale: bool = False


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def samples(update: Any, prefer: Sequence[str] = ()) -> tuple[list[Sample], list[ZoneStatus]]:
    """The plot samples and zone statuses carried by `update` (see the module docstring).

    A zone's key figure is its highest-level indicator; ties go to the first of `prefer` (the
    indicators that have thresholds), then to the first indicator.
    """
    out: list[Sample] = []
    statuses: list[ZoneStatus] = []
    ts0 = _get(update, "ts")
    zones = _get(update, "zones")
    readings = _get(update, "readings")
    if isinstance(update, Mapping) and update and all(isinstance(k, tuple) for k in update):
        readings = [_fused_reading(k, v) for k, v in update.items()]
    if zones is not None:
        items = (
            zones.items() if isinstance(zones, Mapping) else ((_get(z, "zone"), z) for z in zones)
        )
        for zone, z in items:
            level = _get(z, "level")
            metrics = _get(z, "indicators")
            if metrics is None:
                metrics = _get(z, "metrics")
            figure = str(_get(z, "figure", "") or "")
            best: tuple[int, int, str, Any] | None = None
            for metric, m in dict(metrics or {}).items():
                if isinstance(m, int | float):
                    value, ts, mlevel, stale = m, ts0, None, False
                else:
                    value = _get(m, "value")
                    ts = _get(m, "latest_ts", _get(m, "ts", ts0))
                    mlevel, stale = _get(m, "level"), bool(_get(m, "stale", False))
                lvl = None if mlevel is None else level_index(mlevel)
                rank = prefer.index(metric) if metric in prefer else len(prefer)
                if value is not None and (
                    best is None or ((lvl or 0), -rank) > (best[0], -best[1])
                ):
                    best = (lvl or 0, rank, str(metric), m)
                if value is None or ts is None or stale:
                    continue
                out.append(Sample(str(zone), str(metric), float(ts), float(value), lvl, stale))
            if not figure and best is not None:
                figure = _figure(best[3])
            stale_zone = bool(_get(z, "stale")) and best is not None and best[2] in _get(z, "stale")
            statuses.append(
                ZoneStatus(
                    str(zone), None if level is None else level_index(level), figure, stale_zone
                )
            )
        return out, statuses
    source: Iterable[Any] = readings if readings is not None else update
    for r in source:
        value = _get(r, "value")
        ts = _get(r, "ts", ts0)
        if value is None or ts is None or _get(r, "stale", False):
            continue
        level = _get(r, "level")
        out.append(
            Sample(
                str(_get(r, "zone")),
                str(_get(r, "metric")),
                float(ts),
                float(value),
                None if level is None else level_index(level),
                bool(_get(r, "stale", False)),
            )
        )
    return out, statuses


def _fused_reading(key: tuple[Any, ...], fused: Any) -> dict[str, Any]:
    return {
        "zone": key[0],
        "metric": key[1],
        "value": _get(fused, "value"),
        "ts": _get(fused, "latest_ts"),
        "stale": _get(fused, "stale", False),
    }


def _figure(m: Any) -> str:
    """'3.1 p/m²' from an indicator entry (or a bare number)."""
    if isinstance(m, int | float):
        return number(float(m))
    value = _get(m, "value")
    unit = str(_get(m, "unit", "") or "")
    return f"{number(float(value))} {unit}".strip()


def number(value: float) -> str:
    """A value as people read it on a map: 12,300 · 312 · 41.5 · 1.73."""
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"
