"""The incident header keeps the delegation to one short line; the full scope is in the tooltip."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from command.fold import DelegationModel
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
