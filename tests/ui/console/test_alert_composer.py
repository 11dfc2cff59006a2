"""The public-alert composer: area from the zones, every CAP field, a Chinese version, required
fields, Ctrl+Enter, and Update/Cancel of an issued alert; what it builds is valid CAP 1.2."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from command.cap.export import export_cap, validate_cap
from command.model import Incident
from command.vocabulary import AlertIssued
from tests.ui.console.fake_events import EventMaker
from ui.console.alert_composer import AlertZone, PublicAlertDialog
from ui.console.mapview import read_zones
from ui.console.window import ConsoleWindow

from .conftest import DATA, T0

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

NOW = 1_785_190_000.0
ZONES = [
    AlertZone("z1", "Bund promenade", (((121.49, 31.23), (121.50, 31.23), (121.50, 31.24)),)),
    AlertZone("z2", "Nanjing Road", (((121.47, 31.23), (121.48, 31.23), (121.48, 31.24)),)),
]


def dialog(qtbot: QtBot, **kw: object) -> PublicAlertDialog:
    d = PublicAlertDialog(
        ZONES,
        incident_id="bund-2026",
        sender="cmd@bund.example",
        timezone="Asia/Shanghai",
        now=NOW,
        **kw,  # type: ignore[arg-type]
    )
    qtbot.addWidget(d)
    return d


def fill(d: PublicAlertDialog) -> None:
    d.area.item(0).setCheckState(Qt.CheckState.Checked)
    d.event_edit.setText("Crowd crush risk")
    d.headline.setText("Avoid the Bund promenade")
    d.description.setPlainText("The promenade is full.")
    d.instruction.setPlainText("Use Nanjing Road East.")
    d.response.setCurrentText("Avoid")
    d.web.setText("https://example.org/bund")
    d.rationale.setPlainText("density 4.1 per m² and rising")


def test_required_fields_are_named_one_at_a_time(qtbot: QtBot) -> None:
    d = dialog(qtbot)
    d.accept()
    assert d.result() == 0 and "zone" in d.error.text()
    d.area.item(0).setCheckState(Qt.CheckState.Checked)
    assert "event" in d.problem()
    d.event_edit.setText("Crowd")
    assert "headline" in d.problem()
    d.headline.setText("Avoid")
    assert "rationale" in d.problem()
    d.zh_headline.setText("请避开")
    assert "Chinese" in d.problem()


def test_the_composed_alert_is_valid_cap_with_its_area_and_chinese_version(qtbot: QtBot) -> None:
    d = dialog(qtbot)
    fill(d)
    d.zh_headline.setText("请避开外滩滨江步道")
    d.zh_description.setPlainText("步道已满。")
    d.accept()
    assert d.result() == 1
    composed = d.composed()
    alert = composed.alert
    assert alert.area_desc == "Bund promenade" and alert.polygons == ZONES[0].rings
    assert alert.expires == NOW + 120 * 60 and alert.response_types == ("Avoid",)
    assert [t.language for t in alert.translations] == ["zh-CN"]
    assert composed.rationale.startswith("density")
    assert validate_cap(export_cap(alert)) == []


def test_ctrl_enter_submits(qtbot: QtBot) -> None:
    d = dialog(qtbot)
    fill(d)
    d.show()
    d.activateWindow()
    qtbot.waitUntil(d.isActiveWindow)
    d.rationale.setFocus()
    with qtbot.wait_signal(d.accepted):
        qtbot.keyClick(d.rationale, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_a_cancel_references_the_issued_alert(qtbot: QtBot) -> None:
    first = dialog(qtbot)
    fill(first)
    earlier = first.composed().alert
    d = dialog(qtbot, following=earlier)
    assert d.area.item(0).checkState() == Qt.CheckState.Checked  # the earlier area
    assert d.headline.text() == earlier.headline
    d.msg_type.setCurrentText("Cancel")
    d.rationale.setPlainText("crowd has thinned")
    later = d.composed().alert
    assert later.msg_type == "Cancel" and earlier.identifier in later.references
    assert validate_cap(export_cap(later)) == []


def test_the_window_composes_from_its_zone_outlines_and_follows_up_issued_alerts(
    qtbot: QtBot, incident: Incident
) -> None:
    w = ConsoleWindow(incident, clock=lambda: T0, commander="Chief Li", settings_org="BatonTest")
    qtbot.addWidget(w)
    w.set_zone_shapes(read_zones(DATA / "zones.geojson"))
    seen: list[PublicAlertDialog] = []

    def run(d: PublicAlertDialog) -> bool:
        seen.append(d)
        fill(d)
        return True

    w.exec_dialog = run  # type: ignore[method-assign]
    with qtbot.wait_signal(w.public_alert_composed) as sig:
        w.public_alert_action.trigger()
    composed = sig.args[0]
    assert composed.alert.sender == "Chief_Li@baton" and composed.alert.polygons
    assert seen[0].area.count() == len(w.zone_shapes)
    mk = EventMaker(incident.id)
    w.apply_events(
        [mk.ev(AlertIssued.kind.value, AlertIssued(composed.alert.to_dict()).to_body(), ts=T0)]
    )
    w.alerts_panel.table.setCurrentIndex(w.alerts_panel.proxy.index(0, 0))
    with qtbot.wait_signal(w.public_alert_composed) as sig:
        w.follow_up_alert_action.trigger()
    assert composed.alert.identifier in sig.args[0].alert.references
