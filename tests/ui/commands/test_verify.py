"""`baton verify JOURNAL`: exit codes and the one line it prints."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from command.clock import ManualClock
from command.signing import Signer
from tests.command.journal.helpers import build_file_journal, tamper
from ui.cli import main


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    path = tmp_path / "console.journal"
    build_file_journal(path, ManualClock(), Signer.generate("cmd"))
    return path


def test_intact_journal_exits_0(journal_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(journal_path)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert f"journal {journal_path} is intact: 13 events, 3 checkpoints" in out[0]
    assert "events/s" in out[0]


def test_changed_event_exits_1_naming_the_seq(
    journal_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(journal_path, "UPDATE events SET ts = ts + 1 WHERE seq = 8")
    assert main(["verify", str(journal_path)]) == 1
    out = capsys.readouterr().out.strip()
    assert out == f"journal {journal_path}: seq 8 changed: its hash does not match its content"


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (("DELETE FROM events WHERE seq = 7",), "seq 7 missing"),
        (
            (
                "UPDATE events SET seq = -1 WHERE seq = 7",
                "UPDATE events SET seq = 7 WHERE seq = 8",
                "UPDATE events SET seq = 8 WHERE seq = -1",
            ),
            "seq 7 reordered",
        ),
        (
            (
                "UPDATE events SET seq = -(seq + 1) WHERE seq >= 6",
                "UPDATE events SET seq = -seq WHERE seq < 0",
                "INSERT INTO events VALUES (6, 1.0, 'x', 'a.b', '', '{}', 'aa', 'bb')",
            ),
            "seq 6 inserted",
        ),
        (
            ("UPDATE observation_batches SET data = substr(data, 1, 40) WHERE batch = 4",),
            "seq 4 observations do not",
        ),
    ],
)
def test_each_tamper_kind_through_the_cli(
    journal_path: Path,
    capsys: pytest.CaptureFixture[str],
    statements: tuple[str, ...],
    expected: str,
) -> None:
    tamper(journal_path, *statements)
    assert main(["verify", str(journal_path)]) == 1
    assert expected in capsys.readouterr().out


def test_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(tmp_path / "nope.journal")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(f"baton: cannot read journal {tmp_path / 'nope.journal'}")


def test_not_a_journal_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t(x)")
    conn.close()
    assert main(["verify", str(other)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a Baton journal" in err


def test_progress_bar_for_long_journals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.commands.verify as verify_command

    monkeypatch.setattr(verify_command, "_BAR_FROM", 1)
    path = tmp_path / "j"
    build_file_journal(path, ManualClock(), Signer.generate("cmd"))
    assert main(["verify", str(path)]) == 0
    captured = capsys.readouterr()
    assert "intact" in captured.out and "ev" in captured.err
    assert main(["verify", "--quiet", str(path)]) == 0
    assert capsys.readouterr().err == ""


def test_trust_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signer = Signer.generate("cmd")
    path = tmp_path / "console.journal"
    build_file_journal(path, ManualClock(), signer)
    trusted = tmp_path / "trusted.keys"
    trusted.write_text(signer.public_hex + "\n")
    stranger = tmp_path / "stranger.keys"
    stranger.write_text(Signer.generate("x").public_hex + "\n")
    assert main(["verify", str(path)]) == 0
    assert "not checked against a trust list" in capsys.readouterr().out
    assert main(["verify", str(path), "--trust", str(stranger), "--trust", str(trusted)]) == 0
    assert "checkpoint keys are all trusted" in capsys.readouterr().out
    assert main(["verify", str(path), "--trust", str(stranger)]) == 1
    assert capsys.readouterr().out.startswith(f"journal {path}: seq 3 untrusted checkpoint key")
    assert main(["verify", str(path), "--trust", str(tmp_path / "none.keys")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("baton: cannot read trust file") and err.count("\n") == 1
