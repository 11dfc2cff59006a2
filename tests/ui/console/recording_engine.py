"""A stand-in engine for console tests that drive the real `ConsoleController`: it runs
nothing, remembers every command it is given and answers each at once."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any


class RecordingEngine:
    """Runs nothing: remembers the commands and answers each at once with `result`."""

    def __init__(self, result: Any = None) -> None:
        self.commands: list[Any] = []
        self.result = result

    def call(self, command: Any) -> Future[Any]:
        """Remember `command`; a future already holding `result`."""
        self.commands.append(command)
        f: Future[Any] = Future()
        f.set_result(self.result)
        return f
