"""Writing CAP 1.2: the commander's public alerts, their Updates and Cancels, and received alerts
re-exported without loss. Every document is checked against the profile rules
(`command.cap.profile`) and validated against the OASIS CAP 1.2 schema shipped in
`data/standards/CAP-v1.2.xsd` before it is returned, so an invalid alert is never written.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from command.cap.model import (
    ALERT_FIELDS,
    CAP_NS,
    CATEGORIES,
    CERTAINTIES,
    MSG_TYPES,
    SCOPES,
    SEVERITIES,
    STATUSES,
    URGENCIES,
    Fields,
    Shape,
    infos,
    pairs,
    walk,
)
from command.cap.parse import safe_parser
from command.cap.profile import (
    CapError,
    cap_polygon,
    cap_time,
    check_alert,
    check_identifier,
    normalize_polygon,
    utc_as_cap,
)
from data import CAP_XSD

_N = f"{{{CAP_NS}}}"
_TIMES = ("sent", "effective", "onset", "expires")
_SCHEMA_LOCK = threading.Lock()  # a schema's error log belongs to its last validation


@cache
def _schema(xsd_path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(xsd_path), safe_parser()))


def _schema_errors(doc: Any, xsd_path: str | Path) -> list[str]:
    schema = _schema(Path(xsd_path).resolve())
    with _SCHEMA_LOCK:
        if schema.validate(doc):
            return []
        return [f"line {e.line}: {e.message}" for e in schema.error_log]


def validate_cap(xml: bytes, xsd_path: str | Path = CAP_XSD) -> list[str]:
    """Schema errors of a CAP document (empty when valid), against the shipped CAP 1.2 schema
    unless another XSD is given."""
    try:
        doc = etree.fromstring(xml, safe_parser())
    except etree.XMLSyntaxError as err:
        return [f"not well-formed XML: {err}"]
    return _schema_errors(doc, xsd_path)


def _write(parent: Any, fields_: Fields, node: Mapping[str, Any]) -> None:
    for name, shape, value, sub in walk(fields_, node):
        if shape is Shape.TEXT:
            text = str(value)
            if name in _TIMES:
                text = utc_as_cap(text)
            etree.SubElement(parent, f"{_N}{name}").text = text
        elif shape is Shape.LIST:
            for item in value:
                text = normalize_polygon(str(item)) if name == "polygon" else str(item)
                etree.SubElement(parent, f"{_N}{name}").text = text
        elif shape is Shape.PAIRS:
            for value_name, v in pairs(value):
                el = etree.SubElement(parent, f"{_N}{name}")
                etree.SubElement(el, f"{_N}valueName").text = value_name
                etree.SubElement(el, f"{_N}value").text = v
        else:
            assert sub is not None
            for child in value:
                _write(etree.SubElement(parent, f"{_N}{name}"), sub, child)


def alert_xml(alert: Mapping[str, Any]) -> bytes:
    """CAP 1.2 XML of an alert in model form (`command.cap.model`): every element kept, in
    schema order, UTC times as `-00:00`, open polygons closed; `CapError` when it breaks a
    profile rule or the schema. A received signature is not carried over (the bytes differ)."""
    check_alert(alert)
    root = etree.Element(f"{_N}alert", nsmap={None: CAP_NS})
    _write(root, ALERT_FIELDS, alert)
    errors = _schema_errors(root, CAP_XSD)
    if errors:
        raise CapError(
            f"CAP alert {alert.get('identifier', '?')} does not validate against the CAP "
            "schema (1.2): " + "; ".join(errors)
        )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


RESPONSE_TYPES = (
    "Shelter",
    "Evacuate",
    "Prepare",
    "Execute",
    "Avoid",
    "Monitor",
    "Assess",
    "AllClear",
    "None",
)
"""CAP 1.2 `responseType` values."""


@dataclass(frozen=True, slots=True)
class AlertText:
    """One language version of a public alert's words (an extra CAP `<info>`; everything else,
    area and codes included, is the same as the alert's first info)."""

    language: str
    event: str
    headline: str
    description: str
    instruction: str = ""

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {
            "language": self.language,
            "event": self.event,
            "headline": self.headline,
            "description": self.description,
            "instruction": self.instruction,
        }


@dataclass(frozen=True, slots=True)
class PublicAlert:
    """The commander's public alert, exported as CAP 1.2.

    `translations` are further language versions (one `<info>` each, after the first);
    `response_types`, `web` and `contact` are the CAP info elements of those names.

    `polygons` are rings of (lon, lat) points (e.g. zone outlines from GeoJSON); they are
    written as CAP `lat,lon` pairs, closed. Times are epoch seconds, shown in `timezone`.
    `references` holds `sender,identifier,sent` triples (space-separated) for an Update or Cancel.
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
    note: str = ""
    response_types: tuple[str, ...] = ()
    web: str = ""
    contact: str = ""
    translations: tuple[AlertText, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the body of an `alert.issued` journal event)."""
        body = {f.name: getattr(self, f.name) for f in fields(self)}
        body["polygons"] = [[list(p) for p in ring] for ring in self.polygons]
        body["parameters"] = dict(self.parameters)
        body["response_types"] = list(self.response_types)
        body["translations"] = [t.to_dict() for t in self.translations]
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
            values["response_types"] = tuple(str(r) for r in values.get("response_types") or ())
            values["translations"] = tuple(
                AlertText(**{k: str(v) for k, v in dict(t).items()})
                for t in values.get("translations") or ()
            )
            return cls(**values)
        except (TypeError, ValueError, IndexError) as err:
            raise CapError(f"public alert is malformed: {err}") from None

    def reference(self) -> str:
        """This alert as an entry of a later alert's `references`: `sender,identifier,sent`."""
        return f"{self.sender},{self.identifier},{cap_time(self.sent, self.timezone)}"

    def to_model(self) -> dict[str, Any]:
        """The alert in model form (`command.cap.model`)."""
        info: dict[str, Any] = {
            "language": self.language,
            "category": [self.category],
            "event": self.event,
            "urgency": self.urgency,
            "severity": self.severity,
            "certainty": self.certainty,
        }
        if self.response_types:
            info["responseType"] = list(self.response_types)
        if self.expires is not None:
            info["expires"] = cap_time(self.expires, self.timezone)
        if self.sender_name:
            info["senderName"] = self.sender_name
        info["headline"] = self.headline
        info["description"] = self.description
        if self.instruction:
            info["instruction"] = self.instruction
        if self.web:
            info["web"] = self.web
        if self.contact:
            info["contact"] = self.contact
        if self.parameters:
            info["parameter"] = [[k, v] for k, v in self.parameters.items()]
        area: dict[str, Any] = {"areaDesc": self.area_desc}
        if self.polygons:
            area["polygon"] = [cap_polygon(ring) for ring in self.polygons]
        info["area"] = [area]
        alert: dict[str, Any] = {
            "identifier": self.identifier,
            "sender": self.sender,
            "sent": cap_time(self.sent, self.timezone),
            "status": self.status,
            "msgType": self.msg_type,
            "scope": self.scope,
        }
        if self.note:
            alert["note"] = self.note
        if self.references:
            alert["references"] = self.references
        alert["info"] = [info] + [self._translated(info, t) for t in self.translations]
        return alert

    @staticmethod
    def _translated(info: Mapping[str, Any], text: AlertText) -> dict[str, Any]:
        out = dict(info)
        out.update(
            language=text.language,
            event=text.event or info["event"],
            headline=text.headline,
            description=text.description,
        )
        out.pop("instruction", None)
        if text.instruction:
            out["instruction"] = text.instruction
        return out


_ENUMS = {
    "status": STATUSES,
    "msg_type": MSG_TYPES,
    "scope": SCOPES,
    "category": CATEGORIES,
    "urgency": URGENCIES,
    "severity": SEVERITIES,
    "certainty": CERTAINTIES,
}


def export_cap(alert: PublicAlert) -> bytes:
    """CAP 1.2 XML (UTF-8, with declaration) for the alert; `CapError` on an invalid field."""
    for attr, allowed in _ENUMS.items():
        value = getattr(alert, attr)
        if value not in allowed:
            raise CapError(f"CAP alert {attr} must be one of {', '.join(allowed)}, got {value!r}")
    for attr in ("event", "area_desc"):
        if not str(getattr(alert, attr)).strip():
            raise CapError(f"CAP alert {attr} must not be empty")
    for response in alert.response_types:
        if response not in RESPONSE_TYPES:
            raise CapError(
                f"CAP alert response type must be one of {', '.join(RESPONSE_TYPES)}, "
                f"got {response!r}"
            )
    languages = [alert.language] + [t.language for t in alert.translations]
    if len(set(languages)) != len(languages):
        raise CapError(f"CAP alert has two versions in one language: {', '.join(languages)}")
    check_identifier("identifier", alert.identifier)
    check_identifier("sender", alert.sender)
    if alert.msg_type in ("Update", "Cancel") and not alert.references:
        raise CapError(f"a CAP {alert.msg_type} must reference the alert it updates or cancels")
    return alert_xml(alert.to_model())


def follow_up(
    earlier: PublicAlert,
    msg_type: str,
    *,
    identifier: str,
    sent: float,
    note: str = "",
    **changes: Any,
) -> PublicAlert:
    """An Update or Cancel of an issued alert: a new identifier and `sent`, `references` naming
    the earlier alert (and what the earlier one referenced), the rest as before unless changed."""
    if msg_type not in ("Update", "Cancel"):
        raise CapError(f"a follow-up is an Update or a Cancel, not {msg_type!r}")
    refs = " ".join(r for r in (earlier.references, earlier.reference()) if r)
    return replace(
        earlier,
        identifier=identifier,
        sent=sent,
        msg_type=msg_type,
        references=refs,
        note=note or earlier.note,
        **changes,
    )


def alert_to_cap_xml(body: Mapping[str, Any]) -> bytes:
    """CAP 1.2 XML for an alert in `PublicAlert.to_dict()` form (e.g. from the journal)."""
    return export_cap(PublicAlert.from_dict(body))


def received_cap_xml(signal: Mapping[str, Any], timezone: str = "UTC") -> bytes | None:
    """CAP 1.2 XML of a received signal's alert, lossless (every info, area, polygon, circle,
    geocode, parameter and reference), or None when the signal was not a CAP alert.

    Journals from before Baton kept every element hold the first info only; those are
    rebuilt through `received_alert`.
    """
    cap = dict((signal.get("body") or {}).get("cap") or {})
    if not cap:
        return None
    if "info" in cap or "version" in cap:
        return alert_xml(cap)
    alert = received_alert(signal, timezone)
    return None if alert is None else export_cap(alert)


def received_alert(signal: Mapping[str, Any], timezone: str = "UTC") -> PublicAlert | None:
    """The received signal's alert as a `PublicAlert` (its shown info only), or None."""
    cap = dict((signal.get("body") or {}).get("cap") or {})
    if not cap:
        return None
    items = infos(cap)
    info: Mapping[str, Any] = items[int(cap.get("shown") or 0)] if items else cap

    def pick(value: Any, allowed: Sequence[str], default: str) -> str:
        return value if value in allowed else default

    categories = [c for c in info.get("category", []) if c in CATEGORIES]
    area_list = info.get("area") or info.get("areas") or []
    descs = [str(a.get("areaDesc") or a.get("desc") or "") for a in area_list]
    params = pairs(info.get("parameter", info.get("parameters")))
    return PublicAlert(
        identifier=str(cap.get("identifier") or signal.get("id")),
        sender=str(cap.get("sender") or signal.get("source") or "unknown"),
        sent=float(signal.get("ts", 0.0)),
        event=str(info.get("event") or signal.get("kind") or "alert"),
        headline=str(info.get("headline") or signal.get("headline") or ""),
        description=str(info.get("description", "")),
        area_desc="; ".join(d for d in descs if d) or "unspecified",
        instruction=str(info.get("instruction", "")),
        category=categories[0] if categories else "Other",
        urgency=pick(info.get("urgency"), URGENCIES, "Unknown"),
        severity=pick(info.get("severity"), SEVERITIES, "Unknown"),
        certainty=pick(info.get("certainty"), CERTAINTIES, "Unknown"),
        status=pick(cap.get("status"), STATUSES, "Actual"),
        msg_type=pick(cap.get("msgType"), MSG_TYPES, "Alert"),
        scope=pick(cap.get("scope"), SCOPES, "Public"),
        sender_name=str(info.get("senderName", "")),
        references=str(cap.get("references") or ""),
        timezone=timezone,
        parameters=dict(params),
    )
