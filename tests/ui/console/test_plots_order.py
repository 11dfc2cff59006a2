"""Live plots keep one order whichever feed reports first: plots by the scenario's metrics,
legend entries by the incident's zones; long zone names are elided in the legend."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.console.plots import LEGEND_LABEL_PX, LivePlots, legend_metrics

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note


def _laid_out(plots: LivePlots) -> list[str]:
    """The metrics from the top of the column down, as the grid places them."""
    layout = plots._graphics.ci.layout
    where = {}
    for metric, plot in plots._plots.items():
        for i in range(layout.count()):
            if layout.itemAt(i).graphicsItem() is plot:
                where[metric] = plot.geometry().top()
    return sorted(where, key=lambda m: where[m])


@pytest.mark.parametrize("first", ["rain", "density"])
def test_plots_follow_the_scenarios_metric_order_not_the_first_feed(
    qtbot: QtBot, qapp: QApplication, first: str
) -> None:
    plots = LivePlots(fps=1, columns=1)
    qtbot.addWidget(plots)
    plots.timer.stop()
    plots.resize(400, 600)
    plots.show()
    qtbot.waitExposed(plots)
    plots.set_thresholds("density", [(4.0, 3)])  # the scenario's key metrics, in order
    plots.set_thresholds("rain", [(30.0, 2)])
    second = "density" if first == "rain" else "rain"
    plots.append("north", first, 1.0, 2.0)
    plots.append("north", second, 1.0, 2.0)
    plots.append("north", "wind", 1.0, 2.0)  # not a key metric: after them
    qapp.processEvents()
    assert plots.metrics() == ["density", "rain", "wind"]
    assert _laid_out(plots) == ["density", "rain", "wind"]


@pytest.mark.parametrize("arrival", [["east", "north", "south"], ["south", "east", "north"]])
def test_legend_entries_follow_the_zone_order_not_the_first_feed(
    qtbot: QtBot, arrival: list[str]
) -> None:
    plots = LivePlots(fps=1)
    qtbot.addWidget(plots)
    plots.set_zones(["north", "south", "east"])
    for zone in arrival:
        plots.append(zone, "density", 1.0, 2.0)
    assert plots.legend_labels("density") == ["north", "south", "east"]
    assert [text for text, _ in plots.legend_shown("density")] == ["north", "south", "east"]


def test_a_full_legend_names_the_first_zones_in_zone_order(qtbot: QtBot) -> None:
    plots = LivePlots(fps=1)
    qtbot.addWidget(plots)
    zones = [f"z{i:02d}" for i in range(12)]
    plots.set_zones(zones)
    for zone in reversed(zones):
        plots.append(zone, "density", 1.0, 2.0)
    assert plots.legend_labels("density") == zones[:8]


def test_long_zone_names_are_elided_with_the_full_name_in_the_tooltip(
    qtbot: QtBot, qapp: QApplication
) -> None:
    long_name = "Fuxing East Road Tunnel upper deck (non-motorised lane)"
    names = {"tunnel": long_name, "river": "River"}
    plots = LivePlots(fps=1, columns=1, label_of=lambda z: names.get(z, z))
    qtbot.addWidget(plots)
    plots.timer.stop()
    plots.resize(330, 300)  # the first-run dock's width
    plots.show()
    qtbot.waitExposed(plots)
    plots.append("river", "rain", 1.0, 2.0)
    plots.append("tunnel", "rain", 1.0, 2.0)
    qapp.processEvents()
    shown = dict(plots.legend_shown("rain"))
    elided = next(text for text in shown if text != "River")
    assert elided.endswith("…") and long_name.startswith(elided[:-1])
    assert shown[elided] == long_name and shown["River"] == ""
    plot = plots._plots["rain"]
    legend = plot.legend
    assert legend is not None
    right = legend.mapRectToItem(plot.vb, legend.boundingRect()).right()
    assert right <= plot.vb.width()  # the legend ends inside the plot: no name is cut
    assert all(label.boundingRect().width() <= LEGEND_LABEL_PX + 20 for _, label in legend.items)


def _legend_px(text: str) -> float:
    """`text`'s width in the legend's font on this machine."""
    return legend_metrics().horizontalAdvance(text)


def _wider_than_a_label(name: str) -> str:
    """`name` lengthened until this machine's font draws it wider than a legend label."""
    while _legend_px(name) <= LEGEND_LABEL_PX * 1.2:
        name += name[-4:]
    return name


FERRY_POINTS = {
    "a": "金陵东路轮渡站（浦西）",
    "b": "东昌路轮渡站（浦东）",
    "c": "复兴东路轮渡站（浦西）",
}


@pytest.mark.parametrize("lengthen", [False, True], ids=["as-named", "wider-than-a-label"])
def test_names_give_way_so_the_legend_takes_two_columns_not_three_rows(
    qtbot: QtBot, qapp: QApplication, lengthen: bool
) -> None:
    """Seen on a screenshot: three ferry points' names stacked in one column over the curves.
    As named they may fit whole (it depends on the machine's CJK font); names this font draws
    wider than a label must give way, in full in their tooltips."""
    names = {z: _wider_than_a_label(n) if lengthen else n for z, n in FERRY_POINTS.items()}
    plots = LivePlots(fps=1, columns=1, label_of=lambda z: names[z])
    qtbot.addWidget(plots)
    plots.timer.stop()
    plots.resize(360, 300)
    plots.show()
    qtbot.waitExposed(plots)
    for zone in "abc":
        plots.append(zone, "riders", 1.0, 2.0)
    qapp.processEvents()
    plot = plots._plots["riders"]
    legend = plot.legend
    assert legend is not None and legend.columnCount == 2
    right = legend.mapRectToItem(plot.vb, legend.boundingRect()).right()
    assert right <= plot.vb.width()
    shown = plots.legend_shown("riders")
    if lengthen:
        assert all(tip for _, tip in shown)  # every name gave way, in full in its tooltip
    for (text, tip), full in zip(shown, names.values(), strict=True):
        assert (text, tip) == (full, "") or (text.endswith("…") and tip == full)
        assert _legend_px(text) <= LEGEND_LABEL_PX
