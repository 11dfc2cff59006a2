"""`baton demo` on the command line: the parser's defaults, the no-display message, `make demo`,
and the window taking its screenshots and closing with every child stopped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from command.journal import verify_journal
from tests.system.demo_procs import ROOT, finish, kill_marked, marked, new_mark, start_demo
from ui.cli import build_parser


def test_parser_defaults_to_bund_and_leaves_speed_to_the_mode() -> None:
    args = build_parser().parse_args(["demo"])
    assert args.scenario == "bund"
    assert args.speed is None and args.duration is None and not args.headless
    assert args.station_windows == 0
    args = build_parser().parse_args(
        ["demo", "typhoon", "--headless", "--speed", "120", "--duration", "60"]
    )
    assert (args.scenario, args.headless, args.speed, args.duration) == (
        "typhoon",
        True,
        120.0,
        60.0,
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland check")
def test_demo_without_display_says_so_in_one_line(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "demo", "--data-dir", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "no display" in lines[0]
    assert "make demo ARGS=--headless" in lines[0] and "baton demo --headless" in lines[0]
    assert not (tmp_path / "bund").exists()  # nothing provisioned or started


def test_make_demo_passes_args() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "baton demo $(ARGS)" in recipe


@pytest.mark.system
def test_screenshots_then_the_window_closes_and_everything_stops(tmp_path: Path) -> None:
    mark = new_mark()
    shots = tmp_path / "shots"
    argv = ["typhoon", "--screenshot", str(shots), "--duration", "6", "--speed", "300"]
    argv += ["--data-dir", str(tmp_path / "data"), "--journal", str(tmp_path / "c.sqlite")]
    process = start_demo(argv, mark, tmp_path / "demo.log")
    try:
        code = finish(process, 90)
        output = (tmp_path / "demo.log").read_text(encoding="utf-8", errors="replace")
        assert code == 0, output
        assert marked(mark) == []
    finally:
        kill_marked(mark)
    pngs = sorted(shots.glob("*.png"))
    assert len(pngs) == 3, output
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert "Saved 3 screenshot(s)" in output
    assert verify_journal(tmp_path / "c.sqlite").ok
