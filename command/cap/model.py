"""The CAP alert as Baton keeps it: every element, in CAP's own names, as JSON-ready data.

A parsed alert is a plain mapping keyed by CAP element names, in the order of the CAP 1.2 schema
(CAP 1.1 has the same order): text elements as strings, repeatable ones (`code`, `category`,
`responseType`, `polygon`, `circle`) as lists of strings, `valueName`/`value` elements
(`eventCode`, `parameter`, `geocode`) as lists of `[valueName, value]` pairs, duplicates and order
kept, and `info`, `resource`, `area` as lists of such mappings. An element that was absent is
left out. Baton adds, beside CAP's names, `version` ("1.1" or "1.2"), `envelope` (the EDXL-DE
distribution it came in, if any), `shown` (the index of the info shown), and `signature` (the
XML-DSig verdict). That mapping is what a `signal.received` event journals under `body.cap`, and
what a received alert is re-exported from, so nothing Baton read is lost on the way out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
CAP11_NS = "urn:oasis:names:tc:emergency:cap:1.1"
CAP_VERSIONS = {CAP11_NS: "1.1", CAP_NS: "1.2"}
"""The CAP namespaces Baton reads, and the version each names."""
EDXL_DE_NS = "urn:oasis:names:tc:emergency:EDXL:DE:1.0"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
KIND_PARAM = "baton:kind"
ZONE_PARAM = "baton:zone"


class Shape(Enum):
    """How one CAP element is held."""

    TEXT = "text"  # one string
    LIST = "list"  # repeatable string element
    PAIRS = "pairs"  # repeatable valueName/value element: list of [name, value]
    NESTED = "nested"  # repeatable structured element: list of mappings


Fields = tuple[tuple[str, Shape, "Fields | None"], ...]

RESOURCE_FIELDS: Fields = (
    ("resourceDesc", Shape.TEXT, None),
    ("mimeType", Shape.TEXT, None),
    ("size", Shape.TEXT, None),
    ("uri", Shape.TEXT, None),
    ("derefUri", Shape.TEXT, None),
    ("digest", Shape.TEXT, None),
)
AREA_FIELDS: Fields = (
    ("areaDesc", Shape.TEXT, None),
    ("polygon", Shape.LIST, None),
    ("circle", Shape.LIST, None),
    ("geocode", Shape.PAIRS, None),
    ("altitude", Shape.TEXT, None),
    ("ceiling", Shape.TEXT, None),
)
INFO_FIELDS: Fields = (
    ("language", Shape.TEXT, None),
    ("category", Shape.LIST, None),
    ("event", Shape.TEXT, None),
    ("responseType", Shape.LIST, None),
    ("urgency", Shape.TEXT, None),
    ("severity", Shape.TEXT, None),
    ("certainty", Shape.TEXT, None),
    ("audience", Shape.TEXT, None),
    ("eventCode", Shape.PAIRS, None),
    ("effective", Shape.TEXT, None),
    ("onset", Shape.TEXT, None),
    ("expires", Shape.TEXT, None),
    ("senderName", Shape.TEXT, None),
    ("headline", Shape.TEXT, None),
    ("description", Shape.TEXT, None),
    ("instruction", Shape.TEXT, None),
    ("web", Shape.TEXT, None),
    ("contact", Shape.TEXT, None),
    ("parameter", Shape.PAIRS, None),
    ("resource", Shape.NESTED, RESOURCE_FIELDS),
    ("area", Shape.NESTED, AREA_FIELDS),
)
ALERT_FIELDS: Fields = (
    ("identifier", Shape.TEXT, None),
    ("sender", Shape.TEXT, None),
    ("sent", Shape.TEXT, None),
    ("status", Shape.TEXT, None),
    ("msgType", Shape.TEXT, None),
    ("source", Shape.TEXT, None),
    ("scope", Shape.TEXT, None),
    ("restriction", Shape.TEXT, None),
    ("addresses", Shape.TEXT, None),
    ("code", Shape.LIST, None),
    ("note", Shape.TEXT, None),
    ("references", Shape.TEXT, None),
    ("incidents", Shape.TEXT, None),
    ("info", Shape.NESTED, INFO_FIELDS),
)
"""The CAP 1.2 alert, element by element, in schema order."""

STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
SCOPES = ("Public", "Restricted", "Private")
CATEGORIES = (
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
)
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")


def slug(text: str) -> str:
    """A kind from an event name, Unicode letters kept: `Ferry Suspension` → `ferry_suspension`,
    `Óveður á Suðurlandi` → `óveður_á_suðurlandi`, `台风红色预警` → `台风红色预警`."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text).lower():
        keep = ch.isalnum() or unicodedata.category(ch).startswith("M")
        out.append(ch if keep else "_")
    return "_".join(part for part in "".join(out).split("_") if part)


def pairs(value: Any) -> list[tuple[str, str]]:
    """`[[name, value], ...]` (or an old journal's `{name: value}`) as (name, value) tuples."""
    if isinstance(value, Mapping):
        return [(str(k), str(v)) for k, v in value.items()]
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    out: list[tuple[str, str]] = []
    for p in value:
        if isinstance(p, Sequence) and not isinstance(p, str) and len(p) == 2:
            out.append((str(p[0]), str(p[1])))
    return out


def first(items: Sequence[tuple[str, str]], name: str) -> str | None:
    """The value of the first pair named `name`, or None."""
    return next((v for n, v in items if n == name), None)


def infos(alert: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The alert's infos (empty for an alert without any)."""
    return [i for i in alert.get("info") or () if isinstance(i, Mapping)]


def areas(info: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """An info's areas."""
    return [a for a in info.get("area") or () if isinstance(a, Mapping)]


def info_kind(info: Mapping[str, Any]) -> str:
    """The kind of one info: its `baton:kind` parameter, else its event (or first category)."""
    named = first(pairs(info.get("parameter")), KIND_PARAM)
    if named:
        return named
    cats = info.get("category") or []
    return slug(str(info.get("event") or "")) or (slug(str(cats[0])) if cats else "") or "alert"


def choose_info(alert: Mapping[str, Any], lang: str | None) -> int:
    """The index of the info to show for a preferred language: an exact tag match (`zh-CN`),
    else the same primary language (`zh` matches `zh-TW`), else the first info."""
    items = infos(alert)
    if not lang or not items:
        return 0
    want = lang.replace("_", "-").lower()
    tags = [str(i.get("language") or "en-US").lower() for i in items]
    for i, tag in enumerate(tags):
        if tag == want:
            return i
    primary = want.split("-")[0]
    for i, tag in enumerate(tags):
        if tag.split("-")[0] == primary:
            return i
    return 0


@dataclass(frozen=True, slots=True)
class Reference:
    """One earlier alert named in `references`: `sender,identifier,sent`."""

    sender: str
    identifier: str
    sent: str

    @classmethod
    def parse_all(cls, text: str) -> list[Reference]:
        """Every well-formed triple of a `references` value (others are skipped)."""
        out: list[Reference] = []
        for token in text.split():
            parts = token.split(",")
            if len(parts) == 3 and all(parts):
                out.append(cls(*parts))
        return out

    def __str__(self) -> str:
        return f"{self.sender},{self.identifier},{self.sent}"


def counts(alert: Mapping[str, Any]) -> dict[str, int]:
    """How many infos, areas, polygons, circles, geocodes and parameters the alert holds."""
    n = dict.fromkeys(("infos", "areas", "polygons", "circles", "geocodes", "parameters"), 0)
    for info in infos(alert):
        n["infos"] += 1
        n["parameters"] += len(pairs(info.get("parameter")))
        for area in areas(info):
            n["areas"] += 1
            n["polygons"] += len(area.get("polygon") or ())
            n["circles"] += len(area.get("circle") or ())
            n["geocodes"] += len(pairs(area.get("geocode")))
    return n


def walk(fields: Fields, node: Mapping[str, Any]) -> Iterator[tuple[str, Shape, Any, Any]]:
    """(name, shape, value, sub-fields) for each element present in `node`, in schema order."""
    for name, shape, sub in fields:
        if name in node and node[name] is not None:
            yield name, shape, node[name], sub
