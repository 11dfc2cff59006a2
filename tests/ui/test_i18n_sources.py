"""Every visible string reaches the catalogue: lupdate does not see `self.tr(...)` inside an
f-string (the station window's "Authority verified" and "From / Due" stayed English so)."""

from __future__ import annotations

import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
# a literal source text inside an f-string's braces (a variable's text is marked elsewhere)
IN_FSTRING = re.compile(
    r"\{\s*(self\.tr\(\s*['\"]|QCoreApplication\.translate\(\s*['\"][^'\"]*['\"]\s*,\s*['\"])"
)


def test_no_translation_call_hides_inside_an_f_string() -> None:
    found = [
        f"{path.relative_to(UI.parent)}:{n}"
        for path in sorted(UI.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if IN_FSTRING.search(line)
    ]
    assert found == []
