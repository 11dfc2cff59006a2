"""A suggestion's outcome and the orders it issues are ONE decision in ONE commit, whoever acts.

The console node approves or edits a playbook suggestion (the commander's ApproveSuggestion /
EditSuggestion, and the headless demo's autopilot) by journaling `suggestion.approved|edited`,
one decision entry naming every order, and the orders, together: a draft that cannot be issued
leaves no outcome, no decision and no order behind, and the suggestion open to act on again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zmq

from command.clock import ManualClock
from command.drafts import OrderDraft
from command.errors import ValidationError
from command.model import DecisionKind, Priority
from command.picture.engine import PictureEngine
from command.picture.playbooks import Suggestion, SuggestionError
from command.scenarios.loader import load_scenario
from protocols.commands import ApproveSuggestion, CommandFailed, DismissSuggestion, EditSuggestion
from protocols.nodes import ConsoleNode, ConsoleSettings
from protocols.runtime.console import RuntimeNode
from protocols.security import CurveKeys
from tests.protocols.wiring import console_settings

HOLD = OrderDraft(
    "security",
    "hold_entry",
    "chenyi",
    {"gates": "all entrances to Chenyi Square", "duration_min": 20},
    Priority.IMMEDIATE,
    "Hold entry at every gate of Chenyi Square; let people leave.",
)
DIM = OrderDraft(
    "lighting", "dim_show", "chenyi", {"level_percent": 30, "fade_s": 60}, Priority.URGENT
)
APPROVED_TWO_ORDERS = [
    "suggestion.proposed",
    "suggestion.approved",
    "decision.added",
    "order.issued",
    "order.issued",
]


def bund_settings(tmp_path: Path) -> ConsoleSettings:
    """A console on the bund scenario with its picture engine, on a manual clock."""
    scenario = load_scenario("bund")
    clock = ManualClock(scenario.start)
    return console_settings(
        clock,
        CurveKeys.generate(),
        journal_path=tmp_path / "console.db",
        incident=scenario.incident,
        picture_factory=lambda j: PictureEngine(scenario, clock=clock, journal=j),
    )


@pytest.fixture
def node(tmp_path: Path) -> Iterator[ConsoleNode]:
    """A console node on the bund scenario with its picture engine, driven from this thread."""
    context: zmq.Context[Any] = zmq.Context()
    console = ConsoleNode(context, bund_settings(tmp_path))
    try:
        yield console
    finally:
        console.close()
        context.destroy(linger=0)


def propose(node: ConsoleNode, *orders: OrderDraft) -> Suggestion:
    """Put a suggestion of `orders` before the commander (as a playbook would)."""
    assert node.picture is not None
    now = node.settings.clock.now()
    return node.picture.book.propose(
        Suggestion(
            id=f"sg-{len(node.picture.book.all()) + 1}",
            playbook="density_orange_hold_entry",
            title="Crowd density orange - hold entry and dim the show",
            ts=now,
            reason="Crowd density in Chenyi Square reached orange.",
            orders=orders,
            zone="chenyi",
        )
    )


def journal_of(node: ConsoleNode) -> tuple[list[str], list[dict[str, Any]]]:
    """The kinds of the suggestion, decision and order events so far, and the decision bodies."""
    kinds = [
        e.kind
        for e in node.journal.events()
        if e.kind.startswith(("suggestion.", "decision.", "order.issued"))
    ]
    decisions = [e.body["decision"] for e in node.journal.events(kinds=["decision.added"])]
    return kinds, decisions


def test_approving_journals_one_decision_for_all_its_orders_in_one_commit(
    node: ConsoleNode,
) -> None:
    s = propose(node, HOLD, DIM)
    head = node.journal.head[0]
    issued = node.approve_suggestion(ApproveSuggestion(s.id, "as planned"))
    assert [i.order.kind for i in issued] == ["hold_entry", "dim_show"]
    kinds, decisions = journal_of(node)
    assert kinds == APPROVED_TWO_ORDERS
    (decision,) = decisions
    assert decision["kind"] == DecisionKind.SUGGESTION.value
    assert decision["order_ids"] == [i.order.id for i in issued]
    assert {i.order.decision_id for i in issued} == {decision["id"]}
    assert "Crowd density orange" in decision["decision"] and "approved" in decision["decision"]
    assert decision["rationale"] == "as planned"
    assert decision["information"] == s.reason
    # one commit: the outcome and the orders are one transaction, nothing in between
    seqs = [e.seq for e in node.journal.events(after_seq=head)]
    assert seqs == list(range(head + 1, head + 1 + len(seqs)))


def test_a_draft_that_cannot_be_issued_leaves_no_approval_and_the_suggestion_open(
    node: ConsoleNode,
) -> None:
    from dataclasses import replace

    s = propose(node, HOLD, replace(DIM, zone="no_such_zone"))
    with pytest.raises(ValidationError, match="no_such_zone"):
        node.approve_suggestion(ApproveSuggestion(s.id))
    kinds, decisions = journal_of(node)
    assert kinds == ["suggestion.proposed"] and decisions == []
    assert node.journal.orders() == []
    assert node.picture is not None and node.picture.book.status(s.id) == "open"


def test_an_edit_naming_an_unknown_zone_is_refused_whole(node: ConsoleNode) -> None:
    from dataclasses import replace

    s = propose(node, HOLD, DIM)
    with pytest.raises(ValidationError, match="elsewhere"):
        node.edit_suggestion(
            EditSuggestion(s.id, (HOLD, replace(DIM, zone="elsewhere")), "dim further away")
        )
    kinds, _ = journal_of(node)
    assert kinds == ["suggestion.proposed"] and node.journal.orders() == []
    # still open: the commander may approve it as proposed after all
    issued = node.edit_suggestion(
        EditSuggestion(s.id, (HOLD, replace(DIM, params={"level_percent": 20})), "dimmer")
    )
    assert [i.order.params.get("level_percent") for i in issued] == [None, 20]
    kinds, decisions = journal_of(node)
    assert kinds[1:] == ["suggestion.edited", "decision.added", "order.issued", "order.issued"]
    assert decisions[0]["rationale"] == "dimmer" and "changes" in decisions[0]["decision"]


def runtime_node(tmp_path: Path, context: zmq.Context[Any]) -> RuntimeNode:
    """The demo's console node on bund with its autopilot (approves after 20 s)."""
    settings = bund_settings(tmp_path)
    return RuntimeNode(
        context,
        settings,
        opened={"incident": {"id": settings.incident.id}},
        chain=(),
        autopilot_delay_s=20.0,
    )


def test_the_autopilot_approves_through_the_same_one_commit(tmp_path: Path) -> None:
    """The headless demo's approvals read like the commander's: one decision per suggestion."""
    context: zmq.Context[Any] = zmq.Context()
    node = runtime_node(tmp_path, context)
    clock = node.settings.clock
    assert isinstance(clock, ManualClock)
    try:
        s = propose(node, HOLD, DIM)
        clock.advance(21.0)
        node.tick(clock.now())
        kinds, decisions = journal_of(node)
        assert kinds == APPROVED_TWO_ORDERS
        (decision,) = decisions
        assert len(decision["order_ids"]) == 2 and decision["information"] == s.reason
        assert decision["rationale"] == "approved by autopilot (headless demo)"
    finally:
        node.close()
        context.destroy(linger=0)


def test_the_autopilot_reports_a_refused_suggestion_once_and_leaves_it_open(
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    context: zmq.Context[Any] = zmq.Context()
    node = runtime_node(tmp_path, context)
    clock = node.settings.clock
    assert isinstance(clock, ManualClock)
    try:
        s = propose(node, HOLD, replace(DIM, zone="no_such_zone"))
        for _ in range(3):
            clock.advance(21.0)
            node.tick(clock.now())
        failures = [u for u in node.drain_updates() if isinstance(u, CommandFailed)]
        assert len(failures) == 1 and "no_such_zone" in failures[0].text
        assert s.id in failures[0].text
        kinds, _ = journal_of(node)
        assert kinds == ["suggestion.proposed"] and node.journal.orders() == []
        assert node.picture is not None and node.picture.book.status(s.id) == "open"
    finally:
        node.close()
        context.destroy(linger=0)


def test_dismissing_is_a_decision_journaled_with_the_outcome(node: ConsoleNode) -> None:
    """Turning a suggestion down is a decision a reviewer must find in the log, with its why."""
    s = propose(node, HOLD, DIM)
    with pytest.raises(SuggestionError, match="say why"):
        node.dismiss_suggestion(DismissSuggestion(s.id, "  "))
    assert journal_of(node) == (["suggestion.proposed"], [])
    head = node.journal.head[0]
    node.dismiss_suggestion(DismissSuggestion(s.id, "the crowd is already leaving"))
    kinds, decisions = journal_of(node)
    assert kinds == ["suggestion.proposed", "suggestion.dismissed", "decision.added"]
    (decision,) = decisions
    assert decision["kind"] == DecisionKind.SUGGESTION.value and decision["order_ids"] == []
    assert decision["decision"].endswith("(playbook density_orange_hold_entry): dismissed")
    assert decision["rationale"] == "the crowd is already leaving"
    assert decision["information"] == s.reason
    after = [e.kind for e in node.journal.events(after_seq=head) if e.kind != "picture.values"]
    assert after == ["suggestion.dismissed", "decision.added"] and node.journal.orders() == []
    assert node.picture is not None and node.picture.book.status(s.id) == "dismissed"


def test_after_a_handover_the_autopilot_approves_in_the_new_commanders_name(
    tmp_path: Path,
) -> None:
    """The decision entry, the suggestion's outcome and the orders all name the commander who
    holds the post now (and signs the orders), not the one who held it when the pilot began."""
    from command.signing import Signer
    from protocols.commands import SendHandover

    context: zmq.Context[Any] = zmq.Context()
    node = runtime_node(tmp_path, context)
    clock = node.settings.clock
    assert isinstance(clock, ManualClock)
    try:
        before = node.post.commander
        successor = Signer.generate("night_chief")
        node.send_handover(SendHandover(documents=(), rechained=(), signer=successor))
        propose(node, HOLD, DIM)
        clock.advance(21.0)
        node.tick(clock.now())
        kinds, decisions = journal_of(node)
        assert kinds == APPROVED_TWO_ORDERS
        (decision,) = decisions
        assert decision["author"] == "night_chief" != before
        (outcome,) = node.journal.events(kinds=["suggestion.approved"])
        assert outcome.actor == "night_chief"
        orders = node.journal.orders()
        assert {row.order.commander for row in orders} == {"night_chief"}
    finally:
        node.close()
        context.destroy(linger=0)
