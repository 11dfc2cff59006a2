"""Order composer: catalogue-driven typed editors, delegation filter, validation."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from command.errors import ValidationError
from command.model import Incident, Priority
from ui.console.composer import OrderComposer


def composer(qtbot: QtBot, incident: Incident, **kw) -> OrderComposer:  # type: ignore[no-untyped-def]
    dialog = OrderComposer(incident.stations, incident.zones, **kw)
    qtbot.addWidget(dialog)
    return dialog


def test_editors_follow_the_param_specs(qtbot: QtBot, incident: Incident) -> None:
    c = composer(qtbot, incident)
    assert c.offered_kinds() == ["close_road", "hold_entry"]
    ed = c.editors
    assert isinstance(ed["road"], QLineEdit) and ed["road"].text() == "Zhongshan Rd"
    assert isinstance(ed["lanes"], QSpinBox)
    assert (ed["lanes"].minimum(), ed["lanes"].maximum(), ed["lanes"].value()) == (1, 4, 1)
    assert isinstance(ed["speed"], QDoubleSpinBox) and ed["speed"].maximum() == 60
    assert isinstance(ed["side"], QComboBox) and ed["side"].currentText() == "east"
    assert isinstance(ed["escort"], QCheckBox)
    c.station_box.setCurrentIndex(1)  # metro
    assert c.offered_kinds() == ["skip"] and list(c.editors) == ["minutes"]


def test_only_kinds_and_zones_the_delegation_allows(qtbot: QtBot, incident: Incident) -> None:
    c = composer(
        qtbot,
        incident,
        allows=lambda station, kind: kind != "hold_entry",
        allows_zone=lambda zone: zone != "plaza",
    )
    assert c.offered_kinds() == ["close_road"]
    assert [c.zone_box.itemData(i) for i in range(c.zone_box.count())] == ["north", "south"]
    nothing = composer(qtbot, incident, allows=lambda s, k: False)
    assert nothing.offered_kinds() == [] and "nothing the delegation allows" in nothing.error.text()
    assert nothing.problem() == "Choose a station and an order kind."


def test_valid_order_emits_a_typed_draft(qtbot: QtBot, incident: Incident) -> None:
    c = composer(qtbot, incident)
    c.editors["lanes"].setValue(3)  # type: ignore[union-attr]
    c.editors["escort"].setChecked(True)  # type: ignore[union-attr]
    c.zone_box.setCurrentIndex(1)
    c.priority_box.setCurrentIndex(2)
    assert c.problem().startswith("Write the rationale")
    c.rationale_box.setPlainText("crowd backing up at the exit")
    with qtbot.wait_signal(c.composed) as sig:
        c.accept()
    composed = sig.args[0]
    assert composed.rationale == "crowd backing up at the exit"
    draft = composed.order
    assert draft.station == "police" and draft.kind == "close_road" and draft.zone == "south"
    assert draft.params == {
        "road": "Zhongshan Rd",
        "lanes": 3,
        "speed": 30.0,
        "side": "east",
        "escort": True,
    }
    assert draft.priority is Priority.IMMEDIATE
    assert draft.due_s == 900.0


def test_out_of_range_value_is_refused(qtbot: QtBot, incident: Incident) -> None:
    c = composer(qtbot, incident)
    c.rationale_box.setPlainText("why")
    # the spin box cannot go past its range…
    c.editors["lanes"].setValue(99)  # type: ignore[union-attr]
    assert c.values()["lanes"] == 4
    # …and a suggested value outside it is kept and refused until the user changes it
    c.prefill({"station": "police", "kind": "close_road", "params": {"lanes": 9}})
    assert c.values()["lanes"] == 9
    assert c.problem() == "order kind 'close_road': parameter 'lanes' must be at most 4, got 9"
    with pytest.raises(ValidationError):
        c.draft()
    c.accept()
    assert c.result() == 0 and "at most 4" in c.error.text()
    c.editors["lanes"].setValue(2)  # type: ignore[union-attr]
    assert c.problem() == ""
    assert c.draft().order.params["lanes"] == 2


def test_prefill_from_a_suggestion(qtbot: QtBot, incident: Incident) -> None:
    c = composer(qtbot, incident)
    c.prefill(
        {
            "station": "metro",
            "kind": "skip",
            "zone": "plaza",
            "priority": 2,
            "text": "skip it",
            "params": {"minutes": 15},
        }
    )
    assert c.station().id == "metro"  # type: ignore[union-attr]
    assert c.values() == {"minutes": 15}
    assert c.zone_box.currentData() == "plaza" and c.text_box.text() == "skip it"
    c.prefill({"params": {"bogus": 1}})
    assert "has no parameter 'bogus'" in c.problem()


def test_order_kinds_have_their_chinese_titles_in_the_chinese_ui(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QApplication

    from command.scenarios.loader import load_scenario
    from ui import i18n

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    scenario = load_scenario("bund")
    i18n.use_scenario_names(scenario)
    try:
        lighting = [s.id for s in scenario.incident.stations].index("lighting")
        english = composer(qtbot, scenario.incident)
        english.station_box.setCurrentIndex(lighting)
        assert english.kind_box.itemText(0) == "Dim the light show"
        i18n.set_language(app, "zh_CN")
        chinese = composer(qtbot, scenario.incident)
        chinese.station_box.setCurrentIndex(lighting)
        texts = [chinese.kind_box.itemText(i) for i in range(chinese.kind_box.count())]
        assert texts[:3] == ["调暗灯光秀", "停止灯光秀", "恢复灯光秀"]
        assert chinese.offered_kinds()[:3] == ["dim_show", "stop_show", "resume_show"]
    finally:
        i18n.set_language(app, "en")
        i18n.set_names_zh({})


def test_an_open_composer_renames_its_choices_when_the_language_changes(qtbot: QtBot) -> None:
    """Seen on a screenshot: the composer kept its English kind titles after View → 简体中文."""
    from PySide6.QtWidgets import QApplication

    from command.scenarios.loader import load_scenario
    from ui import i18n

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    scenario = load_scenario("bund")
    i18n.use_scenario_names(scenario)
    try:
        c = composer(qtbot, scenario.incident)
        c.station_box.setCurrentIndex(c.station_box.findData("lighting"))
        c.kind_box.setCurrentIndex(c.kind_box.findData("dim_show"))
        c.zone_box.setCurrentIndex(c.zone_box.findData("chenyi"))
        c.editors["level_percent"].setValue(30)  # type: ignore[union-attr]
        assert c.kind_box.currentText() == "Dim the light show"
        assert c.param_labels["level_percent"].text() == "Brightness"
        i18n.set_language(app, "zh_CN")
        app.processEvents()
        texts = [c.kind_box.itemText(i) for i in range(c.kind_box.count())]
        assert texts == ["调暗灯光秀", "停止灯光秀", "恢复灯光秀"]
        assert c.station_box.currentText().startswith("外滩灯光控制室")
        assert c.zone_box.currentText() == "陈毅广场（南京东路东端）"
        assert c.param_labels["level_percent"].text() == "亮度"
        # the choices and the values entered stay
        assert c.kind_box.currentData() == "dim_show" and c.zone_box.currentData() == "chenyi"
        assert c.values()["level_percent"] == 30
        i18n.set_language(app, "en")
        app.processEvents()
        assert c.kind_box.currentText() == "Dim the light show"
        assert c.station_box.currentText().startswith("Bund lighting control")
    finally:
        i18n.set_language(app, "en")
        i18n.set_names_zh({})


def test_a_suggestion_prefills_its_chinese_words_in_the_chinese_ui(qtbot: QtBot) -> None:
    """Seen on a screenshot: the Chinese console prefilled the playbook's English text. The
    composer now shows the playbook's text_zh / params_zh and the choices' Chinese words; what
    it shows is what is signed (the Chinese text), the choice stays the catalogue's value."""
    from PySide6.QtWidgets import QApplication

    from command.scenarios.loader import load_scenario
    from ui import i18n

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    scenario = load_scenario("bund")
    chenyi = scenario.incident.zone("chenyi")
    hold, flow = (
        next(o for p in scenario.playbooks for o in p.orders if o.kind == kind).for_zone(chenyi)
        for kind in ("hold_entry", "one_way_flow")
    )

    def prefilled(o) -> OrderComposer:  # type: ignore[no-untyped-def]
        c = composer(qtbot, scenario.incident)
        c.prefill(
            {"station": o.station, "kind": o.kind, "zone": o.zone, "params": o.params}
            | {"text": o.text, "priority": int(o.priority)}
        )
        c.rationale_box.setPlainText("density orange")
        return c

    i18n.use_scenario_names(scenario)
    try:
        c = prefilled(hold)  # the English UI as before
        assert c.text_box.text() == hold.text
        assert c.draft().order.params["gates"] == hold.params["gates"]
        i18n.set_language(app, "zh_CN")
        c = prefilled(hold)
        assert c.text_box.text() == "陈毅广场（南京东路东端）所有入口暂停放行；允许人员离开。"
        assert c.editors["gates"].text() == "陈毅广场（南京东路东端）所有入口"  # type: ignore[union-attr]
        order = c.draft().order
        assert order.text == c.text_box.text()  # signed as shown
        assert order.params == {"gates": "陈毅广场（南京东路东端）所有入口", "duration_min": 20}
        c = prefilled(flow)
        combo = c.editors["direction"]
        assert isinstance(combo, QComboBox)
        assert combo.currentText() == "向南"
        assert [combo.itemText(i) for i in range(combo.count())] == ["向北", "向南"]
        assert c.draft().order.params == {"direction": "southbound"}
        assert c.draft().order.text == "滨江步道实行向南单向通行。"
    finally:
        i18n.set_language(app, "en")
        i18n.set_names_zh({})
