"""Progress bars leave no thread behind (a later `verify` in the process may check in parallel
only while the process is single-threaded)."""

from __future__ import annotations

import threading

from ui.commands.progress import progress_bar


def test_a_progress_bar_starts_no_monitor_thread() -> None:
    before = {t.ident for t in threading.enumerate()}
    with progress_bar("reading", total=10) as advance:
        advance(10)
    assert {t.ident for t in threading.enumerate()} == before
