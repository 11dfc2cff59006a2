"""Decision builders: the automatic entry behind an order, and corrections."""

from __future__ import annotations

import pytest

from command.clock import ManualClock
from command.decisions import correction, describe_order, order_decision
from command.errors import ValidationError
from command.journal import Journal
from command.model import DecisionKind
from tests.command.journal.helpers import make_decision, make_order


def test_order_decision_is_built_from_the_order() -> None:
    clock = ManualClock()
    order = make_order(clock)
    snapshot = {"promenade": {"level": "red", "density": 4.2}, "escalations": []}
    decision = order_decision(order, rationale="density over 4/m²", snapshot=snapshot)
    assert decision.id == order.decision_id
    assert decision.kind is DecisionKind.ORDER
    assert decision.order_ids == (order.id,)
    assert (decision.incident, decision.author, decision.ts) == (
        order.incident,
        order.commander,
        order.issued_at,
    )
    assert decision.snapshot == snapshot and decision.snapshot is not snapshot
    assert decision.decision == describe_order(order)
    assert "close_lane to traffic in zone promenade (lane=2)" in decision.decision
    assert decision.rationale == "density over 4/m²"


def test_order_decision_needs_a_rationale_and_an_id() -> None:
    clock = ManualClock()
    with pytest.raises(ValidationError, match="rationale"):
        order_decision(make_order(clock), rationale=" ", snapshot={})
    from dataclasses import replace

    with pytest.raises(ValidationError, match="names no decision"):
        order_decision(replace(make_order(clock), decision_id=""), rationale="x", snapshot={})


def test_correction_builds_a_striking_entry() -> None:
    clock = ManualClock()
    original = make_decision(clock)
    fixed = correction(
        original,
        id="d2",
        ts=clock.now() + 5,
        reason="wrong bridge",
        decision="hold at the south bridge",
    )
    assert fixed.kind is DecisionKind.CORRECTION
    assert (fixed.corrects, fixed.correction_reason) == (original.id, "wrong bridge")
    assert fixed.decision == "hold at the south bridge"
    assert fixed.rationale == original.rationale and fixed.snapshot == original.snapshot
    with pytest.raises(ValidationError, match="reason"):
        correction(original, id="d3", ts=1.0, reason="")
    with pytest.raises(ValidationError, match="new id"):
        correction(original, id=original.id, ts=1.0, reason="x")


def test_correction_goes_through_the_journal() -> None:
    clock = ManualClock()
    journal = Journal.in_memory(clock=clock, owner="cmd", role="console")
    original = make_decision(clock)
    journal.add_decision(original)
    fixed = correction(original, id="d2", ts=clock.now(), reason="typo", rationale="better")
    journal.correct_decision(original.id, fixed, "typo")
    first, second = journal.decisions()
    assert first.struck_by == "d2" and second.decision == fixed
