"""Live plots: ring buffers, curves created once, fixed-rate redraw, threshold lines."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui import theme
from ui.console.plots import LivePlots, RingBuffer


def test_ring_buffer_keeps_the_last_values_in_order() -> None:
    buf = RingBuffer(4)
    assert buf.view()[0].size == 0
    for i in range(6):
        buf.append(float(i), float(i * 10))
    t, y = buf.view()
    assert t.tolist() == [2.0, 3.0, 4.0, 5.0]
    assert y.tolist() == [20.0, 30.0, 40.0, 50.0]
    assert np.shares_memory(t, buf.view()[0])  # views of one buffer, not copies


def test_curves_are_created_once_and_redrawn_on_the_timer(qtbot: QtBot) -> None:
    plots = LivePlots(fps=60, capacity=100)
    qtbot.addWidget(plots)
    curve = plots.series("north", "density")
    for i in range(150):
        plots.append("north", "density", 1000.0 + i, float(i))
    plots.extend("south", "density", [1.0, 2.0], [3.0, 4.0])
    assert plots.series("north", "density") is curve
    assert plots.series_count() == 2 and plots.points("north", "density") == 100
    assert len(curve.xData) == 0  # nothing drawn before a frame
    frames = plots.frames
    qtbot.waitUntil(lambda: plots.frames > frames and len(curve.xData) > 0)
    assert curve.xData.tolist()[0] == 1050.0 and len(curve.yData) == 100
    assert curve.opts["connect"] == "finite" and curve.opts["skipFiniteCheck"]
    assert not curve.opts["antialias"] and curve.opts["pen"].width() <= 1


def test_threshold_lines_are_coloured_by_level(qtbot: QtBot, qapp: QApplication) -> None:
    plots = LivePlots()
    qtbot.addWidget(plots)
    plots.set_thresholds("density", [(2.0, 2), (4.0, 4)])
    assert plots.thresholds("density") == [(2.0, 2), (4.0, 4)]
    assert plots.metrics() == []  # no empty plot before data arrives
    plots.append("north", "density", 1.0, 1.5)
    assert plots.metrics() == ["density"]
    lines = plots.threshold_lines("density")
    assert lines[1].pen.color() == QColor(theme.LIGHT.risk[4])
    theme.apply_theme(qapp, "dark")
    assert lines[1].pen.color() == QColor(theme.DARK.risk[4])
    plots.set_thresholds("density", [(3.0, 3)])
    assert plots.thresholds("density") == [(3.0, 3)]
    assert [line.value() for line in plots.threshold_lines("density")] == [3.0]


def test_range_follows_data_and_shows_the_next_threshold(qtbot: QtBot) -> None:
    plots = LivePlots()
    qtbot.addWidget(plots)
    plots.set_thresholds("density", [(2.0, 2), (9.0, 4)])
    plots.extend("north", "density", [0.0, 60.0], [1.0, 1.6])
    plots.redraw()
    (x0, x1), (y0, y1) = plots.plot("density").viewRange()
    assert x0 <= 0.0 and x1 >= 60.0
    assert y0 <= 1.0 and 2.0 <= y1 < 9.0  # the near threshold is in view, the far one not


def test_ring_buffer_extend_matches_append_across_wraps() -> None:
    one, many = RingBuffer(5), RingBuffer(5)
    batches = [[], [0.0, 1.0], [2.0, 3.0, 4.0], [5.0], list(np.arange(6.0, 18.0)), [18.0, 19.0]]
    for batch in batches:
        for t in batch:
            one.append(t, -t)
        many.extend(batch, [-t for t in batch])
        assert one.size == many.size
        assert one.view()[0].tolist() == many.view()[0].tolist()
        assert one.view()[1].tolist() == many.view()[1].tolist()
    assert many.view()[0].tolist() == [15.0, 16.0, 17.0, 18.0, 19.0]


def test_ring_buffer_extend_rejects_mismatched_lengths() -> None:
    buf = RingBuffer(4)
    with pytest.raises(ValueError, match="2 times but 1 values"):
        buf.extend([1.0, 2.0], [3.0])
    assert buf.size == 0


def test_redraw_pushes_only_the_series_that_changed(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    plots = LivePlots(fps=1, capacity=50)
    qtbot.addWidget(plots)
    plots.timer.stop()
    for zone in ("north", "south", "east"):
        plots.extend(zone, "density", [1.0, 2.0], [1.0, 2.0])
    plots.redraw()
    pushed: list[str] = []
    for zone in ("north", "south", "east"):
        curve = plots.series(zone, "density")
        original = curve.setData

        def counting(*args: object, _zone: str = zone, _orig=original, **kwargs: object) -> None:
            pushed.append(_zone)
            _orig(*args, **kwargs)

        monkeypatch.setattr(curve, "setData", counting)
    plots.redraw()
    assert pushed == []  # nothing changed: no curve is touched
    plots.append("south", "density", 3.0, 5.0)
    plots.redraw()
    assert pushed == ["south"]
    assert plots.series("south", "density").xData.tolist() == [1.0, 2.0, 3.0]
    plots.redraw()
    assert pushed == ["south"]


def test_zones_of_one_colour_share_one_curve_with_nan_separators(qtbot: QtBot) -> None:
    plots = LivePlots(fps=1, capacity=50)
    qtbot.addWidget(plots)
    plots.timer.stop()
    zones = [f"z{i:02d}" for i in range(12)]  # 10 colours: z00 and z10 share one
    for i, zone in enumerate(zones):
        plots.extend(zone, "density", [1.0, 2.0, 3.0], [float(i), i + 0.5, float(i)])
    plots.redraw()
    shared = plots.series("z00", "density")
    assert plots.series("z10", "density") is shared
    assert plots.series("z01", "density") is not shared
    assert plots.series_count() == 12
    x, y = shared.xData, shared.yData
    assert np.isnan(x[3]) and np.isnan(y[3])  # one separator between the two series
    assert x[~np.isnan(x)].tolist() == [1.0, 2.0, 3.0] * 2
    assert y[~np.isnan(y)].tolist() == [0.0, 0.5, 0.0, 10.0, 10.5, 10.0]
    (_, _), (y0, y1) = plots.plot("density").viewRange()
    assert y0 <= 0.0 and y1 >= 11.5


def test_long_series_are_peak_downsampled_without_losing_extremes(qtbot: QtBot) -> None:
    plots = LivePlots(fps=1, capacity=20_000)
    qtbot.addWidget(plots)
    plots.timer.stop()
    plots.resize(400, 300)
    plots._graphics.resize(400, 300)
    assert plots.plot("density").vb.width() > 0
    t = np.arange(10_000, dtype=float)
    y = np.sin(t / 50.0)
    y[4321] = 7.0
    y[777] = -5.0
    plots.extend("north", "density", t, y)
    plots.redraw()
    curve = plots.series("north", "density")
    assert 0 < len(curve.xData) < 10_000 // 2
    assert curve.yData.max() == 7.0 and curve.yData.min() == -5.0
    assert curve.xData[0] == 0.0 and curve.xData[-1] <= 9_999.0
    assert np.all(np.diff(curve.xData) >= 0)
