"""Identifiers: time-sortable ULIDs, so ids sort in issue order across journals."""

from __future__ import annotations

from ulid import default_generator


def new_id(ts: float) -> str:
    """Return a new ULID string whose time part is `ts` (UTC epoch seconds); ids made in one
    millisecond still increase (the library's monotonic generator, as `ULID.from_timestamp`
    uses, without its second copy of the ULID object: 13.5 -> 9 us an id here)."""
    return str(default_generator.generate(ts))


SHORT_ID = 6  # characters of an id shown to people (tables, banners, the map, printed text)


def short_id(full: str) -> str:
    """The one short form of an order (or any ULID) id that people read, in every view and in
    printed text: its last `SHORT_ID` characters (the random part, so two orders of the same
    second still differ). The full id stays in tooltips, JSON, CAP and file names."""
    return full[-SHORT_ID:] if len(full) > SHORT_ID else full
