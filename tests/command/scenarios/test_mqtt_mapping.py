"""MQTT topic/payload → observation mapping: patterns, captures, JSON paths, the scenario's
`mqtt:` section, and hostile payloads refused with a reason and counted, never a crash."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from command.model import Observation
from command.scenarios import ScenarioError
from command.scenarios.loader import load_scenario
from command.scenarios.mqtt_mapping import (
    MAX_DEPTH,
    MAX_PAYLOAD_BYTES,
    MqttMapper,
    MqttMappingError,
    MqttRule,
    TopicPattern,
    parse_path,
    subscriptions,
)
from tests.command.scenarios.helpers import mutated

ZONES = frozenset({"chenyi", "central", "huangpu_park"})
NOW = 1_790_000_000.0


def crowd_rule(**kw: Any) -> MqttRule:
    base: dict[str, Any] = {
        "topic": "city/{zone}/crowd/#",
        "zone": "{zone}",
        "metric": "crowd",
        "value": "$.count",
        "source": "iot:{topic}",
    }
    return MqttRule.build(**{**base, **kw}, zones=ZONES)


def mapper(*rules: MqttRule, **kw: Any) -> MqttMapper:
    return MqttMapper(list(rules) or [crowd_rule()], ZONES, **kw)


def payload(doc: Any) -> bytes:
    return json.dumps(doc).encode()


# -- patterns and paths ------------------------------------------------------------------------


def test_topic_patterns_match_like_mqtt_and_capture_levels() -> None:
    p = TopicPattern.parse("city/{zone}/+/{sensor}")
    assert p.subscription == "city/+/+/+"
    assert p.match("city/chenyi/crowd/cam7") == {"zone": "chenyi", "sensor": "cam7"}
    assert p.match("city/chenyi/crowd") is None
    assert p.match("city/chenyi/crowd/cam7/x") is None
    assert p.match("town/chenyi/crowd/cam7") is None
    hashed = TopicPattern.parse("city/{zone}/crowd/#")
    assert hashed.match("city/chenyi/crowd") == {"zone": "chenyi"}  # '#' covers the parent
    assert hashed.match("city/chenyi/crowd/a/b/c") == {"zone": "chenyi"}
    assert hashed.match("city/chenyi/wind") is None
    # wildcards never match $-topics at the first level
    assert TopicPattern.parse("#").match("$SYS/broker/uptime") is None
    assert TopicPattern.parse("+/x").match("$SYS/x") is None
    assert TopicPattern.parse("#").match("city/x") == {}
    assert TopicPattern.parse("{a}/x").match("$SYS/x") is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("city/#/x", "last level"),
        ("city/zo+ne", "stand alone"),
        ("city/{zone}/{zone}", "twice"),
        ("city/{topic}", "whole topic"),
        ("city/{Zone}", "stand alone"),
    ],
)
def test_bad_topic_patterns_are_refused(text: str, why: str) -> None:
    with pytest.raises(MqttMappingError, match=why):
        TopicPattern.parse(text)


def test_json_paths() -> None:
    assert parse_path("$") == ()
    assert parse_path("$.count") == ("count",)
    assert parse_path("data.value") == ("data", "value")
    assert parse_path("$.readings[0].value") == ("readings", 0, "value")
    assert parse_path("$['a.b'][\"c d\"]") == ("a.b", "c d")
    for bad in ("", ".x", "$..x", "$.x[", "$[-1]", "$.x y", "1abc"):
        with pytest.raises(MqttMappingError):
            parse_path(bad)


def test_rules_are_checked_when_built() -> None:
    with pytest.raises(MqttMappingError, match="unknown zone 'mars'"):
        crowd_rule(zone="mars")
    with pytest.raises(MqttMappingError, match=r"\{sensor\}: not a capture"):
        crowd_rule(source="{sensor}")
    with pytest.raises(MqttMappingError, match="metric"):
        crowd_rule(metric="Crowd Count")
    with pytest.raises(MqttMappingError, match="scale"):
        crowd_rule(scale=float("nan"))
    with pytest.raises(MqttMappingError, match="scale"):
        crowd_rule(scale=0)
    with pytest.raises(MqttMappingError, match="value"):
        crowd_rule(value="$..count")
    with pytest.raises(MqttMappingError, match="ts"):
        crowd_rule(ts="$[x]")
    assert subscriptions([crowd_rule(), crowd_rule(metric="people")]) == ["city/+/crowd/#"]


# -- mapping -----------------------------------------------------------------------------------


def test_a_payload_becomes_an_observation_on_the_scenario_clock() -> None:
    m = mapper(to_scenario=lambda wall: wall - 1000.0)
    out = m.map("city/chenyi/crowd/cam1", payload({"count": 4200}), NOW)
    assert out.refusals == ()
    assert out.observations == (
        Observation(
            NOW - 1000.0, "chenyi.crowd", "chenyi", "crowd", 4200.0, "iot:city/chenyi/crowd/cam1"
        ),
    )
    assert m.messages == 1 and m.observations == 1 and not m.refused


def test_time_scale_nested_paths_and_several_rules_per_topic() -> None:
    rules = [
        crowd_rule(value="data.people[1]", ts="$.ts", scale=1000, source="counter"),
        crowd_rule(metric="queue", value="$.data.queue", ts="$.at", ts_unit="ms"),
    ]
    m = MqttMapper(rules, ZONES)
    doc = {"ts": NOW - 5, "at": (NOW - 7) * 1000, "data": {"people": [1, 2.5], "queue": 30}}
    out = m.map("city/central/crowd", payload(doc), NOW)
    assert out.refusals == ()
    first, second = out.observations
    assert (first.ts, first.value, first.source, first.metric) == (
        NOW - 5,
        2500.0,
        "counter",
        "crowd",
    )
    assert (second.ts, second.value, second.metric) == (NOW - 7, 30.0, "queue")
    iso = m.map("city/central/crowd", payload({**doc, "ts": "2026-09-21T20:00:00+08:00"}), NOW)
    assert iso.observations[0].ts == 1789992000.0


def test_a_bare_number_payload_with_the_root_path() -> None:
    m = mapper(crowd_rule(value="$"))
    assert m.map("city/chenyi/crowd", b"17", NOW).observations[0].value == 17.0


@pytest.mark.parametrize(
    ("topic", "body", "code"),
    [
        ("town/chenyi/crowd", payload({"count": 1}), "no_rule"),
        ("city/mars/crowd", payload({"count": 1}), "unknown_zone"),
        ("city//crowd", payload({"count": 1}), "bad_capture"),
        ("city/chenyi/crowd", b"", "not_json"),
        ("city/chenyi/crowd", b"count=12", "not_json"),
        ("city/chenyi/crowd", b"\xff\xfe{}", "not_utf8"),
        ("city/chenyi/crowd", b'{"count": NaN}', "not_finite"),
        ("city/chenyi/crowd", b'{"count": Infinity}', "not_finite"),
        ("city/chenyi/crowd", b'{"count": -Infinity}', "not_finite"),
        ("city/chenyi/crowd", b'{"count": 1e999}', "not_finite"),
        ("city/chenyi/crowd", b'{"count": 1' + b"0" * 400 + b"}", "not_finite"),
        ("city/chenyi/crowd", b'{"count": 1' + b"0" * 5000 + b"}", "not_json"),
        ("city/chenyi/crowd", payload({"count": "12"}), "wrong_type"),
        ("city/chenyi/crowd", payload({"count": True}), "wrong_type"),
        ("city/chenyi/crowd", payload({"count": None}), "wrong_type"),
        ("city/chenyi/crowd", payload({"count": [1]}), "wrong_type"),
        ("city/chenyi/crowd", payload({"count": {"v": 1}}), "wrong_type"),
        ("city/chenyi/crowd", payload([1, 2]), "no_value"),
        ("city/chenyi/crowd", payload({"total": 1}), "no_value"),
        ("city/chenyi/crowd", b"[" * 60_000, "too_deep"),
        ("city/chenyi/crowd", b"[" * 40_000 + b"]" * 40_000, "too_large"),
        ("city/chenyi/crowd", b"[" * 30_000 + b"]" * 30_000, "too_deep"),
        ("city/chenyi/crowd", b'{"x": ' + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"}", "too_deep"),
        ("city/chenyi/crowd", b" " * (MAX_PAYLOAD_BYTES + 1), "too_large"),
    ],
)
def test_hostile_payloads_are_refused_with_a_reason_and_counted(
    topic: str, body: bytes, code: str
) -> None:
    m = mapper()
    out = m.map(topic, body, NOW)
    assert out.observations == ()
    assert [r.code for r in out.refusals] == [code]
    assert out.refusals[0].line().startswith("MQTT ")
    assert m.refused == {code: 1} and m.messages == 1 and m.observations == 0


def test_bad_times_and_overflowing_scale_are_refused() -> None:
    m = mapper(crowd_rule(ts="$.ts", scale=1e300))
    cases = {
        "bad_ts": [
            {"count": 1, "ts": "yesterday"},
            {"count": 1, "ts": "2026-10-01T19:00"},
            {"count": 1, "ts": True},
            {"count": 1, "ts": -5},
            {"count": 1},
        ],
        "ts_future": [{"count": 1, "ts": NOW + 3600}],
        "not_finite": [{"count": 1e10, "ts": NOW}],
    }
    for code, docs in cases.items():
        for doc in docs:
            out = m.map("city/chenyi/crowd", payload(doc), NOW)
            assert [r.code for r in out.refusals] == [code], doc
    assert m.refused == {"bad_ts": 5, "ts_future": 1, "not_finite": 1}
    assert m.map("city/chenyi/crowd", payload({"count": 1e-300, "ts": NOW + 10}), NOW).observations


def test_one_rule_refusing_does_not_lose_the_other_rules_reading() -> None:
    m = MqttMapper([crowd_rule(), crowd_rule(metric="queue", value="$.queue")], ZONES)
    out = m.map("city/chenyi/crowd", payload({"count": 5}), NOW)
    assert [o.metric for o in out.observations] == ["crowd"]
    assert [r.code for r in out.refusals] == ["no_value"]


def test_control_characters_and_long_captures_are_not_passed_on() -> None:
    m = mapper(crowd_rule(topic="city/{zone}/crowd/{sensor}", source="{sensor}"))
    bad = m.map("city/chenyi/crowd/cam\x1b[31m", payload({"count": 1}), NOW)
    assert [r.code for r in bad.refusals] == ["bad_capture"]
    assert "\x1b" not in bad.refusals[0].line()
    long = m.map("city/chenyi/crowd/" + "x" * 500, payload({"count": 1}), NOW)
    assert [r.code for r in long.refusals] == ["bad_capture"]
    assert len(long.refusals[0].line()) < 200


@given(topic=st.text(max_size=80), body=st.binary(max_size=300))
def test_arbitrary_input_never_raises(topic: str, body: bytes) -> None:
    m = mapper(crowd_rule(topic="#", zone="chenyi", ts="$.ts"))
    out = m.map(topic, body, NOW)
    assert len(out.observations) + len(out.refusals) == 1


@given(
    doc=st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.sampled_from(["count", "ts", "x"]), children, max_size=3)
        ),
        max_leaves=20,
    )
)
def test_arbitrary_json_never_raises(doc: Any) -> None:
    m = mapper(crowd_rule(ts="$.ts"))
    try:
        body = json.dumps(doc).encode()
    except ValueError:
        body = b"{}"
    out = m.map("city/chenyi/crowd", body, NOW)
    assert len(out.observations) + len(out.refusals) == 1
    for o in out.observations:
        assert math.isfinite(o.value) and math.isfinite(o.ts)


# -- the scenario's mqtt: section ----------------------------------------------------------------


def test_bund_ships_a_crowd_mapping() -> None:
    sc = load_scenario("bund")
    assert subscriptions(sc.mqtt) == ["bund/+/crowd/#"]
    m = MqttMapper(sc.mqtt, frozenset(z.id for z in sc.incident.zones))
    out = m.map("bund/nanjing_road/crowd/gate3", payload({"count": 9000}), NOW)
    assert [(o.zone, o.metric, o.value, o.source) for o in out.observations] == [
        ("nanjing_road", "crowd", 9000.0, "iot:bund/nanjing_road/crowd/gate3")
    ]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"zone": "mars"}, r"mqtt\[0\]: zone: unknown zone 'mars'"),
        ({"source": "{cam}"}, r"mqtt\[0\]: source '\{cam\}' names \{cam\}"),
        ({"unit": "people"}, r"mqtt\[0\]\.unit: 'people' is not the feeds' unit of crowd"),
        ({"scale": "x"}, r"mqtt\[0\]\.scale: expected a number"),
        ({"extra": 1}, r"mqtt\[0\]\.extra: unknown field"),
        ({"ts_unit": "h"}, r"mqtt\[0\]\.ts_unit: expected one of s, ms"),
        ({"topic": "bund/#/x"}, r"mqtt\[0\]: '#' must be the last level"),
    ],
)
def test_bad_mqtt_sections_name_the_field(
    tmp_path: Path, rule: dict[str, Any], message: str
) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["mqtt"][0].update(rule)

    with pytest.raises(ScenarioError, match=message):
        load_scenario(mutated(tmp_path, change))


def test_a_scenario_without_an_mqtt_section_has_no_rules(tmp_path: Path) -> None:
    assert MAX_DEPTH >= 8
    assert load_scenario(mutated(tmp_path, lambda doc: doc.pop("mqtt"))).mqtt == ()
