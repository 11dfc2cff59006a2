"""Five-level risk with hysteresis."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from command.model import RiskLevel
from command.picture.fusion import Fused
from command.picture.risk import RiskBoard, Thresholds

DENSITY = Thresholds("density", 0.5, 1.0, 1.5, 2.5, hysteresis=0.15)
BUSES = Thresholds("buses", 60, 40, 20, 10, hysteresis=5, falling=True)


def fused(value: float | None, stale: bool = False, indicator: str = "density") -> Fused:
    return Fused("z", indicator, value, "", 0.0, 0.0, stale, None, 1, False, ())


def test_raw_levels() -> None:
    assert DENSITY.raw_level(0.2) == RiskLevel.GREEN
    assert DENSITY.raw_level(0.5) == RiskLevel.BLUE
    assert DENSITY.raw_level(1.49) == RiskLevel.YELLOW
    assert DENSITY.raw_level(1.5) == RiskLevel.ORANGE
    assert DENSITY.raw_level(9.0) == RiskLevel.RED


def test_rises_at_threshold_falls_only_below_the_band() -> None:
    level = DENSITY.next_level(RiskLevel.YELLOW, 1.5)
    assert level == RiskLevel.ORANGE
    assert DENSITY.next_level(level, 1.36) == RiskLevel.ORANGE
    assert DENSITY.next_level(level, 1.34) == RiskLevel.YELLOW
    assert DENSITY.next_level(level, 0.1) == RiskLevel.GREEN
    assert DENSITY.next_level(RiskLevel.RED, 1.4) == RiskLevel.ORANGE


def test_falling_direction_lower_is_worse() -> None:
    assert BUSES.raw_level(100) == RiskLevel.GREEN
    assert BUSES.raw_level(19) == RiskLevel.ORANGE
    assert BUSES.next_level(RiskLevel.ORANGE, 24) == RiskLevel.ORANGE
    assert BUSES.next_level(RiskLevel.ORANGE, 26) == RiskLevel.YELLOW


@settings(max_examples=60, deadline=None)
@given(
    which=st.sampled_from([RiskLevel.BLUE, RiskLevel.YELLOW, RiskLevel.ORANGE, RiskLevel.RED]),
    offsets=st.lists(st.floats(-0.149, 0.4), min_size=2, max_size=60),
)
def test_no_flapping_within_the_band(which: RiskLevel, offsets: list[float]) -> None:
    threshold = DENSITY.boundary(which)
    assert threshold is not None
    board = RiskBoard([DENSITY], ["z"])
    board.update({("z", "density"): fused(threshold)}, 0.0)  # reach the level once
    assert board.level("z") >= which
    changes = []
    for i, off in enumerate(offsets):  # stays below the next boundary (gaps are ≥ 0.5)
        changes += board.update({("z", "density"): fused(threshold + off)}, float(i + 1))
    assert changes == []
    assert board.level("z") == which


def test_board_reports_changes_and_stale_keeps_level() -> None:
    board = RiskBoard([DENSITY], ["z"])
    up = board.update({("z", "density"): fused(1.6)}, 1.0)
    assert [(c.previous, c.level, c.indicator) for c in up] == [
        (RiskLevel.GREEN, RiskLevel.ORANGE, "density")
    ]
    assert up[0].to_body() == {
        "zone": "z",
        "level": "orange",
        "previous": "green",
        "indicator": "density",
        "value": 1.6,
    }
    assert board.update({("z", "density"): fused(0.0, stale=True)}, 2.0) == []
    assert board.level("z") == RiskLevel.ORANGE
    down = board.update({("z", "density"): fused(0.1)}, 3.0)
    assert down[0].level == RiskLevel.GREEN and down[0].indicator == "density"


def test_zone_level_is_the_highest_indicator() -> None:
    wind = Thresholds("wind", 10, 14, 17, 25)
    board = RiskBoard([DENSITY, wind], ["z"])
    board.update({("z", "density"): fused(0.6), ("z", "wind"): fused(18, indicator="wind")}, 1.0)
    assert board.level("z") == RiskLevel.ORANGE
    assert board.indicator_level("z", "density") == RiskLevel.BLUE
