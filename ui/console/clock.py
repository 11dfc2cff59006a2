"""The incident clock and times for people: zones named unambiguously, ages in words.

A zone is named by its IANA name ("Asia/Shanghai") and its offset ("UTC+08:00"), never by an
abbreviation such as "CST" (China, Cuba or US Central?). Ages count incident (scenario) time:
the console's clock runs at the demo's speed, so "2 min ago" is two incident minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel

from ui.labels import plain_tip


def zone_of(name: str | None) -> tzinfo:
    """The zone called `name` (IANA), UTC when unknown or empty."""
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def utc_offset(tz: tzinfo, ts: float) -> str:
    """The zone's offset at `ts` as "UTC+08:00" (or "UTC" for zero)."""
    offset = datetime.fromtimestamp(ts, UTC).astimezone(tz).utcoffset() or timedelta()
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def zone_name(tz: tzinfo, ts: float) -> str:
    """ "Asia/Shanghai (UTC+08:00)" for an IANA zone, else just the offset; never "CST"."""
    offset = utc_offset(tz, ts)
    key = getattr(tz, "key", None)
    if isinstance(key, str) and key not in ("UTC", "Etc/UTC"):
        return f"{key} ({offset})"
    return offset


def clock_time(ts: float, tz: tzinfo, fmt: str = "%H:%M:%S") -> str:
    """A time of day in `tz` (no zone abbreviation)."""
    return datetime.fromtimestamp(ts, UTC).astimezone(tz).strftime(fmt)


def ago(seconds: float | None) -> str:
    """An age for people: "just now", "40 s ago", "2 min ago", "1 h 5 min ago", "3 d ago"."""
    if seconds is None:
        return "—"
    s = max(0, int(seconds))
    if s < 5:
        return QCoreApplication.translate("Clock", "just now")
    if s < 60:
        return QCoreApplication.translate("Clock", "%1 s ago").replace("%1", str(s))
    if s < 3600:
        return QCoreApplication.translate("Clock", "%1 min ago").replace("%1", str(s // 60))
    if s < 86400:
        h, m = divmod(s // 60, 60)
        if m == 0:
            return QCoreApplication.translate("Clock", "%1 h ago").replace("%1", str(h))
        return (
            QCoreApplication.translate("Clock", "%1 h %2 min ago")
            .replace("%1", str(h))
            .replace("%2", str(m))
        )
    return QCoreApplication.translate("Clock", "%1 d ago").replace("%1", str(s // 86400))


def heard_text(ts: float | None, now: float, tz: tzinfo) -> str:
    """When a station was last heard: its incident clock time and age ("14:03:10 · 2 min ago")."""
    if ts is None:
        return "—"
    return f"{clock_time(ts, tz)} · {ago(now - ts)}"


class IncidentClock(QLabel):
    """The incident's clock for the header: "14:05:12 Asia/Shanghai (UTC+08:00)"."""

    def __init__(self, clock: Callable[[], float], tz: tzinfo = UTC) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setObjectName("headerClock")
        self.clock = clock
        self.tz = tz
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        self.refresh()

    def set_zone(self, tz: tzinfo) -> None:
        """Show the clock in `tz` (the incident's zone)."""
        self.tz = tz
        self.refresh()

    def refresh(self) -> None:
        """Re-read the clock (every tick)."""
        now = self.clock()
        self.setText(f"{clock_time(now, self.tz)} {zone_name(self.tz, now)}")
        self.setToolTip(
            plain_tip(clock_time(now, self.tz, "%Y-%m-%d %H:%M:%S ") + utc_offset(self.tz, now))
        )
