"""Run `baton demo` as a subprocess with a marker in its environment, and find any process
still carrying the marker (the demo's children inherit it), for "nothing left behind" checks."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARK = "BATON_TEST_DEMO_MARK"
# The session's shared typhoon run (tests/system/conftest.py). 240x for 35 wall s: the ferry alert
# (scenario minute 45) comes 11 s in, the tunnel-lane order is accepted and completed well before
# the end, and the journals hold a few interval checkpoints (every 10 wall s), each cosigned by
# the peers.
TYPHOON_ARGS = ("typhoon", "--headless", "--speed", "240", "--duration", "35")
TYPHOON_TIMEOUT_S = 180.0


def new_mark() -> str:
    """A unique marker value for one demo run."""
    return uuid.uuid4().hex


def start_demo(argv: Sequence[str], mark: str, log: Path) -> subprocess.Popen[bytes]:
    """`python -m ui.cli demo ARGV...` in its own session, output to `log`."""
    env = {**os.environ, MARK: mark}
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "demo", *argv],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def marked(mark: str) -> list[int]:
    """Pids of live (not zombie) processes whose environment holds the marker."""
    needle = f"{MARK}={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            if "State:\tZ" in (entry / "status").read_text():
                continue
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            continue
        found.append(int(entry.name))
    return found


def kill_marked(mark: str) -> None:
    """SIGKILL whatever still carries the marker (cleanup after a failed test)."""
    for pid in marked(mark):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def finish(process: subprocess.Popen[bytes], timeout: float) -> int:
    """Wait for the demo; on timeout kill its group and fail."""
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
        raise AssertionError(f"baton demo did not end within {timeout:g} s") from None


@dataclass(frozen=True)
class DemoRun:
    """A finished `baton demo` run: exit code, output, and where its files went."""

    code: int
    output: str
    directory: Path  # holds data/ (keys), run/ (journals) and demo.log

    @property
    def run_dir(self) -> Path:
        """The run folder: console.sqlite, stations/, logs/."""
        return self.directory / "run"

    @property
    def console(self) -> Path:
        """The console journal."""
        return self.run_dir / "console.sqlite"


def run_demo(directory: Path, argv: Sequence[str], timeout: float) -> DemoRun:
    """`baton demo ARGV... --data-dir DIR/data --journal DIR/run/console.sqlite` to its end
    (within `timeout`), failing if any of its processes is left behind."""
    directory.mkdir(parents=True, exist_ok=True)
    mark = new_mark()
    log = directory / "demo.log"
    console = directory / "run" / "console.sqlite"
    argv = [*argv, "--data-dir", str(directory / "data"), "--journal", str(console)]
    process = start_demo(argv, mark, log)
    try:
        code = finish(process, timeout)
        assert marked(mark) == [], "processes left behind by baton demo"
    finally:
        kill_marked(mark)
    return DemoRun(code, log.read_text(encoding="utf-8", errors="replace"), directory)
