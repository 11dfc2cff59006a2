"""Picture updates as plot samples and zone statuses, in each shape the engine may hand over."""

from __future__ import annotations

from command.model import Observation
from command.picture.samples import Sample, ZoneStatus, number, samples


def test_a_snapshot_gives_samples_and_each_zones_highest_level_figure() -> None:
    snapshot = {
        "ts": 100.0,
        "zones": {
            "chenyi": {
                "level": "orange",
                "indicators": {
                    "density": {"value": 3.14, "unit": "p/m²", "latest_ts": 95.0, "level": 3},
                    "wind": {"value": 6.5, "unit": "m/s", "latest_ts": 90.0, "level": 1},
                },
            },
            "central": {"level": 0, "metrics": {"crowd": 1200}},
        },
    }
    points, statuses = samples(snapshot)
    assert points == [
        Sample("chenyi", "density", 95.0, 3.14, 3),
        Sample("chenyi", "wind", 90.0, 6.5, 1),
        Sample("central", "crowd", 100.0, 1200.0),
    ]
    assert statuses == [ZoneStatus("chenyi", 3, "3.14 p/m²"), ZoneStatus("central", 0, "1,200")]


def test_ties_go_to_the_preferred_indicator_and_stale_values_are_not_plotted() -> None:
    snapshot = {
        "ts": 10.0,
        "zones": {
            "z": {
                "level": 2,
                "stale": ["wind"],
                "indicators": {
                    "crowd": {"value": 500.0, "level": "yellow"},
                    "wind": {"value": 12.0, "unit": "m/s", "level": "yellow", "stale": True},
                },
            }
        },
    }
    points, statuses = samples(snapshot, prefer=("wind",))
    assert [p.metric for p in points] == ["crowd"]
    assert statuses == [ZoneStatus("z", 2, "12.0 m/s", stale=True)]


def test_observations_and_readings_become_samples() -> None:
    batch = [Observation(5.0, "feed-1", "chenyi", "crowd", 31_000.0, "video")]
    assert samples(batch) == ([Sample("chenyi", "crowd", 5.0, 31_000.0)], [])
    readings = {"readings": [{"zone": "a", "metric": "wind", "value": 4.0, "ts": 2.0, "level": 9}]}
    assert samples(readings) == ([Sample("a", "wind", 2.0, 4.0, 4)], [])


def test_numbers_read_as_on_a_map() -> None:
    assert [number(v) for v in (12_300.0, 312.4, 41.53, 1.734)] == ["12,300", "312", "41.5", "1.73"]
