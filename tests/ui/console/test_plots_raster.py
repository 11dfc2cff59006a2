"""Live plots drawn incrementally: a frame that appends redraws only the strips that changed,
and the picture is the one a full drawing gives, pixel for pixel; the legend names zones."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.console.plots import LivePlots

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1).copy()


def shown_plots(qtbot: QtBot, width: int, height: int) -> LivePlots:
    """One column of plots on screen, its fixed-rate timer stopped (the test redraws)."""
    plots = LivePlots(fps=1, capacity=300, columns=1)
    qtbot.addWidget(plots)
    plots.timer.stop()
    plots.resize(width, height)
    plots.show()
    qtbot.waitExposed(plots)
    return plots


def test_strips_drawn_frame_by_frame_match_a_full_drawing(qtbot: QtBot, qapp: QApplication) -> None:
    plots = shown_plots(qtbot, 500, 300)
    rng = np.random.default_rng(2)
    zones = [f"z{i:02d}" for i in range(12)]  # 10 colours: two groups hold two zones
    level = dict.fromkeys(zones, 0.0)
    t = 0.0

    def frame(points: int) -> None:
        nonlocal t
        for _ in range(points):
            t += 1.0
            for zone in zones:
                level[zone] += float(rng.normal())
                plots.append(zone, "density", t, level[zone])
        plots.redraw()
        qapp.processEvents()

    frame(150)
    start, compared = plots.full_draws(), 0
    for f in range(240):  # past the ring's capacity: the oldest points leave too
        frame(1 + f % 3)
        if f % 20 == 0:
            incremental = _pixels(plots._graphics.grab().toImage())
            for raster in plots._rasters.values():
                raster.changed(None)  # draw everything again from the packed data
            full = _pixels(plots._graphics.grab().toImage())
            assert np.array_equal(incremental, full), f"frame {f}"
            compared += 1
    assert compared == 12
    assert plots.full_draws() - start - compared < 240 // 4  # most frames drew strips only


def test_legend_names_zones_with_label_of_in_the_ui_language(qtbot: QtBot) -> None:
    names = {"north": "North gate", "south": "South square"}
    plots = LivePlots(fps=1, label_of=lambda zone: names.get(zone, zone))
    qtbot.addWidget(plots)
    plots.append("north", "density", 1.0, 2.0)
    plots.append("south", "density", 1.0, 3.0)
    plots.append("east", "density", 1.0, 4.0)
    assert plots.legend_labels("density") == ["North gate", "South square", "east"]
    names.update(north="北门", south="南广场")  # the language changed
    QApplication.sendEvent(plots, QEvent(QEvent.Type.LanguageChange))
    assert plots.legend_labels("density") == ["北门", "南广场", "east"]


def test_legend_shows_zone_ids_without_label_of(qtbot: QtBot) -> None:
    plots = LivePlots(fps=1)
    qtbot.addWidget(plots)
    plots.append("north", "density", 1.0, 2.0)
    assert plots.legend_labels("density") == ["north"]


def test_the_legend_covers_no_curve(qtbot: QtBot, qapp: QApplication) -> None:
    """Seen on a screenshot: the legend sat over the curves' start; the range leaves it room."""
    plots = shown_plots(qtbot, 420, 260)
    zones = ["north", "south", "east", "west", "centre"]
    for i in range(120):  # flat high lines: without headroom they run under the legend
        for k, zone in enumerate(zones):
            plots.append(zone, "density", float(i), 10.0 - 0.01 * k)
    plots.redraw()
    qapp.processEvents()
    plots.redraw()
    qapp.processEvents()
    plot = plots._plots["density"]
    assert plot.legend is not None and plot.legend.items
    legend_bottom = plot.legend.mapRectToItem(plot.vb, plot.legend.boundingRect()).bottom()
    top_in_vb = plot.vb.mapFromView(QPointF(0.0, 10.0)).y()
    assert top_in_vb > legend_bottom  # the highest line runs below the legend
