"""Identifiers: time-sortable ULIDs, so ids sort in issue order across journals."""

from __future__ import annotations

from ulid import ULID


def new_id(ts: float) -> str:
    """Return a new ULID string whose time part is `ts` (UTC epoch seconds)."""
    return str(ULID.from_timestamp(ts))
