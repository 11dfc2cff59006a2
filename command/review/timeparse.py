"""Reading the times a reviewer types: ISO 8601, epoch seconds, or an offset from the start."""

from __future__ import annotations

import re
from datetime import datetime

from command.errors import ValidationError
from command.review.timefmt import zone_or_utc

_OFFSET = re.compile(r"^\+(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$")
_CLOCK = re.compile(r"^\+(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?$")


def parse_time(text: str, *, start: float, timezone: str | None) -> float:
    """UTC epoch seconds for `text`.

    Accepts `+90m`, `+1h30m`, `+45s`, `+01:30:00` (from the journal's first event), epoch seconds
    (`1760000000`), or ISO 8601; an ISO time without an offset is read in the incident's zone.
    """
    value = text.strip()
    m = _OFFSET.match(value)
    if m and any(m.groups()):
        h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return start + h * 3600 + mi * 60 + s
    m = _CLOCK.match(value)
    if m:
        h, mi = int(m.group(1)), int(m.group(2))
        s = float(m.group(3) or 0)
        return start + h * 3600 + mi * 60 + s
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            f"cannot read time {text!r}: give ISO 8601 (2026-11-23T19:30), epoch seconds, "
            "or an offset from the start (+90m, +01:30:00)"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone_or_utc(timezone))
    return when.timestamp()
