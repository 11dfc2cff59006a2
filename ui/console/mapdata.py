"""Map data: zone outlines and context layers read from GeoJSON, and round scale lengths.

Qt-free reading for the zone map (`ui.console.mapview`), the replay window and tests.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from command.errors import BatonError
from command.interop.cot import UnitPosition
from command.scenarios.scenario import Scenario

ContextKind = Literal["water", "land", "road", "tunnel", "landmark"]
_KINDS: tuple[ContextKind, ...] = ("water", "land", "road", "tunnel", "landmark")


@dataclass(frozen=True, slots=True)
class ZoneShape:
    """A zone outline from GeoJSON: id, display name (and its Chinese form) and rings of
    (lon, lat). A GeoJSON Point zone has one ring of one point and is always a marker."""

    zone: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]
    name_zh: str = ""


@dataclass(frozen=True, slots=True)
class ContextFeature:
    """Something drawn under the zones for orientation: water or land (areas), a road or a
    tunnel (lines), a landmark (a point); `parts` are rings or lines of (lon, lat)."""

    kind: ContextKind
    name: str
    parts: tuple[tuple[tuple[float, float], ...], ...]
    name_zh: str = ""


def _load_geojson(source: Path | Mapping[str, Any], what: str) -> Mapping[str, Any]:
    if not isinstance(source, Path):
        return source
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise BatonError(f"cannot read {what} {source}: {err}") from None
    if not isinstance(data, dict):
        raise BatonError(f"cannot read {what} {source}: not a GeoJSON FeatureCollection")
    return data


def read_zones(source: Path | Mapping[str, Any]) -> list[ZoneShape]:
    """Zone shapes from a GeoJSON FeatureCollection (a path or the parsed dict).

    A feature's zone id is `properties.id` / `zone` / `key`, else the feature `id`; its name is
    `properties.name`, else the id (`properties.name_zh`: its Chinese name). Polygon,
    MultiPolygon and Point geometries are read.
    """
    data = _load_geojson(source, "zone outlines")
    shapes = []
    for feature in data.get("features", ()):
        props = feature.get("properties") or {}
        zone = props.get("id") or props.get("zone") or props.get("key") or feature.get("id")
        geom = feature.get("geometry") or {}
        kind = geom.get("type")
        if not zone or kind not in ("Polygon", "MultiPolygon", "Point"):
            continue
        if kind == "Point":
            rings: tuple[tuple[tuple[float, float], ...], ...] = (
                ((float(geom["coordinates"][0]), float(geom["coordinates"][1])),),
            )
        else:
            polys = [geom["coordinates"]] if kind == "Polygon" else geom["coordinates"]
            rings = tuple(
                tuple((float(p[0]), float(p[1])) for p in ring) for poly in polys for ring in poly
            )
        name = str(props.get("name") or zone)
        shapes.append(ZoneShape(str(zone), name, rings, str(props.get("name_zh") or "")))
    return shapes


def read_context(source: Path | Mapping[str, Any]) -> list[ContextFeature]:
    """Context features from a GeoJSON FeatureCollection: `properties.kind` is water, land,
    road, tunnel or landmark (a Point is a landmark, a line a road, an area land by default),
    `properties.name` / `name_zh` their names."""
    data = _load_geojson(source, "map context")
    out: list[ContextFeature] = []
    for feature in data.get("features", ()):
        props = feature.get("properties") or {}
        geom = feature.get("geometry") or {}
        kind_of = {"Point": "landmark", "LineString": "road", "MultiLineString": "road"}
        gtype = str(geom.get("type"))
        coords = geom.get("coordinates")
        if coords is None:
            continue
        parts: tuple[tuple[tuple[float, float], ...], ...]
        if gtype == "Point":
            parts = (((float(coords[0]), float(coords[1])),),)
        elif gtype == "LineString":
            parts = (tuple((float(p[0]), float(p[1])) for p in coords),)
        elif gtype in ("MultiLineString", "Polygon"):
            parts = tuple(tuple((float(p[0]), float(p[1])) for p in line) for line in coords)
        elif gtype == "MultiPolygon":
            parts = tuple(
                tuple((float(p[0]), float(p[1])) for p in ring) for poly in coords for ring in poly
            )
        else:
            continue
        kind = str(props.get("kind") or kind_of.get(gtype, "land"))
        if kind not in _KINDS:
            kind = kind_of.get(gtype, "land")
        out.append(
            ContextFeature(
                kind,  # type: ignore[arg-type]
                str(props.get("name") or ""),
                parts,
                str(props.get("name_zh") or ""),
            )
        )
    return out


def scenario_zones(scenario: Scenario, zones: Sequence[str] | None = None) -> list[ZoneShape]:
    """The zone outlines a scenario ships (its inline geometry, else `data/zones/<name>.geojson`),
    named as the incident names them, with their Chinese names; only `zones` when given.

    The console and the replay window both draw these, so a replay looks like the run."""
    from command.scenarios.loader import ZONES_DIR

    features = list(scenario.geometry.values())
    geo = ZONES_DIR / f"{scenario.name}.geojson"
    if features:
        shapes = read_zones({"type": "FeatureCollection", "features": features})
    else:
        shapes = read_zones(geo) if geo.is_file() else []
    names = {z.id: z.name for z in scenario.incident.zones}
    wanted = set(names if zones is None else zones)
    zh = scenario.names_zh
    named = [
        ZoneShape(s.zone, names[s.zone], s.rings, zh.get(f"zone:{s.zone}", s.name_zh))
        for s in shapes
        if s.zone in names and s.zone in wanted
    ]
    return named or [s for s in shapes if zones is None or s.zone in wanted]


def scenario_context(scenario: Scenario) -> list[ContextFeature]:
    """The context layers (river, roads, tunnel, landmarks) a scenario ships, [] without."""
    return read_context(scenario.context) if scenario.context is not None else []


def grid_zones(names: Sequence[tuple[str, str]]) -> list[ZoneShape]:
    """Made-up rectangular outlines for (zone id, name) pairs that have no GeoJSON: three to a
    row along a river bank (lon/lat near the Bund), so the map still shows every zone."""
    shapes = []
    lon0, lat0 = 121.4870, 31.2330
    for i, (zid, name) in enumerate(names):
        col, row = i % 3, i // 3
        x0 = lon0 + col * 0.0032 + (row % 2) * 0.0012
        y0 = lat0 + row * 0.0030
        w, h = 0.0029, 0.0026
        ring = ((x0, y0), (x0 + w, y0), (x0 + w * 1.05, y0 + h), (x0 - w * 0.05, y0 + h), (x0, y0))
        shapes.append(ZoneShape(zid, name, (ring,)))
    return shapes


def nice_length(metres: float) -> float:
    """The round length (1, 2 or 5 × 10ⁿ metres) nearest to `metres` (on a log scale)."""
    if metres <= 0:
        return 0.0
    power = 10.0 ** math.floor(math.log10(metres))
    steps = [s * power for s in (1.0, 2.0, 5.0, 10.0)]
    return min(steps, key=lambda v: abs(math.log(v / metres)))


def length_text(metres: float) -> str:
    """ "200 m", "1 km", "1.5 km"."""
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g} km"
    return f"{metres:g} m"


def read_units(source: Path | Mapping[str, Any]) -> list[UnitPosition]:
    """TAK unit positions from the GeoJSON points `baton tak --units-out FILE` writes
    (`properties.uid`, `callsign`, `type`, `time`); features without a point are skipped."""
    data = _load_geojson(source, "TAK units")
    out: list[UnitPosition] = []
    for feature in data.get("features", ()):
        props = feature.get("properties") or {}
        geom = feature.get("geometry") or {}
        coords: list[Any] = list(geom.get("coordinates") or [])
        if geom.get("type") != "Point" or len(coords) < 2 or not props.get("uid"):
            continue
        when = float(props.get("time") or 0.0)
        out.append(
            UnitPosition(
                str(props["uid"]),
                str(props.get("callsign") or props["uid"]),
                str(props.get("type") or ""),
                float(coords[1]),
                float(coords[0]),
                when,
                when,
            )
        )
    return out
