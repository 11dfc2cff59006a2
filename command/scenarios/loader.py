"""Load a scenario YAML file: schema validation (jsonschema) then cross-reference checks.

Every problem is one line naming the file, the field path and what was expected, e.g.
`bund.yaml: stations[2].catalogue[0].params[1].maximum: expected a number, got 'high'`.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match

from command.drafts import OrderDraft
from command.errors import BatonError, ValidationError
from command.files import (
    MAX_SCENARIO_BYTES,
    InputFileError,
    parse_json,
    parse_yaml,
    read_text_file,
)
from command.model import Incident, OrderKind, ParamSpec, Priority, RiskLevel, Signal, Station, Zone
from command.picture.fusion import DerivedSpec
from command.picture.playbooks import LevelTrigger, Playbook, SignalTrigger, Trigger
from command.picture.risk import Thresholds
from command.scenarios.mqtt_mapping import MqttMappingError, MqttRule
from command.scenarios.scenario import (
    DelegationSpec,
    FeedSpec,
    OperatorSpec,
    Scenario,
    ScenarioError,
    StateLabel,
    TimelineEntry,
    WildSpec,
)
from command.scenarios.schema import SCENARIO_SCHEMA
from data import DATA_DIR

SCENARIOS_DIR = DATA_DIR / "scenarios"
ZONES_DIR = DATA_DIR / "zones"
_VALIDATOR = Draft202012Validator(SCENARIO_SCHEMA)
_PRIORITY = {
    "routine": Priority.ROUTINE,
    "urgent": Priority.URGENT,
    "immediate": Priority.IMMEDIATE,
}


def scenario_names() -> list[str]:
    """Names of the scenarios shipped in data/scenarios/."""
    return sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml"))


def scenario_path(name_or_path: str | Path) -> Path:
    """A shipped scenario's file for a bare name (`bund`), else the path given."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p
    shipped = SCENARIOS_DIR / f"{p.name}.yaml"
    if not shipped.exists():
        known = ", ".join(scenario_names())
        raise ScenarioError(f"no scenario {str(name_or_path)!r}: use one of {known} or a path")
    return shipped


def shipped_scenario(name: object) -> Scenario | None:
    """The scenario a journal names (`incident.opened`'s `scenario`) when it is shipped here;
    None when it names none, is not shipped here, or no longer loads (a view then draws from
    the journal alone)."""
    if not name:
        return None
    try:
        return load_scenario(str(name))
    except Exception:  # not shipped here, renamed, or changed since the journal was written
        return None


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load, validate and cross-check a scenario; raises `ScenarioError` (one line) if bad."""
    path = scenario_path(name_or_path)
    text = read_text_file(path, what="scenario", max_bytes=MAX_SCENARIO_BYTES, error=ScenarioError)
    doc = parse_yaml(text, name=path.name, what="scenario", error=ScenarioError)
    error = best_match(_VALIDATOR.iter_errors(doc))
    if error is not None:
        where, what = describe_schema_error(error)
        raise ScenarioError(f"{path.name}: {where}: {what}")
    return _Builder(path, doc).build()


# -- schema errors ---------------------------------------------------------------------------


def field_path(parts: Sequence[str | int]) -> str:
    """`['stations', 2, 'catalogue']` → `stations[2].catalogue` (`(top)` when empty)."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
}


def describe_schema_error(error: SchemaError) -> tuple[str, str]:
    """(field path, what was expected) for one jsonschema error."""
    parts: list[str | int] = list(error.absolute_path)
    v = str(error.validator)
    value: Any = error.validator_value
    inst: Any = error.instance
    schema: Any = error.schema
    if v == "required":
        missing = [r for r in value if isinstance(inst, dict) and r not in inst]
        return field_path([*parts, missing[0] if missing else "?"]), "missing (required)"
    if v == "additionalProperties" and isinstance(inst, dict):
        known = set(schema.get("properties", {}))
        extra = sorted(k for k in inst if k not in known)
        allowed = ", ".join(sorted(known))
        return field_path([*parts, extra[0] if extra else "?"]), f"unknown field (use {allowed})"
    if v == "type":
        types = value if isinstance(value, list) else [value]
        words = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in types)
        return field_path(parts), f"expected {words}, got {_short(inst)}"
    if v == "enum":
        return field_path(
            parts
        ), f"expected one of {', '.join(map(str, value))}, got {_short(inst)}"
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        op = {"minimum": "≥", "maximum": "≤", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[v]
        return field_path(parts), f"expected a number {op} {value}, got {_short(inst)}"
    if v == "pattern":
        return field_path(parts), (
            f"expected an id of lower-case letters, digits and _, got {_short(inst)}"
        )
    if v in ("minItems", "maxItems"):
        return (
            field_path(parts),
            f"expected {'at least' if v == 'minItems' else 'at most'} "
            f"{value} item(s), got {len(inst) if isinstance(inst, list) else _short(inst)}",
        )
    if v in ("minProperties", "maxProperties", "oneOf"):
        choices = [
            "/".join(s.get("required", [])) for s in (value if v == "oneOf" else [])
        ] or list(schema.get("properties", {}))
        return field_path(parts), f"expected exactly one of {', '.join(choices)}"
    return field_path(parts), error.message.splitlines()[0]


# -- cross-reference checks and building -----------------------------------------------------


class _Builder:
    """Turns a schema-valid document into a `Scenario`, checking every cross-reference."""

    def __init__(self, path: Path, doc: dict[str, Any]) -> None:
        self.path = path
        self.doc = doc

    def fail(self, where: str, what: str) -> ScenarioError:
        return ScenarioError(f"{self.path.name}: {where}: {what}")

    def build(self) -> Scenario:
        doc = self.doc
        inc = doc["incident"]
        tz = self._timezone(inc["timezone"])
        start = self._start(inc["start"], tz)
        zones, geometry = self._zones(doc["zones"])
        zone_ids = [z.id for z in zones]
        stations, operators = self._stations(doc["stations"])
        incident = Incident(inc["id"], inc.get("name", inc["id"]), inc["timezone"], zones, stations)
        feeds = self._feeds(doc.get("feeds") or [], zone_ids)
        metrics = {f.metric for f in feeds}
        derived = self._derived(doc.get("derived") or [], metrics)
        indicators = metrics | {d.name for d in derived}
        thresholds = self._thresholds(doc["thresholds"], indicators, zone_ids)
        playbooks = self._playbooks(doc.get("playbooks") or [], incident, indicators)
        fusion = doc.get("fusion") or {}
        timeline = self._timeline(doc.get("timeline") or [], start, zone_ids, inc["duration_min"])
        delegation = self._delegation(doc["delegation"], zone_ids, incident)
        mqtt = self._mqtt(doc.get("mqtt") or [], zone_ids, feeds)
        context = self._context(doc["context"]) if "context" in doc else None
        return Scenario(
            name=self.path.stem,
            path=self.path,
            incident=incident,
            start=start,
            duration_min=float(inc["duration_min"]),
            geometry=geometry,
            feeds=feeds,
            thresholds=thresholds,
            derived=derived,
            playbooks=playbooks,
            timeline=timeline,
            operators=operators,
            delegation=delegation,
            stale_factor=float(fusion.get("stale_factor", 3.0)),
            trend_window_s=float(fusion.get("trend_window_s", 600.0)),
            description=str(inc.get("description", "")),
            mqtt=mqtt,
            context=context,
            names_zh=_names_zh(doc),
            raw=doc,
        )

    def _timezone(self, name: str) -> ZoneInfo:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(
                "incident.timezone", f"unknown time zone {name!r} (e.g. Asia/Shanghai)"
            ) from None

    def _start(self, text: str, tz: ZoneInfo) -> float:
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise self.fail(
                "incident.start", f"expected an ISO date-time like 2026-10-01T19:00, got {text!r}"
            ) from None
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=tz)
        return dt.timestamp()

    def _zones(self, items: list[dict[str, Any]]) -> tuple[tuple[Zone, ...], dict[str, Any]]:
        zones: list[Zone] = []
        geometry: dict[str, Any] = {}
        for i, z in enumerate(items):
            where = f"zones[{i}]"
            if z["id"] in geometry:
                raise self.fail(f"{where}.id", f"duplicate zone id {z['id']!r}")
            geometry[z["id"]] = self._geojson(f"{where}.geojson", z["geojson"], z["id"])
            zones.append(Zone(z["id"], z["name"], float(z["area_m2"]), z.get("description", "")))
        return tuple(zones), geometry

    def _resolve(self, ref: str, default_dir: Path) -> Path | None:
        p = Path(ref)
        for candidate in (
            p,
            self.path.parent / p,
            self.path.parent.parent / "zones" / p,
            default_dir / p,
        ):
            if candidate.is_file():
                return candidate
        return None

    def _geojson(self, where: str, ref: str, zone_id: str) -> dict[str, Any]:
        file = self._resolve(ref, ZONES_DIR)
        if file is None:
            raise self.fail(where, f"GeoJSON file {ref!r} not found (looked in {ZONES_DIR})")
        try:
            text = read_text_file(file, what="GeoJSON", max_bytes=MAX_SCENARIO_BYTES)
            gj = parse_json(text, name=ref, what="GeoJSON")
        except InputFileError as err:
            raise self.fail(where, str(err)) from None
        feats = gj.get("features") if isinstance(gj, dict) else None
        if not isinstance(feats, list):
            raise self.fail(where, f"{ref!r} is not a GeoJSON FeatureCollection")
        for feat in feats:
            props = feat.get("properties") or {} if isinstance(feat, dict) else {}
            if props.get("zone") == zone_id:
                geom = feat.get("geometry") or {}
                if geom.get("type") not in ("Polygon", "MultiPolygon"):
                    raise self.fail(where, f"{ref!r}: zone {zone_id!r} is not a Polygon")
                if not _lonlat_ok(geom):
                    raise self.fail(
                        where, f"{ref!r}: zone {zone_id!r} has coordinates outside lon/lat range"
                    )
                return dict(feat)
        raise self.fail(where, f"{ref!r} has no feature with properties.zone = {zone_id!r}")

    def _stations(
        self, items: list[dict[str, Any]]
    ) -> tuple[tuple[Station, ...], dict[str, OperatorSpec]]:
        stations: list[Station] = []
        operators: dict[str, OperatorSpec] = {}
        for i, s in enumerate(items):
            where = f"stations[{i}]"
            if any(st.id == s["id"] for st in stations):
                raise self.fail(f"{where}.id", f"duplicate station id {s['id']!r}")
            kinds: list[OrderKind] = []
            for k, kind in enumerate(s["catalogue"]):
                kw = f"{where}.catalogue[{k}]"
                if any(x.name == kind["name"] for x in kinds):
                    raise self.fail(f"{kw}.name", f"duplicate order kind {kind['name']!r}")
                params = tuple(
                    self._param(f"{kw}.params[{j}]", p)
                    for j, p in enumerate(kind.get("params", []))
                )
                kinds.append(
                    OrderKind(
                        kind["name"],
                        kind["title"],
                        params,
                        float(kind.get("ack_deadline_s", 120.0)),
                        float(kind.get("due_s", 900.0)),
                        kind.get("description", ""),
                    )
                )
            stations.append(Station(s["id"], s["name"], s["agency"], tuple(kinds)))
            op = s.get("operator")
            if op is not None:
                operators[s["id"]] = self._operator(f"{where}.operator", op)
        return tuple(stations), operators

    def _param(self, where: str, p: dict[str, Any]) -> ParamSpec:
        if p["type"] == "choice" and not p.get("choices"):
            raise self.fail(f"{where}.choices", "a choice parameter needs choices")
        if "choices_zh" in p and len(p["choices_zh"]) != len(p.get("choices") or ()):
            raise self.fail(
                f"{where}.choices_zh",
                f"expected one Chinese word per choice ({len(p.get('choices') or ())}), "
                f"got {len(p['choices_zh'])}",
            )
        lo, hi = p.get("minimum"), p.get("maximum")
        if lo is not None and hi is not None and lo > hi:
            raise self.fail(f"{where}.maximum", f"expected a number ≥ minimum {lo}, got {hi}")
        spec = ParamSpec(
            name=p["name"],
            type=p["type"],
            title=p.get("title") or readable_title(p["name"]),
            unit=p.get("unit", ""),
            minimum=lo,
            maximum=hi,
            choices=tuple(p.get("choices", ())),
            required=bool(p.get("required", True)),
            default=p.get("default"),
        )
        if spec.default is not None:
            try:
                spec.validate(spec.default)
            except ValidationError as err:
                raise self.fail(f"{where}.default", str(err)) from None
        return spec

    def _operator(self, where: str, op: dict[str, Any]) -> OperatorSpec:
        base = OperatorSpec()
        for name in ("ack_s", "accept_s", "complete_s"):
            lo, hi = op.get(name, getattr(base, name))
            if lo > hi:
                raise self.fail(f"{where}.{name}", f"expected [low, high], got [{lo}, {hi}]")
        return OperatorSpec(
            ack_s=tuple(op.get("ack_s", base.ack_s)),
            accept_s=tuple(op.get("accept_s", base.accept_s)),
            complete_s=tuple(op.get("complete_s", base.complete_s)),
            decline_probability=float(op.get("decline_probability", 0.0)),
            decline_reasons=tuple(op.get("decline_reasons", base.decline_reasons)),
            fail_probability=float(op.get("fail_probability", 0.0)),
            fail_reasons=tuple(op.get("fail_reasons", base.fail_reasons)),
            seed=int(op.get("seed", 0)),
        )

    def _feeds(self, items: list[dict[str, Any]], zone_ids: list[str]) -> tuple[FeedSpec, ...]:
        feeds: list[FeedSpec] = []
        for i, f in enumerate(items):
            where = f"feeds[{i}]"
            if f["zone"] not in zone_ids:
                raise self.fail(f"{where}.zone", f"unknown zone {f['zone']!r} ({_known(zone_ids)})")
            if any(x.zone == f["zone"] and x.metric == f["metric"] for x in feeds):
                raise self.fail(f"{where}.metric", f"duplicate feed {f['zone']}.{f['metric']}")
            curve = self._curve(where, f)
            sources = tuple(f.get("sources") or [f"{f['zone']}.{f['metric']}"])
            wild = None
            if "wild" in f:
                w = f["wild"]
                if w["source"] not in sources:
                    raise self.fail(f"{where}.wild.source", f"not one of sources {list(sources)}")
                wild = WildSpec(
                    w["source"], float(w.get("probability", 0.05)), tuple(w.get("factor", (2.5, 4)))
                )
            feeds.append(
                FeedSpec(
                    zone=f["zone"],
                    metric=f["metric"],
                    interval_s=float(f["interval_s"]),
                    sources=sources,
                    curve=curve,
                    unit=f.get("unit", ""),
                    interpolate=f.get("interpolate", "linear"),
                    noise=float(f.get("noise", 0.0)),
                    noise_abs=float(f.get("noise_abs", 0.0)),
                    integer=bool(f.get("integer", False)),
                    floor=f.get("floor"),
                    wild=wild,
                    gaps=tuple((float(a), float(b)) for a, b in f.get("gaps", [])),
                    agree_rel=float(f.get("agree_rel", 0.25)),
                    agree_abs=float(f.get("agree_abs", 0.0)),
                    labels=self._labels(f"{where}.labels", f.get("labels") or {}),
                )
            )
        return tuple(feeds)

    def _labels(self, where: str, items: dict[Any, Any]) -> tuple[StateLabel, ...]:
        out: list[StateLabel] = []
        for key, words in items.items():
            try:
                value = float(key)
            except ValueError:
                raise self.fail(
                    f"{where}.{key}", "a label's key is the value it names, e.g. 0"
                ) from None
            if isinstance(words, str):
                out.append(StateLabel(value, words))
            else:
                out.append(StateLabel(value, words["en"], words.get("zh_CN", "")))
        return tuple(out)

    def _context(self, ref: str) -> dict[str, Any]:
        file = self._resolve(ref, ZONES_DIR)
        if file is None:
            raise self.fail("context", f"GeoJSON file {ref!r} not found (looked in {ZONES_DIR})")
        try:
            text = read_text_file(file, what="GeoJSON", max_bytes=MAX_SCENARIO_BYTES)
            gj = parse_json(text, name=ref, what="GeoJSON")
        except InputFileError as err:
            raise self.fail("context", str(err)) from None
        if not isinstance(gj, dict) or gj.get("type") != "FeatureCollection":
            raise self.fail("context", f"{ref} is not a GeoJSON FeatureCollection")
        return gj

    def _curve(self, where: str, f: dict[str, Any]) -> tuple[tuple[float, float], ...]:
        if "csv" in f:
            file = self._resolve(f["csv"], SCENARIOS_DIR)
            if file is None:
                raise self.fail(f"{where}.csv", f"CSV file {f['csv']!r} not found")
            try:
                text = read_text_file(file, what="CSV", max_bytes=MAX_SCENARIO_BYTES)
            except InputFileError as err:
                raise self.fail(f"{where}.csv", str(err)) from None
            try:
                lines = io.StringIO(text, newline="")
                rows = [r for r in csv.reader(lines) if r and not r[0].startswith("#")]
                pts = [(float(r[0]), float(r[1])) for r in rows if r[0] != "minute"]
            except (ValueError, IndexError) as err:
                raise self.fail(f"{where}.csv", f"expected rows 'minute,value' ({err})") from None
            where = f"{where}.csv"
        else:
            pts = [(float(m), float(v)) for m, v in f["curve"]]
            where = f"{where}.curve"
        if not pts:
            raise self.fail(where, "expected at least one (minute, value) point")
        for j in range(1, len(pts)):
            if pts[j][0] < pts[j - 1][0]:
                raise self.fail(f"{where}[{j}]", "expected minutes in increasing order")
        return tuple(pts)

    def _derived(self, items: list[dict[str, Any]], metrics: set[str]) -> tuple[DerivedSpec, ...]:
        out = []
        for i, d in enumerate(items):
            if d["metric"] not in metrics:
                raise self.fail(
                    f"derived[{i}].metric", f"unknown metric {d['metric']!r} ({_known(metrics)})"
                )
            out.append(DerivedSpec(d["name"], d["metric"], d.get("unit", "")))
        return tuple(out)

    def _thresholds(
        self, items: dict[str, Any], indicators: set[str], zone_ids: list[str]
    ) -> tuple[Thresholds, ...]:
        out = []
        for name, t in items.items():
            where = f"thresholds.{name}"
            if name not in indicators:
                raise self.fail(where, f"unknown indicator {name!r} ({_known(indicators)})")
            falling = t.get("direction", "rising") == "falling"
            bounds = [t["blue"], t["yellow"], t["orange"], t["red"]]
            ordered = sorted(bounds, reverse=falling)
            if bounds != ordered:
                word = "decreasing" if falling else "increasing"
                raise self.fail(where, f"expected blue, yellow, orange, red {word}, got {bounds}")
            for z in t.get("zones", []):
                if z not in zone_ids:
                    raise self.fail(f"{where}.zones", f"unknown zone {z!r} ({_known(zone_ids)})")
            blue, yellow, orange, red = (float(b) for b in bounds)
            out.append(
                Thresholds(
                    name,
                    blue,
                    yellow,
                    orange,
                    red,
                    float(t.get("hysteresis", 0.0)),
                    falling,
                    tuple(t.get("zones", ())),
                )
            )
        return tuple(out)

    def _playbooks(
        self, items: list[dict[str, Any]], incident: Incident, indicators: set[str]
    ) -> tuple[Playbook, ...]:
        zone_ids = [z.id for z in incident.zones]
        station_ids = [s.id for s in incident.stations]
        out: list[Playbook] = []
        for i, pb in enumerate(items):
            where = f"playbooks[{i}]"
            if any(p.id == pb["id"] for p in out):
                raise self.fail(f"{where}.id", f"duplicate playbook id {pb['id']!r}")
            trigger: Trigger
            tw = f"{where}.trigger"
            if "level" in pb["trigger"]:
                lv = pb["trigger"]["level"]
                zone = lv.get("zone", "*")
                if zone != "*" and zone not in zone_ids:
                    raise self.fail(
                        f"{tw}.level.zone", f"unknown zone {zone!r} ({_known(zone_ids)})"
                    )
                ind = lv.get("indicator")
                if ind is not None and ind not in indicators:
                    raise self.fail(
                        f"{tw}.level.indicator", f"unknown indicator {ind!r} ({_known(indicators)})"
                    )
                trigger = LevelTrigger(RiskLevel[lv["at_least"].upper()], zone, ind)
                wildcard = zone == "*"
            else:
                sg = pb["trigger"]["signal"]
                if "zone" in sg and sg["zone"] not in zone_ids:
                    raise self.fail(f"{tw}.signal.zone", f"unknown zone {sg['zone']!r}")
                trigger = SignalTrigger(sg["kind"], sg.get("zone"))
                wildcard = False
            orders = []
            for j, o in enumerate(pb["orders"]):
                ow = f"{where}.orders[{j}]"
                if o["station"] not in station_ids:
                    raise self.fail(
                        f"{ow}.station", f"unknown station {o['station']!r} ({_known(station_ids)})"
                    )
                station = incident.station(o["station"])
                try:
                    kind = station.kind(o["kind"])
                except ValidationError as err:
                    raise self.fail(f"{ow}.kind", str(err)) from None
                zone = o["zone"]
                if zone == "{zone}":
                    if not wildcard:
                        raise self.fail(f"{ow}.zone", "'{zone}' needs a level trigger on zone '*'")
                elif zone not in zone_ids:
                    raise self.fail(f"{ow}.zone", f"unknown zone {zone!r} ({_known(zone_ids)})")
                params = dict(o.get("params") or {})
                for name in dict(o.get("params_zh") or {}):
                    if not isinstance(params.get(name), str):
                        raise self.fail(
                            f"{ow}.params_zh.{name}",
                            f"expected a text parameter of this order, got {params.get(name)!r}",
                        )
                templated = {k for k, v in params.items() if isinstance(v, str) and "{" in v}
                try:
                    checked = kind.validate_params(
                        {k: v for k, v in params.items() if k not in templated}
                    )
                except ValidationError as err:
                    if not templated:
                        raise self.fail(f"{ow}.params", str(err)) from None
                    checked = params
                checked.update({k: params[k] for k in templated})
                orders.append(
                    OrderDraft(
                        station=o["station"],
                        kind=o["kind"],
                        zone=zone,
                        params=checked,
                        priority=_PRIORITY[o.get("priority", "urgent")],
                        text=o.get("text", ""),
                    )
                )
            out.append(
                Playbook(pb["id"], pb["title"], trigger, tuple(orders), pb.get("reason", ""))
            )
        return tuple(out)

    def _timeline(
        self, items: list[dict[str, Any]], start: float, zone_ids: list[str], duration: float
    ) -> tuple[TimelineEntry, ...]:
        from command.cap import load_cap  # the CAP module is only needed for CAP entries

        out: list[TimelineEntry] = []
        for i, t in enumerate(items):
            where = f"timeline[{i}]"
            at = float(t["at_min"])
            if at > duration:
                raise self.fail(f"{where}.at_min", f"expected ≤ duration_min {duration}, got {at}")
            ts = start + at * 60.0
            if "cap" in t:
                file = self._resolve(t["cap"], SCENARIOS_DIR)
                if file is None:
                    raise self.fail(f"{where}.cap", f"CAP file {t['cap']!r} not found")
                try:
                    sig = load_cap(file)
                except BatonError as err:
                    raise self.fail(f"{where}.cap", str(err)) from None
                sig = replace(sig, ts=ts, body={**sig.body, "cap_file": file.name})
                if sig.zone is not None and sig.zone not in zone_ids:
                    raise self.fail(f"{where}.cap", f"alert names unknown zone {sig.zone!r}")
                out.append(TimelineEntry(at, sig, file))
                continue
            s = t["signal"]
            if "zone" in s and s["zone"] not in zone_ids:
                raise self.fail(f"{where}.signal.zone", f"unknown zone {s['zone']!r}")
            sig = Signal(
                id=f"{self.path.stem}-{i}",
                ts=ts,
                source=s.get("source", "scenario"),
                kind=s["kind"],
                headline=s["headline"],
                zone=s.get("zone"),
                body=dict(s.get("body") or {}),
            )
            out.append(TimelineEntry(at, sig))
        return tuple(sorted(out, key=lambda e: e.at_min))

    def _delegation(
        self, d: dict[str, Any], zone_ids: list[str], incident: Incident
    ) -> DelegationSpec:
        scope = d.get("scope") or {}
        for z in scope.get("zones", []):
            if z not in zone_ids:
                raise self.fail("delegation.scope.zones", f"unknown zone {z!r}")
        station_ids = [s.id for s in incident.stations]
        for s in scope.get("stations", []):
            if s not in station_ids:
                raise self.fail("delegation.scope.stations", f"unknown station {s!r}")
        return DelegationSpec(
            authority=d["authority"],
            commander=d["commander"],
            authority_name=d.get("authority_name", ""),
            commander_name=d.get("commander_name", ""),
            position=d.get("position", ""),
            zones=tuple(scope.get("zones", zone_ids)),
            stations=tuple(scope.get("stations", station_ids)),
            order_kinds=tuple(scope.get("order_kinds", ())),
            window_min=float(d["window_min"]),
            depth=int(d["depth"]),
        )

    def _mqtt(
        self, items: list[dict[str, Any]], zone_ids: list[str], feeds: Sequence[FeedSpec]
    ) -> tuple[MqttRule, ...]:
        units = {f.metric: f.unit for f in feeds if f.unit}
        out: list[MqttRule] = []
        for i, r in enumerate(items):
            where = f"mqtt[{i}]"
            try:
                rule = MqttRule.build(
                    topic=r["topic"],
                    zone=r["zone"],
                    metric=r["metric"],
                    value=r["value"],
                    ts=r.get("ts"),
                    ts_unit=r.get("ts_unit", "s"),
                    source=r.get("source", "{topic}"),
                    scale=r.get("scale", 1.0),
                    unit=r.get("unit", ""),
                    zones=zone_ids,
                )
            except MqttMappingError as err:
                raise self.fail(where, str(err)) from None
            fed_unit = units.get(rule.metric)
            if rule.unit and fed_unit and rule.unit != fed_unit:
                raise self.fail(
                    f"{where}.unit",
                    f"{rule.unit!r} is not the feeds' unit of {rule.metric} ({fed_unit!r}): "
                    "give that unit and a scale that converts to it",
                )
            out.append(rule)
        return tuple(out)


def _names_zh(doc: dict[str, Any]) -> dict[str, str]:
    """The Chinese names a scenario gives (see `Scenario.names_zh`)."""
    out: dict[str, str] = {}
    if doc["incident"].get("name_zh"):
        out["incident"] = doc["incident"]["name_zh"]
    for section, prefix in (("zones", "zone"), ("stations", "station")):
        for item in doc.get(section) or []:
            if item.get("name_zh"):
                out[f"{prefix}:{item['id']}"] = item["name_zh"]
            if item.get("agency_zh"):  # a station's agency ("agency:water")
                out[f"agency:{item['id']}"] = item["agency_zh"]
            for kind in item.get("catalogue") or []:  # its order kinds ("kind:water.report_level")
                if kind.get("title_zh"):
                    out[f"kind:{item['id']}.{kind['name']}"] = kind["title_zh"]
                for param in kind.get("params") or []:  # "param:water.report_level.gauge"
                    where = f"{item['id']}.{kind['name']}.{param['name']}"
                    if param.get("title_zh"):
                        out[f"param:{where}"] = param["title_zh"]
                    # its choices' words ("value:security.one_way_flow.direction:southbound")
                    for choice, zh in zip(
                        param.get("choices") or (), param.get("choices_zh") or (), strict=False
                    ):
                        if zh:
                            out[f"value:{where}:{choice}"] = zh
    for pb in doc.get("playbooks") or []:
        if pb.get("title_zh"):
            out[f"playbook:{pb['id']}"] = pb["title_zh"]
        if pb.get("reason_zh"):
            out[f"reason:{pb['id']}"] = pb["reason_zh"]
        for o in pb.get("orders") or []:  # an order's text as written ("text:metro.skip:Trains…")
            if o.get("text_zh") and o.get("text"):
                out[f"text:{o['station']}.{o['kind']}:{o['text']}"] = o["text_zh"]
            params = o.get("params") or {}
            for name, zh in (o.get("params_zh") or {}).items():  # a text value, as written
                if zh and isinstance(params.get(name), str):
                    out[f"value:{o['station']}.{o['kind']}.{name}:{params[name]}"] = zh
    delegation = doc.get("delegation") or {}
    for role in ("authority", "commander"):  # the signers, by id ("signer:huangpu_ops")
        if delegation.get(f"{role}_name_zh"):
            out[f"signer:{delegation[role]}"] = delegation[f"{role}_name_zh"]
    return out


# a parameter name's last word that is its unit ("duration_min" -> "Duration (min)")
_UNIT_WORDS = {"s": "s", "min": "min", "h": "h", "m": "m", "km": "km", "percent": "%", "pct": "%"}


def readable_title(name: str) -> str:
    """A title for a parameter the scenario gives none: its name in words, a unit word last in
    brackets ("duration_min" -> "Duration (min)", "level_percent" -> "Level (%)")."""
    words = [w for w in name.split("_") if w]
    unit = _UNIT_WORDS.get(words[-1], "") if len(words) > 1 else ""
    if unit:
        words = words[:-1]
    text = " ".join(words).capitalize() or name
    return f"{text} ({unit})" if unit else text


def _known(names: Sequence[str] | set[str]) -> str:
    return "known: " + ", ".join(sorted(names))


def _lonlat_ok(geom: dict[str, Any]) -> bool:
    def walk(node: Any) -> bool:
        if (
            isinstance(node, list)
            and len(node) >= 2
            and all(isinstance(x, int | float) for x in node[:2])
        ):
            lon, lat = float(node[0]), float(node[1])
            return math.isfinite(lon) and -180 <= lon <= 180 and -90 <= lat <= 90
        if isinstance(node, list) and node:
            return all(walk(n) for n in node)
        return False

    return walk(geom.get("coordinates"))
