"""Five-level risk per zone (green, blue, yellow, orange, red) from scenario thresholds.

A level rises as soon as its threshold is reached and falls only once the value is below that
threshold minus the hysteresis band, so a value wandering around a threshold does not flap.
A zone's level is the highest level of its indicators; stale indicators keep their last level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from command.model import RiskLevel
from command.picture.fusion import Fused, Key

_RAISED = (RiskLevel.BLUE, RiskLevel.YELLOW, RiskLevel.ORANGE, RiskLevel.RED)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Boundaries of one indicator: the value at which blue, yellow, orange and red begin.

    With `falling` lower values are worse (e.g. buses available) and the boundaries decrease.
    `zones` limits the thresholds to some zones (empty: every zone having the indicator).
    """

    indicator: str
    blue: float
    yellow: float
    orange: float
    red: float
    hysteresis: float = 0.0
    falling: bool = False
    zones: tuple[str, ...] = ()

    def boundaries(self) -> tuple[float, float, float, float]:
        """Blue, yellow, orange and red boundaries in order."""
        return (self.blue, self.yellow, self.orange, self.red)

    def boundary(self, level: RiskLevel) -> float | None:
        """The value at which `level` begins (None for green)."""
        return None if level == RiskLevel.GREEN else self.boundaries()[int(level) - 1]

    def raw_level(self, value: float) -> RiskLevel:
        """The level of `value` without hysteresis."""
        sign = -1.0 if self.falling else 1.0
        level = RiskLevel.GREEN
        for lvl, bound in zip(_RAISED, self.boundaries(), strict=True):
            if sign * value >= sign * bound:
                level = lvl
        return level

    def next_level(self, current: RiskLevel, value: float) -> RiskLevel:
        """The level after seeing `value` when the level was `current` (with hysteresis)."""
        raw = self.raw_level(value)
        if raw >= current:
            return raw
        sign = -1.0 if self.falling else 1.0
        level = current
        while level > raw:
            bound = self.boundaries()[int(level) - 1]
            if sign * value >= sign * bound - self.hysteresis:
                break
            level = RiskLevel(int(level) - 1)
        return level

    def applies_to(self, zone: str) -> bool:
        """Whether these thresholds rate `zone`."""
        return not self.zones or zone in self.zones


@dataclass(frozen=True, slots=True)
class LevelChange:
    """A zone's risk level changed; `indicator` and `value` are what now drives the level."""

    ts: float
    zone: str
    level: RiskLevel
    previous: RiskLevel
    indicator: str
    value: float | None

    def to_body(self) -> dict[str, object]:
        """The `picture.level` journal body."""
        return {
            "zone": self.zone,
            "level": self.level.label,
            "previous": self.previous.label,
            "indicator": self.indicator,
            "value": self.value,
        }


class RiskBoard:
    """Holds each zone's indicator levels and reports zone level changes."""

    def __init__(self, thresholds: Iterable[Thresholds], zones: Iterable[str] = ()) -> None:
        self._thresholds: dict[str, list[Thresholds]] = {}
        for t in thresholds:
            self._thresholds.setdefault(t.indicator, []).append(t)
        self._levels: dict[Key, RiskLevel] = {}
        self._values: dict[Key, float | None] = {}
        self._zone_levels: dict[str, RiskLevel] = {z: RiskLevel.GREEN for z in zones}
        self._drivers: dict[str, str] = {}  # zone -> indicator that last set its level

    def thresholds_for(self, zone: str, indicator: str) -> Thresholds | None:
        """The thresholds rating this zone's indicator, if any."""
        for t in self._thresholds.get(indicator, ()):
            if t.applies_to(zone):
                return t
        return None

    def update(self, indicators: Mapping[Key, Fused], now: float) -> list[LevelChange]:
        """Re-rate every fresh indicator and return the zone level changes, sorted by zone."""
        for key, fused in indicators.items():
            t = self.thresholds_for(*key)
            if t is None or fused.stale or fused.value is None:
                continue
            self._levels[key] = t.next_level(self._levels.get(key, RiskLevel.GREEN), fused.value)
            self._values[key] = fused.value
        changes: list[LevelChange] = []
        zones = sorted(set(self._zone_levels) | {z for z, _ in self._levels})
        for zone in zones:
            level, indicator = self._zone_max(zone)
            previous = self._zone_levels.get(zone, RiskLevel.GREEN)
            if level != previous:
                self._zone_levels[zone] = level
                indicator = indicator or self._drivers.get(zone, "")
                self._drivers[zone] = indicator
                value = self._values.get((zone, indicator)) if indicator else None
                changes.append(LevelChange(now, zone, level, previous, indicator, value))
        return changes

    def _zone_max(self, zone: str) -> tuple[RiskLevel, str]:
        best, name = RiskLevel.GREEN, ""
        for (z, indicator), level in sorted(self._levels.items()):
            if z == zone and level > best:
                best, name = level, indicator
        return best, name

    def level(self, zone: str) -> RiskLevel:
        """The zone's current level (green when nothing rated it yet)."""
        return self._zone_levels.get(zone, RiskLevel.GREEN)

    def indicator_level(self, zone: str, indicator: str) -> RiskLevel:
        """The current level of one indicator of a zone."""
        return self._levels.get((zone, indicator), RiskLevel.GREEN)

    def levels(self) -> dict[str, RiskLevel]:
        """Every zone's current level."""
        return dict(self._zone_levels)
