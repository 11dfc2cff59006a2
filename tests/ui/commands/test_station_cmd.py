"""`baton station`: clear one-line errors, and a bounded headless run that exits cleanly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from command.authority.keys import TrustedRoot, write_trust
from command.signing import Signer
from protocols.certs import create_curve_keypair
from ui.cli import main

ROOT = Path(__file__).resolve().parents[3]


def test_missing_key_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "station",
            "--id",
            "st-a",
            "--headless",
            "--keys",
            str(tmp_path),
            "--console-key",
            str(tmp_path / "console.key"),
            "--trust",
            str(tmp_path / "t"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "st-a.key_secret" in err and "baton keys init" in err


@pytest.mark.parametrize("headless", [True, False], ids=["headless", "window"])
def test_run_is_bounded_and_clean(tmp_path: Path, headless: bool) -> None:
    keys = tmp_path / "keys"
    create_curve_keypair(keys, "console")
    create_curve_keypair(keys, "st-a")
    write_trust(tmp_path / "trust.yaml", [TrustedRoot("city", Signer.generate("city").public_hex)])
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.cli",
            "station",
            "--id",
            "st-a",
            "--headless",
            "--connect",
            "tcp://127.0.0.1:9",
            "--journal",
            str(tmp_path / "st-a.db"),
            "--keys",
            str(keys),
            "--console-key",
            str(keys / "console.key"),
            "--trust",
            str(tmp_path / "trust.yaml"),
            "--duration",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "st-a.db").exists()
