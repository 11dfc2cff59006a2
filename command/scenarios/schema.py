"""JSON Schema (draft 2020-12) of a scenario YAML file; the loader validates with jsonschema."""

from __future__ import annotations

from typing import Any

_ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
_LEVEL = {"enum": ["green", "blue", "yellow", "orange", "red"]}
_RANGE = {
    "type": "array",
    "items": {"type": "number", "minimum": 0},
    "minItems": 2,
    "maxItems": 2,
}
_NUM = {"type": "number"}
_TEXT = {"type": "string"}
# a state metric's words per value ("0: closed"): one string, or English and Chinese
_LABELS = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": {
        "oneOf": [
            {"type": "string", "minLength": 1},
            {
                "type": "object",
                "required": ["en"],
                "additionalProperties": False,
                "properties": {"en": {"type": "string", "minLength": 1}, "zh_CN": _TEXT},
            },
        ]
    },
}

_PARAM = {
    "type": "object",
    "required": ["name", "type"],
    "additionalProperties": False,
    "properties": {
        "name": _ID,
        "type": {"enum": ["int", "float", "str", "bool", "choice"]},
        "title": {"type": "string"},
        "title_zh": _TEXT,
        "unit": {"type": "string"},
        "minimum": _NUM,
        "maximum": _NUM,
        "choices": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        # the choices' Chinese words, one per choice in the same order (shown, never signed)
        "choices_zh": {"type": "array", "items": _TEXT, "minItems": 1},
        "required": {"type": "boolean"},
        "default": {},
    },
}

_ORDER_KIND = {
    "type": "object",
    "required": ["name", "title"],
    "additionalProperties": False,
    "properties": {
        "name": _ID,
        "title": {"type": "string"},
        "title_zh": _TEXT,
        "description": {"type": "string"},
        "params": {"type": "array", "items": _PARAM},
        "ack_deadline_s": {"type": "number", "exclusiveMinimum": 0},
        "due_s": {"type": "number", "exclusiveMinimum": 0},
    },
}

_OPERATOR = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "ack_s": _RANGE,
        "accept_s": _RANGE,
        "complete_s": _RANGE,
        "decline_probability": {"type": "number", "minimum": 0, "maximum": 1},
        "decline_reasons": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "fail_probability": {"type": "number", "minimum": 0, "maximum": 1},
        "fail_reasons": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "seed": {"type": "integer"},
    },
}

_STATION = {
    "type": "object",
    "required": ["id", "name", "agency", "catalogue"],
    "additionalProperties": False,
    "properties": {
        "id": _ID,
        "name": {"type": "string"},
        "name_zh": _TEXT,
        "agency": {"type": "string"},
        "agency_zh": _TEXT,
        "catalogue": {"type": "array", "items": _ORDER_KIND, "minItems": 1},
        "operator": _OPERATOR,
    },
}

_ZONE = {
    "type": "object",
    "required": ["id", "name", "area_m2", "geojson"],
    "additionalProperties": False,
    "properties": {
        "id": _ID,
        "name": {"type": "string"},
        "name_zh": _TEXT,
        "description": {"type": "string"},
        "area_m2": {"type": "number", "exclusiveMinimum": 0},
        "geojson": {"type": "string", "minLength": 1},
    },
}

_POINT = {"type": "array", "items": _NUM, "minItems": 2, "maxItems": 2}

_FEED = {
    "type": "object",
    "required": ["zone", "metric", "interval_s"],
    "additionalProperties": False,
    "properties": {
        "zone": _ID,
        "metric": _ID,
        "unit": {"type": "string"},
        "interval_s": {"type": "number", "exclusiveMinimum": 0},
        "sources": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "curve": {"type": "array", "items": _POINT, "minItems": 1},
        "csv": {"type": "string"},
        "interpolate": {"enum": ["linear", "step"]},
        "noise": {"type": "number", "minimum": 0},
        "noise_abs": {"type": "number", "minimum": 0},
        "integer": {"type": "boolean"},
        "floor": _NUM,
        "wild": {
            "type": "object",
            "required": ["source"],
            "additionalProperties": False,
            "properties": {
                "source": {"type": "string"},
                "probability": {"type": "number", "minimum": 0, "maximum": 1},
                "factor": _RANGE,
            },
        },
        "gaps": {"type": "array", "items": _RANGE},
        "agree_rel": {"type": "number", "minimum": 0},
        "agree_abs": {"type": "number", "minimum": 0},
        "labels": _LABELS,
    },
    "oneOf": [{"required": ["curve"]}, {"required": ["csv"]}],
}

_THRESHOLD = {
    "type": "object",
    "required": ["blue", "yellow", "orange", "red"],
    "additionalProperties": False,
    "properties": {
        "blue": _NUM,
        "yellow": _NUM,
        "orange": _NUM,
        "red": _NUM,
        "hysteresis": {"type": "number", "minimum": 0},
        "direction": {"enum": ["rising", "falling"]},
        "zones": {"type": "array", "items": _ID},
    },
}

_DRAFT = {
    "type": "object",
    "required": ["station", "kind", "zone"],
    "additionalProperties": False,
    "properties": {
        "station": _ID,
        "kind": _ID,
        "zone": {"type": "string"},
        "params": {"type": "object"},
        # Chinese forms of text params ("{zone_name}" allowed), by name (shown, never signed)
        "params_zh": {"type": "object", "additionalProperties": _TEXT},
        "priority": {"enum": ["routine", "urgent", "immediate"]},
        "text": {"type": "string"},
        "text_zh": _TEXT,
    },
}

_PLAYBOOK = {
    "type": "object",
    "required": ["id", "title", "trigger", "orders"],
    "additionalProperties": False,
    "properties": {
        "id": _ID,
        "title": {"type": "string"},
        "title_zh": _TEXT,
        "reason": {"type": "string"},
        "reason_zh": _TEXT,
        "trigger": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "level": {
                    "type": "object",
                    "required": ["at_least"],
                    "additionalProperties": False,
                    "properties": {
                        "zone": {"type": "string"},
                        "indicator": _ID,
                        "at_least": _LEVEL,
                    },
                },
                "signal": {
                    "type": "object",
                    "required": ["kind"],
                    "additionalProperties": False,
                    "properties": {"kind": _ID, "zone": _ID},
                },
            },
            "minProperties": 1,
            "maxProperties": 1,
        },
        "orders": {"type": "array", "items": _DRAFT, "minItems": 1},
    },
}

_TIMELINE = {
    "type": "object",
    "required": ["at_min"],
    "additionalProperties": False,
    "properties": {
        "at_min": {"type": "number", "minimum": 0},
        "cap": {"type": "string"},
        "signal": {
            "type": "object",
            "required": ["kind", "headline"],
            "additionalProperties": False,
            "properties": {
                "kind": _ID,
                "headline": {"type": "string"},
                "source": {"type": "string"},
                "zone": _ID,
                "body": {"type": "object"},
            },
        },
    },
    "oneOf": [{"required": ["cap"]}, {"required": ["signal"]}],
}

_MQTT_RULE = {
    "type": "object",
    "required": ["topic", "zone", "metric", "value"],
    "additionalProperties": False,
    "properties": {
        "topic": {"type": "string", "minLength": 1},
        "zone": {"type": "string", "minLength": 1},
        "metric": {"type": "string", "minLength": 1},
        "value": {"type": "string", "minLength": 1},
        "ts": {"type": "string", "minLength": 1},
        "ts_unit": {"enum": ["s", "ms"]},
        "source": {"type": "string", "minLength": 1},
        "scale": {"type": "number"},
        "unit": {"type": "string"},
    },
}

SCENARIO_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["incident", "zones", "stations", "feeds", "thresholds", "delegation"],
    "additionalProperties": False,
    "properties": {
        "incident": {
            "type": "object",
            "required": ["id", "name", "timezone", "start", "duration_min"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "name": {"type": "string"},
                "name_zh": _TEXT,
                "timezone": {"type": "string"},
                "start": {"type": "string"},
                "duration_min": {"type": "number", "exclusiveMinimum": 0, "maximum": 1440},
                "description": {"type": "string"},
            },
        },
        "fusion": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "stale_factor": {"type": "number", "minimum": 1},
                "trend_window_s": {"type": "number", "exclusiveMinimum": 0},
            },
        },
        "zones": {"type": "array", "items": _ZONE, "minItems": 1},
        "context": {"type": "string", "minLength": 1},
        "stations": {"type": "array", "items": _STATION, "minItems": 1},
        "feeds": {"type": "array", "items": _FEED},
        "thresholds": {"type": "object", "additionalProperties": _THRESHOLD},
        "derived": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "metric"],
                "additionalProperties": False,
                "properties": {
                    "name": _ID,
                    "metric": _ID,
                    "per": {"const": "area_m2"},
                    "unit": {"type": "string"},
                },
            },
        },
        "playbooks": {"type": "array", "items": _PLAYBOOK},
        "timeline": {"type": "array", "items": _TIMELINE},
        "mqtt": {"type": "array", "items": _MQTT_RULE},
        "delegation": {
            "type": "object",
            "required": ["authority", "commander", "scope", "window_min", "depth"],
            "additionalProperties": False,
            "properties": {
                "authority": {"type": "string"},
                "authority_name": {"type": "string"},
                "authority_name_zh": {"type": "string"},
                "commander": {"type": "string"},
                "commander_name": {"type": "string"},
                "commander_name_zh": {"type": "string"},
                "position": {"type": "string"},
                "scope": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "zones": {"type": "array", "items": _ID},
                        "stations": {"type": "array", "items": _ID},
                        "order_kinds": {"type": "array", "items": _ID},
                    },
                },
                "window_min": {"type": "number", "exclusiveMinimum": 0},
                "depth": {"type": "integer", "minimum": 0},
            },
        },
    },
}
