"""The CAP 1.2 rules every alert Baton writes keeps (beyond what the XML schema checks).

- `identifier` and `sender` hold no spaces, commas, `<` or `&` (references are built from them);
- date-times carry an explicit offset, and UTC is written `-00:00` (CAP 1.2 §3.3.2: never `Z`,
  never `+00:00`);
- a polygon is `lat,lon` pairs, at least four, the first repeated as the last;
- the required elements are present and the enumerated ones hold one of their values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from command.cap.model import (
    CATEGORIES,
    CERTAINTIES,
    MSG_TYPES,
    SCOPES,
    SEVERITIES,
    STATUSES,
    URGENCIES,
    areas,
    infos,
)
from command.errors import BatonError


class CapError(BatonError):
    """A CAP alert could not be read, or an alert to export is invalid."""


_FORBIDDEN = re.compile(r"[\s,<&]")


def check_identifier(what: str, value: str) -> str:
    """`value` when it is a valid CAP identifier or sender, else `CapError`."""
    if not value.strip():
        raise CapError(f"CAP alert {what} must not be empty")
    if _FORBIDDEN.search(value):
        raise CapError(f"CAP {what} must not contain spaces, commas, < or & (got {value!r})")
    return value


def cap_time(ts: float, tz: str = "UTC") -> str:
    """CAP date-time: `2026-10-01T19:30:00+08:00`; UTC is `2026-10-01T11:30:00-00:00`."""
    text = datetime.fromtimestamp(ts, UTC).astimezone(ZoneInfo(tz)).isoformat(timespec="seconds")
    return utc_as_cap(text)


def utc_as_cap(text: str) -> str:
    """A date-time text with a UTC suffix (`Z`, `+00:00`) written the CAP way (`-00:00`)."""
    if text.endswith("Z"):
        return text[:-1] + "-00:00"
    if text.endswith("+00:00"):
        return text[:-6] + "-00:00"
    return text


def parse_time(text: str) -> datetime:
    """A CAP date-time with its offset (`ValueError` when it has none)."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no offset")
    return value


def cap_polygon(ring: Sequence[tuple[float, float]]) -> str:
    """A CAP polygon (`lat,lon lat,lon ...`, closed, at least 4 points) from (lon, lat) points."""
    pts = list(ring)
    if pts and pts[0] == pts[-1]:
        pts.pop()
    if len(set(pts)) < 3:
        raise CapError(f"a CAP polygon needs at least 3 distinct points, got {len(set(pts))}")
    pts.append(pts[0])
    return " ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in pts)


def normalize_polygon(text: str) -> str:
    """A received `lat,lon ...` polygon as CAP requires it: closed, at least four points.

    A polygon already closed is returned as it came (lossless); an open one gets its first
    point repeated at the end. `CapError` when it is not `lat,lon` pairs in range.
    """
    tokens = text.split()
    points: list[tuple[float, float]] = []
    for token in tokens:
        try:
            lat_s, lon_s = token.split(",")
            lat, lon = float(lat_s), float(lon_s)
        except ValueError:
            raise CapError(f"CAP polygon point {token!r} is not 'lat,lon'") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise CapError(f"CAP polygon point {token!r} is out of range (lat,lon order?)")
        points.append((lat, lon))
    if points and points[0] != points[-1]:
        tokens.append(tokens[0])
        points.append(points[0])
    if len(points) < 4:
        raise CapError(f"a CAP polygon needs at least 4 points (closed), got {len(points)}")
    return " ".join(tokens)


_ALERT_ENUMS = {"status": STATUSES, "msgType": MSG_TYPES, "scope": SCOPES}
_INFO_ENUMS = {"urgency": URGENCIES, "severity": SEVERITIES, "certainty": CERTAINTIES}


def check_alert(alert: Mapping[str, Any]) -> None:
    """`CapError` naming the first CAP rule the alert (model form) breaks."""
    for name in ("identifier", "sender", "sent", "status", "msgType", "scope"):
        if not str(alert.get(name) or "").strip():
            raise CapError(f"CAP alert {alert.get('identifier', '?')}: <{name}> is required")
    check_identifier("identifier", str(alert["identifier"]))
    check_identifier("sender", str(alert["sender"]))
    for name, allowed in _ALERT_ENUMS.items():
        if alert[name] not in allowed:
            raise CapError(
                f"CAP alert {name} must be one of {', '.join(allowed)}, got {alert[name]!r}"
            )
    for i, info in enumerate(infos(alert)):
        where = f"CAP alert {alert['identifier']} info {i + 1}"
        for name in ("event", "urgency", "severity", "certainty"):
            if not str(info.get(name) or "").strip():
                raise CapError(f"{where}: <{name}> is required")
        if not info.get("category"):
            raise CapError(f"{where}: <category> is required")
        for cat in info["category"]:
            if cat not in CATEGORIES:
                raise CapError(f"{where}: category must be one of {', '.join(CATEGORIES)}")
        for name, allowed in _INFO_ENUMS.items():
            if info[name] not in allowed:
                raise CapError(f"{where}: {name} must be one of {', '.join(allowed)}")
        for area in areas(info):
            if not str(area.get("areaDesc") or "").strip():
                raise CapError(f"{where}: <areaDesc> is required in every area")


def geojson_rings(feature: Mapping[str, Any]) -> list[tuple[tuple[float, float], ...]]:
    """Outer rings (lon, lat) of a GeoJSON Polygon/MultiPolygon feature, for `polygons`."""
    geom = feature.get("geometry", feature)
    coords = geom.get("coordinates") or []
    polys = [coords] if geom.get("type") == "Polygon" else list(coords)
    return [tuple((float(p[0]), float(p[1])) for p in poly[0]) for poly in polys if poly]
