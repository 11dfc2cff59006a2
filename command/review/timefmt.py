"""Showing UTC epoch seconds in the incident's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_or_utc(name: str | None) -> ZoneInfo:
    """The named IANA time zone, or UTC when it is missing or unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_time(ts: float, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M:%S %Z") -> str:
    """`ts` shown in `tz`."""
    return datetime.fromtimestamp(ts, UTC).astimezone(tz).strftime(fmt)
