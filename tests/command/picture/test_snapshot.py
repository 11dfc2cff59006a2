"""The picture snapshot is plain JSON and never shows a stale metric as fresh."""

from __future__ import annotations

import json

from command.model import Observation, Zone
from command.picture.fusion import DerivedSpec, Fusion, MetricSpec
from command.picture.risk import RiskBoard, Thresholds
from command.picture.snapshot import picture_snapshot

T0 = 1_760_000_000.0


def test_snapshot_is_json_with_levels_and_stale_flags() -> None:
    zones = [Zone("z", "Zone", 1000.0)]
    fusion = Fusion(
        [MetricSpec("z", "crowd", 30.0, unit="persons"), MetricSpec("z", "wind", 60.0)],
        areas={"z": 1000.0},
        derived=[DerivedSpec("density", "crowd", "persons/m²")],
    )
    board = RiskBoard([Thresholds("density", 0.5, 1.0, 1.5, 2.5, 0.1)], ["z"])
    fusion.ingest(
        [
            Observation(T0, "z.crowd", "z", "crowd", 1600.0, "a"),
            Observation(T0 - 1000, "z.wind", "z", "wind", 0.0, "met"),
        ]
    )
    board.update(fusion.indicators(T0), T0)
    snap = picture_snapshot(zones, fusion, board, T0)
    json.dumps(snap, allow_nan=False)
    zone = snap["zones"]["z"]
    assert zone["level"] == "orange" and zone["name"] == "Zone"
    assert zone["indicators"]["density"]["value"] == 1.6
    assert zone["indicators"]["density"]["level"] == "orange"
    assert zone["indicators"]["crowd"]["stale"] is False
    assert zone["indicators"]["wind"]["stale"] is True
    assert zone["stale"] == ["wind"]
