"""The autopilot approves each suggestion after its delay, in the commander's name, journaled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from command.autopilot import AUTOPILOT_WHY, Autopilot
from command.clock import ManualClock
from command.drafts import OrderDraft
from command.model import Observation, Signal
from command.picture.playbooks import (
    Playbook,
    PlaybookEngine,
    SignalTrigger,
    Suggestion,
    SuggestionBook,
)
from command.scenarios.headless import run_headless
from command.scenarios.loader import load_scenario
from tests.command.picture.test_playbooks import STATIONS, ZONES, Recorder

T0 = 1_000.0
LANE = OrderDraft("security", "hold_entry", "a", {"gates": "all", "minutes": 20})


def _signal(n: int, ts: float) -> Signal:
    return Signal(f"cap-{n}", ts, "water", "ferry_suspension", f"Ferries stop ({n})")


def _setup(delay_s: float = 20.0) -> tuple[ManualClock, SuggestionBook, Recorder, Autopilot]:
    clock = ManualClock(T0)
    rec = Recorder()
    book = SuggestionBook(incident="inc", stations=STATIONS, clock=clock, journal=rec)
    pilot = Autopilot(book, clock=clock, commander="duty_chief", delay_s=delay_s)
    return clock, book, rec, pilot


def _propose(book: SuggestionBook, n: int, ts: float) -> Suggestion:
    engine = PlaybookEngine(
        [Playbook("lane", "Open a lane", SignalTrigger("ferry_suspension"), (LANE,), "Ferries")],
        ZONES,
        id_factory=lambda now: f"sg-{n}",
    )
    (suggestion,) = engine.on_signal(_signal(n, ts), ts)
    return book.propose(suggestion)


def _approved(rec: Recorder) -> list[tuple[dict[str, Any], str | None]]:
    return [(body, actor) for kind, body, actor in rec.events if kind == "suggestion.approved"]


def test_nothing_is_approved_before_the_delay() -> None:
    clock, book, rec, pilot = _setup()
    _propose(book, 1, T0)
    clock.advance(19.0)
    assert pilot.step() == []
    assert _approved(rec) == []
    assert book.status("sg-1") == "open"
    assert pilot.next_due() == T0 + 20.0


def test_approval_after_the_delay_returns_the_drafts_and_is_journaled() -> None:
    clock, book, rec, pilot = _setup()
    s = _propose(book, 1, T0)
    clock.advance(20.0)
    (approval,) = pilot.step()
    assert approval.suggestion == s and approval.ts == T0 + 20.0
    assert approval.orders == (LANE,)
    assert approval.by == "duty_chief" and approval.why == AUTOPILOT_WHY
    assert book.status("sg-1") == "approved"
    ((body, actor),) = _approved(rec)
    assert actor == "duty_chief"
    assert body["by"] == "duty_chief"
    assert body["why"] == "approved by autopilot (headless demo)"
    assert body["suggestion_id"] == "sg-1" and body["orders"] == [LANE.to_dict()]
    assert pilot.step() == []  # never twice
    assert pilot.next_due() is None


def test_each_suggestion_waits_its_own_delay_and_they_come_out_oldest_first() -> None:
    clock, book, rec, pilot = _setup(delay_s=30.0)
    _propose(book, 1, T0)
    _propose(book, 2, T0 + 10.0)
    _propose(book, 3, T0 + 40.0)
    clock.set(T0 + 45.0)
    assert [a.suggestion.id for a in pilot.step()] == ["sg-1", "sg-2"]
    clock.set(T0 + 69.0)
    assert pilot.step() == []
    clock.set(T0 + 70.0)
    assert [a.suggestion.id for a in pilot.step()] == ["sg-3"]
    assert [b["suggestion_id"] for b, _ in _approved(rec)] == ["sg-1", "sg-2", "sg-3"]
    assert [a.suggestion.id for a in pilot.approvals] == ["sg-1", "sg-2", "sg-3"]


def test_due_approves_nothing_and_a_given_up_suggestion_is_never_due_again() -> None:
    """A console approves the `due` suggestions itself (orders in the same commit); one whose
    orders were refused is given up, not retried on every tick."""
    clock, book, rec, pilot = _setup()
    _propose(book, 1, T0)
    _propose(book, 2, T0 + 1.0)
    clock.set(T0 + 30.0)
    assert [s.id for s in pilot.due()] == ["sg-1", "sg-2"] and _approved(rec) == []
    pilot.give_up("sg-1")
    assert [s.id for s in pilot.due()] == ["sg-2"]
    assert [a.suggestion.id for a in pilot.step()] == ["sg-2"]
    assert pilot.due() == [] and book.status("sg-1") == "open"


def test_suggestions_the_commander_handled_are_left_alone() -> None:
    clock, book, _, pilot = _setup()
    _propose(book, 1, T0)
    _propose(book, 2, T0)
    book.dismiss("sg-1", by="duty_chief", why="ferries already stopped")
    clock.advance(60.0)
    assert [a.suggestion.id for a in pilot.step()] == ["sg-2"]
    assert book.status("sg-1") == "dismissed"


def test_zero_delay_approves_at_once() -> None:
    _, book, _, pilot = _setup(delay_s=0.0)
    _propose(book, 1, T0)
    assert len(pilot.step()) == 1


@pytest.mark.parametrize("delay", [-1.0, float("nan"), float("inf")])
def test_a_bad_delay_is_refused(delay: float) -> None:
    clock = ManualClock(T0)
    book = SuggestionBook(incident="inc", stations=STATIONS, clock=clock)
    with pytest.raises(ValueError, match="delay"):
        Autopilot(book, clock=clock, commander="duty_chief", delay_s=delay)


def test_a_commander_is_required() -> None:
    clock = ManualClock(T0)
    book = SuggestionBook(incident="inc", stations=STATIONS, clock=clock)
    with pytest.raises(ValueError, match="commander"):
        Autopilot(book, clock=clock, commander=" ")


class JournalRecorder(Recorder):
    """A journal stand-in for the picture engine (events plus observation batches)."""

    def add_observations(self, batch: Sequence[Observation]) -> None:
        pass


def test_a_headless_typhoon_run_approves_every_suggestion_after_its_delay() -> None:
    scenario = load_scenario("typhoon")
    rec = JournalRecorder()
    result = run_headless(scenario, journal=rec, step_s=10.0, autopilot_delay_s=20.0)
    proposed = result.engine.book.all()
    assert len(proposed) >= 4
    assert result.engine.book.open() == []
    approvals = result.approvals
    assert [a.suggestion.id for a in approvals] == [s.id for s in proposed]
    for a in approvals:
        # Due 20 s after the proposal, approved at the first 10 s step at or after that.
        assert a.suggestion.ts + 20.0 <= a.ts < a.suggestion.ts + 30.0
    lane = next(a for a in approvals if a.suggestion.playbook == "ferry_suspension_tunnel_lane")
    assert {o.station for o in lane.orders} == {"traffic_police", "city", "ferry"}
    assert scenario.minute(lane.ts) == pytest.approx(45.0 + 20.0 / 60.0, abs=10.0 / 60.0)
    journaled = _approved(rec)
    assert [b["suggestion_id"] for b, _ in journaled] == [s.id for s in proposed]
    assert all(actor == scenario.delegation.commander for _, actor in journaled)
    assert all(b["why"] == AUTOPILOT_WHY for b, _ in journaled)


def test_a_headless_run_without_autopilot_approves_nothing() -> None:
    result = run_headless(load_scenario("typhoon"), step_s=30.0, until_min=60.0)
    assert result.suggestions and result.approvals == []
    assert all(result.engine.book.status(s.id) == "open" for s in result.suggestions)
