"""`baton station`: clear one-line errors, and a bounded headless run that exits cleanly."""

from __future__ import annotations

import os
import signal
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


def _station_args(tmp_path: Path, station: str = "st-a") -> list[str]:
    keys = tmp_path / "keys"
    create_curve_keypair(keys, "console")
    create_curve_keypair(keys, station)
    write_trust(tmp_path / "trust.yaml", [TrustedRoot("city", Signer.generate("city").public_hex)])
    return [
        "station",
        "--id",
        station,
        "--connect",
        "tcp://127.0.0.1:9",
        "--journal",
        str(tmp_path / f"{station}.db"),
        "--keys",
        str(keys),
        "--console-key",
        str(keys / "console.key"),
        "--trust",
        str(tmp_path / "trust.yaml"),
    ]


@pytest.mark.parametrize(
    "mode",
    [
        ["--headless"],
        [],
        ["--scenario", "typhoon"],
        ["--scenario", "typhoon", "--lang", "zh_CN", "--theme", "dark"],
    ],
    ids=["headless", "window", "window-scenario", "window-zh-dark"],
)
def test_run_is_bounded_and_clean(tmp_path: Path, mode: list[str]) -> None:
    station = "traffic_police" if "typhoon" in mode else "st-a"
    args = [*_station_args(tmp_path, station), *mode, "--duration", "1"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", *args],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:  # never leave it behind
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
    assert proc.returncode == 0, err
    with pytest.raises(ProcessLookupError):  # nothing of its process group is left running
        os.killpg(proc.pid, 0)
    assert (tmp_path / f"{station}.db").exists()
    if "--headless" not in mode:
        assert "window open" in err
    assert "Traceback" not in err


def test_window_without_a_display_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    code = main([*_station_args(tmp_path), "--duration", "1"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--headless" in err and "display" in err
