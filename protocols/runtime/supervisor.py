"""Starts and stops the child processes of a demo (stations, feed simulator) with no orphans.

Children are started in their own process group with a parent-death signal (Linux), so they go
away even when the parent is SIGKILLed; `stop_all` asks politely (SIGTERM), then insists.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

_PR_SET_PDEATHSIG = 1

JOURNAL_FAILED_EXIT = 3
"""The exit code of a child whose journal could not be written (it stopped; its log ends with
the one line saying which file, why and the fix)."""


def _die_with_parent() -> None:
    """Run in the child before exec: receive SIGTERM when the parent dies (Linux only)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    os.setpgrp()


@dataclass
class Child:
    """One supervised child process and where its output goes."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path | None = None

    @property
    def running(self) -> bool:
        """True while the process has not exited."""
        return self.process.poll() is None


@dataclass
class Supervisor:
    """Owns a set of child processes; use as a context manager so they always stop."""

    log_dir: Path | None = None
    children: list[Child] = field(default_factory=list)

    def start(self, name: str, argv: Sequence[str], env: dict[str, str] | None = None) -> Child:
        """Start `argv` as child `name`, its output to `log_dir/name.log` (or discarded)."""
        log_path = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            log_path = self.log_dir / f"{name}.log"
            out = open(log_path, "ab")  # noqa: SIM115 - handed to the child, closed below
        else:
            out = open(os.devnull, "wb")  # noqa: SIM115
        try:
            process = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        finally:
            out.close()
        child = Child(name, process, log_path)
        self.children.append(child)
        return child

    def exited(self) -> list[Child]:
        """Children that have stopped on their own."""
        return [c for c in self.children if not c.running]

    def stop_all(self, timeout: float = 5.0) -> None:
        """SIGTERM every child, wait up to `timeout` in all, then SIGKILL what is left."""
        for child in self.children:
            if child.running:
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in self.children:
            remaining = max(0.0, deadline - time.monotonic())
            try:
                child.process.wait(remaining)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    child.process.kill()
                child.process.wait(5)

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()
