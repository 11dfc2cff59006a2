"""The incident header keeps the delegation to one short line; the full scope is in the tooltip."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command.fold import DelegationModel
from ui import i18n
from ui.console.panels import IncidentHeader


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
    assert "hold_entry" in header.delegation.toolTip()


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
    assert "\u2060" not in header.delegation.toolTip()
