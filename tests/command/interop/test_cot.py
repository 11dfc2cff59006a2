"""CoT XML: zone shapes coloured by level, orders and alerts as GeoChat, units read back."""

from __future__ import annotations

import pytest
from lxml import etree

from command.fold import fold
from command.interop.cot import (
    CotError,
    UnitPosition,
    UnitsLayer,
    argb,
    parse_event,
    split_stream,
    unit_event,
    unit_position,
    zone_shape,
)
from command.interop.publish import TakPublisher
from command.vocabulary import Kind
from tests.command.interop.picture import GEOMETRY, PENTAGON, SQUARE, picture_events, picture_state
from tests.command.review.events import T0, Ev


def test_argb_is_tak_signed_32_bit() -> None:
    assert argb("red") == (0xFFD7261E - (1 << 32))
    assert argb("green", 0x60) == 0x602EA043
    assert argb("nonsense") == argb("no data") == argb("not rated") != argb("green")  # grey


def test_zone_shape_is_a_drawn_polygon_with_link_points_and_level_colours() -> None:
    root = parse_event(zone_shape("bund", "z-chenyi", "Chenyi", PENTAGON, "orange", T0))
    assert root.get("type") == "u-d-f" and root.get("uid") == "baton.zone.bund.z-chenyi"
    links = [link.get("point") for link in root.iterfind("detail/link")]
    assert links[0] == "31.2412000,121.4899000" and len(links) == 5  # closing vertex dropped
    assert root.find("detail/strokeColor").get("value") == str(argb("orange"))
    assert root.find("detail/fillColor").get("value") == str(argb("orange", 0x60))
    assert root.find("detail/contact").get("callsign") == "Chenyi (orange)"
    assert root.get("time") == "2025-10-09T08:53:20.000Z"
    square = parse_event(zone_shape("bund", "z-j", "J", SQUARE, "red", T0))
    assert square.get("type") == "u-d-r" and len(square.findall("detail/link")) == 4
    with pytest.raises(CotError, match="no polygon"):
        zone_shape("bund", "z", "Z", {"type": "Point", "coordinates": [0, 0]}, "red", T0)


def test_publisher_sends_zones_orders_alerts_once_then_only_changes() -> None:
    state = picture_state()
    pub = TakPublisher(GEOMETRY, refresh_s=60)
    first = [parse_event(e) for e in pub.changes(state, T0 + 500)]
    shapes = [e for e in first if e.get("type", "").startswith("u-d-")]
    chats = [e.findtext("detail/remarks") for e in first if e.get("type") == "b-t-f"]
    colours = {e.get("uid"): e.find("detail/strokeColor").get("value") for e in shapes}
    assert colours == {
        "baton.zone.bund-2026.z-chenyi": str(argb("orange")),
        "baton.zone.bund-2026.z-jinling": str(argb("green")),
    }
    assert any(
        c.startswith("ORDER o1 to On-site security: Hold entry at gates in z-chenyi (urgent)")
        and "COMPLETED" in c
        for c in chats
    )
    assert any(c.startswith("ORDER o2 to Lighting control: Dim show") for c in chats)
    assert pub.changes(state, T0 + 510) == []  # nothing moved, refresh not due
    assert len(pub.changes(state, T0 + 561)) == 2  # the shapes' refresh


ZONES_SENT = ("chenyi", "jinling", "new")


def test_tak_maps_read_zones_as_the_console_does_never_green_by_default() -> None:
    """A zone with values but no thresholds is grey "not rated" on TAK maps (it was sent green),
    one whose feeds went silent says "stale" (and is sent again when it does), one with nothing
    measured is grey "no data"."""
    from command.vocabulary import PictureValues

    events = picture_events()
    opened = next(e for e in events if e.kind == Kind.INCIDENT_OPENED)
    key_metrics = [{"zone": "z-chenyi", "metric": "density", "unit": "persons/m²"}]
    body = {**opened.body, "key_metrics": key_metrics}
    events[events.index(opened)] = Ev(opened.seq, opened.ts, opened.actor, opened.kind, body)
    n = len(events)
    counted = PictureValues({"z-chenyi": {"density": 2.1}, "z-jinling": {"visitors": 900.0}})
    events.append(Ev(n + 1, T0 + 450, "console", Kind.PICTURE_VALUES, counted.to_body()))
    state = fold(events)
    state.zones.add_zone("z-new", "New zone")
    pub = TakPublisher({**GEOMETRY, "z-new": SQUARE}, refresh_s=60)
    shapes = {e.get("uid"): e for e in map(parse_event, pub.changes(state, T0 + 500))}
    chenyi, jinling, new = (shapes[f"baton.zone.bund-2026.z-{z}"] for z in ZONES_SENT)
    assert chenyi.find("detail/contact").get("callsign").endswith("(orange)")
    assert "density 2.1 persons/m²" in chenyi.findtext("detail/remarks")
    assert jinling.find("detail/contact").get("callsign").endswith("(not rated)")
    assert jinling.find("detail/strokeColor").get("value") == str(argb("not rated"))
    assert new.find("detail/strokeColor").get("value") == str(argb("no data"))
    silent = PictureValues({}, ("z-chenyi/density",))
    state.apply(Ev(n + 2, T0 + 505, "console", Kind.PICTURE_VALUES, silent.to_body()))
    (again,) = map(parse_event, pub.changes(state, T0 + 506))  # only the zone that changed
    assert again.find("detail/contact").get("callsign").endswith("(orange, stale)")
    assert again.find("detail/strokeColor").get("value") == str(argb("orange"))


def test_unit_positions_are_read_and_others_ignored() -> None:
    unit = UnitPosition("ANDROID-1", "ALPHA-1", "a-f-G-U-C", 31.241, 121.491, T0, T0 + 300)
    assert unit_position(unit_event(unit)) == UnitPosition(
        "ANDROID-1", "ALPHA-1", "a-f-G-U-C", 31.241, 121.491, T0, T0 + 300, "m-g"
    )
    hostile = unit_event(UnitPosition("H", "H", "a-h-G", 31.0, 121.0, T0, T0 + 60))
    assert unit_position(hostile) is None
    nowhere = unit_event(UnitPosition("X", "X", "a-f-G", 95.0, 121.0, T0, T0 + 60))
    assert unit_position(nowhere) is None
    with pytest.raises(CotError, match="not well-formed"):
        unit_position(b"<event><point")
    with pytest.raises(CotError, match="not <event>"):
        unit_position(b"<chat/>")


def test_external_entities_are_refused_not_read() -> None:
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<event uid="u" type="a-f-G" time="2025-10-09T08:53:20Z" stale="2025-10-09T09:00:00Z">'
        b'<point lat="1" lon="2"/><detail><contact callsign="&x;"/></detail></event>'
    )
    with pytest.raises(CotError, match="external entity"):
        unit_position(evil)


def test_stream_framing_keeps_a_partial_event() -> None:
    one = unit_event(UnitPosition("A", "A", "a-f-G", 1.0, 2.0, T0, T0 + 60))
    events, rest = split_stream(one + one[:20])
    assert events == [one.strip()] and rest == one[:20]
    assert etree.fromstring(events[0]).tag == "event"


def test_units_layer_keeps_the_latest_and_drops_stale() -> None:
    layer = UnitsLayer()
    a1 = UnitPosition("A", "ALPHA", "a-f-G", 1.0, 2.0, T0, T0 + 60)
    a0 = UnitPosition("A", "ALPHA", "a-f-G", 0.0, 0.0, T0 - 10, T0 + 50)
    assert layer.update(a1) and not layer.update(a0)
    assert layer.get("A") == a1
    assert layer.current(T0 + 30) == [a1] and layer.current(T0 + 61) == []
