"""Times a reviewer types."""

from __future__ import annotations

import pytest

from command.errors import ValidationError
from command.review.timeparse import parse_time

START = 1_760_000_000.0  # 2025-10-09T08:53:20Z


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+90m", START + 5400),
        ("+1h30m", START + 5400),
        ("+45s", START + 45),
        ("+01:30:00", START + 5400),
        ("+0:05", START + 300),
        ("1760000123.5", 1760000123.5),
        ("2025-10-09T09:00:00+00:00", START + 400),
        ("2025-10-09T17:00:00", START + 400),  # naive: read in Asia/Shanghai (UTC+8)
    ],
)
def test_accepted_forms(text: str, expected: float) -> None:
    assert parse_time(text, start=START, timezone="Asia/Shanghai") == pytest.approx(expected)


@pytest.mark.parametrize("text", ["soon", "+", "+5x", "2025-13-40"])
def test_bad_time_is_one_clear_line(text: str) -> None:
    with pytest.raises(ValidationError, match=r"cannot read time .* give ISO 8601") as err:
        parse_time(text, start=START, timezone="UTC")
    assert "\n" not in str(err.value)
