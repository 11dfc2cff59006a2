"""Plot titles follow the UI language: the console's (set by `configure_window`) and the replay
window's (from the journal's key metrics)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command.journal import Event
from command.scenarios.loader import load_scenario
from ui import i18n
from ui.console import numbers
from ui.console.controller import configure_window, zone_axes
from ui.console.window import ConsoleWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def formats_reset() -> Iterator[None]:
    """The scenario's formats and Chinese names are module-wide: end without any."""
    yield
    numbers.set_metric_formats({})
    i18n.set_names_zh({})


def test_console_plot_titles_switch_to_chinese_and_back(qtbot: QtBot, qapp: QApplication) -> None:
    sc = load_scenario("typhoon")
    window = ConsoleWindow(sc.incident, settings_org="BatonTest", settings_app="titles")
    qtbot.addWidget(window)
    try:
        configure_window(window, sc)
        values = {"values": {"river": {"water_level": 4.6, "wind": 15.0}}, "stale": []}
        window.apply_events([Event(1, sc.ts(30), "picture", "picture.values", "", values, "", "")])
        zone_axes(window)  # plots are made on their first points
        plot = window.plots.plot("water_level")
        assert plot.titleLabel.text == "Water level (m)"
        i18n.set_language(qapp, "zh_CN")
        qtbot.waitUntil(lambda: plot.titleLabel.text == "水位（m）")
        assert window.plots.plot("wind").titleLabel.text == "风速（m/s）"
        i18n.set_language(qapp, "en")
        qtbot.waitUntil(lambda: plot.titleLabel.text == "Water level (m)")
    finally:
        window.timer.stop()
        window.plots.timer.stop()
