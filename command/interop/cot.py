"""Cursor on Target (CoT 2.0 XML) for TAK clients (ATAK, WinTAK, iTAK) and servers: pure XML.

Out: each zone as a drawn shape (`u-d-f`, a closed polygon given by its `<link point>`
vertices; `u-d-r` when the zone is a four-cornered ring) coloured by its risk level (stroke and
fill as ARGB signed 32-bit integers, as TAK writes them); each order and each state it reaches
as a GeoChat message (`b-t-f`) at its zone; each public alert, and each signal received, as a
GeoChat message too. Out-going uids are stable (`baton.zone.<incident>.<zone>`...), so a TAK
map replaces a shape rather than piling up copies.

In: friendly ground units (`a-f-G-...`) with their point and callsign, as `UnitPosition`s for
an in-memory map layer (`UnitsLayer`). They are not journaled: positions come from outside the
signed chain of command, arrive many times a minute, and go stale within minutes; the journal
keeps what the commander decided and ordered, not a track log.

Nothing here opens a socket (that is `protocols.tak`).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from command.model import Priority

JSON = Any
MAX_EVENT_BYTES = 64 * 1024
"""A CoT event bigger than this is refused unread (a unit position is a few hundred bytes)."""
NO_VALUE = "9999999.0"  # CoT's "unknown" for hae, ce and le

LEVEL_ARGB: Mapping[str, tuple[int, int, int]] = {
    "green": (0x2E, 0xA0, 0x43),
    "blue": (0x1F, 0x6F, 0xEB),
    "yellow": (0xF2, 0xC4, 0x0F),
    "orange": (0xF0, 0x7C, 0x12),
    "red": (0xD7, 0x26, 0x1E),
}
"""The console's level colours (RGB); stroke is opaque, fill is translucent."""
LEVELS = tuple(LEVEL_ARGB)
NEUTRAL_RGB = (0x9E, 0x9E, 0x9E)
"""A zone with no data yet, one not rated (no thresholds) or an unknown level: grey, never a
risk colour."""
FILL_ALPHA = 0x60


class CotError(ValueError):
    """A CoT event that cannot be read (one line)."""


def argb(level: str, alpha: int = 0xFF) -> int:
    """The level's colour as TAK's ARGB signed 32-bit integer (opaque red is -2676194); grey
    for anything that is not a risk level ("no data", "not rated")."""
    r, g, b = LEVEL_ARGB.get(level, NEUTRAL_RGB)
    value = (alpha << 24) | (r << 16) | (g << 8) | b
    return value - (1 << 32) if value >= 1 << 31 else value


def cot_time(ts: float) -> str:
    """CoT's time format: UTC ISO 8601 with milliseconds and Z."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{int(ts * 1000) % 1000:03d}Z"
    )


def parse_cot_time(text: str) -> float | None:
    """A CoT time back as epoch seconds (None when it cannot be read)."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except (ValueError, AttributeError):
        return None


def _event(uid: str, type_: str, now: float, stale_s: float, lat: float, lon: float) -> Any:
    ev = etree.Element(
        "event",
        version="2.0",
        uid=uid,
        type=type_,
        how="h-e",
        time=cot_time(now),
        start=cot_time(now),
        stale=cot_time(now + stale_s),
    )
    etree.SubElement(
        ev,
        "point",
        lat=f"{lat:.7f}",
        lon=f"{lon:.7f}",
        hae=NO_VALUE,
        ce=NO_VALUE,
        le=NO_VALUE,
    )
    return ev


def _bytes(ev: Any) -> bytes:
    return bytes(etree.tostring(ev, xml_declaration=True, encoding="UTF-8"))


# ---------------------------------------------------------------------------- zones


def outer_ring(geometry: Mapping[str, JSON]) -> list[tuple[float, float]]:
    """The outer ring of a GeoJSON Polygon (of a MultiPolygon's largest part; of a Feature's
    geometry) as (lon, lat)."""
    if geometry.get("type") == "Feature":
        inner = geometry.get("geometry")
        geometry = inner if isinstance(inner, Mapping) else {}
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    rings: list[Sequence[Sequence[float]]] = []
    if kind == "Polygon" and coords:
        rings = [coords[0]]
    elif kind == "MultiPolygon":
        rings = [poly[0] for poly in coords if poly]
    if not rings:
        return []
    ring = max(rings, key=len)
    points = [(float(p[0]), float(p[1])) for p in ring]
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()  # TAK closes the shape itself
    return points


def centroid(ring: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The vertices' mean as (lat, lon) (enough to place a label or a message on a zone)."""
    if not ring:
        return 0.0, 0.0
    return (sum(p[1] for p in ring) / len(ring), sum(p[0] for p in ring) / len(ring))


def zone_uid(incident: str, zone: str) -> str:
    """The stable uid of a zone's shape."""
    return f"baton.zone.{incident}.{zone}"


def zone_shape(
    incident: str,
    zone: str,
    name: str,
    geometry: Mapping[str, JSON],
    level: str,
    now: float,
    *,
    remarks: str = "",
    stale_s: float = 600.0,
    label: str = "",
) -> bytes:
    """The zone as a CoT drawn shape coloured by `level` (grey when it is not a risk level),
    its callsign "name (label)" (`label` defaults to the level); `CotError` without a
    polygon."""
    ring = outer_ring(geometry)
    if len(ring) < 3:
        raise CotError(f"zone {zone!r} has no polygon to draw")
    lat, lon = centroid(ring)
    type_ = "u-d-r" if len(ring) == 4 else "u-d-f"
    ev = _event(zone_uid(incident, zone), type_, now, stale_s, lat, lon)
    detail = etree.SubElement(ev, "detail")
    for plon, plat in ring:
        etree.SubElement(detail, "link", point=f"{plat:.7f},{plon:.7f}")
    etree.SubElement(detail, "strokeColor", value=str(argb(level)))
    etree.SubElement(detail, "strokeWeight", value="3.0")
    etree.SubElement(detail, "fillColor", value=str(argb(level, FILL_ALPHA)))
    etree.SubElement(detail, "contact", callsign=f"{name} ({label or level})")
    etree.SubElement(detail, "labels_on", value="true")
    rem = etree.SubElement(detail, "remarks")
    rem.text = remarks or f"Risk level {label or level}"
    return _bytes(ev)


# ---------------------------------------------------------------------------- messages


def geochat(
    sender_uid: str,
    callsign: str,
    text: str,
    now: float,
    lat: float,
    lon: float,
    *,
    message_id: str = "",
    room: str = "All Chat Rooms",
    stale_s: float = 3600.0,
) -> bytes:
    """A GeoChat message (`b-t-f`) from `callsign` to `room`, placed at (lat, lon)."""
    mid = message_id or uuid.uuid4().hex
    ev = _event(f"GeoChat.{sender_uid}.{room}.{mid}", "b-t-f", now, stale_s, lat, lon)
    detail = etree.SubElement(ev, "detail")
    chat = etree.SubElement(
        detail,
        "__chat",
        parent="RootContactGroup",
        groupOwner="false",
        messageId=mid,
        chatroom=room,
        id=room,
        senderCallsign=callsign,
    )
    etree.SubElement(chat, "chatgrp", uid0=sender_uid, uid1=room, id=room)
    etree.SubElement(detail, "link", uid=sender_uid, type="a-f-G-U-C", relation="p-p")
    rem = etree.SubElement(detail, "remarks", source=f"BAO.F.ATAK.{sender_uid}", to=room)
    rem.set("time", cot_time(now))
    rem.text = text
    return _bytes(ev)


def priority_word(priority: int) -> str:
    """routine, urgent, immediate (the console's words)."""
    try:
        return Priority(int(priority)).name.lower()
    except ValueError:
        return f"priority {priority}"


def order_text(
    order_id: str, station: str, subject: str, zone: str, priority: int, state: str, text: str
) -> str:
    """One line for a TAK chat: which order, to whom, where, how urgent, where it stands."""
    return (
        f"ORDER {order_id} to {station}: {subject} in {zone} ({priority_word(priority)}) "
        f"— {state.upper()}. {text}"
    ).strip()


# ---------------------------------------------------------------------------- in: units


@dataclass(frozen=True, slots=True)
class UnitPosition:
    """A friendly unit as a TAK client reported it."""

    uid: str
    callsign: str
    type: str
    lat: float
    lon: float
    time: float
    stale: float
    how: str = ""


def parse_event(raw: bytes) -> Any:
    """A CoT `<event>` element from `raw` (no entities, no network); `CotError` otherwise."""
    if len(raw) > MAX_EVENT_BYTES:
        raise CotError(f"CoT event of {len(raw)} bytes refused (limit {MAX_EVENT_BYTES})")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(raw.strip(), parser)
    except etree.XMLSyntaxError as err:
        msg = str(err).splitlines()[0] if str(err) else "syntax error"
        raise CotError(f"CoT event is not well-formed XML: {msg}") from None
    if root.tag != "event":
        raise CotError(f"CoT root element is <{root.tag}>, not <event>")
    return root


def unit_position(raw: bytes, now: float | None = None) -> UnitPosition | None:
    """The friendly ground unit (`a-f-G...`) in a CoT event, None for any other event (or a
    unit with no usable point); `CotError` for a malformed event."""
    root = parse_event(raw)
    type_ = str(root.get("type") or "")
    if not (type_ == "a-f-G" or type_.startswith("a-f-G-")):
        return None
    point = root.find("point")
    if point is None:
        return None
    try:
        lat, lon = float(point.get("lat", "nan")), float(point.get("lon", "nan"))
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    contact = root.find("detail/contact")
    uid = str(root.get("uid") or "")
    callsign = str(contact.get("callsign") or uid) if contact is not None else uid
    at = parse_cot_time(str(root.get("time") or "")) or (now if now is not None else 0.0)
    stale = parse_cot_time(str(root.get("stale") or "")) or at + 300.0
    return UnitPosition(uid, callsign, type_, lat, lon, at, stale, str(root.get("how") or ""))


def unit_event(unit: UnitPosition) -> bytes:
    """A unit position as a CoT event (what a TAK client sends; for tests and simulators)."""
    ev = etree.Element(
        "event",
        version="2.0",
        uid=unit.uid,
        type=unit.type,
        how=unit.how or "m-g",
        time=cot_time(unit.time),
        start=cot_time(unit.time),
        stale=cot_time(unit.stale),
    )
    etree.SubElement(
        ev,
        "point",
        lat=f"{unit.lat:.7f}",
        lon=f"{unit.lon:.7f}",
        hae=NO_VALUE,
        ce="10",
        le=NO_VALUE,
    )
    detail = etree.SubElement(ev, "detail")
    etree.SubElement(detail, "contact", callsign=unit.callsign)
    return _bytes(ev)


def split_stream(buffer: bytes) -> tuple[list[bytes], bytes]:
    """Complete `<event>...</event>` documents at the front of a TCP stream's buffer, and the
    rest (an event still arriving)."""
    events: list[bytes] = []
    end_tag = b"</event>"
    while True:
        end = buffer.find(end_tag)
        if end < 0:
            return events, buffer
        cut = end + len(end_tag)
        events.append(buffer[:cut].strip())
        buffer = buffer[cut:]


class UnitsLayer:
    """The latest position of each unit TAK reported, for a map layer (in memory only)."""

    def __init__(self) -> None:
        self._units: dict[str, UnitPosition] = {}
        self.version = 0

    def update(self, unit: UnitPosition) -> bool:
        """Keep `unit` unless an earlier report overtook it; True when the layer changed."""
        known = self._units.get(unit.uid)
        if known is not None and known.time > unit.time:
            return False
        self._units[unit.uid] = unit
        self.version += 1
        return True

    def current(self, now: float) -> list[UnitPosition]:
        """Units whose reports are not stale at `now`, by callsign."""
        return sorted((u for u in self._units.values() if u.stale >= now), key=lambda u: u.callsign)

    def all(self) -> list[UnitPosition]:
        """Every unit ever reported (its latest position), by callsign."""
        return sorted(self._units.values(), key=lambda u: u.callsign)

    def __len__(self) -> int:
        return len(self._units)

    def __iter__(self) -> Iterator[UnitPosition]:
        return iter(self.all())

    def get(self, uid: str) -> UnitPosition | None:
        """The unit with this uid."""
        return self._units.get(uid)


def feature_collection(units: Iterable[UnitPosition]) -> dict[str, JSON]:
    """Units as GeoJSON points (the shape the console's map reads zones in)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "uid": u.uid,
                    "callsign": u.callsign,
                    "type": u.type,
                    "time": u.time,
                },
                "geometry": {"type": "Point", "coordinates": [u.lon, u.lat]},
            }
            for u in units
        ],
    }
