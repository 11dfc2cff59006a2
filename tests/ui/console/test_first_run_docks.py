"""A first-run console at 1600x960 gives the stations dock the width its names need (typical
names whole, "last heard" whole), without squeezing the map below what it and its header need."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command.scenarios.loader import load_scenario
from ui import i18n
from ui.console.controller import configure_window
from ui.console.window import MAP_FIRST_MIN_W, ConsoleWindow
from ui.labels import tip_text

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

TYPICAL_NAME_PX = 180  # "Water authority duty office", "Testing teams command post"


def first_run_window(qtbot: QtBot, name: str) -> ConsoleWindow:
    """Scenario `name`'s console at first run, 1600x960, an hour in, every station heard 59 min
    ago (last heard at its widest), shown with the stations dock at its first-run width."""
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
    qtbot.waitUntil(lambda: abs(w.docks["stationsDock"].width() - wanted) <= 2)  # laid out
    qtbot.waitUntil(lambda: w.stations_panel.table.viewport().width() >= wanted - 40)
    return w


@pytest.mark.parametrize("name", ["bund", "typhoon", "disney"])
def test_first_run_stations_dock_shows_typical_names_whole(qtbot: QtBot, name: str) -> None:
    w = first_run_window(qtbot, name)
    assert w.stations_first_width() >= 400
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


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_first_run_stations_dock_shows_open_and_late(
    qtbot: QtBot, qapp: QApplication, language: str
) -> None:
    """Seen on a screenshot: bund's stations dock scrolled Open/Late out of view at first run."""
    i18n.set_language(qapp, language)
    try:
        check_open_and_late(qtbot)
    finally:
        i18n.set_language(qapp, "en")


def check_open_and_late(qtbot: QtBot) -> None:
    """The first-run stations dock of bund at 1600x960 shows Open and Late whole and in view."""
    w = first_run_window(qtbot, "bund")
    table = w.stations_panel.table
    w.stations_panel.fit_columns()
    right = table.viewport().width()
    for column in (1, 2, 3, 4):  # link, last heard, open, late: whole and in view
        assert table.columnWidth(column) >= table.sizeHintForColumn(column), column
        x = table.columnViewportPosition(column)
        assert x >= 0 and x + table.columnWidth(column) <= right, column
    assert table.horizontalScrollBar().value() == 0
    assert w.map.width() >= MAP_FIRST_MIN_W


@pytest.mark.parametrize("name", ["bund", "typhoon", "disney"])
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_first_run_stations_dock_shows_the_attention_column_and_its_title_whole(
    qtbot: QtBot, qapp: QApplication, language: str, name: str
) -> None:
    """Seen on a screenshot: bund's English stations dock cut "Needs attention" at its edge
    (typhoon's long incident name now gives way in the header, so its names stay whole too)."""
    i18n.set_language(qapp, language)
    try:
        w = first_run_window(qtbot, name)
        table = w.stations_panel.table
        w.stations_panel.fit_columns()
        header = table.horizontalHeader()
        right = table.viewport().width()
        for column in (1, 2, 3, 4, 5):  # link, last heard, open, late, attention
            assert table.columnWidth(column) >= table.sizeHintForColumn(column), column
            assert table.columnWidth(column) >= header.sectionSizeHint(column), column  # title
            x = table.columnViewportPosition(column)
            assert x >= 0 and x + table.columnWidth(column) <= right, column
        assert table.horizontalScrollBar().value() == 0
        model = table.model()
        tip = str(
            tip_text(model.headerData(5, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole))
        )
        assert tip.startswith("Needs attention" if language == "en" else "待处理")
        assert w.map.width() >= MAP_FIRST_MIN_W
    finally:
        i18n.set_language(qapp, "en")
