"""Fusion: latest value, trend, robust estimate, staleness, derived indicators."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from command.journal.packed import columns
from command.model import Observation
from command.picture.fusion import DerivedSpec, Fusion, MetricSpec, trend_per_minute

T0 = 1_760_000_000.0


def obs(ts: float, value: float, source: str = "a", metric: str = "crowd") -> Observation:
    return Observation(ts, f"z.{metric}", "z", metric, value, source)


def test_latest_value_and_trend_per_minute() -> None:
    f = Fusion([MetricSpec("z", "crowd", 30.0)])
    for i in range(10):
        f.ingest([obs(T0 + 30 * i, 100.0 + 10.0 * i)])  # +10 every 30 s = +20 per minute
    fused = f.get("z", "crowd", T0 + 270)
    assert fused.value == 190.0
    assert not fused.stale
    assert fused.trend_per_min is not None
    assert math.isclose(fused.trend_per_min, 20.0, rel_tol=1e-9)


def test_trend_needs_two_points() -> None:
    assert trend_per_minute([(T0, 1.0)]) is None
    assert trend_per_minute([]) is None


def test_never_received_is_stale_and_not_zero() -> None:
    f = Fusion([MetricSpec("z", "crowd", 30.0)])
    fused = f.get("z", "crowd", T0)
    assert fused.stale and fused.value is None and fused.trend_per_min is None


def test_older_observation_does_not_replace_newer() -> None:
    f = Fusion([MetricSpec("z", "crowd", 30.0)])
    f.ingest([obs(T0 + 10, 5.0), obs(T0, 99.0)])
    assert f.get("z", "crowd", T0 + 10).value == 5.0


def test_non_finite_values_are_rejected() -> None:
    f = Fusion([MetricSpec("z", "crowd", 30.0)])
    assert f.ingest([obs(T0, float("nan")), obs(T0, float("inf")), obs(T0, 3.0)]) == 1
    assert f.rejected == 2
    assert f.get("z", "crowd", T0).value == 3.0


def test_density_is_count_over_area_and_inherits_staleness() -> None:
    f = Fusion(
        [MetricSpec("z", "crowd", 30.0)],
        areas={"z": 2000.0},
        derived=[DerivedSpec("density", "crowd", "persons/m²")],
    )
    f.ingest([obs(T0, 3000.0)])
    fresh = f.indicators(T0 + 10)[("z", "density")]
    assert fresh.value == 1.5 and not fresh.stale
    stale = f.indicators(T0 + 1000)[("z", "density")]
    assert stale.stale and stale.value == 1.5


def test_disagreement_is_flagged_with_the_outlier() -> None:
    f = Fusion([MetricSpec("z", "crowd", 30.0, agree_rel=0.1)])
    f.ingest([obs(T0, 1000.0, "video"), obs(T0, 1020.0, "carrier"), obs(T0, 4000.0, "wifi")])
    fused = f.get("z", "crowd", T0)
    assert fused.value == 1020.0
    assert fused.disagreement and fused.outliers == ("wifi",)


def test_a_silent_source_drops_out_of_the_estimate() -> None:
    f = Fusion([MetricSpec("z", "crowd", 30.0, stale_factor=2.0)])
    f.ingest([obs(T0, 10.0, "a"), obs(T0, 500.0, "b")])
    f.ingest([obs(T0 + 100, 12.0, "a")])
    fused = f.get("z", "crowd", T0 + 100)
    assert fused.sources == 1 and fused.value == 12.0


@settings(max_examples=60, deadline=None)
@given(
    interval=st.floats(1.0, 600.0),
    factor=st.floats(1.0, 5.0),
    value=st.floats(-1e6, 1e6, allow_nan=False),
    silence=st.floats(0.0, 10_000.0),
)
def test_stale_feed_is_never_shown_fresh(
    interval: float, factor: float, value: float, silence: float
) -> None:
    f = Fusion(
        [MetricSpec("z", "crowd", interval, stale_factor=factor)],
        areas={"z": 10.0},
        derived=[DerivedSpec("density", "crowd")],
    )
    f.ingest([obs(T0, value)])
    now = T0 + silence
    for fused in f.indicators(now).values():
        if now - T0 > interval * factor:
            assert fused.stale
            assert fused.trend_per_min is None
            # the last known value, never a made-up fresh zero
            assert fused.value is not None and (fused.value == value or fused.indicator != "crowd")
        else:
            assert not fused.stale


@settings(max_examples=80, deadline=None)
@given(
    good=st.floats(0.0, 1e6, allow_nan=False),
    spread=st.floats(0.0, 0.05),
    wild=st.floats(-1e9, 1e9, allow_nan=False),
)
def test_robust_estimate_ignores_one_wild_source_of_three(
    good: float, spread: float, wild: float
) -> None:
    f = Fusion([MetricSpec("z", "crowd", 30.0)])
    a, b = good, good * (1 + spread)
    f.ingest([obs(T0, a, "a"), obs(T0, b, "b"), obs(T0, wild, "wild")])
    value = f.get("z", "crowd", T0).value
    assert value is not None
    assert min(a, b) <= value <= max(a, b)


_TIMES = st.sampled_from([0.0, 1.0, 1.0, 2.0, 5.0, -3.0])
_VALUES = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from([math.nan, math.inf, 7.0])
)
_OBS = st.builds(
    Observation,
    _TIMES,
    st.sampled_from(["f", "g"]),
    st.sampled_from(["x", "y"]),
    st.sampled_from(["m", "n"]),
    _VALUES,
    st.sampled_from(["a", "b", "c"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_OBS, max_size=30), max_size=5), st.floats(0.0, 10.0))
def test_ingest_columns_gives_the_picture_ingest_gives(
    batches: list[list[Observation]], later: float
) -> None:
    by_rows, by_columns = Fusion(trend_window_s=30), Fusion(trend_window_s=30)
    for batch in batches:
        assert by_columns.ingest_columns(columns(batch)) == by_rows.ingest(batch)
    assert (by_columns.ingested, by_columns.rejected) == (by_rows.ingested, by_rows.rejected)
    assert by_columns.indicators(later) == by_rows.indicators(later)
    assert by_columns.keys() == by_rows.keys()
