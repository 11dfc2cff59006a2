"""Identifiers: time-sortable ULIDs, so ids sort in issue order across journals."""

from __future__ import annotations

from ulid import ULID


def new_id(ts: float) -> str:
    """Return a new ULID string whose time part is `ts` (UTC epoch seconds)."""
    return str(ULID.from_timestamp(ts))


SHORT_ID = 6  # characters of an id shown to people (tables, banners, the map, printed text)


def short_id(full: str) -> str:
    """The one short form of an order (or any ULID) id that people read, in every view and in
    printed text: its last `SHORT_ID` characters (the random part, so two orders of the same
    second still differ). The full id stays in tooltips, JSON, CAP and file names."""
    return full[-SHORT_ID:] if len(full) > SHORT_ID else full
