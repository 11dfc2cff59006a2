"""A test console process that SIGKILLs itself at the lazy commit of the first ORDER ack.

`python -m tests.system.lazy_kill_proc WHEN DIR PORT ORDERS HEARTBEAT`: as
`tests.system.console_proc`, except that once a station's ACK of an ORDER is being handled in a
lazy pump turn (`WireConfig.lazy_acks`), the process kills itself with SIGKILL `before` that
turn's COMMIT (the 'delivered' record is lost, as a power loss would lose it) or `after` it
(committed without fsync; nothing made it durable yet).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from command.console_post import ConsolePost
from command.journal.sqlite_store import SqliteStore
from tests.system import console_proc

_state = {"lazy": False, "armed": False}


def _install(when: str) -> None:
    real_lazy = SqliteStore.lazy_commits
    real_commit = SqliteStore.commit
    real_on_ack = ConsolePost.on_ack

    @contextmanager
    def lazy_commits(self: SqliteStore) -> Iterator[None]:
        with real_lazy(self):
            _state["lazy"] = True
            try:
                yield
            finally:
                _state["lazy"] = False

    def commit(self: SqliteStore) -> None:
        if _state["armed"] and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        real_commit(self)
        if _state["armed"] and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)

    def on_ack(
        self: ConsolePost, station: str, msg_id: str, *, msg_type: str, body: Mapping[str, Any]
    ) -> bool:
        if _state["lazy"] and msg_type.upper() == "ORDER":
            _state["armed"] = True
        return real_on_ack(self, station, msg_id, msg_type=msg_type, body=body)

    SqliteStore.lazy_commits = lazy_commits  # type: ignore[method-assign]
    SqliteStore.commit = commit  # type: ignore[method-assign]
    ConsolePost.on_ack = on_ack  # type: ignore[method-assign]


if __name__ == "__main__":
    _install(sys.argv[1])
    sys.exit(
        console_proc.main(
            Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), 0.0
        )
    )
