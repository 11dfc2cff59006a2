"""Fixtures: every Journal behaviour runs against both stores (SQLite file and memory twin)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from command.clock import ManualClock
from command.journal import Journal
from command.signing import Signer
from tests.command.journal.helpers import build_file_journal


@pytest.fixture
def clock() -> ManualClock:
    """A clock that only moves when told."""
    return ManualClock()


@pytest.fixture(scope="session")
def signer() -> Signer:
    """The commander's checkpoint key."""
    return Signer.generate("cmd")


@pytest.fixture(params=["sqlite", "memory"])
def journal(
    request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock
) -> Iterator[Journal]:
    """A fresh console journal on each store."""
    if request.param == "sqlite":
        j = Journal.open(tmp_path / "console.journal", clock=clock, owner="cmd", role="console")
    else:
        j = Journal.in_memory(clock=clock, owner="cmd", role="console")
    yield j
    j.close()


@pytest.fixture(params=["sqlite", "memory"])
def station_journal(
    request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock
) -> Iterator[Journal]:
    """A fresh station journal on each store."""
    if request.param == "sqlite":
        j = Journal.open(tmp_path / "station.journal", clock=clock, owner="traffic", role="station")
    else:
        j = Journal.in_memory(clock=clock, owner="traffic", role="station")
    yield j
    j.close()


@pytest.fixture
def journal_file(tmp_path: Path, clock: ManualClock, signer: Signer) -> Path:
    """A closed 13-event console journal file: orders, decisions, observation batches and
    checkpoints (`helpers.build_file_journal`)."""
    p = tmp_path / "console.journal"
    build_file_journal(p, clock, signer)
    return p
