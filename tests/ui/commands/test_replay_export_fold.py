"""`baton replay` and every `baton export` format on station and console journals (the fold)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from tests.command.review.journals import build_console_journal, build_station_journal
from ui.commands import export, replay


def _baton(argv: list[str]) -> int:
    """The replay and export subcommands as `baton` parses them."""
    parser = argparse.ArgumentParser(prog="baton")
    sub = parser.add_subparsers(required=True)
    replay.register(sub)
    export.register(sub)
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_station_journal(tmp_path_factory.mktemp("s") / "security.sqlite")


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_console_journal(tmp_path_factory.mktemp("c") / "console.sqlite")


def _end(journal: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert _baton(["replay", str(journal), "--at", "+10h", "--json"]) == 0
    state: dict[str, Any] = json.loads(capsys.readouterr().out)
    return state


def test_replay_on_a_station_journal_with_refused_orders(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    end = _end(station, capsys)
    assert sorted(o["state"] for o in end["orders"]) == ["completed", "rejected", "rejected"]
    assert end["counts"]["rejected"] == 2
    assert _baton(["replay", str(station), "--at", "+10h"]) == 0
    text = capsys.readouterr().out
    assert "rejected" in text and "counts:" in text


@pytest.mark.parametrize("fmt", ["ics214", "ics213", "cap", "html", "pdf"])
def test_every_export_works_on_a_station_journal(
    station: Path, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"out.{fmt}"
    assert _baton(["export", str(station), "-f", fmt, "-o", str(out)]) == 0
    assert out.exists()
    assert "wrote" in capsys.readouterr().out
    if fmt == "html":
        page = out.read_text(encoding="utf-8")
        assert "<tr><th>Rejected by the station</th><td>2</td></tr>" in page


def test_report_counts_equal_replay_at_the_end(
    console: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    counts = _end(console, capsys)["counts"]
    out = tmp_path / "report.html"
    assert _baton(["export", str(console), "-f", "html", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    for label, key in (
        ("Orders issued", "issued"),
        ("Completed", "completed"),
        ("Declined", "declined"),
        ("Rejected by the station", "rejected"),
        ("Expired", "expired"),
        ("Late (a deadline passed)", "late"),
        ("Escalations", "escalations"),
        ("Decisions logged", "decisions"),
    ):
        assert f"<tr><th>{label}</th><td>{counts[key]}</td></tr>" in page
    assert "alt='Chenyi Square — Density'" in page  # fused, titled with the zone's name
    assert "raw observations" not in page
