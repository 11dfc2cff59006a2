"""Canonical JSON: the one byte form that is hashed and signed (sorted keys, UTF-8, no spaces).

The form is the standard library's (`json` with `sort_keys`, `ensure_ascii=False`,
`allow_nan=False`, compact separators): that encoder defines it, byte for byte, and is the
fallback. The hot paths encode through msgspec first (several times faster, measured for issue
#18) and keep its output only when it is provably the same bytes:

- msgspec accepts values JSON has no form for in the standard library (bytes, sets, datetimes,
  dataclasses, enums, NaN and infinity written as `null`): the output is decoded and must equal
  the value, or the standard library encodes it (and raises its usual `TypeError` or
  `ValueError`);
- msgspec writes floats of exponent below -4 or from 16 up differently (`1e16`, `0.00001`, not
  `1e+16`, `1e-05`): that decoding reads every float literal of the output (`_float`), and one
  with an exponent or `0.0000` in it sends the value to the standard library too;
- a dict with a key that is not a string, a lone surrogate, a value too deep or too large:
  msgspec raises, and the standard library decides.

Strings are escaped identically by both (every code point checked) and keys sort in code point
order in both; tests/command/test_canonical.py holds the property test.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

_strict = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
).encode
_encode = msgspec.json.Encoder(order="sorted").encode


def _float(literal: str) -> float:
    """A float literal of msgspec's output, read back; `ValueError` for one the standard library
    writes otherwise (an exponent: `1e16`, `1e-7`; or below 1e-4 in fixed form: `0.00001`)."""
    if "e" in literal or "0.0000" in literal:
        raise ValueError(literal)
    return float(literal)


_decode = msgspec.json.Decoder(float_hook=_float).decode


def _fast(value: Any) -> bytes | None:
    """msgspec's encoding of `value` when it is the canonical bytes, else None."""
    try:
        raw = _encode(value)
    except Exception:  # a non-str key, a lone surrogate, ...: the standard library decides
        return None
    try:
        if _decode(raw) != value:
            return None  # a value the standard library refuses (or writes otherwise)
    except Exception:  # a float written otherwise (`_float`), or too deep to read back
        return None
    return raw


def canonical_bytes(value: Any) -> bytes:
    """Return the canonical UTF-8 encoding of a JSON-compatible value.

    Keys are sorted, no insignificant white space, non-ASCII kept as UTF-8, and NaN/Infinity
    refused because they have no JSON form.
    """
    raw = _fast(value)
    if raw is None:
        return _strict(value).encode("utf-8")
    return raw


def canonical_text(value: Any) -> str:
    """Return the canonical form as text (for storing in a TEXT column)."""
    raw = _fast(value)
    if raw is None:
        return _strict(value)
    return raw.decode("utf-8")


def strict_text(value: Any) -> str:
    """The canonical form by the standard library alone (the definition; tests compare)."""
    return _strict(value)
