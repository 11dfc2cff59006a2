"""CAP out: profile rules, lossless re-export of received alerts, Update and Cancel of ours."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest

from command.cap import (
    CapError,
    CapTrust,
    PublicAlert,
    alert_xml,
    export_cap,
    follow_up,
    parse_alerts,
    parse_cap,
    received_cap_xml,
    validate_cap,
)
from command.cap.model import Reference
from tests.command.cap.alerts import CAP11, MANY_GEOCODES
from tests.command.cap.alerts import alert_xml as make_alert
from tests.command.cap.test_parse import FILES, lxml_counts

NO_TRUST = CapTrust()
BATON_KEYS = ("version", "envelope", "signature", "shown")


def cap_only(alert: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in alert.items() if k not in BATON_KEYS}


@pytest.mark.parametrize("name", sorted(FILES))
def test_received_alerts_re_export_losslessly_and_validate(name: str) -> None:
    for alert in parse_alerts(FILES[name], trust=NO_TRUST):
        xml = alert_xml(alert)
        assert validate_cap(xml) == []
        (again,) = parse_alerts(xml, trust=NO_TRUST)
        assert cap_only(again) == cap_only(alert)
        assert lxml_counts(xml)["infos"] == len(alert["info"])


def test_re_export_from_the_journaled_signal() -> None:
    sig = parse_cap(make_alert(ns=CAP11, infos=MANY_GEOCODES), trust=NO_TRUST)
    xml = received_cap_xml(asdict(sig))
    assert xml is not None and validate_cap(xml) == []
    assert lxml_counts(xml)["geocodes"] == 36 and lxml_counts(xml)["parameters"] == 3
    assert received_cap_xml({"body": {}}) is None


def test_utc_is_written_minus_zero_and_open_polygons_are_closed() -> None:
    open_ring = (
        "<info><language>en-US</language><category>Met</category><event>Gale</event>"
        "<urgency>Expected</urgency><severity>Moderate</severity><certainty>Likely</certainty>"
        "<expires>2026-02-03T18:00:00Z</expires><area><areaDesc>Bay</areaDesc>"
        "<polygon>10,20 10,21 11,21</polygon></area></info>"
    )
    (alert,) = parse_alerts(
        make_alert(sent="2026-02-03T08:00:00+00:00", infos=open_ring), trust=NO_TRUST
    )
    xml = alert_xml(alert)
    assert validate_cap(xml) == []
    assert b"<sent>2026-02-03T08:00:00-00:00</sent>" in xml
    assert b"<expires>2026-02-03T18:00:00-00:00</expires>" in xml
    assert b"<polygon>10,20 10,21 11,21 10,20</polygon>" in xml


@pytest.mark.parametrize(
    ("polygon", "message"),
    [
        ("10,20 10,21 10,20", "at least 4 points"),
        ("10,200 10,21 11,21 10,200", "out of range"),
        ("10;20 10,21 11,21", "is not 'lat,lon'"),
    ],
)
def test_bad_polygons_are_refused(polygon: str, message: str) -> None:
    info = (
        "<info><category>Met</category><event>Gale</event><urgency>Expected</urgency>"
        "<severity>Moderate</severity><certainty>Likely</certainty><area><areaDesc>Bay"
        f"</areaDesc><polygon>{polygon}</polygon></area></info>"
    )
    (alert,) = parse_alerts(make_alert(infos=info), trust=NO_TRUST)
    with pytest.raises(CapError, match=message):
        alert_xml(alert)


@pytest.mark.parametrize("identifier", ["has space", "a,b", "a&lt;b", "a&amp;b"])
def test_identifiers_with_spaces_commas_lt_amp_are_refused(identifier: str) -> None:
    (alert,) = parse_alerts(make_alert(identifier=identifier), trust=NO_TRUST)
    with pytest.raises(CapError, match="must not contain spaces, commas"):
        alert_xml(alert)


def test_required_fields() -> None:
    (alert,) = parse_alerts(make_alert(), trust=NO_TRUST)
    del alert["info"][1]["event"]
    with pytest.raises(CapError, match="info 2: <event> is required"):
        alert_xml(alert)
    with pytest.raises(CapError, match="<scope> is required"):
        alert_xml({**alert, "scope": ""})


def ours() -> PublicAlert:
    return PublicAlert(
        identifier="BATON-typhoon-0001",
        sender="traffic_duty_chief@huangpu.example",
        sent=1_785_190_000.0,
        event="Tunnel lane for riders",
        headline="One lane of the Fuxing East Road tunnel open to riders",
        description="Riders cross in escorted batches.",
        area_desc="Fuxing East Road Tunnel",
        polygons=(((121.49, 31.22), (121.50, 31.22), (121.50, 31.23)),),
    )


@pytest.mark.parametrize("msg_type", ["Update", "Cancel"])
def test_update_and_cancel_of_an_issued_alert(msg_type: str) -> None:
    first = ours()
    later = follow_up(
        first, msg_type, identifier=f"BATON-typhoon-0001-{msg_type}", sent=first.sent + 600
    )
    xml = export_cap(later)
    assert validate_cap(xml) == []
    sig = parse_cap(xml, trust=NO_TRUST)
    assert sig.body["cap"]["msgType"] == msg_type
    (ref,) = Reference.parse_all(sig.body["cap"]["references"])
    assert (ref.sender, ref.identifier) == (first.sender, first.identifier)
    assert ref.sent == "2026-07-27T22:06:40-00:00"
    again = follow_up(later, "Cancel", identifier="BATON-typhoon-0001-x", sent=later.sent + 1)
    assert len(Reference.parse_all(again.references)) == 2  # the whole thread is named
    with pytest.raises(CapError, match="an Update or a Cancel"):
        follow_up(first, "Alert", identifier="x", sent=first.sent)


def test_an_update_without_references_is_refused() -> None:
    from dataclasses import replace

    with pytest.raises(CapError, match="must reference"):
        export_cap(replace(ours(), msg_type="Update"))
