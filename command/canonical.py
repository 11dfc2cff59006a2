"""Canonical JSON: the one byte form that is hashed and signed (sorted keys, UTF-8, no spaces)."""

from __future__ import annotations

import json
from typing import Any


def canonical_bytes(value: Any) -> bytes:
    """Return the canonical UTF-8 encoding of a JSON-compatible value.

    Keys are sorted, no insignificant white space, non-ASCII kept as UTF-8, and NaN/Infinity
    refused because they have no JSON form.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def canonical_text(value: Any) -> str:
    """Return the canonical form as text (for storing in a TEXT column)."""
    return canonical_bytes(value).decode("utf-8")
