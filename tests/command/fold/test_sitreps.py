"""The fold's SITREP requests at a site console: requested once, answered by `sitrep.sent`,
overdue when unanswered past the due time."""

from __future__ import annotations

from command.fold import fold
from command.vocabulary import Kind, SitrepRequested, SitrepSent
from tests.command.fold.events import T0, EventMaker


def test_requests_are_folded_once_and_answered() -> None:
    mk = EventMaker()
    ask = SitrepRequested("sr-1", "bund", T0 + 600, "huangpu", "by ten")
    later = SitrepRequested("sr-2", "bund", T0 + 1200, "huangpu")
    events = [
        mk.ev(Kind.SITREP_REQUESTED, ask.to_body(), ts=T0),
        mk.ev(Kind.SITREP_REQUESTED, ask.to_body(), ts=T0 + 1),  # the centre's redelivery
        mk.ev(Kind.SITREP_REQUESTED, later.to_body(), ts=T0 + 2),
        mk.ev(Kind.SITREP_SENT, SitrepSent("sr-1", {}, "calm", "cmd").to_body(), ts=T0 + 300),
    ]
    state = fold(events)
    assert len(state.sitreps) == 2
    first = state.sitreps.get("sr-1")
    assert first is not None and first.answered and first.answered_at == T0 + 300
    assert first.asked_by == "huangpu" and first.note == "by ten"
    assert not first.overdue(T0 + 10_000)  # answered: never overdue
    assert [a.sitrep_id for a in state.sitreps.open()] == ["sr-2"]
    second = state.sitreps.open()[0]
    assert not second.overdue(T0 + 1200) and second.overdue(T0 + 1201)
