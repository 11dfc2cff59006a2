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
    """`ts` shown in `tz`; a `%Z` in `fmt` is the offset ("UTC+08:00"), never an abbreviation
    such as "CST"."""
    when = datetime.fromtimestamp(ts, UTC).astimezone(tz)
    if "%Z" not in fmt:
        return when.strftime(fmt)
    return "%Z".join(when.strftime(part) for part in fmt.split("%Z")).replace(
        "%Z", utc_offset(ts, tz)
    )


def utc_offset(ts: float, tz: ZoneInfo) -> str:
    """The zone's offset at `ts` as "UTC+08:00" ("UTC" for UTC itself): never an abbreviation
    such as "CST", which names several zones."""
    return offset_text(datetime.fromtimestamp(ts, UTC).astimezone(tz))


def offset_text(when: datetime) -> str:
    """An aware datetime's offset as "UTC+08:00" ("UTC" for a zero offset)."""
    offset = when.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def zone_label(ts: float, tz: ZoneInfo) -> str:
    """The zone by its IANA name and offset: "Asia/Shanghai (UTC+08:00)", "UTC"."""
    offset = utc_offset(ts, tz)
    return offset if tz.key == "UTC" else f"{tz.key} ({offset})"


def form_date(ts: float, tz: ZoneInfo) -> str:
    """The date of `ts` in `tz`, as ICS forms write it (YYYY-MM-DD)."""
    return local_time(ts, tz, "%Y-%m-%d")


def form_time(ts: float, tz: ZoneInfo) -> str:
    """The 24-hour time of `ts` in `tz` as HHMM with its offset: "1653 UTC+08:00"."""
    return f"{local_time(ts, tz, '%H%M')} {utc_offset(ts, tz)}"


def form_datetime(ts: float, tz: ZoneInfo) -> str:
    """Date and HHMM time with the offset: "2025-10-09 1653 UTC+08:00"."""
    return f"{form_date(ts, tz)} {form_time(ts, tz)}"
