"""`baton verify RUN_DIR` and `--witness`: one line per journal, a total verdict, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from command.clock import ManualClock
from command.journal import Journal
from command.journal.checkpoints import cosign
from command.signing import Signer
from tests.command.journal.forge import body_of, rewrite_and_resign, sign_head, signed_journal
from tests.command.journal.helpers import make_decision
from ui.cli import main


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """DATA/bund/runs/STAMP with a console journal and a station journal that witnessed it,
    and the two public keys under DATA/bund/console and DATA/bund/stations/traffic."""
    clock = ManualClock()
    scenario = tmp_path / "data" / "bund"
    run = scenario / "runs" / "20261202T010000"
    (run / "stations").mkdir(parents=True)
    cmd, traffic = Signer.generate("cmd"), Signer.generate("traffic")
    for folder, signer in (
        (scenario / "console", cmd),
        (scenario / "stations" / "traffic", traffic),
    ):
        folder.mkdir(parents=True)
        (folder / f"{signer.name}.sign.pub").write_text(signer.public_hex + "\n")
    cps = signed_journal(run / "console.sqlite", clock, cmd)
    j = Journal.open(
        run / "stations" / "traffic.sqlite", clock=clock, owner="traffic", role="station"
    )
    j.add_decision(make_decision(clock))
    for cp in cps:
        clock.advance(1)
        j.record(cosign(traffic, "traffic", cp, clock.now()), actor="traffic")
    sign_head(j, traffic, clock, "close")
    j.close()
    return run


def test_untouched_run_exits_0(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(run_dir)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 3
    assert out[0].startswith(f"console: journal {run_dir / 'console.sqlite'} is intact")
    assert "3 cosignatures by traffic agree" in out[0]
    assert out[1].startswith("station traffic: journal")
    assert out[2] == (
        f"run {run_dir}: all 2 journals verify, each against the others as witnesses, "
        "checkpoints signed by the run's 2 keys"
    )


def test_rewritten_console_fails_the_run(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    console = run_dir / "console.sqlite"
    rewrite_and_resign(console, 8, body_of(console, 8).replace("decision 6", "decision X"), None)
    assert main(["verify", str(run_dir)]) == 1
    out = capsys.readouterr().out
    assert "run " in out and "1 of 2 journals FAIL (console)" in out


def test_witness_option(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    console, station = run_dir / "console.sqlite", run_dir / "stations" / "traffic.sqlite"
    assert main(["verify", str(console), "--witness", str(station)]) == 0
    assert "cosignatures by traffic agree" in capsys.readouterr().out


def test_run_without_keys_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "somewhere"
    folder.mkdir()
    signed_journal(folder / "console.sqlite", ManualClock(), Signer.generate("cmd"))
    assert main(["verify", str(folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("baton: cannot tell where the keys of run") and "--keys" in err


def test_empty_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(tmp_path)]) == 2
    assert "holds no journal" in capsys.readouterr().err
