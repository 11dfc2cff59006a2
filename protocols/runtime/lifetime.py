"""What the console's and the centre's runtimes share: one engine started once and stopped once.

`EngineRuntime` owns the `Engine` a runtime built; subclasses add what runs beside it through
`_started_engine` (after the engine is up) and `_stopping_engine` (before it stops).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Self

from command.errors import BatonError
from protocols.commands import JournalFailed
from protocols.engine import Engine

STOP_TIMEOUT_S = 10.0


def check_speed(speed: float, error: type[BatonError]) -> None:
    """Refuse a clock speed that is not a positive finite number (the `--speed` option)."""
    if not math.isfinite(speed) or speed <= 0:
        raise error(f"--speed must be a positive number, got {speed}")


class EngineRuntime:
    """One engine and its journal file, started once and stopped once (bounded)."""

    error: type[BatonError] = BatonError
    role = "runtime"

    def __init__(self, engine: Engine, journal: Path) -> None:
        self.engine = engine
        self._journal = journal
        self._started = False
        self._stopped = False

    @property
    def failure(self) -> JournalFailed | None:
        """Why the engine stopped on its own (its journal could not be written), or None."""
        return self.engine.failure

    @property
    def running(self) -> bool:
        """True from `start` until `stop` or the engine stopping on its own."""
        return self.engine.running

    def start(self) -> Self:
        """Start the engine (it opens the journal, binds its sockets, connects out)."""
        if self._started:
            raise self.error(f"this {self.role} runtime was already started")
        self._started = True
        self._journal.parent.mkdir(parents=True, exist_ok=True)
        self.engine.start()
        self._started_engine()
        return self

    def stop(self) -> None:
        """Stop the engine (bounded); the journal is closed with a signed checkpoint."""
        if self._started and not self._stopped:
            self._stopped = True
            self._stopping_engine()
            self.engine.stop(STOP_TIMEOUT_S)

    def _started_engine(self) -> None:
        """What starts beside the engine once it is up (nothing by default)."""

    def _stopping_engine(self) -> None:
        """What stops before the engine does (nothing by default)."""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
