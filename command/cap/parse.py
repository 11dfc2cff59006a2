"""Reading CAP alerts: 1.1 and 1.2, bare or inside an EDXL-DE 1.0 distribution, into Signals.

Every element is kept (see `command.cap.model`): every `<info>` with its language, every area's
polygons, circles and geocodes, every parameter, duplicates included. The info shown (headline)
is the one in the preferred language (`lang`, e.g. the UI language), else the first. The signal's
kind is a `baton:kind` parameter when an info has one, else the first info's event name made a
slug that keeps Unicode letters (`Ferry Suspension` → `ferry_suspension`, `台风` → `台风`), so the
kind, and the playbooks it triggers, do not depend on the language shown. The zone is a
`baton:zone` parameter or geocode. A headline is marked `[EXERCISE]`, `[TEST]`, ... for a status
other than Actual, `[UPDATE]` / `[CANCEL]` for those message types, and `[SIGNATURE INVALID]`.

Parsing is safe: no DTD (so no entities), no network, a size limit, no huge trees. A signed alert
is checked with `command.cap.signature` and the verdict kept in `cap.signature`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from command.cap.model import (
    ALERT_FIELDS,
    CAP_VERSIONS,
    EDXL_DE_NS,
    KIND_PARAM,
    ZONE_PARAM,
    Fields,
    Shape,
    areas,
    choose_info,
    first,
    info_kind,
    infos,
    pairs,
)
from command.cap.profile import CapError, parse_time
from command.cap.signature import CapTrust, Verdict, check_signature
from command.files import MAX_CAP_BYTES, read_file_bytes
from command.model import Signal

_ENVELOPE_FIELDS = (
    "distributionID",
    "senderID",
    "dateTimeSent",
    "distributionStatus",
    "distributionType",
    "combinedConfidentiality",
)


def safe_parser() -> etree.XMLParser:
    """An XML parser that loads no DTD, expands no entity and reaches no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _root(raw: bytes, name: str) -> Any:
    if len(raw) > MAX_CAP_BYTES:
        raise CapError(f"{name}: larger than {MAX_CAP_BYTES // (1024 * 1024)} MB")
    try:
        root = etree.fromstring(raw, safe_parser())
    except etree.XMLSyntaxError as err:
        msg = str(err).splitlines()[0] if str(err) else "syntax error"
        raise CapError(f"{name}: not well-formed XML: {msg}") from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise CapError(f"{name}: has a DOCTYPE; CAP alerts with DTDs or entities are refused")
    return root


def _text(el: Any) -> str:
    return "" if el is None else (el.text or "").strip()


def _read(el: Any, ns: str, fields: Fields) -> dict[str, Any]:
    node: dict[str, Any] = {}
    for name, shape, sub in fields:
        found = el.findall(f"{{{ns}}}{name}")
        if not found:
            continue
        if shape is Shape.TEXT:
            node[name] = _text(found[0])
        elif shape is Shape.LIST:
            node[name] = [_text(c) for c in found]
        elif shape is Shape.PAIRS:
            node[name] = [
                [_text(c.find(f"{{{ns}}}valueName")), _text(c.find(f"{{{ns}}}value"))]
                for c in found
            ]
        else:
            assert sub is not None
            node[name] = [_read(c, ns, sub) for c in found]
    return node


def _is_alert(el: Any) -> bool:
    return (
        isinstance(el.tag, str)
        and etree.QName(el).localname == "alert"
        and (etree.QName(el).namespace in CAP_VERSIONS)
    )


def parse_alerts(
    data: bytes | str, *, name: str = "CAP alert", trust: CapTrust | None = None
) -> list[dict[str, Any]]:
    """Every CAP alert in the document (one, or each in an EDXL-DE distribution), model form."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    root = _root(raw, name)
    envelope: dict[str, Any] = {}
    if root.tag == f"{{{EDXL_DE_NS}}}EDXLDistribution":
        envelope = {"standard": "EDXL-DE 1.0"}
        for field in _ENVELOPE_FIELDS:
            value = _text(root.find(f"{{{EDXL_DE_NS}}}{field}"))
            if value:
                envelope[field] = value
        path = f"{{{EDXL_DE_NS}}}contentObject/{{{EDXL_DE_NS}}}xmlContent/"
        path += f"{{{EDXL_DE_NS}}}embeddedXMLContent"
        elements = [el for holder in root.findall(path) for el in holder if _is_alert(el)]
        if not elements:
            raise CapError(f"{name}: the EDXL-DE distribution holds no CAP 1.1 or 1.2 alert")
    elif _is_alert(root):
        elements = [root]
    else:
        raise CapError(
            f"{name}: not a CAP 1.1 or 1.2 alert (root is {root.tag!r}, expected "
            f"{{{next(reversed(CAP_VERSIONS))}}}alert or an EDXL-DE distribution)"
        )
    trust = CapTrust.from_env() if trust is None else trust
    return [_alert(el, envelope, trust, name) for el in elements]


def _alert(el: Any, envelope: Mapping[str, Any], trust: CapTrust, name: str) -> dict[str, Any]:
    ns = etree.QName(el).namespace
    alert = _read(el, ns, ALERT_FIELDS)
    for required in ("identifier", "sender", "sent", "status", "msgType"):
        if not alert.get(required):
            raise CapError(f"{name}: missing <{required}>")
    try:
        sent = parse_time(alert["sent"])
    except ValueError:
        raise CapError(f"{name}: <sent> {alert['sent']!r} is not a date-time with offset") from None
    alert["version"] = CAP_VERSIONS[ns]
    if envelope:
        alert["envelope"] = dict(envelope)
    alert["signature"] = check_signature(el, trust, sent)
    return alert


def load_alerts(path: str | Path, *, trust: CapTrust | None = None) -> list[dict[str, Any]]:
    """Every CAP alert in a file (model form); one-line `CapError` if unreadable."""
    p = Path(path)
    data = read_file_bytes(p, what="CAP alert", max_bytes=MAX_CAP_BYTES, error=CapError)
    return parse_alerts(data, name=p.name, trust=trust)


def load_cap(path: str | Path, *, lang: str | None = None, trust: CapTrust | None = None) -> Signal:
    """Read a CAP alert file into a Signal (the first alert of an EDXL-DE distribution)."""
    return to_signal(load_alerts(path, trust=trust)[0], lang=lang)


def parse_cap(
    data: bytes | str,
    *,
    name: str = "CAP alert",
    lang: str | None = None,
    trust: CapTrust | None = None,
) -> Signal:
    """Parse CAP XML into a Signal; raises `CapError` naming the problem in one line."""
    return to_signal(parse_alerts(data, name=name, trust=trust)[0], lang=lang)


def marks(alert: Mapping[str, Any]) -> list[str]:
    """The marks a headline carries: `EXERCISE`, `UPDATE`, `SIGNATURE INVALID`, ..."""
    out: list[str] = []
    status = str(alert.get("status") or "")
    if status != "Actual":
        out.append(status.upper() or "NO STATUS")
    if alert.get("msgType") in ("Update", "Cancel", "Ack", "Error"):
        out.append(str(alert["msgType"]).upper())
    signature = alert.get("signature") or {}
    if signature.get("verdict") == Verdict.INVALID.value:
        out.append("SIGNATURE INVALID")
    return out


def signal_kind(alert: Mapping[str, Any], shown: int = 0) -> str:
    """The signal kind: a `baton:kind` parameter (the shown info's first), else the first
    info's event name as a Unicode slug."""
    items = infos(alert)
    if not items:
        return "alert"
    ordered = [items[shown], *items] if shown < len(items) else items
    for info in ordered:
        named = first(pairs(info.get("parameter")), KIND_PARAM)
        if named:
            return named
    return info_kind(items[0])


def signal_zone(alert: Mapping[str, Any], shown: int = 0) -> str | None:
    """The zone a `baton:zone` parameter or geocode names, if any."""
    items = infos(alert)
    ordered = [items[shown], *items] if shown < len(items) else items
    for info in ordered:
        zone = first(pairs(info.get("parameter")), ZONE_PARAM)
        if zone:
            return zone
    for info in ordered:
        for area in areas(info):
            zone = first(pairs(area.get("geocode")), ZONE_PARAM)
            if zone:
                return zone
    return None


def to_signal(alert: Mapping[str, Any], *, lang: str | None = None) -> Signal:
    """The Signal of an alert in model form, showing the info in `lang` (else the first)."""
    shown = choose_info(alert, lang)
    items = infos(alert)
    info = items[shown] if items else {}
    headline = str(info.get("headline") or info.get("event") or alert["identifier"])
    mark = "".join(f"[{m}] " for m in marks(alert))
    return Signal(
        id=str(alert["identifier"]),
        ts=parse_time(str(alert["sent"])).timestamp(),
        source=str(alert["sender"]),
        kind=signal_kind(alert, shown),
        headline=mark + headline,
        zone=signal_zone(alert, shown),
        body={"cap": {**alert, "shown": shown}},
    )
