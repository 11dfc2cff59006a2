"""Timer escalations name the order by its short id in their text (as every view does); the
escalation's order field keeps the full id, and the fold and the report read the short text."""

from __future__ import annotations

from command.clock import ManualClock
from command.console_post import ConsolePost
from command.fold import fold
from command.ids import SHORT_ID, short_id
from command.journal import Journal
from command.review.report import build_report
from command.signing import Signer
from command.vocabulary import Kind
from tests.protocols.wiring import draft, incident


def test_escalation_text_carries_the_short_order_id() -> None:
    clock = ManualClock()
    journal = Journal.in_memory(clock=clock, owner="console", role="console")
    post = ConsolePost(journal, clock, Signer.generate("commander"), ("g1",), incident())
    order = post.issue_order(draft("st-a"), decision="d", rationale="r").order
    assert len(order.id) > SHORT_ID
    raised = post.check_timers(order.ack_deadline + 1)  # undelivered and not accepted
    assert {e.kind.value for e in raised} == {"undelivered", "not_accepted"}
    for esc in raised:
        assert esc.order_id == order.id  # the field: the full id
        assert f"order {short_id(order.id)} " in esc.message
        assert order.id not in esc.message
    events = list(journal.events())
    bodies = [e.body for e in events if e.kind == Kind.ESCALATION_RAISED]
    assert bodies and all(order.id not in str(b.get("message", "")) for b in bodies)
    state = fold(events)
    assert all(order.id not in e.message for e in state.escalations.rows)
    report = build_report(state, integrity="ok", integrity_ok=True)
    texts = [text for _, _, text in report.escalations]
    assert texts and all(short_id(order.id) in t and order.id not in t for t in texts)
