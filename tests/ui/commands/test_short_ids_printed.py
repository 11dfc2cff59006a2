"""One short order id for people everywhere (`command.ids.short_id`, as the console shows it):
`baton replay --at` text, `baton export --format merge` and the ICS 214 activity lines print
it; the ICS 213 CSV's Order ID column and the JSON keep the full id."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from command.ids import SHORT_ID, new_id, short_id
from command.review.loading import load_journal
from tests.ui.commands.test_export_merge import _journals
from tests.ui.review.journal_fixture import START, build_journal
from ui.cli import main
from ui.console import numbers

FULL = "01ORDER1"  # the fixture journal's one order
SHORT = short_id(FULL)


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_journal(tmp_path_factory.mktemp("j") / "console.sqlite")


def test_the_console_and_the_printed_text_use_one_short_form() -> None:
    for full in (new_id(START), new_id(START + 1), "o1", "01ORDER1", ""):
        assert numbers.short_id(full) == short_id(full)
    full = new_id(START)
    assert short_id(full) == full[-SHORT_ID:] and len(short_id(full)) == 6


def test_replay_text_prints_the_short_id(journal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(journal), "--at", "+30m"]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.startswith("    ")]
    assert [r[0] for r in rows if r[1:2] == ["security"]] == [SHORT]
    assert FULL not in out
    assert main(["replay", str(journal), "--at", "+30m", "--json"]) == 0
    assert [o["id"] for o in json.loads(capsys.readouterr().out)["orders"]] == [FULL]


def test_ics_forms_name_orders_by_the_short_id(journal: Path, tmp_path: Path) -> None:
    log = tmp_path / "214.csv"
    assert main(["export", str(journal), "-f", "ics214", "-o", str(log)]) == 0
    text = log.read_text(encoding="utf-8")
    assert f"Order {SHORT} issued to On-site security" in text and FULL not in text
    messages = tmp_path / "213.csv"
    assert main(["export", str(journal), "-f", "ics213", "-o", str(messages)]) == 0
    with messages.open(encoding="utf-8", newline="") as f:
        assert [r["Order ID"] for r in csv.DictReader(f)] == [FULL]  # a data column: full


def test_merge_text_names_the_order_by_the_short_id(tmp_path: Path) -> None:
    console, station = _journals(tmp_path, finish_first=True)
    loaded = load_journal(console)
    try:
        (full,) = [o.order_id for o in loaded.state().orders.rows]
    finally:
        loaded.close()
    out = tmp_path / "merge.txt"
    args = ["export", str(console), "-f", "merge", "--station", str(station), "-o", str(out)]
    assert main(args) == 0
    text = out.read_text()
    assert f"order {short_id(full)}: console cancelled, station st-a completed" in text
    assert full not in text
