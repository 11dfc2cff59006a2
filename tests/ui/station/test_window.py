"""The station window: inbox order, verification badge, answers emitted for the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command.lifecycle import EXPIRY_REASON, OrderState, Step
from ui.labels import tip_text
from ui.station.window import StationWindow

NOW = 1_760_000_000.0


@dataclass(frozen=True)
class Ev:
    seq: int
    ts: float
    kind: str
    body: dict[str, Any] = field(default_factory=dict)
    actor: str = "traffic"
    incident: str = "typhoon"


def _order(oid: str, priority: int, kind: str = "open_tunnel_lane") -> dict[str, Any]:
    return {
        "id": oid,
        "incident": "typhoon",
        "station": "traffic",
        "kind": kind,
        "params": {"lane": 1, "batch_size": 40},
        "zone": "tunnel",
        "priority": priority,
        "issued_at": NOW,
        "ack_deadline": NOW + 120,
        "due": NOW + 900,
        "text": "Open one lane to riders in escorted batches",
        "grant_chain": ["g1", "g2"],
        "decision_id": "d1",
        "commander": "chief-wang",
        "signature": "ab",
    }


VERIFIED = {
    "ok": True,
    "chain": ["City EOC", "Pudong centre", "chief-wang"],
    "scope": "traffic: open_tunnel_lane · zones tunnel",
    "valid_until": NOW + 6 * 3600,
}


def _received(seq: int, oid: str, priority: int) -> Ev:
    return Ev(
        seq,
        NOW + seq,
        "order.received",
        {"order": _order(oid, priority), "msg_id": f"m{seq}", "verification": VERIFIED},
    )


@pytest.fixture
def window(qtbot: QtBot) -> StationWindow:
    win = StationWindow(
        "traffic",
        "Traffic police",
        "Pudong traffic",
        clock=lambda: NOW + 10,
        timezone="Asia/Shanghai",
        kind_titles={"open_tunnel_lane": "Open tunnel lane"},
    )
    qtbot.addWidget(win)
    return win


def test_inbox_shows_most_urgent_first(window: StationWindow) -> None:
    window.apply_events(
        [_received(1, "o-routine", 1), _received(2, "o-immediate", 3), _received(3, "o-urgent", 2)]
    )
    order = [
        window.table_model.row_at(window.proxy.mapToSource(window.proxy.index(r, 0)).row()).order_id
        for r in range(window.proxy.rowCount())
    ]
    assert order == ["o-immediate", "o-urgent", "o-routine"]


def test_inserts_are_incremental_not_resets(window: StationWindow, qtbot: QtBot) -> None:
    window.apply_events([_received(1, "o1", 2)])
    with qtbot.wait_signal(window.table_model.rowsInserted, timeout=1000):
        window.apply_events([_received(2, "o2", 2)])
    resets: list[bool] = []
    window.table_model.modelReset.connect(lambda: resets.append(True))
    window.apply_events(
        [Ev(3, NOW + 3, "order.acknowledge", {"order_id": "o1", "state": "acknowledged"})]
    )
    assert resets == []


def test_selecting_acknowledges_and_accept_is_emitted(window: StationWindow, qtbot: QtBot) -> None:
    window.apply_events([_received(1, "o1", 2)])
    with qtbot.wait_signal(window.action_requested, timeout=1000) as ack:
        window.select("o1")
    assert ack.args == ["o1", "acknowledge", {}]
    assert "Authority verified" in window.badge.text()
    assert "City EOC → Pudong centre → chief-wang" in window.badge.text()
    assert "UTC+08:00" in window.badge.text() and "CST" not in window.badge.text()
    assert window.order_title.text() == "Open tunnel lane — tunnel"
    assert window.buttons[Step.ACCEPT].isEnabled()
    with qtbot.wait_signal(window.action_requested, timeout=1000) as acc:
        window.buttons[Step.ACCEPT].click()
    assert acc.args == ["o1", "accept", {}]


def test_decline_needs_a_reason(
    window: StationWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.apply_events([_received(1, "o1", 2)])
    window.select("o1")
    monkeypatch.setattr(window, "ask", lambda step: None)  # operator cancels the dialog
    with qtbot.assert_not_emitted(window.action_requested):
        window.answer(Step.DECLINE)
    monkeypatch.setattr(window, "ask", lambda step: {"reason": "no officers free"})
    with qtbot.wait_signal(window.action_requested, timeout=1000) as sig:
        window.answer(Step.DECLINE)
    assert sig.args == ["o1", "decline", {"reason": "no officers free"}]


def test_rejected_order_shows_why_and_offers_nothing(window: StationWindow) -> None:
    window.apply_events(
        [
            Ev(
                1,
                NOW,
                "order.rejected",
                {
                    "order_id": "o9",
                    "order": _order("o9", 3),
                    "reason": "expired",
                    "detail": "grant g2 ended at 18:00 UTC",
                },
            ),
        ]
    )
    window.select("o9")
    assert "Rejected: not executed" in window.badge.text()
    assert "expired" in window.badge.text()
    row = window.inbox.row_of("o9")
    assert row is not None
    assert window.table_model.index(row, 4).data() == "rejected"
    assert window.table_model.index(row, 5).data() == ""  # no countdown on a rejected order
    assert not any(b.isEnabled() for b in window.buttons.values())


def test_progress_and_completion_follow_state(window: StationWindow) -> None:
    events = [
        _received(1, "o1", 2),
        Ev(2, NOW + 2, "order.acknowledge", {"order_id": "o1", "state": "acknowledged"}),
        Ev(3, NOW + 3, "order.accept", {"order_id": "o1", "state": "accepted"}),
    ]
    window.apply_events(events)
    window.select("o1")
    assert window.inbox.get("o1").state is OrderState.ACCEPTED  # type: ignore[union-attr]
    assert not window.buttons[Step.ACCEPT].isEnabled()
    assert window.buttons[Step.PROGRESS].isEnabled()
    assert window.buttons[Step.COMPLETE].isEnabled()


def test_link_state_is_shown(window: StationWindow) -> None:
    window.apply_events([Ev(1, NOW, "link.up", {"detail": "console 127.0.0.1:7701"})])
    assert "connected" in window.link_label.text()
    window.set_outbox(2)
    assert "reports waiting: 2" in window.link_label.text()
    window.apply_events([Ev(2, NOW + 5, "link.down", {"detail": "3 heartbeats missed"})])
    assert "unreachable" in window.link_label.text()


def _hhmm(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")


def test_an_accept_crossed_by_the_expiry_shows_withdrawn_with_the_note(
    window: StationWindow,
) -> None:
    withdrawal = {"reason": EXPIRY_REASON, "withdrawn": True}
    window.apply_events(
        [
            _received(1, "o1", 2),
            Ev(2, NOW + 2, "order.acknowledge", {"order_id": "o1", "state": "acknowledged"}),
            Ev(3, NOW + 3, "order.accept", {"order_id": "o1", "state": "accepted"}),
            Ev(
                4,
                NOW + 4,
                "order.expire",
                {
                    "order_id": "o1",
                    "state": "expired",
                    "detail": {**withdrawal, "overruled": "accept", "overruled_at": NOW + 3},
                },
                actor="console",
            ),
        ]
    )
    window.select("o1")
    assert window.inbox.get("o1").state is OrderState.EXPIRED  # type: ignore[union-attr]
    row = window.inbox.row_of("o1")
    assert row is not None
    assert window.table_model.index(row, 4).data() == "withdrawn (expired)"
    assert not window.buttons[Step.ACCEPT].isEnabled()
    assert not any(b.isEnabled() for b in window.buttons.values())
    text = window.body.text()
    assert f"withdrawn — your accept at {_hhmm(NOW + 3)} crossed the expiry" in text


def test_a_cancelled_order_never_accepted_is_simply_withdrawn(window: StationWindow) -> None:
    window.apply_events(
        [
            _received(1, "o2", 1),
            Ev(
                2,
                NOW + 2,
                "order.cancel",
                {
                    "order_id": "o2",
                    "state": "cancelled",
                    "detail": {"reason": "crowd dispersed", "withdrawn": True},
                },
                actor="console",
            ),
        ]
    )
    window.select("o2")
    assert "withdrawn — cancelled" in window.body.text()
    assert not any(b.isEnabled() for b in window.buttons.values())


def test_the_title_names_the_station_in_chinese_in_the_chinese_ui(
    qtbot: QtBot, qapp: QApplication, isolated_look: None
) -> None:
    from command.scenarios.loader import load_scenario
    from ui import i18n
    from ui.station.live import window_for

    scenario = load_scenario("typhoon")
    try:
        w = window_for("water", scenario, lambda: scenario.start)
        qtbot.addWidget(w)
        assert w.title_label.text() == "Water authority duty office · Shanghai Water Authority"
        i18n.set_language(qapp, "zh_CN")
        qapp.processEvents()
        w.retranslate()
        assert w.title_label.text() == "水务局值班室 · 上海市水务局"  # its agency too
    finally:
        i18n.set_names_zh({})


def test_order_kinds_have_their_chinese_titles_in_the_chinese_ui(
    qtbot: QtBot, qapp: QApplication, isolated_look: None
) -> None:
    """Seen on a screenshot: the Chinese station window named order kinds in English."""
    from command.scenarios.loader import load_scenario
    from ui import i18n
    from ui.station.live import window_for

    scenario = load_scenario("typhoon")
    try:
        w = window_for("water", scenario, lambda: NOW + 10)
        qtbot.addWidget(w)
        order = {**_order("o1", 2, "report_level"), "station": "water", "zone": "river"}
        w.apply_events(
            [
                Ev(
                    1,
                    NOW + 1,
                    "order.received",
                    {"order": order, "msg_id": "m1", "verification": VERIFIED},
                    actor="water",
                )
            ]
        )
        kind_cell = w.table_model.index(0, 2)
        assert kind_cell.data() == "Report the river level at a gauge"
        i18n.set_language(qapp, "zh_CN")
        qapp.processEvents()
        w.retranslate()
        assert w.table_model.index(0, 2).data() == "报告水位站水位"
        w.select("o1")
        river = scenario.names_zh["zone:river"]
        assert w.order_title.text() == f"报告水位站水位 — {river}"  # the zone in Chinese too
        assert w.table_model.index(0, 3).data() == river
    finally:
        i18n.set_names_zh({})


def test_the_order_reads_in_chinese_in_the_chinese_ui(
    qtbot: QtBot, qapp: QApplication, isolated_look: None
) -> None:
    """Seen on a screenshot: the Chinese station window said "Authority verified", showed the
    playbook's English text and parameter names, and "From / State / Accept by / Due"."""
    from command.scenarios.loader import load_scenario
    from ui import i18n
    from ui.station.live import window_for

    scenario = load_scenario("bund")
    chenyi = "Chenyi Square (Nanjing Road East end)"
    text = f"Hold entry at every gate of {chenyi}; let people leave."  # the playbook's, filled
    order = {
        **_order("o1", 3, "hold_entry"),
        "station": "security",
        "zone": "chenyi",
        "params": {"gates": f"all entrances to {chenyi}", "duration_min": 20},
        "text": text,
    }
    received = Ev(
        1, NOW + 1, "order.received", {"order": order, "msg_id": "m1", "verification": VERIFIED}
    )
    try:
        w = window_for("security", scenario, lambda: NOW + 10)
        qtbot.addWidget(w)
        w.apply_events([received])
        w.select("o1")
        assert text in w.body.text() and "Gates to hold" in w.body.text()  # English as before
        assert "From: chief-wang" in w.body.text()  # a signer the scenario does not name
        i18n.set_language(qapp, "zh_CN")
        qapp.processEvents()
        body, badge = w.body.text(), w.badge.text()
        assert "授权已验证" in badge and "Authority verified" not in badge
        assert "陈毅广场（南京东路东端）所有入口暂停放行；允许人员离开。" in body
        assert "暂停放行的入口" in body and "持续时间: <b>20</b> min" in body  # with its unit
        for english in ("Gates to hold", "duration_min", "From", "State", "Accept by", "Due"):
            assert english not in body, english
        assert "发令人" in body and "接受截止" in body and "完成期限" in body
        commander = {**order, "id": "o3", "commander": scenario.delegation.commander}
        w.apply_events(
            [
                Ev(
                    3,
                    NOW + 3,
                    "order.received",
                    {"order": commander, "msg_id": "m3", "verification": VERIFIED},
                )
            ]
        )
        w.select("o3")
        assert "发令人：外滩派出所所长" in w.body.text()  # the commander by name, in Chinese
        i18n.set_language(qapp, "en")
        qapp.processEvents()
        assert "From: Chief, Waitan Police Station" in w.body.text()
        i18n.set_language(qapp, "zh_CN")
        qapp.processEvents()
        w.select("o1")
        # the text and the gates as signed, one hover away
        assert tip_text(w.body.toolTip()) == f"{text}\n暂停放行的入口: all entrances to {chenyi}"
        assert "陈毅广场（南京东路东端）所有入口" in body
        edited = {**order, "id": "o2", "text": "Hold the north gates only."}
        w.apply_events(
            [
                Ev(
                    2,
                    NOW + 2,
                    "order.received",
                    {"order": edited, "msg_id": "m2", "verification": VERIFIED},
                )
            ]
        )
        w.select("o2")
        assert "Hold the north gates only." in w.body.text()  # the commander's own words stay
    finally:
        i18n.set_names_zh({})


@pytest.mark.parametrize("name", ["bund", "typhoon", "disney"])
def test_every_playbook_order_text_reads_in_chinese_for_every_zone(
    qapp: QApplication, isolated_look: None, name: str
) -> None:
    """The texts the playbooks propose, filled for each zone as the engine fills them
    (`OrderDraft.for_zone`), all have their Chinese text in the Chinese UI."""
    from command.scenarios.loader import load_scenario
    from ui import i18n

    scenario = load_scenario(name)
    i18n.use_scenario_names(scenario)
    try:
        i18n.set_language(qapp, "zh_CN")
        for playbook in scenario.playbooks:
            for draft in playbook.orders:
                for zone in scenario.incident.zones:
                    o = draft.for_zone(zone)
                    shown = i18n.order_text(o.station, o.kind, o.text)
                    assert shown != o.text and "{zone" not in shown, (playbook.id, o.text)
                    if "{zone_name}" in draft.text:
                        assert scenario.names_zh[f"zone:{zone.id}"] in shown
        i18n.set_language(qapp, "en")
        o = scenario.playbooks[0].orders[0].for_zone(scenario.incident.zones[0])
        assert i18n.order_text(o.station, o.kind, o.text) == o.text
    finally:
        i18n.set_names_zh({})


@pytest.mark.parametrize("name", ["bund", "typhoon", "disney"])
def test_every_playbook_parameter_value_reads_in_chinese_for_every_zone(
    qapp: QApplication, isolated_look: None, name: str
) -> None:
    """Seen on a screenshot: the Chinese station window showed the playbook's values in English
    ('all entrances to Chenyi Square…', 'southbound'); every text or choice value a playbook
    proposes, filled for each zone, now has its Chinese words, and the English UI keeps them."""
    from command.scenarios.loader import load_scenario
    from ui import i18n

    scenario = load_scenario(name)
    i18n.use_scenario_names(scenario)
    try:
        for language in ("zh_CN", "en"):
            i18n.set_language(qapp, language)
            for playbook in scenario.playbooks:
                for draft in playbook.orders:
                    for zone in scenario.incident.zones:
                        o = draft.for_zone(zone)
                        for k, v in o.params.items():
                            if not isinstance(v, str):
                                continue
                            shown = i18n.param_value(o.station, o.kind, k, v)
                            if language == "en":
                                assert shown == v
                            else:
                                assert shown != v and "{zone" not in shown, (playbook.id, k, v)
    finally:
        i18n.set_names_zh({})
        i18n.set_language(qapp, "en")


def test_a_choice_reads_in_chinese_and_the_signed_value_is_one_hover_away(
    qtbot: QtBot, qapp: QApplication, isolated_look: None
) -> None:
    from command.scenarios.loader import load_scenario
    from ui import i18n
    from ui.station.live import window_for

    order = {
        **_order("o1", 3, "one_way_flow"),
        "station": "security",
        "zone": "chenyi",
        "params": {"direction": "southbound"},
        "text": "One-way southbound flow on the promenade.",
    }
    received = Ev(
        1, NOW + 1, "order.received", {"order": order, "msg_id": "m1", "verification": VERIFIED}
    )
    try:
        w = window_for("security", load_scenario("bund"), lambda: NOW + 10)
        qtbot.addWidget(w)
        w.apply_events([received])
        w.select("o1")
        assert "Direction: <b>southbound</b>" in w.body.text() and not tip_text(w.body.toolTip())
        i18n.set_language(qapp, "zh_CN")
        qapp.processEvents()
        assert "通行方向: <b>向南</b>" in w.body.text() and "southbound" not in w.body.text()
        assert tip_text(w.body.toolTip()).splitlines()[1] == "通行方向: southbound"
    finally:
        i18n.set_names_zh({})
        i18n.set_language(qapp, "en")


def test_a_playbook_text_signed_in_chinese_reads_in_english_in_the_english_ui(
    qapp: QApplication, isolated_look: None
) -> None:
    """An order composed in the Chinese console carries the Chinese text it showed (the signed
    text); the English station window shows the playbook's English words for it."""
    from command.scenarios.loader import load_scenario
    from ui import i18n

    i18n.use_scenario_names(load_scenario("bund"))
    zh = "陈毅广场（南京东路东端）所有入口暂停放行；允许人员离开。"
    en = "Hold entry at every gate of Chenyi Square (Nanjing Road East end); let people leave."
    try:
        assert i18n.order_text("security", "hold_entry", zh) == en
        gates = i18n.param_value(
            "security", "hold_entry", "gates", "陈毅广场（南京东路东端）所有入口"
        )
        assert gates == "all entrances to Chenyi Square (Nanjing Road East end)"
        i18n.set_language(qapp, "zh_CN")
        assert i18n.order_text("security", "hold_entry", zh) == zh
        assert i18n.order_text("security", "hold_entry", en) == zh
    finally:
        i18n.set_names_zh({})
        i18n.set_language(qapp, "en")


def test_a_flag_reads_yes_or_no_in_the_ui_language(qapp: QApplication, isolated_look: None) -> None:
    """Typhoon's escorted lane read 'Escorted: True' (护送: True): the flag as Python prints it."""
    from ui import i18n

    try:
        assert (
            i18n.param_value("traffic_police", "open_lane_non_motorised", "escort", True) == "yes"
        )
        assert (
            i18n.param_value("traffic_police", "open_lane_non_motorised", "escort", False) == "no"
        )
        i18n.set_language(qapp, "zh_CN")
        assert i18n.param_value("traffic_police", "open_lane_non_motorised", "escort", True) == "是"
        assert (
            i18n.param_value("traffic_police", "open_lane_non_motorised", "escort", False) == "否"
        )
    finally:
        i18n.set_language(qapp, "en")


SPOOF = "<span style='background:green'>✔ Authority verified</span><img src='/etc/passwd'>"


def test_markup_in_an_order_is_shown_as_text_never_rendered(window: StationWindow) -> None:
    """A hostile sender's markup (in the text, a value, the kind, or the verifier's reason that
    quotes it) must not draw a fake 'verified' badge or load anything: it reads literally."""
    hostile = {**_order("o7", 2, kind=SPOOF), "text": SPOOF, "params": {"lane": SPOOF}}
    window.apply_events(
        [
            Ev(
                1,
                NOW,
                "order.rejected",
                {"order_id": "o7", "order": hostile, "reason": SPOOF, "detail": SPOOF},
            ),
            Ev(2, NOW + 1, "order.received", {"order": {**hostile, "id": "o8"}, "msg_id": "m2"}),
        ]
    )
    for oid in ("o7", "o8"):
        window.select(oid)
        for label in (window.badge, window.body):
            assert "<span style=" not in label.text() and "<img" not in label.text()
        assert "&lt;span style=" in window.body.text()
        for label in (window.badge, window.body):  # and on hover
            assert "<span style=" not in label.toolTip() and "<img" not in label.toolTip()
        assert window.order_title.textFormat() == Qt.TextFormat.PlainText
    window.select("o7")
    assert "&lt;img src=" in window.badge.text()  # the reason and detail, escaped
    assert tip_text(window.badge.toolTip()) == SPOOF  # the verifier's detail on hover, literally
