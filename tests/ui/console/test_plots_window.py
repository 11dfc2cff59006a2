"""The console's plots legend names zones as the incident does, in the UI language (issue #15)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from command.model import Incident
from tests.ui.console.fake_events import EventMaker
from ui import i18n
from ui.console.window import ConsoleWindow

from .conftest import T0

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_plot_legend_shows_zone_names_in_the_ui_language(
    qtbot: QtBot, incident: Incident, mk: EventMaker
) -> None:
    window = ConsoleWindow(incident, clock=lambda: T0 + 30, settings_org="BatonTest")
    qtbot.addWidget(window)
    i18n.set_names_zh({"zone:north": "北看台"})
    try:
        values = {"values": {"north": {"density": 2.5}, "plaza": {"density": 1.0}}, "stale": []}
        window.apply_events([mk.ev("picture.values", values, ts=T0)])
        assert window.plots.legend_labels("density") == ["North terrace", "Plaza"]
        window.set_language("zh_CN")
        qtbot.waitUntil(lambda: window.plots.legend_labels("density") == ["北看台", "Plaza"])
        window.set_language("en")
        qtbot.waitUntil(lambda: window.plots.legend_labels("density") == ["North terrace", "Plaza"])
    finally:
        i18n.set_names_zh({})
