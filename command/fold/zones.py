"""The zone picture: each zone's risk level and fused indicator values, and their series."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from command.fold.rows import RowModel
from command.vocabulary import LEVEL_NAMES, EventLike, PictureLevel, PictureValues


def level_index(value: Any) -> int:
    """A risk level given as int, RiskLevel or colour name, clamped to 0..4."""
    if isinstance(value, str):
        return LEVEL_NAMES.index(value.lower()) if value.lower() in LEVEL_NAMES else 0
    try:
        return min(4, max(0, int(value)))
    except (TypeError, ValueError):
        return 0


@dataclass(frozen=True, slots=True)
class ZoneView:
    """A zone's latest risk level (and the indicator that set it) and its fused values.

    `values` holds the fused estimate per indicator as last journaled; `stale` names the
    indicators whose feeds went silent (their value is the last known, not a fresh one);
    `has_data` is False until any value arrived, and a view then shows "no data", not a colour.
    """

    zone: str
    name: str = ""
    level: int = 0
    indicator: str = ""
    value: float | None = None
    since: float | None = None
    values: Mapping[str, float] = field(default_factory=dict)
    stale: frozenset[str] = frozenset()
    values_at: float | None = None

    @property
    def has_data(self) -> bool:
        """True once any fused value or level change was journaled for the zone."""
        return bool(self.values) or self.since is not None

    @property
    def level_name(self) -> str:
        """green … red."""
        return LEVEL_NAMES[self.level]


@dataclass(frozen=True, slots=True)
class ZoneReading:
    """How a zone reads on a map, the same in every view (console, centre, replay).

    `level` None: no data yet (never a risk colour). `rated` False: it has values but none of
    them has thresholds (never green). `indicator`, `value` and `unit`: the figure shown (the
    indicator that set the level, else the first key metric it has, else its first indicator;
    "" and None with no values). `stale`: that figure's feeds went silent (or the level's): the
    last known value, not a fresh one.
    """

    level: int | None
    rated: bool
    indicator: str = ""
    value: float | None = None
    unit: str = ""
    stale: bool = False

    @property
    def rating(self) -> str:
        """The level in words for a message ("orange", "no data", "not rated"; never a risk
        colour without data or thresholds). A map translates the same three cases itself."""
        if self.level is None:
            return "no data"
        return LEVEL_NAMES[self.level] if self.rated else "not rated"


def zone_reading(
    row: ZoneView,
    key_metrics: Sequence[Mapping[str, Any]],
    rated_metrics: Sequence[str] = (),
    feeds: Sequence[Mapping[str, Any]] = (),
) -> ZoneReading:
    """`row` as a map shows it. `key_metrics` are the incident's metrics with thresholds as
    `incident.opened` lists them ({zone, metric, unit, ...}); `rated_metrics` names those
    metrics when the view knows them otherwise (the console's thresholds), else they are read
    from `key_metrics`. With no key metric at all every zone counts as rated. A figure's unit
    is its key metric's, else its feed's (`incident.opened` feeds: {zone, metric, unit})."""
    names = list(rated_metrics) or list(
        dict.fromkeys(str(k.get("metric") or "") for k in key_metrics)
    )
    level = row.level if row.has_data else None
    rated = not names or not row.values or any(m in names for m in row.values)
    if not row.values:
        return ZoneReading(level, rated, stale=bool(row.indicator) and row.indicator in row.stale)
    indicator = next(n for n in (row.indicator, *names, *sorted(row.values)) if n in row.values)
    unit = next(
        (
            str(k.get("unit") or "")
            for k in (*key_metrics, *feeds)
            if k.get("metric") == indicator and k.get("zone") in (row.zone, None) and k.get("unit")
        ),
        "",
    )
    stale = indicator in row.stale or (bool(row.indicator) and row.indicator in row.stale)
    return ZoneReading(level, rated, indicator, row.values[indicator], unit, stale)


@dataclass
class MetricSeries:
    """One zone indicator's fused values over time (x: epoch seconds)."""

    times: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)

    def add(self, ts: float, value: float) -> None:
        """Append a point (events arrive in journal order)."""
        self.times.append(ts)
        self.values.append(value)


class ZonesModel(RowModel[ZoneView]):
    """Zone levels from `picture.level`, fused values from `picture.values`."""

    def __init__(self) -> None:
        super().__init__()
        self.series: dict[tuple[str, str], MetricSeries] = {}

    def copy(self) -> ZonesModel:
        """A copy with its own rows and its own series (each series' lists copied)."""
        new = super().copy()
        new.series = {
            k: MetricSeries(list(s.times), list(s.values)) for k, s in self.series.items()
        }
        return new

    def add_zone(self, zone: str, name: str = "") -> None:
        """Make a zone known before anything is measured (from the incident's list)."""
        if zone and self.row_of(zone) is None:
            self._insert(zone, ZoneView(zone, name=name or zone))

    def _set(self, zone: str, **changes: Any) -> None:
        self.add_zone(zone)
        row = self.get(zone)
        assert row is not None
        self._update(zone, replace(row, **changes))

    def apply(self, ev: EventLike, body: object) -> bool:
        """Fold one decoded event; True when it touched this model."""
        if isinstance(body, PictureLevel):
            self._set(
                body.zone,
                level=level_index(body.level),
                indicator=body.indicator,
                value=body.value,
                since=ev.ts,
            )
            return True
        if isinstance(body, PictureValues):
            stale_by_zone: dict[str, set[str]] = {}
            for item in body.stale:
                zone, _, indicator = item.partition("/")
                stale_by_zone.setdefault(zone, set()).add(indicator)
            was_stale = {r.zone for r in self.rows if r.stale}
            for zone in sorted(set(body.values) | set(stale_by_zone) | was_stale):
                row = self.get(zone)
                values = dict(row.values) if row else {}
                for indicator, value in body.values.get(zone, {}).items():
                    if math.isfinite(value):
                        values[indicator] = value
                        self.series.setdefault((zone, indicator), MetricSeries()).add(ev.ts, value)
                self._set(
                    zone,
                    values=values,
                    stale=frozenset(stale_by_zone.get(zone, ())),
                    values_at=ev.ts,
                )
            return True
        return False

    def series_of(self, zone: str, indicator: str) -> MetricSeries:
        """The fused series of one indicator (empty when never measured)."""
        return self.series.get((zone, indicator), MetricSeries())
