"""The bund density legend at the first-run size leaves every curve in view: none runs under it."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui import i18n
from ui.console.plots import LivePlots

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def hidden_points(
    plots: LivePlots, metric: str, series: dict[str, list[tuple[float, float]]]
) -> int:
    """How many of the points drawn fall under the metric's legend."""
    plot = plots._plots[metric]
    assert plot.legend is not None and plot.legend.items
    legend = plot.legend.mapRectToItem(plot.vb, plot.legend.boundingRect())
    assert plot.vb.rect().contains(legend.topLeft())  # drawn over the view, not off it
    return sum(
        legend.contains(plot.vb.mapFromView(QPointF(t, v)))
        for points in series.values()
        for t, v in points
    )


def bund_like(zones: list[str]) -> dict[str, list[tuple[float, float]]]:
    """Five zones' densities over 80 minutes, one rising to the top of the range mid-way."""
    out: dict[str, list[tuple[float, float]]] = {}
    for k, zone in enumerate(zones):
        peak = 1.7 if k == 1 else 0.2 + 0.15 * k
        out[zone] = [
            (60.0 * i, peak * math.sin(math.pi * i / 80) ** 2 + 0.05 * k) for i in range(81)
        ]
    return out


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_first_run_density_legend_hides_no_curve(
    qtbot: QtBot, qapp: QApplication, language: str
) -> None:
    """Seen on a screenshot: at bund's first-run size (plots dock about 300 px wide) the density
    legend, one column of five names, covered the top of the rising curve."""
    from tests.ui.console.test_first_run_docks import first_run_window

    i18n.set_language(qapp, language)
    try:
        w = first_run_window(qtbot, "bund")
        plots = w.plots
        plots.timer.stop()
        zones = [z.id for z in w.incident.zones]
        series = bund_like(zones)
        for zone, points in series.items():
            for t, v in points:
                plots.append(zone, "density", 1_760_000_000.0 + t, v)
        for metric in ("wind", "rain"):  # the other two plots, as in bund
            plots.append("central", metric, 1_760_000_000.0, 1.0)
        for _ in range(3):
            plots.redraw()
            qapp.processEvents()
        shifted = {z: [(1_760_000_000.0 + t, v) for t, v in p] for z, p in series.items()}
        assert hidden_points(plots, "density", shifted) == 0
    finally:
        i18n.set_language(qapp, "en")
