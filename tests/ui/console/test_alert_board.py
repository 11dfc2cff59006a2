"""The alert board shows each alert's info in the UI language (received and issued alike)."""

from __future__ import annotations

import pytest

from command.cap.export import AlertText, PublicAlert
from command.fold import IncidentState
from command.vocabulary import AlertIssued, SignalReceived
from tests.ui.console.fake_events import EventMaker
from ui.console import qtmodels
from ui.console.qtmodels import AlertsTableModel

from .conftest import T0

HEADLINE, SEVERITY, AREA = 3, 5, 6


def cap_signal() -> dict[str, object]:
    info = {"category": ["Met"], "event": "Typhoon", "severity": "Severe"}
    cap = {
        "identifier": "WX-1",
        "sender": "wx@example.org",
        "status": "Actual",
        "msgType": "Alert",
        "info": [
            {
                **info,
                "language": "en-US",
                "headline": "Ferries suspended",
                "area": [{"areaDesc": "Huangpu River"}],
            },
            {**info, "language": "zh-CN", "headline": "轮渡停航", "area": [{"areaDesc": "黄浦江"}]},
        ],
    }
    return {
        "id": "WX-1",
        "ts": T0,
        "kind": "typhoon",
        "headline": "Ferries suspended",
        "source": "wx@example.org",
        "body": {"cap": {**cap, "shown": 0}},
    }


@pytest.mark.parametrize(
    ("language", "headline", "area"),
    [("en", "Ferries suspended", "Huangpu River"), ("zh_CN", "轮渡停航", "黄浦江")],
)
def test_received_alert_in_the_ui_language(
    mk: EventMaker, monkeypatch: pytest.MonkeyPatch, language: str, headline: str, area: str
) -> None:
    monkeypatch.setattr(qtmodels, "current_language", lambda: language)
    state = IncidentState()
    model = AlertsTableModel(state.alerts, lambda: T0)
    state.apply(mk.ev(SignalReceived.kind.value, SignalReceived(cap_signal()).to_body(), ts=T0))
    assert model.index(0, HEADLINE).data() == headline
    assert model.index(0, AREA).data() == area
    assert model.index(0, SEVERITY).data() == "Severe"


def test_issued_alert_in_the_ui_language(mk: EventMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qtmodels, "current_language", lambda: "zh_CN")
    alert = PublicAlert(
        identifier="B1",
        sender="s",
        sent=T0,
        event="Crowd",
        headline="Avoid the Bund",
        description="d",
        area_desc="Bund promenade",
        translations=(AlertText("zh-CN", "人群", "请避开外滩", "d"),),
    )
    state = IncidentState()
    model = AlertsTableModel(state.alerts, lambda: T0)
    state.apply(mk.ev(AlertIssued.kind.value, AlertIssued(alert.to_dict()).to_body(), ts=T0))
    assert model.index(0, HEADLINE).data() == "请避开外滩"
