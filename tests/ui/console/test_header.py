"""The incident header keeps the delegation to one short line; the full scope is in the tooltip."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command.fold import DelegationModel
from command.scenarios.loader import load_scenario
from ui import i18n
from ui.console.controller import delegation_names
from ui.console.panels import FittedLabel, IncidentHeader, fit_delegation
from ui.labels import tip_text


def test_scope_is_summarised_as_counts_with_the_full_scope_on_hover(qtbot: QtBot) -> None:
    model = DelegationModel()
    model.issuer = "Huangpu District City Operations Centre"
    model.scope = {
        "stations": ["lighting", "metro", "security", "traffic_police"],
        "order_kinds": ["dim_show", "hold_entry", "close_road"],
        "zones": ["*"],
    }
    header = IncidentHeader(model, clock=lambda: 0.0)
    qtbot.addWidget(header)
    text = header.delegation.text()
    assert "4 stations · 3 order kinds · all zones" in text
    assert "hold_entry" not in text
    assert "hold_entry" in tip_text(header.delegation.toolTip())


def test_time_left_reads_in_chinese_and_is_never_split_over_two_lines(
    qtbot: QtBot, qapp: QApplication
) -> None:
    model = DelegationModel()
    model.issuer = "Huangpu District City Operations Centre"
    model.expires = 11460.0
    header = IncidentHeader(model, clock=lambda: 0.0)
    qtbot.addWidget(header)
    assert "3h11m left" in header.delegation.text().replace("\u2060", "").replace("\u00a0", " ")
    i18n.set_language(qapp, "zh_CN")
    header.refresh()
    text = header.delegation.text()
    assert text.replace("\u2060", "").endswith("剩余3小时11分")
    assert "\u2060".join("3小时11分") in text  # word joiners: no line break inside
    assert "\u2060" not in tip_text(header.delegation.toolTip())


def test_the_authority_is_named_in_chinese_in_the_chinese_ui(
    qtbot: QtBot, qapp: QApplication
) -> None:
    for name, authority_zh in (("bund", "黄浦区"), ("typhoon", "黄浦区"), ("disney", "浦东新区")):
        scenario = load_scenario(name)
        d = scenario.delegation
        assert scenario.names_zh[f"signer:{d.authority}"].startswith(authority_zh)
        assert scenario.names_zh[f"signer:{d.commander}"]
    scenario = load_scenario("bund")
    i18n.use_scenario_names(scenario)
    try:
        model = DelegationModel()
        model.issuer = scenario.delegation.authority  # the grant names its issuer by key id
        header = IncidentHeader(model, clock=lambda: 0.0)
        header.names = delegation_names(scenario)
        qtbot.addWidget(header)
        header.refresh()
        assert "Huangpu District City Operations Centre" in header.delegation.text()
        i18n.set_language(qapp, "zh_CN")
        header.refresh()
        text = header.delegation.text()
        assert "黄浦区城市运行管理中心" in text and "Operations" not in text
    finally:
        i18n.set_names_zh({})


@pytest.mark.qt_log_ignore("propagateSizeHints")
@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_delegation_stays_on_one_line_with_the_time_left_whole_at_the_bund_width(
    qtbot: QtBot, qapp: QApplication, language: str
) -> None:
    """Seen on a screenshot: in the bund window's first-run layout the Chinese header broke
    after "剩余", the time left alone on a second line (the English one after "12")."""
    from tests.ui.console.test_first_run_docks import first_run_window

    i18n.set_language(qapp, language)
    w = first_run_window(qtbot, "bund")
    model = w.header.model
    model.issuer = load_scenario("bund").delegation.authority
    w.header.names = delegation_names(load_scenario("bund"))
    model.scope = {
        "stations": ["lighting", "metro", "security", "traffic_police"],
        "order_kinds": [f"k{i}" for i in range(12)],
        "zones": ["a", "b", "c", "d", "e"],
    }
    model.expires = w.header.clock() + 8580.0  # 2 h 23 min
    w.header.refresh()
    label = w.header.delegation
    metrics = label.fontMetrics()
    shown = label.shown_text().replace("\u2060", "").replace("\u00a0", " ")
    assert metrics.horizontalAdvance(label.shown_text()) <= label.contentsRect().width()
    assert shown.endswith("剩余2小时23分" if language == "zh_CN" else "2h23m left"), shown
    if metrics.horizontalAdvance(label.text()) > label.contentsRect().width():
        assert "…" in shown  # the scope's counts gave way, not the time left
    else:  # with this machine's fonts the whole line fits (the give-way order is tested below)
        assert label.shown_text() == label.text()
    issuer = "黄浦区城市运行管理中心" if language == "zh_CN" else "Huangpu District City"
    assert issuer in shown  # who delegated still reads whole
    assert label.height() < 2 * metrics.lineSpacing()  # one line
    hover = tip_text(label.toolTip())
    assert label.text().replace("\u2060", "") in hover  # the whole line on hover
    w.header.resize(1400, w.header.height())
    qtbot.waitUntil(lambda: w.header.width() == 1400)
    assert label.shown_text() == label.text()  # wide enough: nothing elided


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_scope_gives_way_first_then_the_issuer_and_the_time_left_never(
    qtbot: QtBot, language: str
) -> None:
    """The give-way order at widths measured in this machine's font (whatever it is): the
    counts go to "…" first, then the issuer's name is elided, and the time left always shows."""
    if language == "zh_CN":
        template, issuer = "授权方 %1 · 范围：%2 · 剩余%3", "黄浦区城市运行管理中心"
        left = "2小时23分"
    else:
        template, issuer, left = "Delegated by %1 · scope %2 · %3 left", "Huangpu District", "2h23m"
    scope = "4 stations · 12 order kinds · 5 zones"

    def fill(name: str, counts: str = "…") -> str:
        return template.replace("%1", name).replace("%2", counts).replace("%3", left)

    label = FittedLabel()
    qtbot.addWidget(label)
    label.setText(fill(issuer, scope))
    label.fit = fit_delegation(template, issuer, scope, left)
    metrics = label.fontMetrics()
    margins = label.width() - label.contentsRect().width()

    def shown_at(px: int) -> str:
        label.setFixedWidth(px + margins)
        assert label.contentsRect().width() == px
        return label.shown_text()

    whole = metrics.horizontalAdvance(label.text())
    assert shown_at(whole) == label.text()
    counts_gone = metrics.horizontalAdvance(fill(issuer))
    assert counts_gone < whole
    assert shown_at(counts_gone) == fill(issuer)  # the counts gave way, the issuer reads whole
    assert shown_at(whole - 1) == fill(issuer)
    narrower = shown_at(counts_gone - 1)
    after_issuer = fill("")[len(template.split("%1")[0]) :]  # " · scope … · 2h23m left"
    assert issuer not in narrower and narrower.endswith(after_issuer)  # the issuer was elided
    assert metrics.horizontalAdvance(narrower) <= counts_gone - 1
    tiny = shown_at(metrics.horizontalAdvance(left) * 2)
    # the line gave way at the left, the time left still whole
    assert tiny.startswith("…") and tiny.endswith(left + template.split("%3")[1])
