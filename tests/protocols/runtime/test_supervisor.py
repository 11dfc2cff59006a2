"""The demo's child-process supervisor leaves no process behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from protocols.runtime.supervisor import Supervisor

REPO = Path(__file__).resolve().parents[3]
SLEEPER = [sys.executable, "-c", "import signal\nsignal.pause()"]
STUBBORN = [
    sys.executable,
    "-c",
    "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print('ready', flush=True)\nwhile True: signal.pause()",
]


def _wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll `predicate` until true or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        if predicate():
            return True
        pause.wait(0.02)
    return predicate()


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "State:\tZ" not in status.read_text()
    except FileNotFoundError:
        return False


def test_stop_all_ends_every_child(tmp_path: Path) -> None:
    with Supervisor(log_dir=tmp_path) as sup:
        children = [sup.start(f"c{i}", SLEEPER) for i in range(3)]
        assert all(c.running for c in children)
    assert not any(_alive(c.process.pid) for c in children)


def test_a_child_ignoring_sigterm_is_killed(tmp_path: Path) -> None:
    sup = Supervisor(log_dir=tmp_path)
    child = sup.start("stubborn", STUBBORN)
    log = tmp_path / "stubborn.log"
    assert _wait_for(lambda: log.exists() and b"ready" in log.read_bytes())
    sup.stop_all(timeout=0.5)
    assert child.process.returncode == -signal.SIGKILL


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux")
def test_children_die_when_the_parent_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    parent_code = textwrap.dedent(
        f"""
        import signal, sys
        sys.path.insert(0, {str(REPO)!r})
        from protocols.runtime.supervisor import Supervisor
        child = Supervisor().start("c", {SLEEPER!r})
        open({str(pid_file)!r}, "w").write(str(child.process.pid))
        signal.pause()
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", parent_code])
    try:
        assert _wait_for(lambda: pid_file.exists() and pid_file.read_text() != "")
        child_pid = int(pid_file.read_text())
        parent.kill()
        parent.wait(5)
        assert _wait_for(lambda: not _alive(child_pid))
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(5)
