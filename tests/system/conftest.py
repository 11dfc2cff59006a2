"""Runs shared by the system tests that only read them (or tamper with private copies).

`typhoon_run`: one `baton demo typhoon --headless` run per session, for the end-to-end check of
its journals (test_demo_typhoon) and the attacks on copies of them (test_journal_attacks). Each
attack copies the run folder first; nothing may write to the shared one.
"""

from __future__ import annotations

import pytest

from tests.system.demo_procs import TYPHOON_ARGS, TYPHOON_TIMEOUT_S, DemoRun, run_demo


@pytest.fixture(scope="session")
def typhoon_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """One finished headless typhoon demo run (read it, or copy it before changing anything)."""
    return run_demo(tmp_path_factory.mktemp("typhoon"), TYPHOON_ARGS, TYPHOON_TIMEOUT_S)
