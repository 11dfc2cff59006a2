"""A first-run console at 1600x960 gives the stations dock the width its names need (typical
names whole, "last heard" whole), without squeezing the map below what it and its header need."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from command.scenarios.loader import load_scenario
from ui.console.controller import configure_window
from ui.console.window import MAP_FIRST_MIN_W, ConsoleWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

TYPICAL_NAME_PX = 180  # "Water authority duty office", "Testing teams command post"


@pytest.mark.parametrize("name", ["bund", "typhoon", "disney"])
def test_first_run_stations_dock_shows_typical_names_whole(qtbot: QtBot, name: str) -> None:
    scenario = load_scenario(name)
    now = scenario.start + 3600
    w = ConsoleWindow(scenario.incident, clock=lambda: now, settings_org="BatonTest")
    qtbot.addWidget(w)
    configure_window(w, scenario)
    w.stations_model.set_heard({s.id: now - 59 * 60 for s in scenario.incident.stations})
    w.resize(1600, 960)
    w.show()
    qtbot.waitExposed(w)
    wanted = w.stations_first_width()
    assert wanted >= 400
    qtbot.waitUntil(lambda: abs(w.docks["stationsDock"].width() - wanted) <= 2)  # laid out
    qtbot.waitUntil(lambda: w.stations_panel.table.viewport().width() >= wanted - 40)
    table = w.stations_panel.table
    metrics = table.fontMetrics()
    model = table.model()
    for row in range(model.rowCount()):
        text = model.index(row, 0).data(Qt.ItemDataRole.DisplayRole)
        if metrics.horizontalAdvance(text) <= TYPICAL_NAME_PX:
            assert table.columnWidth(0) >= table.sizeHintForIndex(model.index(row, 0)).width()
    for column in (1, 2):  # the link state and last heard, whole and in view
        assert table.columnWidth(column) >= table.sizeHintForColumn(column)
        x = table.columnViewportPosition(column)
        assert x >= 0 and x + table.columnWidth(column) <= table.viewport().width()
    assert w.map.width() >= MAP_FIRST_MIN_W
    central = w.centralWidget()
    assert central is not None and central.width() >= central.minimumSizeHint().width()
