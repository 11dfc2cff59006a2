"""The console engine issues a composed public alert (issue #17): valid CAP is journaled with its
decision; an invalid one fails the command with the CAP rule and journals nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from command.cap.export import PublicAlert
from command.cap.profile import CapError
from command.clock import ManualClock
from command.fold import fold
from command.journal import Journal
from command.public_alerts import alert_identifier
from command.vocabulary import Kind
from protocols.alert_commands import IssuePublicAlert
from protocols.engine import Engine
from protocols.nodes import ConsoleNode
from protocols.security import CurveKeys
from tests.protocols.wiring import console_settings

T0 = 1_785_190_000.0


def alert(**changes: object) -> PublicAlert:
    base: dict[str, object] = dict(
        identifier=alert_identifier("inc", T0),
        sender="cmd@baton",
        sent=T0,
        event="Crowd crush risk",
        headline="Avoid the promenade",
        description="It is full.",
        area_desc="Promenade",
        polygons=(((121.49, 31.23), (121.50, 31.23), (121.50, 31.24)),),
    )
    base.update(changes)
    return PublicAlert(**base)  # type: ignore[arg-type]


def test_the_engine_journals_a_valid_alert_and_refuses_an_invalid_one(tmp_path: Path) -> None:
    clock = ManualClock(T0)
    path = tmp_path / "console.db"
    console = Engine(
        lambda ctx: ConsoleNode(
            ctx, console_settings(clock, CurveKeys.generate(), journal_path=path)
        ),
        clock,
    ).start()
    try:
        good = alert()
        assert console.call_sync(IssuePublicAlert(good, "density rising")) == good.identifier
        with pytest.raises(CapError, match="urgency"):
            console.call_sync(IssuePublicAlert(alert(urgency="Now!"), "bad"))
    finally:
        console.stop()
    with Journal.open_readonly(path) as journal:
        events = list(journal.events())
    assert [e.kind for e in events].count(Kind.ALERT_ISSUED) == 1
    state = fold(events)
    assert [a.id for a in state.alerts.rows if a.issued] == [good.identifier]
