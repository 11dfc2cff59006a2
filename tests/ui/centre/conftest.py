"""Fixtures for the centre window's tests: isolated look, a fake engine that records commands,
and a centre journal mirroring two site incidents (tests/command/centre/sites.py)."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

from command.authority.keys import create_signing_keypair
from command.clock import ManualClock
from command.journal import Journal
from protocols.commands import Command
from tests.command.centre.sites import (
    GrantRecorded,
    LinkChanged,
    Site,
    grant_doc,
    mirror,
    site_journal,
)

R = TypeVar("R")


@pytest.fixture(autouse=True)
def every_test_isolated(isolated_look: None) -> None:
    """Every test starts light, in English, with settings under tmp_path (tests/ui/conftest.py)."""


@dataclass
class FakeEngine:
    """The engine seam (`call(command) -> Future`): records each command and answers at once."""

    calls: list[Command[Any]] = field(default_factory=list)
    result: object = "ID-1"

    def call(self, command: Command[R]) -> Future[R]:
        """Record and succeed."""
        self.calls.append(command)
        future: Future[R] = Future()
        future.set_result(self.result)  # type: ignore[arg-type]
        return future


@dataclass
class Centre:
    """A centre journal with two mirrored incidents, its clock and the sites."""

    clock: ManualClock
    journal: Journal
    bund: Site
    ferry: Site


@pytest.fixture
def centre() -> Centre:
    """bund (red zone, the centre's grant, link up) and ferry (orange zone, no centre grant)."""
    clock = ManualClock()
    bund = site_journal(clock, "bund", "INC-B", orders=3, level=4)
    ferry = site_journal(clock, "ferry", "INC-F", orders=5, level=3)
    journal = Journal.in_memory(clock=clock, owner="huangpu", role="centre")
    journal.record(LinkChanged("bund", True))
    journal.record(LinkChanged("ferry", True))
    mirror(journal, bund)
    mirror(journal, ferry)
    journal.record(GrantRecorded(grant_doc("G-BUND", "INC-B", "chief-li", clock.now() + 7200)))
    return Centre(clock, journal, bund, ferry)


@pytest.fixture
def engine() -> FakeEngine:
    """A fake engine."""
    return FakeEngine()


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """A commander's public key file (`baton keys init` layout)."""
    return create_signing_keypair(tmp_path / "keys", "deputy").public
