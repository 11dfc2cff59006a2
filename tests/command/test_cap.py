"""CAP 1.2: the spec example imports; exports validate against the OASIS schema.

More CAP tests (1.1, EDXL-DE, signatures, Update/Cancel) are in tests/command/cap/."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from command.cap import (
    CapError,
    PublicAlert,
    alert_to_cap_xml,
    cap_polygon,
    export_cap,
    geojson_rings,
    load_cap,
    parse_cap,
    validate_cap,
)
from command.scenarios.loader import SCENARIOS_DIR, load_scenario
from data import CAP_EXAMPLE as EXAMPLE
from data import CAP_XSD as XSD

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def test_spec_example_imports() -> None:
    sig = load_cap(EXAMPLE)
    assert sig.id == "KAR0-0306112239-SW"
    assert sig.source == "KARO@CLETS.DOJ.CA.GOV"
    assert sig.ts == datetime.fromisoformat("2003-06-11T22:39:00-07:00").timestamp()
    assert sig.kind == "child_abduction"
    assert sig.headline == "Amber Alert in Los Angeles County"
    cap = sig.body["cap"]
    info = cap["info"][0]
    assert info["category"] == ["Rescue"] and info["severity"] == "Severe"
    assert info["area"][0]["areaDesc"] == "Los Angeles County"
    assert info["area"][0]["geocode"] == [["SAME", "006037"]]
    assert [i["language"] for i in cap["info"]] == ["en-US", "es-US"]
    assert sig.zone is None
    assert load_cap(EXAMPLE, lang="es-US").headline == "Alerta Amber en el condado de Los Ángeles"


def test_shipped_ferry_alert_is_valid_and_maps_to_a_signal(schema: etree.XMLSchema) -> None:
    path = SCENARIOS_DIR / "typhoon-ferry-suspension.xml"
    assert schema.validate(etree.parse(str(path)))
    sig = load_cap(path)
    assert (sig.kind, sig.zone) == ("ferry_suspension", "river")
    assert sig.body["cap"]["info"][0]["senderName"] == "Shanghai Water Authority"
    assert sig.body["cap"]["status"] == "Actual"  # Actual inside the scenario: it triggers


def alert(**changes: object) -> PublicAlert:
    sc = load_scenario("bund")
    base = PublicAlert(
        identifier="BATON-bund-0001",
        sender="waitan_chief@baton.example",
        sent=sc.ts(52),
        event="Crowd control",
        headline="Chenyi Square entry held - use Huangpu Park or the South Bund",
        description="Crowd density at Chenyi Square has reached the orange level.",
        instruction="Do not walk towards Chenyi Square; follow police directions.",
        area_desc="Chenyi Square, the Bund",
        timezone="Asia/Shanghai",
        polygons=tuple(geojson_rings(sc.geometry["chenyi"])),
        parameters={"baton:kind": "crowd_control", "baton:zone": "chenyi"},
        expires=sc.ts(120),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_export_validates_against_the_xsd(schema: etree.XMLSchema) -> None:
    xml = export_cap(alert())
    doc = etree.fromstring(xml)
    assert schema.validate(doc), schema.error_log
    assert validate_cap(xml, XSD) == []
    assert b"+08:00" in xml  # shown in the incident's time zone, never Z


def test_export_round_trips_through_import() -> None:
    sig = parse_cap(export_cap(alert()))
    assert (sig.id, sig.kind, sig.zone) == ("BATON-bund-0001", "crowd_control", "chenyi")
    assert sig.ts == alert().sent
    assert sig.body["cap"]["info"][0]["area"][0]["polygon"][0].startswith("31.")


def test_minimal_export_without_polygon_validates(schema: etree.XMLSchema) -> None:
    xml = export_cap(
        alert(polygons=(), parameters={}, expires=None, instruction="", timezone="UTC")
    )
    assert schema.validate(etree.fromstring(xml)), schema.error_log
    assert b"-00:00" in xml and b"+00:00" not in xml  # CAP 1.2 writes UTC as -00:00


def test_cap_polygon_closes_the_ring() -> None:
    text = cap_polygon([(121.0, 31.0), (121.1, 31.0), (121.1, 31.1)])
    pairs = text.split()
    assert len(pairs) == 4 and pairs[0] == pairs[-1] == "31.000000,121.000000"
    with pytest.raises(CapError):
        cap_polygon([(1.0, 2.0)])


def test_invalid_export_fields_are_refused() -> None:
    with pytest.raises(CapError, match="severity must be one of"):
        export_cap(alert(severity="Huge"))
    with pytest.raises(CapError, match="identifier must not contain spaces"):
        export_cap(alert(identifier="has space"))


def test_export_refuses_an_alert_the_schema_rejects() -> None:
    # Not one of the checked fields: only the run-time schema validation catches it.
    with pytest.raises(CapError, match="does not validate against the CAP schema"):
        export_cap(alert(language="not a language"))


def test_the_schema_ships_inside_the_project() -> None:
    assert XSD.is_file() and REPO in XSD.resolve().parents
    assert EXAMPLE.is_file() and REPO in EXAMPLE.resolve().parents
    assert validate_cap(export_cap(alert())) == []  # the shipped schema by default


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (
            b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>x",
            "bad.xml: not well-formed XML",
        ),
        (b"<other/>", "bad.xml: not a CAP 1.1 or 1.2 alert"),
        (b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.1'/>", "bad.xml: missing <identifier>"),
        (
            b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><sender>s</sender></alert>",
            "bad.xml: missing <identifier>",
        ),
        (
            b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>i</identifier>"
            b"<sender>s</sender><sent>yesterday</sent><status>Actual</status>"
            b"<msgType>Alert</msgType></alert>",
            "bad.xml: <sent> 'yesterday' is not a date-time",
        ),
    ],
)
def test_malformed_cap_is_rejected_in_one_line(xml: bytes, message: str) -> None:
    with pytest.raises(CapError) as info:
        parse_cap(xml, name="bad.xml")
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


def test_entities_are_not_expanded() -> None:
    xml = (
        b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
        b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>&e;</identifier>"
        b"<sender>s</sender><sent>2026-01-01T00:00:00+00:00</sent></alert>"
    )
    with pytest.raises(CapError):
        parse_cap(xml)


def test_missing_file() -> None:
    with pytest.raises(CapError, match="cannot read"):
        load_cap(REPO / "nope.xml")


def test_alert_dict_round_trip_for_the_journal(schema: etree.XMLSchema) -> None:
    a = alert()
    body = a.to_dict()
    json.dumps(body)
    assert PublicAlert.from_dict(body) == a
    xml = alert_to_cap_xml({**body, "sent": "2026-10-01T19:22:00+08:00"})
    assert schema.validate(etree.fromstring(xml))
    with pytest.raises(CapError, match="public alert is malformed"):
        alert_to_cap_xml({"identifier": "x"})
