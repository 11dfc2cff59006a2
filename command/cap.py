"""CAP 1.2 (OASIS Common Alerting Protocol): import an alert as a Signal, export a public alert.

Import keeps identifier, sender, sent, headline and areas; the signal kind comes from a
`baton:kind` parameter when present, else from the event name (`Ferry Suspension` →
`ferry_suspension`). Export builds XML and validates it against the OASIS CAP 1.2 schema shipped
in `data/standards/CAP-v1.2.xsd` before returning it, so an invalid alert is never written.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree

from command.errors import BatonError
from command.files import MAX_CAP_BYTES, read_file_bytes
from command.model import Signal
from data import CAP_XSD

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
KIND_PARAM = "baton:kind"
ZONE_PARAM = "baton:zone"
_N = f"{{{CAP_NS}}}"


class CapError(BatonError):
    """A CAP alert could not be read, or an alert to export is invalid."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


_SCHEMA_LOCK = threading.Lock()  # a schema's error log belongs to its last validation


@cache
def _schema(xsd_path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(xsd_path), _parser()))


def _schema_errors(doc: Any, xsd_path: str | Path) -> list[str]:
    schema = _schema(Path(xsd_path).resolve())
    with _SCHEMA_LOCK:
        if schema.validate(doc):
            return []
        return [f"line {e.line}: {e.message}" for e in schema.error_log]


def load_cap(path: str | Path) -> Signal:
    """Read a CAP 1.2 alert file into a Signal (one-line `CapError` if unreadable)."""
    p = Path(path)
    data = read_file_bytes(p, what="CAP alert", max_bytes=MAX_CAP_BYTES, error=CapError)
    return parse_cap(data, name=p.name)


def parse_cap(data: bytes | str, *, name: str = "CAP alert") -> Signal:
    """Parse CAP 1.2 XML into a Signal; raises `CapError` naming the problem in one line."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as err:
        msg = str(err).splitlines()[0] if str(err) else "syntax error"
        raise CapError(f"{name}: not well-formed XML: {msg}") from None
    if root.tag != f"{_N}alert":
        raise CapError(f"{name}: not a CAP 1.2 alert (root is {root.tag!r}, expected {_N}alert)")

    def text(node: Any, tag: str, required: bool = False) -> str:
        el = node.find(f"{_N}{tag}")
        value = (el.text or "").strip() if el is not None else ""
        if required and not value:
            raise CapError(f"{name}: missing <{tag}>")
        return value

    identifier = text(root, "identifier", True)
    sender = text(root, "sender", True)
    sent_text = text(root, "sent", True)
    try:
        sent = datetime.fromisoformat(sent_text)
        if sent.tzinfo is None:
            raise ValueError
    except ValueError:
        raise CapError(f"{name}: <sent> {sent_text!r} is not a date-time with offset") from None
    infos = root.findall(f"{_N}info")
    info = infos[0] if infos else None
    event = text(info, "event") if info is not None else ""
    categories = [c.text or "" for c in info.findall(f"{_N}category")] if info is not None else []
    params: dict[str, str] = {}
    areas: list[dict[str, Any]] = []
    if info is not None:
        for p in info.findall(f"{_N}parameter"):
            params[text(p, "valueName")] = text(p, "value")
        for a in info.findall(f"{_N}area"):
            areas.append(
                {
                    "desc": text(a, "areaDesc"),
                    "polygons": [pg.text or "" for pg in a.findall(f"{_N}polygon")],
                    "geocodes": {
                        text(g, "valueName"): text(g, "value") for g in a.findall(f"{_N}geocode")
                    },
                }
            )
    kind = params.get(KIND_PARAM) or slug(event) or slug(categories[0] if categories else "alert")
    zone = params.get(ZONE_PARAM) or next(
        (a["geocodes"][ZONE_PARAM] for a in areas if ZONE_PARAM in a["geocodes"]), None
    )
    headline = (text(info, "headline") if info is not None else "") or event or identifier
    body: dict[str, Any] = {
        "cap": {
            "identifier": identifier,
            "sender": sender,
            "sent": sent_text,
            "status": text(root, "status"),
            "msgType": text(root, "msgType"),
            "scope": text(root, "scope"),
            "event": event,
            "category": categories,
            "urgency": text(info, "urgency") if info is not None else "",
            "severity": text(info, "severity") if info is not None else "",
            "certainty": text(info, "certainty") if info is not None else "",
            "senderName": text(info, "senderName") if info is not None else "",
            "description": text(info, "description") if info is not None else "",
            "instruction": text(info, "instruction") if info is not None else "",
            "parameters": params,
            "areas": areas,
        }
    }
    return Signal(
        id=identifier,
        ts=sent.timestamp(),
        source=sender,
        kind=kind,
        headline=headline,
        zone=zone,
        body=body,
    )


def slug(text: str) -> str:
    """`Ferry Suspension` → `ferry_suspension` (ASCII letters and digits only)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@dataclass(frozen=True, slots=True)
class PublicAlert:
    """The commander's public alert, exported as CAP 1.2.

    `polygons` are rings of (lon, lat) points (e.g. zone outlines from GeoJSON); they are
    written as CAP `lat,lon` pairs, closed. Times are epoch seconds, shown in `timezone`.
    """

    identifier: str
    sender: str
    sent: float
    event: str
    headline: str
    description: str
    area_desc: str
    instruction: str = ""
    category: str = "Safety"
    urgency: str = "Immediate"
    severity: str = "Severe"
    certainty: str = "Observed"
    status: str = "Actual"
    msg_type: str = "Alert"
    scope: str = "Public"
    language: str = "en-US"
    sender_name: str = ""
    expires: float | None = None
    references: str = ""
    timezone: str = "UTC"
    polygons: tuple[tuple[tuple[float, float], ...], ...] = ()
    parameters: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the body of an `alert.issued` journal event)."""
        body = {f.name: getattr(self, f.name) for f in fields(self)}
        body["polygons"] = [[list(p) for p in ring] for ring in self.polygons]
        body["parameters"] = dict(self.parameters)
        return body

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> PublicAlert:
        """Rebuild from `to_dict` output; `sent`/`expires` may also be CAP date-time text."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in body.items() if k in known}
        try:
            for key in ("sent", "expires"):
                if isinstance(values.get(key), str):
                    values[key] = datetime.fromisoformat(values[key]).timestamp()
            values["polygons"] = tuple(
                tuple((float(p[0]), float(p[1])) for p in ring)
                for ring in values.get("polygons") or ()
            )
            values["parameters"] = {
                str(k): str(v) for k, v in dict(values.get("parameters") or {}).items()
            }
            return cls(**values)
        except (TypeError, ValueError, IndexError) as err:
            raise CapError(f"public alert is malformed: {err}") from None


def cap_time(ts: float, tz: str = "UTC") -> str:
    """CAP date-time: `2026-10-01T19:30:00+08:00` (never `Z`, as the schema requires)."""
    return datetime.fromtimestamp(ts, UTC).astimezone(ZoneInfo(tz)).isoformat(timespec="seconds")


def cap_polygon(ring: Sequence[tuple[float, float]]) -> str:
    """A CAP polygon (`lat,lon lat,lon ...`, closed, at least 4 points) from (lon, lat) points."""
    pts = list(ring)
    if len(pts) < 3:
        raise CapError(f"a CAP polygon needs at least 3 distinct points, got {len(pts)}")
    if pts[0] != pts[-1]:
        pts.append(pts[0])
    return " ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in pts)


def geojson_rings(feature: Mapping[str, Any]) -> list[tuple[tuple[float, float], ...]]:
    """Outer rings (lon, lat) of a GeoJSON Polygon/MultiPolygon feature, for `polygons`."""
    geom = feature.get("geometry", feature)
    coords = geom.get("coordinates") or []
    polys = [coords] if geom.get("type") == "Polygon" else list(coords)
    return [tuple((float(p[0]), float(p[1])) for p in poly[0]) for poly in polys if poly]


_ENUMS = {
    "status": ("Actual", "Exercise", "System", "Test", "Draft"),
    "msg_type": ("Alert", "Update", "Cancel", "Ack", "Error"),
    "scope": ("Public", "Restricted", "Private"),
    "category": (
        "Geo",
        "Met",
        "Safety",
        "Security",
        "Rescue",
        "Fire",
        "Health",
        "Env",
        "Transport",
        "Infra",
        "CBRNE",
        "Other",
    ),
    "urgency": ("Immediate", "Expected", "Future", "Past", "Unknown"),
    "severity": ("Extreme", "Severe", "Moderate", "Minor", "Unknown"),
    "certainty": ("Observed", "Likely", "Possible", "Unlikely", "Unknown"),
}


def export_cap(alert: PublicAlert) -> bytes:
    """CAP 1.2 XML (UTF-8, with declaration) for the alert; `CapError` on an invalid field."""
    for attr, allowed in _ENUMS.items():
        value = getattr(alert, attr)
        if value not in allowed:
            raise CapError(f"CAP alert {attr} must be one of {', '.join(allowed)}, got {value!r}")
    for attr in ("identifier", "sender", "event", "area_desc"):
        if not str(getattr(alert, attr)).strip():
            raise CapError(f"CAP alert {attr} must not be empty")
    if re.search(r"[\s,<&]", alert.identifier + alert.sender):
        raise CapError("CAP identifier and sender must not contain spaces, commas, < or &")

    root = etree.Element(f"{_N}alert", nsmap={None: CAP_NS})

    def sub(parent: Any, tag: str, value: str) -> Any:
        el = etree.SubElement(parent, f"{_N}{tag}")
        el.text = value
        return el

    sub(root, "identifier", alert.identifier)
    sub(root, "sender", alert.sender)
    sub(root, "sent", cap_time(alert.sent, alert.timezone))
    sub(root, "status", alert.status)
    sub(root, "msgType", alert.msg_type)
    sub(root, "scope", alert.scope)
    if alert.references:
        sub(root, "references", alert.references)
    info = etree.SubElement(root, f"{_N}info")
    sub(info, "language", alert.language)
    sub(info, "category", alert.category)
    sub(info, "event", alert.event)
    sub(info, "urgency", alert.urgency)
    sub(info, "severity", alert.severity)
    sub(info, "certainty", alert.certainty)
    if alert.expires is not None:
        sub(info, "expires", cap_time(alert.expires, alert.timezone))
    if alert.sender_name:
        sub(info, "senderName", alert.sender_name)
    sub(info, "headline", alert.headline)
    sub(info, "description", alert.description)
    if alert.instruction:
        sub(info, "instruction", alert.instruction)
    for name, value in alert.parameters.items():
        p = etree.SubElement(info, f"{_N}parameter")
        sub(p, "valueName", name)
        sub(p, "value", value)
    area = etree.SubElement(info, f"{_N}area")
    sub(area, "areaDesc", alert.area_desc)
    for ring in alert.polygons:
        sub(area, "polygon", cap_polygon(ring))
    errors = _schema_errors(root, CAP_XSD)
    if errors:
        raise CapError(
            "CAP alert does not validate against the CAP schema (1.2): " + "; ".join(errors)
        )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def alert_to_cap_xml(body: Mapping[str, Any]) -> bytes:
    """CAP 1.2 XML for an alert in `PublicAlert.to_dict()` form (e.g. from the journal)."""
    return export_cap(PublicAlert.from_dict(body))


def validate_cap(xml: bytes, xsd_path: str | Path = CAP_XSD) -> list[str]:
    """Schema errors of a CAP document (empty when valid), against the shipped CAP 1.2 schema
    unless another XSD is given."""
    try:
        doc = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as err:
        return [f"not well-formed XML: {err}"]
    return _schema_errors(doc, xsd_path)


_STATUS = {"Actual", "Exercise", "System", "Test", "Draft"}
_MSG_TYPES = {"Alert", "Update", "Cancel", "Ack", "Error"}
_SCOPES = {"Public", "Restricted", "Private"}
_CATEGORIES = {
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
}
_URGENCY = {"Immediate", "Expected", "Future", "Past", "Unknown"}
_SEVERITY = {"Extreme", "Severe", "Moderate", "Minor", "Unknown"}
_CERTAINTY = {"Observed", "Likely", "Possible", "Unlikely", "Unknown"}


def received_alert(signal: Mapping[str, Any], timezone: str = "UTC") -> PublicAlert | None:
    """The CAP alert a received signal came from (its journaled `cap` fields), or None."""
    cap = dict(signal.get("body", {}).get("cap") or {})
    if not cap:
        return None

    def pick(value: Any, allowed: set[str], default: str) -> str:
        return value if value in allowed else default

    categories = [c for c in cap.get("category", []) if c in _CATEGORIES]
    areas = cap.get("areas") or []
    return PublicAlert(
        identifier=str(cap.get("identifier") or signal.get("id")),
        sender=str(cap.get("sender") or signal.get("source") or "unknown"),
        sent=float(signal.get("ts", 0.0)),
        event=str(cap.get("event") or signal.get("kind") or "alert"),
        headline=str(signal.get("headline") or cap.get("event") or ""),
        description=str(cap.get("description", "")),
        area_desc="; ".join(str(a.get("desc")) for a in areas if a.get("desc")) or "unspecified",
        instruction=str(cap.get("instruction", "")),
        category=categories[0] if categories else "Other",
        urgency=pick(cap.get("urgency"), _URGENCY, "Unknown"),
        severity=pick(cap.get("severity"), _SEVERITY, "Unknown"),
        certainty=pick(cap.get("certainty"), _CERTAINTY, "Unknown"),
        status=pick(cap.get("status"), _STATUS, "Actual"),
        msg_type=pick(cap.get("msgType"), _MSG_TYPES, "Alert"),
        scope=pick(cap.get("scope"), _SCOPES, "Public"),
        sender_name=str(cap.get("senderName", "")),
        timezone=timezone,
        parameters={str(k): str(v) for k, v in dict(cap.get("parameters") or {}).items()},
    )
