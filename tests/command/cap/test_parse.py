"""CAP import: 1.1 and 1.2, EDXL-DE, every info/area/geocode/parameter kept, kinds in Unicode."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from command.cap import CapError, CapTrust, load_alerts, parse_alerts, parse_cap, to_signal
from command.cap.model import counts
from command.files import MAX_CAP_BYTES
from tests.command.cap.alerts import (
    CAP11,
    CAP12,
    MANY_GEOCODES,
    alert_xml,
    edxl,
    info,
)

NO_TRUST = CapTrust()


def lxml_counts(xml: str | bytes) -> dict[str, int]:
    """The counts of the file itself, read with lxml independently of Baton."""
    raw = xml.encode() if isinstance(xml, str) else xml
    root = etree.fromstring(raw)

    def n(tag: str) -> int:
        return int(root.xpath(f"count(//*[local-name()='{tag}'])"))

    return {
        "infos": n("info"),
        "areas": n("area"),
        "polygons": n("polygon"),
        "circles": n("circle"),
        "geocodes": n("geocode"),
        "parameters": n("parameter"),
    }


FILES = {
    "cap12-multi-language": alert_xml(),
    "cap11-multi-language": alert_xml(ns=CAP11, identifier="IMO-2026-0002"),
    "cap12-36-geocodes": alert_xml(identifier="NWS-36", infos=MANY_GEOCODES),
    "edxl-two-alerts": edxl(
        alert_xml(identifier="IMO-A"), alert_xml(ns=CAP11, identifier="IMO-B", infos=MANY_GEOCODES)
    ),
    "update-with-references": alert_xml(
        identifier="IMO-2026-0003",
        msg_type="Update",
        references="vakt@vedur.example.is,IMO-2026-0001,2026-02-03T08:00:00-00:00 "
        "vakt@vedur.example.is,IMO-2025-0999,2025-12-31T23:00:00-00:00",
        extra_header="<note>Wind raised</note>",
    ),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_baton_keeps_every_info_area_polygon_circle_geocode_parameter(name: str) -> None:
    xml = FILES[name]
    alerts = parse_alerts(xml, name=name, trust=NO_TRUST)
    total = dict.fromkeys(lxml_counts(xml), 0)
    for a in alerts:
        for key, value in counts(a).items():
            total[key] += value
    assert total == lxml_counts(xml)


def test_36_geocodes_and_duplicate_parameters_stay_as_pairs() -> None:
    (a,) = parse_alerts(alert_xml(infos=MANY_GEOCODES), trust=NO_TRUST)
    area = a["info"][0]["area"][0]
    assert len(area["geocode"]) == 36
    assert area["geocode"][-2:] == [["SAME0", "000000"], ["SAME0", "000000"]]
    assert a["info"][0]["parameter"][:2] == [["EAS-ORG", "WXR"], ["EAS-ORG", "WXR"]]
    assert to_signal(a).kind == "flood_warning"  # the baton:kind parameter


def test_versions_and_envelope() -> None:
    (a11,) = parse_alerts(FILES["cap11-multi-language"], trust=NO_TRUST)
    assert a11["version"] == "1.1" and "envelope" not in a11
    first, second = parse_alerts(FILES["edxl-two-alerts"], trust=NO_TRUST)
    assert (first["version"], second["version"]) == ("1.2", "1.1")
    assert first["envelope"]["standard"] == "EDXL-DE 1.0"
    assert first["envelope"]["distributionID"] == "DIST-42"
    assert (first["identifier"], second["identifier"]) == ("IMO-A", "IMO-B")


def test_header_fields_are_kept() -> None:
    (a,) = parse_alerts(FILES["update-with-references"], trust=NO_TRUST)
    assert (a["status"], a["msgType"], a["note"]) == ("Actual", "Update", "Wind raised")
    assert a["references"].split()[0] == (
        "vakt@vedur.example.is,IMO-2026-0001,2026-02-03T08:00:00-00:00"
    )
    info = a["info"][0]
    assert info["effective"] == "2026-02-03T08:00:00-00:00"
    assert info["onset"] == "2026-02-03T12:00:00-00:00"
    assert info["expires"] == "2026-02-04T00:00:00-00:00"
    assert info["area"][0]["circle"] == ["63.4186,-19.0060 12.5", "63.50,-18.50 3"]


@pytest.mark.parametrize(
    ("lang", "language", "headline"),
    [
        (None, "en-US", "Severe storm on the south coast"),
        ("is-IS", "is-IS", "Óveður við suðurströndina"),
        ("is", "is-IS", "Óveður við suðurströndina"),
        ("zh_CN", "zh-CN", "南部海岸强风暴"),
        ("fr-FR", "en-US", "Severe storm on the south coast"),  # falls back to the first
    ],
)
def test_the_info_shown_is_in_the_preferred_language(
    lang: str | None, language: str, headline: str
) -> None:
    sig = parse_cap(alert_xml(), lang=lang, trust=NO_TRUST)
    cap = sig.body["cap"]
    assert cap["info"][cap["shown"]]["language"] == language
    assert sig.headline == headline
    assert len(cap["info"]) == 3  # every info is kept, whichever is shown
    assert sig.kind == "severe_storm"  # the kind does not depend on the language shown


def test_kinds_keep_unicode_letters() -> None:
    from command.cap.summary import summarize

    kinds = [i["kind"] for i in summarize(parse_alerts(alert_xml(), trust=NO_TRUST)[0])["infos"]]
    assert kinds == ["severe_storm", "óveður_á_suðurlandi", "台风红色预警"]
    chinese_only = alert_xml(
        infos=info(language="zh-CN", event="台风", headline="台风", category="Infra")
    )
    assert parse_cap(chinese_only, trust=NO_TRUST).kind == "台风"  # not 'infra'


@pytest.mark.parametrize("status", ["Exercise", "Test", "Draft", "System"])
def test_a_status_other_than_actual_is_marked(status: str) -> None:
    sig = parse_cap(alert_xml(status=status), trust=NO_TRUST)
    assert sig.headline.startswith(f"[{status.upper()}] ")
    assert sig.body["cap"]["status"] == status


def test_update_and_cancel_are_marked() -> None:
    sig = parse_cap(alert_xml(msg_type="Cancel", references="a,b,c"), trust=NO_TRUST)
    assert sig.headline.startswith("[CANCEL] ")


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (f"<alert xmlns='{CAP12}'><identifier>x", "bad.xml: not well-formed XML"),
        ("<other/>", "bad.xml: not a CAP 1.1 or 1.2 alert"),
        (
            "<alert xmlns='urn:oasis:names:tc:emergency:cap:1.0'/>",
            "bad.xml: not a CAP 1.1 or 1.2 alert",
        ),
        (f"<alert xmlns='{CAP11}'><sender>s</sender></alert>", "bad.xml: missing <identifier>"),
        (
            "<EDXLDistribution xmlns='urn:oasis:names:tc:emergency:EDXL:DE:1.0'/>",
            "bad.xml: the EDXL-DE distribution holds no CAP",
        ),
        (
            f"<alert xmlns='{CAP12}'><identifier>i</identifier><sender>s</sender>"
            "<sent>2026-01-01T00:00:00</sent><status>Actual</status><msgType>Alert</msgType>"
            "</alert>",
            "bad.xml: <sent> '2026-01-01T00:00:00' is not a date-time with offset",
        ),
        (
            "<?xml version='1.0'?><!DOCTYPE alert [<!ENTITY e 'x'>]>"
            f"<alert xmlns='{CAP12}'><identifier>&e;</identifier></alert>",
            "bad.xml: has a DOCTYPE",
        ),
        (b" " * (MAX_CAP_BYTES + 1), "bad.xml: larger than"),
    ],
)
def test_bad_input_is_one_line(xml: str | bytes, message: str) -> None:
    with pytest.raises(CapError) as info:
        parse_alerts(xml, name="bad.xml", trust=NO_TRUST)
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


def test_external_entities_are_never_fetched() -> None:
    xml = (
        "<?xml version='1.0'?><!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
        f"<alert xmlns='{CAP12}'><identifier>&e;</identifier></alert>"
    )
    with pytest.raises(CapError, match="DOCTYPE"):
        parse_cap(xml, trust=NO_TRUST)


def test_load_alerts_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "dist.xml"
    path.write_text(FILES["edxl-two-alerts"], encoding="utf-8")
    assert [a["identifier"] for a in load_alerts(path, trust=NO_TRUST)] == ["IMO-A", "IMO-B"]
