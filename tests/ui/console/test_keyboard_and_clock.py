"""Keyboard (Ctrl+Enter submits, F6/Ctrl+Tab cycle panels, the shortcuts dialog), the incident
clock (IANA name and offset, never "CST") and "last heard" in incident time."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command.model import Incident
from ui.console import shortcuts
from ui.console.clock import ago, heard_text, utc_offset, zone_name
from ui.console.composer import OrderComposer
from ui.console.dialogs import DecisionDialog
from ui.console.window import ConsoleWindow
from ui.labels import tip_text

from .conftest import T0

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def window(qtbot: QtBot, incident: Incident) -> ConsoleWindow:
    w = ConsoleWindow(
        incident, clock=lambda: T0 + 30, settings_org="BatonTest", settings_app="keys"
    )
    qtbot.addWidget(w)
    return w


def _show(qtbot: QtBot, widget: object) -> None:
    widget.show()  # type: ignore[attr-defined]
    qtbot.waitExposed(widget)
    widget.activateWindow()  # type: ignore[attr-defined]
    qtbot.waitUntil(widget.isActiveWindow)  # type: ignore[attr-defined]


def test_ctrl_enter_submits_the_composer(qtbot: QtBot, incident: Incident) -> None:
    c = OrderComposer(incident.stations, incident.zones)
    qtbot.addWidget(c)
    _show(qtbot, c)
    c.rationale_box.setPlainText("crowd backing up at the exit")
    c.rationale_box.setFocus()
    with qtbot.wait_signal(c.composed) as sig:
        qtbot.keyClick(c.rationale_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sig.args[0].rationale == "crowd backing up at the exit"
    assert c.result() == 1


def test_ctrl_enter_keeps_the_composer_open_when_invalid(qtbot: QtBot, incident: Incident) -> None:
    c = OrderComposer(incident.stations, incident.zones)
    qtbot.addWidget(c)
    _show(qtbot, c)
    qtbot.keyClick(c.rationale_box, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    assert c.isVisible() and c.error.text()


def test_ctrl_enter_saves_a_decision(qtbot: QtBot) -> None:
    d = DecisionDialog()
    qtbot.addWidget(d)
    _show(qtbot, d)
    d.decision.setPlainText("hold the east exit")
    d.rationale.setPlainText("crowd at exit")
    with qtbot.wait_signal(d.accepted):
        qtbot.keyClick(d.rationale, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_shortcuts_dialog_lists_every_bound_shortcut(window: ConsoleWindow) -> None:
    dialog = shortcuts.ShortcutsDialog()
    shown = " ".join(k for k, _ in dialog.rows())
    listed = {QKeySequence(k) for s in shortcuts.SHORTCUTS for k in s.keys}
    bound = {seq for a in window.findChildren(QAction) for seq in a.shortcuts()}
    assert bound and bound <= listed  # every key bound in the window is in the table
    for s in shortcuts.SHORTCUTS:
        assert shortcuts.key_text(s) in shown
    assert len(dialog.rows()) == len(shortcuts.SHORTCUTS)
    assert window.help_menu.actions() == [window.shortcuts_action]
    seen: list[object] = []
    window.exec_dialog = lambda d: seen.append(d) or False  # type: ignore[method-assign]
    window.shortcuts_action.trigger()
    assert isinstance(seen[0], shortcuts.ShortcutsDialog)


@pytest.mark.parametrize("key", [Qt.Key.Key_F6, Qt.Key.Key_Tab])
def test_f6_and_ctrl_tab_move_between_panels(
    qtbot: QtBot, window: ConsoleWindow, key: Qt.Key
) -> None:
    _show(qtbot, window)
    mods = Qt.KeyboardModifier.ControlModifier if key == Qt.Key.Key_Tab else Qt.KeyboardModifier(0)
    visited = []
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget() or window, key, mods)
        focus = QApplication.focusWidget()
        visited.append(next(p for p in window.panels() if p is focus or p.isAncestorOf(focus)))
    assert visited == window.panels()[:3]


def test_incident_clock_names_the_zone_never_cst(window: ConsoleWindow) -> None:
    text = window.incident_clock.text()
    assert "Asia/Shanghai" in text and "UTC+08:00" in text
    assert "CST" not in text and "CST" not in tip_text(window.incident_clock.toolTip())
    assert window.incident_clock.parent() is window.header


def test_zone_names_and_ages_for_people() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    assert utc_offset(shanghai, T0) == "UTC+08:00"
    assert utc_offset(ZoneInfo("America/St_Johns"), T0).startswith("UTC-0")
    assert zone_name(UTC, T0) == "UTC"
    assert [ago(s) for s in (2, 40, 125, 3600, 3900, 2 * 86400)] == [
        "just now",
        "40 s ago",
        "2 min ago",
        "1 h ago",
        "1 h 5 min ago",
        "2 d ago",
    ]
    text = heard_text(T0, T0 + 125, shanghai)
    assert text.endswith("· 2 min ago") and "CST" not in text


def test_last_heard_shows_incident_time_and_age(qtbot: QtBot, incident: Incident) -> None:
    w = ConsoleWindow(incident, clock=lambda: T0 + 150)
    qtbot.addWidget(w)
    w.stations_model.set_heard({incident.stations[0].id: T0 + 30})
    column = next(
        c
        for c in range(w.stations_model.columnCount())
        if w.stations_model.headerData(c, Qt.Orientation.Horizontal) == "Last heard"
    )
    shown = w.stations_model.index(0, column).data()
    assert shown.endswith("2 min ago") and ":" in shown


def test_keys_named_alike_are_listed_once() -> None:
    twice = shortcuts.Shortcut("submit", ("Ctrl+Return", "Ctrl+Return"), "Send")
    assert shortcuts.key_text(twice).count(",") == 0
