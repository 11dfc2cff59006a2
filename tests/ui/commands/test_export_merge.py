"""`baton export --format merge` and the report's agreement line over real journal files."""

from __future__ import annotations

from pathlib import Path

import pytest

from command.clock import ManualClock
from command.console_post import ConsolePost
from command.journal import Journal
from command.signing import Signer
from command.station_desk import AcceptAll, StationDesk
from tests.command.test_withdrawal import Pair
from tests.protocols.wiring import draft, incident
from ui.cli import main


def _journals(tmp_path: Path, *, finish_first: bool) -> tuple[Path, Path]:
    """A console and st-a journal: one order cancelled while st-a accepts (crossing), and
    with `finish_first` st-a completes it before the withdrawal arrives (unresolved)."""
    clock = ManualClock(1_000.0)
    console_path, station_path = tmp_path / "console.sqlite", tmp_path / "st-a.sqlite"
    console = Journal.open(console_path, clock=clock, owner="console", role="console")
    station = Journal.open(station_path, clock=clock, owner="st-a", role="station")
    post = ConsolePost(console, clock, Signer.generate("commander"), ("g1",), incident())
    pair = Pair(clock, post, StationDesk(station, clock, "st-a", AcceptAll()))
    oid = pair.post.issue_order(draft("st-a"), decision="patrol", rationale="crowd").order.id
    pair.to_station()
    pair.post.cancel_order(oid, "crowd dispersed")
    pair.desk.accept(oid)
    if finish_first:
        pair.desk.complete(oid)
    pair.to_console()
    pair.to_station()
    console.close()
    station.close()
    return console_path, station_path


def test_merge_prints_agreement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    console, station = _journals(tmp_path, finish_first=False)
    out = tmp_path / "merge.txt"
    assert (
        main(["export", str(console), "-f", "merge", "--station", str(station), "-o", str(out)])
        == 0
    )
    assert "console and stations agree on 1 of 1 order(s)" in capsys.readouterr().out
    assert out.read_text().startswith("console and stations agree on 1 of 1")
    page = tmp_path / "report.html"
    assert (
        main(["export", str(console), "-f", "html", "--station", str(station), "-o", str(page)])
        == 0
    )
    assert "Console and station journals:</b> console and stations agree" in page.read_text()


def test_merge_lists_an_unresolved_disagreement(tmp_path: Path) -> None:
    console, station = _journals(tmp_path, finish_first=True)
    out = tmp_path / "merge.txt"
    assert (
        main(["export", str(console), "-f", "merge", "--station", str(station), "-o", str(out)])
        == 0
    )
    first, *rest = out.read_text().splitlines()
    assert first.startswith("1 unresolved disagreement")
    assert any("console cancelled, station st-a completed (unresolved)" in line for line in rest)


def test_merge_needs_a_station(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    console, _ = _journals(tmp_path, finish_first=False)
    assert main(["export", str(console), "-f", "merge", "-o", str(tmp_path / "m.txt")]) == 2
    assert "--station" in capsys.readouterr().err
