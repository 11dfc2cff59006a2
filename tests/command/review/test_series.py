"""Key-metric series for the replay plots: interval medians, derived indicators, latest values."""

from __future__ import annotations

from command.model import Observation
from command.review.replay import ReplayIndex
from command.review.series import PlotSeries, latest_values, plot_series, series_points

T0 = 999_990.0  # a multiple of the 30 s interval


class Source:
    """An in-memory observation source."""

    def __init__(self, rows: list[Observation]) -> None:
        self.rows = sorted(rows, key=lambda r: r.ts)

    def observations(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        zone: str | None = None,
        metric: str | None = None,
    ) -> list[Observation]:
        return [
            r
            for r in self.rows
            if (since is None or r.ts >= since)
            and (until is None or r.ts <= until)
            and zone in (None, r.zone)
            and metric in (None, r.metric)
        ]


def obs(ts: float, value: float, source: str = "a", zone: str = "z1", metric: str = "crowd"):
    return Observation(ts, "f", zone, metric, value, source)


OPENED = {
    "incident": {"zones": [{"id": "z1", "area_m2": 100.0}]},
    "feeds": [{"zone": "z1", "metric": "crowd", "interval_s": 30}],
    "key_metrics": [{"zone": "z1", "metric": "density"}, {"zone": "z9", "metric": "density"}],
}


def test_derived_density_is_the_median_per_interval_over_the_area() -> None:
    (series,) = plot_series(OPENED)  # z9 has no feed: left out
    assert series == PlotSeries("z1", "density", "crowd", 30.0, 100.0)
    source = Source([obs(T0 + 1, 100, "a"), obs(T0 + 2, 300, "b"), obs(T0 + 3, 200, "c")])
    source.rows.append(obs(T0 + 31, 500))
    ts, values = series.points(source, None, T0 + 45)
    assert ts == [T0 + 30] and values == [2.0]  # the interval still running is not drawn
    ts, values = series.points(source, series.complete_until(T0 + 45), T0 + 60)
    assert ts == [T0 + 60] and values == [5.0]


def test_series_points_single_query_path_matches_per_series() -> None:
    many = [PlotSeries(f"z{i}", "crowd", "crowd", 30.0) for i in range(30)]
    rows = [obs(T0 + k * 7, k, zone=f"z{k % 30}") for k in range(400)]
    source = Source(rows)
    wide = series_points(many, source, None, T0 + 2000, 3600)
    each = [s.points(source, s.complete_until(T0 + 2000 - 3600), T0 + 2000) for s in many]
    assert wide == each


def test_latest_values_equal_the_index_answer() -> None:
    rows = [obs(T0 + k * 10, k, zone=f"z{k % 2}") for k in range(50)]
    index = ReplayIndex([], Source(rows))
    index.feeds = [("z0", "crowd", 10.0), ("z1", "crowd", 10.0), ("z2", "crowd", 10.0)]
    for t in (T0, T0 + 95, T0 + 300, T0 + 900):
        assert latest_values(index, t) == index.values_at(t)
