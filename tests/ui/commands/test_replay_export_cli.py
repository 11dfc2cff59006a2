"""`baton replay --at --json` and `baton export` on a real journal."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from command.review.ics import ICS214_FIELDS
from tests.ui.review.journal_fixture import START, build_journal
from ui.cli import main


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_journal(tmp_path_factory.mktemp("j") / "console.sqlite")


def _state(journal: Path, at: str, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["replay", str(journal), "--at", at, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_replay_json_at_t(journal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _state(journal, "+5m", capsys)
    assert before["orders"] == []
    assert [z["level"] for z in before["zones"]] == ["green"]
    assert [s["online"] for s in before["stations"]] == [True]
    after = _state(journal, "+20m", capsys)
    assert [o["state"] for o in after["orders"]] == ["completed"]
    assert [z["level"] for z in after["zones"]] == ["yellow"]
    assert {d["id"]: d["struck_by"] for d in after["decisions"]} == {"d1": "d2", "d2": None}
    assert set(after) >= {"orders", "zones", "stations", "escalations", "decisions"}


def test_replay_json_is_the_same_every_time(
    journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    at = str(START + 700)
    first = _state(journal, at, capsys)
    second = _state(journal, at, capsys)  # a second, separate replay of the same journal
    assert first == second


def test_replay_bad_time_and_missing_journal_are_one_line(
    journal: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(journal), "--at", "soon", "--json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("baton: cannot read time 'soon'") and err.count("\n") == 1
    assert main(["replay", str(tmp_path / "nope.sqlite"), "--at", "+1m", "--json"]) == 2
    err = capsys.readouterr().err
    assert "nope.sqlite" in err and err.count("\n") == 1


def test_export_ics214_has_every_field(journal: Path, tmp_path: Path) -> None:
    out = tmp_path / "214.csv"
    assert main(["export", str(journal), "-f", "ics214", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for name in ICS214_FIELDS:
        assert name in text
    assert "Hold entry at the Chenyi gates" in text
    assert "Jinling gate left out" in text


def test_export_ics213_one_message_per_order(journal: Path, tmp_path: Path) -> None:
    out = tmp_path / "213.csv"
    assert main(["export", str(journal), "-f", "ics213", "-o", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["Order ID"] for r in rows] == ["01ORDER1"]
    assert rows[0]["9. Reply"] == "completed"


def test_export_html_report_says_intact_and_has_a_plot(journal: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["export", str(journal), "-f", "html", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Integrity:</b> intact" in page
    assert page.count("data:image/png;base64,") == 1


def test_report_of_a_tampered_journal_says_so(journal: Path, tmp_path: Path) -> None:
    copy = tmp_path / "tampered.sqlite"
    copy.write_bytes(journal.read_bytes())
    with sqlite3.connect(copy) as db:
        db.execute("DROP TRIGGER IF EXISTS events_no_update")  # as someone editing the file would
        db.execute(
            "UPDATE events SET body = replace(body, 'density rising', 'all calm') "
            "WHERE kind = 'decision.added'"
        )
    out = tmp_path / "report.html"
    assert main(["export", str(copy), "-f", "html", "-o", str(out)]) == 0
    assert "NOT intact: changed" in out.read_text(encoding="utf-8")


def test_export_cap_writes_each_alert_valid_against_the_schema(tmp_path: Path) -> None:
    from dataclasses import asdict

    from command.cap import PublicAlert, load_cap, validate_cap
    from command.clock import ManualClock
    from command.journal import Journal
    from data import CAP_XSD, DATA_DIR

    path = tmp_path / "alerts.sqlite"
    signal = load_cap(DATA_DIR / "scenarios" / "typhoon-ferry-suspension.xml")
    alert = PublicAlert(
        identifier="baton-typhoon-0001",
        sender="traffic_duty_chief@huangpu.example",
        sent=START + 60,
        event="Road tunnel lane opened to riders",
        headline="Fuxing East Road tunnel: one lane open to riders in escorted batches",
        description="Ferries suspended; riders cross by the tunnel in escorted batches.",
        area_desc="Fuxing East Road Tunnel",
        timezone="Asia/Shanghai",
    )
    with Journal.open(path, clock=ManualClock(START), owner="chief", role="console") as j:
        sig = asdict(signal)
        j.append("signal.received", {"signal": sig}, actor="feeds")
        j.append("alert.issued", {"alert": alert.to_dict()}, actor="chief")
    out = tmp_path / "cap"
    assert main(["export", str(path), "-f", "cap", "-o", str(out)]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 2
    assert files[0].startswith("issued-") and files[1].startswith("received-")
    for f in out.iterdir():
        assert validate_cap(f.read_bytes(), CAP_XSD) == [], f.name
