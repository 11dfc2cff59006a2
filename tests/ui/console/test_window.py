"""The console window: feeding, signals out, shortcuts, language and theme switch, settings."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command.model import Incident
from tests.ui.console.fake_events import EventMaker
from ui import i18n, theme
from ui.console.composer import OrderComposer
from ui.console.dialogs import DecisionDialog
from ui.console.mapview import read_zones
from ui.console.suggestion_editor import SuggestionEditor
from ui.console.window import ConsoleWindow

from .conftest import DATA, T0, decision, order

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def window(qtbot: QtBot, incident: Incident) -> ConsoleWindow:
    w = ConsoleWindow(
        incident,
        clock=lambda: T0 + 30,
        commander="cmd",
        settings_org="BatonTest",
        settings_app="console",
    )
    qtbot.addWidget(w)
    w.set_zone_shapes(read_zones(DATA / "zones.geojson"))
    return w


def feed(w: ConsoleWindow, mk: EventMaker) -> None:
    w.apply_events(
        [
            mk.open_grant(ts=T0),
            mk.ev("station.online", {"station": "police"}, ts=T0),
            mk.ev("order.issued", {"order": order("O1").to_dict(), "msg_id": "m"}, ts=T0),
            mk.ev("decision.added", {"decision": decision("D1").to_dict()}, ts=T0),
            mk.ev(
                "suggestion.proposed",
                {
                    "suggestion_id": "S1",
                    "playbook": "crowd",
                    "reason": "dense",
                    "orders": [
                        {
                            "station": "metro",
                            "kind": "skip",
                            "zone": "plaza",
                            "params": {"minutes": 20},
                        }
                    ],
                },
                ts=T0,
            ),
            mk.ev(
                "picture.level",
                {
                    "zone": "north",
                    "level": "red",
                    "previous": "orange",
                    "indicator": "density",
                    "value": 4.5,
                },
                ts=T0,
            ),
        ]
    )


def test_events_fill_tables_header_map_and_banner(window: ConsoleWindow, mk: EventMaker) -> None:
    assert window.banner.isHidden()
    feed(window, mk)
    assert window.orders_model.rowCount() == 1
    assert window.stations_model.rowCount() == 2  # both stations of the incident
    assert window.map.zone_brush("north") == QColor(theme.LIGHT.risk[4])
    assert "district" in window.header.delegation.text()
    assert "1h59m" in window.header.delegation.text().replace("\u2060", "")  # (word joiners)
    assert "Outbox: 1" in window.header.link.text()
    window.apply_events(
        [
            mk.ev(
                "escalation.raised",
                {
                    "escalation": {
                        "id": "E1",
                        "order_id": "O1",
                        "station": "police",
                        "kind": "not_accepted",
                        "raised_at": T0,
                        "message": "not accepted",
                    }
                },
                ts=T0 + 121,
            )
        ]
    )
    assert not window.banner.isHidden()
    assert window.banner.label.text() == "1 item(s) to acknowledge — police: not accepted"
    window.apply_events([mk.ev("escalation.resolved", {"id": "E1"}, ts=T0 + 130)])
    assert not window.banner.isHidden()  # resolved, but not yet acknowledged
    window.apply_events(
        [mk.ev("attention.acknowledged", {"subject": "escalation", "id": "E1"}, ts=T0 + 131)]
    )
    assert window.banner.isHidden()


def test_map_and_plots_come_from_the_folded_picture(window: ConsoleWindow, mk: EventMaker) -> None:
    assert not window.map.has_data("north")  # no data yet: not green
    assert window.map.label_text("north") == "North terrace\nno data"
    window.set_thresholds("density", [(2.0, 2), (3.0, 3)])
    key_metrics = [{"zone": "north", "metric": "density", "title": "Density", "unit": "p/m²"}]
    opened = {"incident": {"id": "inc", "name": "Test incident"}, "key_metrics": key_metrics}
    values = {"values": {"north": {"density": 2.5, "count": 1200.0}}, "stale": []}
    changed = window.apply_events(
        [
            mk.ev("incident.opened", opened, ts=T0 - 60),
            mk.ev("picture.values", values, ts=T0),
            mk.ev("picture.values", {"values": {"north": {"density": 3.21}}}, ts=T0 + 1),
            mk.ev(
                "picture.level",
                {"zone": "north", "level": "orange", "indicator": "density", "value": 3.21},
                ts=T0 + 1,
            ),
        ]
    )
    assert "zones" in changed
    assert window.map.has_data("north") and not window.map.has_data("south")
    assert window.map.zone_brush("north") == QColor(theme.LIGHT.risk[3])
    assert window.map.label_text("north") == "North terrace\n3.21 p/m²  ·  orange"
    assert window.plots.points("north", "density") == 2  # the fold's series, point by point
    assert window.plots.points("north", "count") == 0  # not a key metric: not plotted
    window.apply_events(
        [mk.ev("picture.values", {"values": {"south": {"density": 0.4}}}, ts=T0 + 2)]
    )
    assert window.map.has_data("south") and window.map.level("south") == 0  # data, still green
    assert window.map.zone_brush("south") == QColor(theme.LIGHT.risk[0])
    assert window.plots.points("north", "density") == 2  # nothing new for north
    assert window.plots.points("south", "density") == 1


def test_suggestion_buttons_and_ctrl_enter_emit_ids(
    qtbot: QtBot, window: ConsoleWindow, mk: EventMaker
) -> None:
    feed(window, mk)
    panel = window.suggestions_panel
    assert panel.selected() == "S1"  # the first pending one is selected when it arrives
    assert window.approve_action.shortcut().toString() == "Ctrl+Return"
    with qtbot.wait_signal(window.suggestion_approved) as sig:
        window.approve_action.trigger()
    assert sig.args == ["S1"]
    panel.ask_reason = lambda key: "handled already"
    with qtbot.wait_signal(window.suggestion_dismissed) as sig2:
        panel.dismiss.click()
    assert sig2.args == ["S1", "handled already"]
    window.apply_events(
        [mk.ev("suggestion.approved", {"suggestion_id": "S1", "by": "cmd", "why": ""}, ts=T0 + 5)]
    )
    assert panel.selected() is None and not panel.approve.isEnabled()


def test_edit_suggestion_opens_a_prefilled_composer(
    qtbot: QtBot, window: ConsoleWindow, mk: EventMaker
) -> None:
    feed(window, mk)
    seen: list[OrderComposer] = []

    def run(dialog: Any) -> bool:
        if isinstance(dialog, SuggestionEditor):
            assert dialog.edit_order(0)
            dialog.why_box.setPlainText("the platforms need longer")
            dialog.accept()
            return True
        seen.append(dialog)
        assert dialog.editors["minutes"].value() == 20  # prefilled from the suggestion
        dialog.editors["minutes"].setValue(30)
        dialog.accept()
        return True

    window.exec_dialog = run  # type: ignore[method-assign]
    with qtbot.wait_signal(window.suggestion_edited) as sig:
        window.suggestions_panel.edit.click()
    (edited,) = sig.args
    (draft,) = edited.orders
    assert edited.suggestion_id == "S1" and edited.changed and len(seen) == 1
    assert draft.station == "metro" and draft.params == {"minutes": 30} and draft.zone == "plaza"


def test_ctrl_n_composes_an_order(
    qtbot: QtBot, qapp: QApplication, window: ConsoleWindow, mk: EventMaker
) -> None:
    feed(window, mk)

    def run(dialog: Any) -> bool:
        dialog.rationale_box.setPlainText("clear the exit")
        dialog.accept()
        return dialog.result() == 1

    window.exec_dialog = run  # type: ignore[method-assign]
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.wait_signal(window.order_composed) as sig:
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert sig.args[0].order.kind == "close_road" and sig.args[0].rationale == "clear the exit"
    with qtbot.wait_signal(window.map.zone_selected) as zone:
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert zone.args == ["south"]


def test_decision_entry_and_correction_flow(
    qtbot: QtBot, window: ConsoleWindow, mk: EventMaker
) -> None:
    feed(window, mk)
    panel = window.decisions_panel

    def write(d: DecisionDialog) -> bool:
        d.decision.setPlainText("Hold entry at gate 3")
        d.rationale.setPlainText("queue over capacity")
        if d.correcting is not None:
            d.accept()
            assert d.result() == 0  # no reason yet
            d.reason.setText("gate number wrong")
        d.accept()
        return d.result() == 1

    panel.open_dialog = write
    assert window.new_decision_action.shortcut().toString() == "Ctrl+D"
    with qtbot.wait_signal(window.decision_written) as sig:
        window.new_decision_action.trigger()
    assert sig.args[0].decision == "Hold entry at gate 3"
    panel.table.selectRow(0)
    with qtbot.wait_signal(window.correction_written) as sig2:
        panel.correct.click()
    assert sig2.args[0].original_id == "D1" and sig2.args[0].reason == "gate number wrong"
    fixed = decision("D2", ts=T0 + 9, text="Hold entry at gate 4")
    window.apply_events(
        [
            mk.ev(
                "decision.corrected",
                {"decision": fixed.to_dict(), "corrects": "D1", "reason": "gate number wrong"},
                ts=T0 + 9,
            )
        ]
    )
    font = window.decisions_model.index(0, 1).data(Qt.ItemDataRole.FontRole)
    assert font.strikeOut()
    assert not panel.correct.isEnabled()  # a struck entry cannot be corrected again


def test_language_switch_translates_titles_and_states(
    qtbot: QtBot, qapp: QApplication, window: ConsoleWindow, mk: EventMaker
) -> None:
    feed(window, mk)
    dock = window.docks["ordersDock"]
    assert dock.windowTitle() == "Orders"
    window.set_language("zh_CN")
    qtbot.waitUntil(lambda: dock.windowTitle() == "指令")
    assert window.orders_model.index(0, 4).data() == "已下达"
    assert window.orders_model.headerData(4, Qt.Orientation.Horizontal) == "状态"
    qtbot.waitUntil(lambda: window.suggestions_panel.approve.text() == "批准(&A)")
    assert window.language_actions["zh_CN"].isChecked()
    window.set_language("en")
    qtbot.waitUntil(lambda: dock.windowTitle() == "Orders")
    assert window.orders_model.index(0, 4).data() == "issued"


def test_every_translation_is_finished() -> None:
    ts = (i18n.I18N_DIR / "baton_zh_CN.ts").read_text(encoding="utf-8")
    assert 'type="unfinished"' not in ts
    assert i18n.qm_path("zh_CN").exists()


def test_theme_switch_changes_palette_and_tables(
    qtbot: QtBot, qapp: QApplication, window: ConsoleWindow, mk: EventMaker
) -> None:
    feed(window, mk)
    window.set_theme("dark")
    assert qapp.palette().color(QPalette.ColorRole.Window) == QColor(theme.DARK.window)
    assert window.theme_actions["dark"].isChecked()
    assert window.map.zone_brush("north") == QColor(theme.DARK.risk[4])
    window.set_theme("light")
    assert qapp.palette().color(QPalette.ColorRole.Base) == QColor(theme.LIGHT.base)


def test_layout_theme_and_language_are_saved_and_restored(
    qtbot: QtBot, qapp: QApplication, incident: Incident
) -> None:
    first = ConsoleWindow(incident, settings_org="BatonTest", settings_app="layout")
    qtbot.addWidget(first)
    saved = (max(700, first.minimumSizeHint().width()), 520)  # the offscreen screen is 800x600
    first.resize(*saved)
    first.docks["decisionsDock"].hide()
    first.set_theme("dark")
    first.set_language("zh_CN")
    first.save_layout()
    assert QSettings("BatonTest", "layout").value("window/theme") == "dark"
    theme.apply_theme(qapp, "light")
    i18n.set_language(qapp, "en")

    second = ConsoleWindow(incident, settings_org="BatonTest", settings_app="layout")
    qtbot.addWidget(second)
    assert not second.docks["decisionsDock"].isHidden()
    assert second.restore_layout()
    assert second.docks["decisionsDock"].isHidden()
    assert (second.width(), second.height()) == saved
    assert theme.current().name == "dark" and i18n.current_language() == "zh_CN"
    other = ConsoleWindow(incident, settings_org="BatonTest", settings_app="never-saved")
    qtbot.addWidget(other)
    assert not other.restore_layout()


def test_unknown_theme_or_language_is_one_clear_error(qapp: QApplication) -> None:
    from command.errors import BatonError

    with pytest.raises(BatonError, match="unknown theme 'neon'"):
        theme.apply_theme(qapp, "neon")
    with pytest.raises(BatonError, match="unknown language 'fr'"):
        i18n.set_language(qapp, "fr")
