"""Canonical JSON: the msgspec fast path gives exactly the standard library's bytes, or the
standard library decides (same bytes, same exception type) for every value."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import json
import math
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from command.canonical import canonical_bytes, canonical_text, strict_text
from command.lifecycle import OrderState, Step
from command.model import Order, Priority
from command.vocabulary import Checkpoint, Cosigned, OrderIssued, OrderStepped


def _outcome(fn: Any, value: Any) -> tuple[str, Any]:
    try:
        return ("ok", fn(value))
    except Exception as err:  # the exception's type is part of the contract
        return ("raised", type(err))


def _same_as_stdlib(value: Any) -> None:
    expected = _outcome(strict_text, value)
    assert _outcome(canonical_text, value) == expected
    if expected[0] == "ok":
        try:
            wanted: tuple[str, Any] = ("ok", expected[1].encode("utf-8"))
        except UnicodeEncodeError:
            wanted = ("raised", UnicodeEncodeError)
    else:
        wanted = expected
    assert _outcome(canonical_bytes, value) == wanted


# floats of every magnitude: any double (NaN and infinities included), and ones built from a
# mantissa and a decimal exponent so each exponent from -330 to 310 is reached often
_floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.builds(
        lambda m, e: float(f"{m}e{e}"),
        st.integers(min_value=-(10**17), max_value=10**17),
        st.integers(min_value=-345, max_value=310),
    ),
    st.sampled_from([0.0, -0.0, 1e-4, 1e-5, 9.999e-5, 1e16, 9999999999999998.0, 1e21, 5e-324]),
)
_ints = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**200), max_value=2**200),
    st.sampled_from([2**63, -(2**63) - 1, 2**64]),
)
_text = st.text(st.characters(codec=None, categories=None), max_size=20)
_scalars = st.one_of(st.none(), st.booleans(), _ints, _floats, _text)
_keys = st.one_of(_text, st.integers(-5, 5), st.floats(allow_nan=False), st.booleans(), st.none())
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.tuples(inner, inner),
        st.dictionaries(_text, inner, max_size=5),
        st.dictionaries(_keys, inner, max_size=4),
    ),
    max_leaves=30,
)


@settings(max_examples=1000)
@given(_json)
def test_any_json_value_encodes_as_the_standard_library_does(value: Any) -> None:
    _same_as_stdlib(value)


@settings(max_examples=600)
@given(_floats)
def test_every_float_magnitude(value: float) -> None:
    _same_as_stdlib(value)
    _same_as_stdlib({"x": [value, {"y": value}]})


@given(st.lists(_text, max_size=8))
def test_keys_sort_as_the_standard_library_sorts_them(keys: list[str]) -> None:
    _same_as_stdlib({k: i for i, k in enumerate(keys)})


class _Colour(enum.Enum):
    RED = 1


class _Level(enum.IntEnum):
    HIGH = 3


@dataclasses.dataclass
class _Point:
    x: int


@pytest.mark.parametrize(
    "value",
    [
        b"bytes",
        bytearray(b"x"),
        {1, 2},
        frozenset({"a"}),
        datetime.datetime(2026, 12, 2),
        datetime.date(2026, 12, 2),
        datetime.timedelta(seconds=3),
        uuid.UUID(int=7),
        decimal.Decimal("1.5"),
        _Colour.RED,
        _Point(1),
        {"nested": [float("nan")]},
        {"inf": float("inf")},
        [-math.inf],
        {1: "a", "b": 2},
        {10: 1, 9: 2},
        {True: 1, None: 2},
        {"lone": "\ud800"},
        "\udfff",
        {"\ud800": 1},
        [_Level.HIGH, OrderState.ISSUED, Step.DELIVER],
        {"tuple": (1, (2, 3))},
        10**5000,
        10**4299,
        "1e5 lanes, 0.00001 of them",
        [1e-05, 1e16, 1.5e300, 1e-7],
        [[[[[[[[[[]]]]]]]]]],
    ],
    ids=lambda v: type(v).__name__,
)
def test_values_msgspec_would_take_or_write_otherwise(value: Any) -> None:
    _same_as_stdlib(value)


def test_a_deep_value_fails_or_encodes_the_same() -> None:
    deep: Any = []
    for _ in range(3000):
        deep = [deep]
    _same_as_stdlib(deep)


def test_a_circular_value_raises_the_standard_librarys_error() -> None:
    loop: list[Any] = []
    loop.append(loop)
    _same_as_stdlib(loop)


def _order(**changes: Any) -> Order:
    base = Order(
        id="01JF8Z3Q4W5E6R7T8Y9U0I1O2P",
        incident="bench",
        station="st-001",
        kind="patrol",
        params={"officers": 3, "note": "北门 — 2 lanes", "ratio": 1e-05},
        zone="z1",
        priority=Priority.URGENT,
        issued_at=1764660000.123456,
        ack_deadline=1764660120.5,
        due=1e16,
        text="Close lane 2",
        grant_chain=("g-root", "g-site"),
        decision_id="01JF8Z3Q4W5E6R7T8Y9U0I1O2Q",
        commander="commander",
        signature="ab" * 64,
    )
    return dataclasses.replace(base, **changes)


def _checkpoint() -> Checkpoint:
    return Checkpoint(
        12, "c" * 64, "d" * 64, "e" * 128, "bench/console/console/dddd", 1.5, "events"
    )


@pytest.mark.parametrize(
    "body",
    [
        OrderIssued(_order(), "01JF8Z3Q4W5E6R7T8Y9U0I1O2R"),
        OrderIssued(_order(params={"officers": 1}, due=1764660900.0), "m"),
        OrderStepped(Step.DELIVER, "o", OrderState.DELIVERED, {"note": None}),
        Cosigned(_checkpoint(), "st-001", "f" * 64, 1764660000, "0" * 128),
    ],
    ids=lambda b: type(b).__name__,
)
def test_the_typed_bodies_encode_as_the_standard_library_does(body: Any) -> None:
    _same_as_stdlib(body.to_body())
    assert json.loads(canonical_text(body.to_body())) == json.loads(strict_text(body.to_body()))
