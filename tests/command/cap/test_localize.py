"""The alert board's words follow the UI language, for received and issued alerts alike."""

from __future__ import annotations

from command.cap.export import AlertText, PublicAlert
from command.cap.localize import alert_words


def received() -> dict[str, object]:
    info = {"category": ["Met"], "severity": "Severe", "event": "Typhoon"}
    return {
        "cap": {
            "identifier": "X1",
            "status": "Exercise",
            "msgType": "Alert",
            "info": [
                {
                    **info,
                    "language": "en-US",
                    "headline": "Ferries stop",
                    "area": [{"areaDesc": "Huangpu River"}],
                },
                {
                    **info,
                    "language": "zh-CN",
                    "headline": "轮渡停航",
                    "event": "台风",
                    "area": [{"areaDesc": "黄浦江"}],
                },
            ],
        }
    }


def test_received_alert_shows_the_info_of_the_ui_language_with_its_marks() -> None:
    zh = alert_words(received(), "zh_CN")
    en = alert_words(received(), "en")
    assert zh is not None and en is not None
    assert (zh.headline, zh.area, zh.event) == ("[EXERCISE] 轮渡停航", "黄浦江", "台风")
    assert (en.headline, en.area) == ("[EXERCISE] Ferries stop", "Huangpu River")
    fallback = alert_words(received(), "is-IS")
    assert fallback is not None and fallback.language == "en-US"


def test_issued_alert_shows_its_language_version() -> None:
    alert = PublicAlert(
        identifier="B1",
        sender="s",
        sent=1.0,
        event="Crowd",
        headline="Avoid the Bund",
        description="d",
        area_desc="Bund",
        severity="Severe",
        translations=(AlertText("zh-CN", "人群", "请避开外滩", "d"),),
    )
    zh = alert_words(alert.to_dict(), "zh_CN")
    assert zh is not None and (zh.headline, zh.event, zh.area) == ("请避开外滩", "人群", "Bund")
    en = alert_words(alert.to_dict(), "en")
    assert en is not None and en.headline == "Avoid the Bund"


def test_a_signal_without_cap_has_no_words() -> None:
    assert alert_words({"kind": "ferry_suspension"}, "zh_CN") is None
