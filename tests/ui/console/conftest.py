"""Fixtures for console tests: isolated QSettings, theme and language reset, event makers.

Orders, decisions and T0 are the fold tests' own (tests/command/fold/events.py), re-exported here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from command.model import Incident, OrderKind, ParamSpec, Station, Zone
from tests.command.fold.events import T0 as T0
from tests.command.fold.events import decision as decision
from tests.command.fold.events import order as order
from tests.ui.console.fake_events import EventMaker

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def every_test_isolated(isolated_look: None) -> None:
    """Every test starts light, in English, with settings under tmp_path (tests/ui/conftest.py)."""


@pytest.fixture
def mk() -> EventMaker:
    """An event maker for incident 'inc'."""
    return EventMaker("inc")


@pytest.fixture
def incident() -> Incident:
    """Two stations (one with typed parameters), three zones."""
    police = Station(
        "police",
        "Traffic police",
        "PSB",
        (
            OrderKind(
                "close_road",
                "Close road",
                (
                    ParamSpec("road", "str", "Road", default="Zhongshan Rd"),
                    ParamSpec("lanes", "int", "Lanes", minimum=1, maximum=4, default=1),
                    ParamSpec("speed", "float", "Speed", "km/h", 5, 60, default=30.0),
                    ParamSpec("side", "choice", "Side", choices=("east", "west"), default="east"),
                    ParamSpec("escort", "bool", "Escort", required=False, default=False),
                ),
            ),
            OrderKind("hold_entry", "Hold entry"),
        ),
    )
    metro = Station(
        "metro",
        "Metro",
        "Metro",
        (
            OrderKind(
                "skip",
                "Skip station",
                (ParamSpec("minutes", "int", minimum=5, maximum=60, default=10),),
            ),
        ),
    )
    zones = (
        Zone("north", "North terrace", 1000),
        Zone("south", "South terrace", 1000),
        Zone("plaza", "Plaza", 2000),
    )
    return Incident("inc", "Test incident", "Asia/Shanghai", zones, (police, metro))
