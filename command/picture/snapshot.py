"""The picture snapshot: a plain JSON-ready dict stored with each decision entry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from command.model import Zone
from command.picture.fusion import Fusion
from command.picture.risk import RiskBoard


def picture_snapshot(
    zones: Sequence[Zone], fusion: Fusion, board: RiskBoard, now: float
) -> dict[str, Any]:
    """Per zone: level, and per indicator its value, unit, trend, stale flag, sources and level.

    Stale indicators keep their last known value with `stale: true` (None if never received).
    """
    indicators = fusion.indicators(now)
    out: dict[str, Any] = {"ts": now, "zones": {}}
    names = {z.id: z.name for z in zones}
    zone_ids = list(names) + sorted({z for z, _ in indicators} - set(names))
    for zone_id in zone_ids:
        entries: dict[str, Any] = {}
        for (z, name), fused in sorted(indicators.items()):
            if z != zone_id:
                continue
            entry = fused.to_dict()
            entry["level"] = board.indicator_level(zone_id, name).label
            entries[name] = entry
        out["zones"][zone_id] = {
            "name": names.get(zone_id, zone_id),
            "level": board.level(zone_id).label,
            "stale": [n for n, e in entries.items() if e["stale"]],
            "indicators": entries,
        }
    return out
