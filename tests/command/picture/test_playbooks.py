"""Playbooks fire once per episode; the suggestion book journals every outcome."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from command.clock import ManualClock
from command.drafts import OrderDraft
from command.errors import ValidationError
from command.model import OrderKind, ParamSpec, Priority, RiskLevel, Signal, Station, Zone
from command.picture.playbooks import (
    LevelTrigger,
    Playbook,
    PlaybookEngine,
    SignalTrigger,
    SuggestionBook,
    SuggestionError,
)
from command.vocabulary import EventBody

ZONES = [Zone("a", "Zone A", 100.0), Zone("b", "Zone B", 100.0)]
HOLD = OrderDraft(
    station="security",
    kind="hold_entry",
    zone="{zone}",
    params={"gates": "gates of {zone_name}", "minutes": 20},
    priority=Priority.IMMEDIATE,
    text="Hold entry at {zone_name}",
)
STATIONS = [
    Station(
        "security",
        "Security",
        "Police",
        (
            OrderKind(
                "hold_entry",
                "Hold entry",
                (
                    ParamSpec("gates", "str"),
                    ParamSpec("minutes", "int", minimum=1, maximum=120),
                ),
            ),
        ),
    ),
]


class Recorder:
    """A journal stand-in that keeps recorded events."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any], str | None]] = []

    def record(
        self,
        event: EventBody,
        *,
        actor: str | None = None,
        incident: str | None = None,
        ts: float | None = None,
    ) -> None:
        kind, body = event.kind.value, event.to_body()
        self.events.append((kind, body, actor))


def engine() -> PlaybookEngine:
    pbs = [
        Playbook(
            "hold",
            "Hold entry",
            LevelTrigger(RiskLevel.ORANGE, "*", "density"),
            (HOLD,),
            "Density orange in {zone_name}",
        ),
        Playbook(
            "tunnel",
            "Open lane",
            SignalTrigger("ferry_suspension"),
            (OrderDraft("police", "open_lane", "tunnel"),),
        ),
    ]
    return PlaybookEngine(pbs, ZONES)


def test_level_trigger_fires_once_per_episode_and_rearms() -> None:
    eng = engine()
    levels = {"a": RiskLevel.GREEN, "b": RiskLevel.GREEN}
    look = lambda zone, ind: levels[zone]  # noqa: E731
    assert eng.on_levels(look, 1.0) == []
    levels["a"] = RiskLevel.ORANGE
    first = eng.on_levels(look, 2.0)
    assert [(s.playbook, s.zone) for s in first] == [("hold", "a")]
    o = first[0].orders[0]
    assert o.zone == "a" and o.params["gates"] == "gates of Zone A" and o.text.endswith("Zone A")
    assert first[0].reason == "Density orange in Zone A"
    levels["a"] = RiskLevel.RED
    assert eng.on_levels(look, 3.0) == []  # same episode
    levels["a"] = RiskLevel.YELLOW
    assert eng.on_levels(look, 4.0) == []  # cleared: re-armed
    levels["a"] = RiskLevel.ORANGE
    assert len(eng.on_levels(look, 5.0)) == 1


def test_signal_trigger_fires_once_per_signal() -> None:
    eng = engine()
    sig = Signal("cap-1", 10.0, "water", "ferry_suspension", "Ferries suspended")
    got = eng.on_signal(sig, 10.0)
    assert [s.playbook for s in got] == ["tunnel"] and got[0].signal == "cap-1"
    assert eng.on_signal(sig, 11.0) == []
    assert eng.on_signal(Signal("x", 12.0, "met", "other", "h"), 12.0) == []


def book(*, two_orders: bool = False) -> tuple[SuggestionBook, Recorder, str]:
    rec = Recorder()
    b = SuggestionBook(incident="inc", stations=STATIONS, clock=ManualClock(100.0), journal=rec)
    eng = engine()
    s = eng.on_levels(lambda z, i: RiskLevel.ORANGE if z == "a" else RiskLevel.GREEN, 50.0)[0]
    if two_orders:
        s = dataclasses.replace(s, orders=(*s.orders, s.orders[0].with_params(gates="north")))
    b.propose(s)
    return b, rec, s.id


def test_approve_returns_drafts_and_journals_who_and_why() -> None:
    b, rec, sid = book()
    orders = b.approve(sid, by="commander", why="crowd building fast")
    assert orders[0].station == "security"
    assert [e[0] for e in rec.events] == ["suggestion.proposed", "suggestion.approved"]
    body = rec.events[1][1]
    assert body["suggestion_id"] == sid and body["by"] == "commander"
    assert body["why"] == "crowd building fast" and body["orders"][0]["kind"] == "hold_entry"
    assert b.open() == [] and b.status(sid) == "approved"
    with pytest.raises(SuggestionError, match="already approved"):
        b.dismiss(sid, by="commander", why="changed my mind")


def test_edit_validates_changed_params_and_journals_them() -> None:
    b, rec, sid = book()
    draft = b.open()[0].orders[0]
    with pytest.raises(ValidationError, match="at most 120"):
        b.edit(sid, [draft.with_params(minutes=500)], by="commander", why="longer")
    assert b.status(sid) == "open"
    edited = b.edit(sid, [draft.with_params(minutes=45)], by="commander", why="longer hold")
    assert edited[0].params["minutes"] == 45
    kind, body, actor = rec.events[-1]
    assert kind == "suggestion.edited" and actor == "commander"
    assert body["orders"][0]["params"]["minutes"] == 45
    assert body["original"][0]["params"]["minutes"] == 20


def test_an_edit_that_changes_nothing_is_journaled_as_approved() -> None:
    b, rec, sid = book()
    proposed = b.open()[0].orders
    again = tuple(OrderDraft.from_dict(o.to_dict()) for o in proposed)  # as the console sends
    assert b.edit(sid, again, by="commander", why="") == proposed
    kind, body, _ = rec.events[-1]
    assert kind == "suggestion.approved" and b.status(sid) == "approved"
    assert body["why"] == "approved as proposed" and "original" not in body
    assert body["orders"] == [o.to_dict() for o in proposed]


def test_an_edit_that_leaves_an_order_out_is_an_edit_and_needs_a_reason() -> None:
    b, rec, sid = book(two_orders=True)
    proposed = b.open()[0].orders
    assert len(proposed) == 2
    with pytest.raises(SuggestionError, match="say why"):
        b.edit(sid, proposed[:1], by="commander", why=" ")
    assert b.edit(sid, proposed[:1], by="commander", why="lighting already dimmed") == (
        proposed[0],
    )
    kind, body, _ = rec.events[-1]
    assert kind == "suggestion.edited" and len(body["original"]) == 2 and len(body["orders"]) == 1


def test_dismiss_needs_a_reason() -> None:
    b, rec, sid = book()
    with pytest.raises(SuggestionError, match="say why"):
        b.dismiss(sid, by="commander", why=" ")
    b.dismiss(sid, by="commander", why="gates already closed")
    assert rec.events[-1][0] == "suggestion.dismissed"
    assert rec.events[-1][1]["orders"] == [] and rec.events[-1][1]["why"] == "gates already closed"


def test_unknown_suggestion() -> None:
    b, _, _ = book()
    with pytest.raises(SuggestionError, match="no suggestion"):
        b.approve("nope", by="c")


def test_draft_order_round_trip() -> None:
    assert OrderDraft.from_dict(HOLD.to_dict()) == HOLD
    timed = dataclasses.replace(HOLD, ack_deadline_s=60.0, due_s=600.0)
    assert OrderDraft.from_dict(timed.to_dict()) == timed
    assert "due_s" not in HOLD.to_dict()  # bodies carry deadlines only when set
    with pytest.raises(ValidationError):
        OrderDraft.from_dict({"station": "x"})


def test_deciding_journals_nothing_until_the_caller_settles_it() -> None:
    """A console journals the outcome with its orders in one commit: until it settles the
    decision, the book has journaled nothing and the suggestion is still open."""
    b, rec, sid = book(two_orders=True)
    decided = b.decide_approve(sid, by="commander")
    assert [e[0] for e in rec.events] == ["suggestion.proposed"] and b.status(sid) == "open"
    assert decided.record.kind == "suggestion.approved" and decided.orders == b.open()[0].orders
    assert decided.record.why == "approved as proposed" and decided.ts == 100.0
    entry = decided.entry()
    assert entry["decision"].endswith("(playbook hold): approved")
    assert entry["information"] == decided.suggestion.reason and entry["kind"].value == (
        "suggestion"
    )
    edit = b.decide_edit(sid, decided.orders[:1], by="commander", why="one is enough")
    assert edit.record.kind == "suggestion.edited" and len(edit.record.original) == 2
    assert edit.entry()["decision"].endswith("approved with changes")
    b.settle(edit)
    assert b.status(sid) == "edited" and [e[0] for e in rec.events] == ["suggestion.proposed"]
    with pytest.raises(SuggestionError, match="already edited"):
        b.settle(decided)  # a second outcome for one suggestion is refused
