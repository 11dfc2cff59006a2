"""MQTT topics and JSON payloads → observations, by the rules of a scenario's `mqtt:` section.

A rule (`MqttRule`) names a topic pattern, the zone, the metric, where the value is in the JSON
payload, optionally where its time is, the source and a scale:

```yaml
mqtt:
  - {topic: "bund/{zone}/crowd/#", zone: "{zone}", metric: crowd, value: $.count,
     ts: $.ts, source: "iot:{topic}", scale: 1, unit: persons}
```

- `topic`: MQTT levels separated by `/`; `+` is any one level, `#` (last) any number of levels
  (none included), `{name}` one level captured as `name`. Wildcards never match a topic that
  begins with `$` (`$SYS/...`), as MQTT says.
- `zone`, `metric`, `source`: literal text or templates naming captures (`{zone}`), plus
  `{topic}` (the whole topic). The zone must be one of the scenario's, the metric an id.
  `source` defaults to `{topic}`, so every sensor's topic is a source of its own for fusion.
- `value`, `ts`: paths into the payload: `$` (the payload itself), `$.count`, `data.value`,
  `$.readings[0].value`, `$['key.with.dots']`. The value must be a JSON number (not a string,
  not true/false), finite after `scale`. The time is epoch seconds (`ts_unit: ms` for
  milliseconds) or an ISO 8601 date-time with its offset, on the wall clock: it is turned into
  scenario time by the console's clock. Without `ts` the time of receipt is used.

`MqttMapper.map(topic, payload, received_wall)` applies every rule whose pattern matches (one
payload may carry several metrics) and returns the observations and the refusals. Nothing a
publisher sends can make it raise: an oversize payload, bytes that are not UTF-8 or not JSON,
NaN/Infinity, nesting deeper than `max_depth`, a missing field, a value of the wrong type, a
time in the future or an unknown zone is refused with a code and a one-line reason, and counted
(`MqttMapper.refused`).

Pure logic: no network, no clock of its own (the caller gives the receive time and the
wall → scenario conversion).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from command.errors import BatonError
from command.model import Observation

JSON = Any
Segment = str | int

MAX_PAYLOAD_BYTES = 64 * 1024
"""Larger payloads are refused before they are decoded."""
MAX_DEPTH = 32
"""Payloads nested deeper than this (lists and objects) are refused."""
MAX_FUTURE_S = 300.0
"""A payload time more than this many wall seconds after its receipt is refused (a sensor with
a wrong clock would otherwise hold fusion's latest value for as long as its clock is ahead)."""
MAX_TEXT = 200
"""Longest zone, metric or source a template may produce."""

_CAPTURE = re.compile(r"^\{([a-z_][a-z0-9_]*)\}$")
_TEMPLATE_REF = re.compile(r"\{([^{}]*)\}")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_PATH_START = re.compile(r"\$|[A-Za-z_][A-Za-z0-9_-]*")
_PATH_SEGMENT = re.compile(
    r"\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d{1,9})\]|\['([^'\\]*)'\]|\[\"([^\"\\]*)\"\]"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class MqttMappingError(BatonError):
    """A rule of a scenario's `mqtt:` section is invalid (the message says which part)."""


# -- JSON paths ------------------------------------------------------------------------------


def parse_path(text: str) -> tuple[Segment, ...]:
    """`$.a.b[0]` / `a.b[0]` / `$['a.b']` / `$` → its segments; raises `MqttMappingError`."""
    start = _PATH_START.match(text)
    if start is None:
        raise MqttMappingError(f"expected a JSON path like $.count or data.value, got {text!r}")
    segments: list[Segment] = [] if start.group() == "$" else [start.group()]
    pos = start.end()
    while pos < len(text):
        m = _PATH_SEGMENT.match(text, pos)
        if m is None:
            raise MqttMappingError(
                f"expected .name, [index] or ['key'] at character {pos + 1} of {text!r}"
            )
        name, index, single, double = m.groups()
        if index is not None:
            segments.append(int(index))
        else:
            segments.append(next(s for s in (name, single, double) if s is not None))
        pos = m.end()
    if len(segments) > MAX_DEPTH:
        raise MqttMappingError(f"path {text!r} is longer than {MAX_DEPTH} steps")
    return tuple(segments)


_MISSING = object()


def extract(doc: JSON, path: Sequence[Segment]) -> JSON:
    """The value at `path` in a decoded JSON document, or `_MISSING`."""
    node = doc
    for seg in path:
        if isinstance(seg, int):
            if not isinstance(node, list) or seg >= len(node):
                return _MISSING
            node = node[seg]
        else:
            if not isinstance(node, dict) or seg not in node:
                return _MISSING
            node = node[seg]
    return node


# -- topic patterns and templates --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TopicPattern:
    """A compiled topic pattern: its levels, its capture names and the broker's filter."""

    text: str
    levels: tuple[str, ...]  # literal text, "+", "#", or "{name}"
    captures: tuple[str, ...]

    @staticmethod
    def parse(text: str) -> TopicPattern:
        """Check and compile a pattern; raises `MqttMappingError`."""
        if not text:
            raise MqttMappingError("expected a topic pattern, got an empty one")
        if len(text.encode("utf-8")) > 65535:
            raise MqttMappingError("a topic pattern is longer than MQTT allows (65535 bytes)")
        levels = tuple(text.split("/"))
        captures: list[str] = []
        for i, level in enumerate(levels):
            m = _CAPTURE.match(level)
            if m is not None:
                name = m.group(1)
                if name == "topic":
                    raise MqttMappingError("{topic} is the whole topic: name the capture otherwise")
                if name in captures:
                    raise MqttMappingError(f"capture {{{name}}} appears twice in {text!r}")
                captures.append(name)
            elif level == "#":
                if i != len(levels) - 1:
                    raise MqttMappingError(f"'#' must be the last level of {text!r}")
            elif level != "+" and any(c in level for c in "+#{}\x00"):
                raise MqttMappingError(
                    f"level {level!r} of {text!r}: '+', '#' and '{{name}}' stand alone in a level"
                )
        return TopicPattern(text, levels, tuple(captures))

    @property
    def subscription(self) -> str:
        """The MQTT topic filter to subscribe to (captures become `+`)."""
        return "/".join("+" if _CAPTURE.match(lv) else lv for lv in self.levels)

    def match(self, topic: str) -> dict[str, str] | None:
        """The captures if `topic` matches, else None."""
        parts = topic.split("/")
        captured: dict[str, str] = {}
        levels = self.levels
        for i, level in enumerate(levels):
            if level == "#":
                return None if i == 0 and topic.startswith("$") else captured
            if i >= len(parts):
                return None
            part = parts[i]
            if level == "+" or level.startswith("{"):
                if i == 0 and part.startswith("$"):
                    return None
                if level != "+":
                    captured[level[1:-1]] = part
            elif level != part:
                return None
        return captured if len(parts) == len(levels) else None


def _check_template(text: str, captures: Sequence[str], what: str) -> None:
    for ref in _TEMPLATE_REF.findall(text):
        if ref != "topic" and ref not in captures:
            known = ", ".join(["topic", *captures])
            raise MqttMappingError(f"{what} {text!r} names {{{ref}}}: not a capture ({known})")
    stripped = _TEMPLATE_REF.sub("", text)
    if "{" in stripped or "}" in stripped:
        raise MqttMappingError(f"{what} {text!r}: unbalanced braces")


def _fill(template: str, values: dict[str, str]) -> str:
    if "{" not in template:
        return template
    return _TEMPLATE_REF.sub(lambda m: values[m.group(1)], template)


# -- rules -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MqttRule:
    """One rule of a scenario's `mqtt:` section (see the module docstring)."""

    topic: TopicPattern
    zone: str
    metric: str
    value: tuple[Segment, ...]
    value_text: str
    ts: tuple[Segment, ...] | None = None
    ts_text: str = ""
    ts_unit: Literal["s", "ms"] = "s"
    source: str = "{topic}"
    scale: float = 1.0
    unit: str = ""

    @staticmethod
    def build(
        *,
        topic: str,
        zone: str,
        metric: str,
        value: str,
        ts: str | None = None,
        ts_unit: Literal["s", "ms"] = "s",
        source: str = "{topic}",
        scale: float = 1.0,
        unit: str = "",
        zones: Iterable[str] | None = None,
    ) -> MqttRule:
        """A checked rule; `zones` (the scenario's zone ids) checks a literal zone. Raises
        `MqttMappingError` naming the part that is wrong."""
        pattern = TopicPattern.parse(topic)
        caps = pattern.captures
        _check_template(zone, caps, "zone")
        _check_template(metric, caps, "metric")
        _check_template(source, caps, "source")
        known = None if zones is None else set(zones)
        if "{" not in zone and known is not None and zone not in known:
            names = ", ".join(sorted(known))
            raise MqttMappingError(f"zone: unknown zone {zone!r} (known: {names})")
        if "{" not in metric and not _ID.match(metric):
            raise MqttMappingError(f"metric: expected an id of a-z, 0-9 and _, got {metric!r}")
        if not isinstance(scale, int | float) or isinstance(scale, bool):
            raise MqttMappingError(f"scale: expected a number, got {scale!r}")
        if not math.isfinite(scale) or scale == 0:
            raise MqttMappingError(f"scale: expected a finite non-zero number, got {scale!r}")
        if ts_unit not in ("s", "ms"):
            raise MqttMappingError(f"ts_unit: expected s or ms, got {ts_unit!r}")
        try:
            value_path = parse_path(value)
        except MqttMappingError as err:
            raise MqttMappingError(f"value: {err}") from None
        ts_path = None
        if ts is not None:
            try:
                ts_path = parse_path(ts)
            except MqttMappingError as err:
                raise MqttMappingError(f"ts: {err}") from None
        return MqttRule(
            topic=pattern,
            zone=zone,
            metric=metric,
            value=value_path,
            value_text=value,
            ts=ts_path,
            ts_text=ts or "",
            ts_unit=ts_unit,
            source=source,
            scale=float(scale),
            unit=unit,
        )


def subscriptions(rules: Iterable[MqttRule]) -> list[str]:
    """The topic filters that cover every rule (in order, without repeats)."""
    return list(dict.fromkeys(r.topic.subscription for r in rules))


# -- mapping -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refusal:
    """A message (or one rule's reading of it) that gave no observation, and why."""

    code: str  # too_large, not_utf8, not_json, not_finite, too_deep, no_rule, no_value,
    # wrong_type, bad_ts, ts_future, unknown_zone, bad_capture
    topic: str
    text: str

    def line(self) -> str:
        """One line for a log or a status bar."""
        return f"MQTT {_shown(self.topic)}: {self.text}"


@dataclass(frozen=True, slots=True)
class Mapped:
    """What one message gave: its observations and its refusals."""

    observations: tuple[Observation, ...] = ()
    refusals: tuple[Refusal, ...] = ()


class _BadInput(Exception):
    def __init__(self, code: str, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


def _shown(text: str, limit: int = 80) -> str:
    """A topic or value as it may be shown: control characters escaped, cut to `limit`."""
    if _CONTROL.search(text):
        text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _refuse_constant(constant: str) -> Any:
    raise _BadInput("not_finite", f"payload holds {constant}, which is not a number")


def _depth_over(doc: JSON, limit: int) -> bool:
    stack: list[tuple[JSON, int]] = [(doc, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            if level > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((c, level + 1) for c in children)
    return False


def decode_payload(
    payload: bytes, *, max_bytes: int = MAX_PAYLOAD_BYTES, max_depth: int = MAX_DEPTH
) -> JSON:
    """Strict JSON from an MQTT payload; raises `_BadInput` (code, reason) when refused."""
    if len(payload) > max_bytes:
        raise _BadInput("too_large", f"payload of {len(payload)} bytes is over {max_bytes} bytes")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _BadInput("not_utf8", f"payload is not UTF-8 (byte {err.start})") from None
    try:
        doc = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise _BadInput("too_deep", f"payload nests deeper than {max_depth} levels") from None
    except json.JSONDecodeError as err:
        raise _BadInput(
            "not_json", f"payload is not JSON ({err.msg} at line {err.lineno} column {err.colno})"
        ) from None
    except ValueError as err:  # e.g. an integer with more digits than Python converts
        raise _BadInput("not_json", f"payload is not JSON ({str(err).splitlines()[0]})") from None
    if _depth_over(doc, max_depth):
        raise _BadInput("too_deep", f"payload nests deeper than {max_depth} levels")
    return doc


def _number(raw: JSON, what: str, path: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        kind = "null" if raw is None else type(raw).__name__
        shown = _shown(repr(raw), 40)
        raise _BadInput("wrong_type", f"{what} {path} is {kind} {shown}, not a number")
    try:
        value = float(raw)
    except OverflowError:  # an integer too large for a float
        raise _BadInput("not_finite", f"{what} {path} is too large") from None
    if not math.isfinite(value):
        raise _BadInput("not_finite", f"{what} {path} is not a finite number")
    return value


def _wall_time(raw: JSON, rule: MqttRule) -> float:
    path = rule.ts_text
    if isinstance(raw, str):
        if len(raw) > 64:
            raise _BadInput("bad_ts", f"ts {path} is not a date-time")
        try:
            dt = datetime.fromisoformat(raw)
        except ValueError:
            raise _BadInput("bad_ts", f"ts {path} is not an ISO 8601 date-time") from None
        if dt.tzinfo is None:
            raise _BadInput("bad_ts", f"ts {path} {raw!r} has no UTC offset (add Z or +08:00)")
        return dt.timestamp()
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise _BadInput("bad_ts", f"ts {path} is {type(raw).__name__}, not epoch seconds")
    try:
        ts = float(raw) / (1000.0 if rule.ts_unit == "ms" else 1.0)
    except OverflowError:
        raise _BadInput("bad_ts", f"ts {path} is out of range") from None
    if not math.isfinite(ts) or ts < 0:
        raise _BadInput("bad_ts", f"ts {path} is not a time")
    return ts


def _text(template: str, values: dict[str, str], what: str) -> str:
    out = _fill(template, values)
    if not out or len(out) > MAX_TEXT or _CONTROL.search(out):
        shown = _shown(out, 40)
        raise _BadInput("bad_capture", f"{what} {shown!r} is empty, too long or unprintable")
    return out


@dataclass
class MqttMapper:
    """Applies a scenario's MQTT rules to messages (see the module docstring)."""

    rules: Sequence[MqttRule]
    zones: frozenset[str]
    to_scenario: Callable[[float], float] = field(default=lambda wall: wall)
    max_payload_bytes: int = MAX_PAYLOAD_BYTES
    max_depth: int = MAX_DEPTH
    max_future_s: float = MAX_FUTURE_S
    messages: int = 0
    observations: int = 0
    refused: Counter[str] = field(default_factory=Counter)

    def map(self, topic: str, payload: bytes, received_wall: float) -> Mapped:
        """Observations (and refusals) from one message received at wall time
        `received_wall`. Never raises for anything in `topic` or `payload`."""
        self.messages += 1
        matched = [(r, c) for r in self.rules if (c := r.topic.match(topic)) is not None]
        if not matched:
            return self._refused(Refusal("no_rule", topic, "no rule of the scenario matches"))
        try:
            doc = decode_payload(
                payload, max_bytes=self.max_payload_bytes, max_depth=self.max_depth
            )
        except _BadInput as bad:
            return self._refused(Refusal(bad.code, topic, bad.text))
        out: list[Observation] = []
        refusals: list[Refusal] = []
        for rule, captures in matched:
            try:
                out.append(self._observe(rule, captures, topic, doc, received_wall))
            except _BadInput as bad:
                refusals.append(Refusal(bad.code, topic, bad.text))
        self.observations += len(out)
        for r in refusals:
            self.refused[r.code] += 1
        return Mapped(tuple(out), tuple(refusals))

    def _refused(self, refusal: Refusal) -> Mapped:
        self.refused[refusal.code] += 1
        return Mapped((), (refusal,))

    def _observe(
        self, rule: MqttRule, captures: dict[str, str], topic: str, doc: JSON, received: float
    ) -> Observation:
        values = {**captures, "topic": topic}
        zone = _text(rule.zone, values, "zone")
        if zone not in self.zones:
            raise _BadInput("unknown_zone", f"zone {_shown(zone, 40)!r} is not in the scenario")
        metric = _text(rule.metric, values, "metric")
        if not _ID.match(metric):
            raise _BadInput("bad_capture", f"metric {_shown(metric, 40)!r} is not an id")
        source = _text(rule.source, values, "source")
        raw = extract(doc, rule.value)
        if raw is _MISSING:
            raise _BadInput("no_value", f"payload has no {rule.value_text}")
        value = _number(raw, "value", rule.value_text) * rule.scale
        if not math.isfinite(value):
            raise _BadInput("not_finite", f"value {rule.value_text} × {rule.scale:g} overflows")
        wall = received
        if rule.ts is not None:
            raw_ts = extract(doc, rule.ts)
            if raw_ts is _MISSING:
                raise _BadInput("bad_ts", f"payload has no {rule.ts_text}")
            wall = _wall_time(raw_ts, rule)
            if wall - received > self.max_future_s:
                raise _BadInput(
                    "ts_future",
                    f"ts {rule.ts_text} is {wall - received:.0f} s after its receipt "
                    f"(more than {self.max_future_s:g} s): the sensor's clock is ahead",
                )
        return Observation(self.to_scenario(wall), f"{zone}.{metric}", zone, metric, value, source)
