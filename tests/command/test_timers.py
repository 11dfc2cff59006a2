"""Timer escalations name the order by its short id in their text (as every view does); the
escalation's order field keeps the full id, and the fold and the report read the short text."""

from __future__ import annotations

from pathlib import Path

import pytest

from command.clock import ManualClock
from command.console_post import ConsolePost
from command.fold import fold
from command.ids import SHORT_ID, short_id
from command.journal import Journal
from command.journal.store import OrderTimes
from command.lifecycle import OrderState, Step
from command.review.report import build_report
from command.signing import Signer
from command.timers import UNDELIVERED_AFTER_S, check_timers
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


def test_open_order_times_agree_between_stores(tmp_path: Path) -> None:
    def times(journal: Journal) -> list[OrderTimes]:
        post = ConsolePost(journal, clock, Signer.generate("commander"), ("g1",), incident())
        first, second, third = post.issue_orders(
            [draft("st-a"), draft("st-b"), draft("st-a")], decision="d", rationale="r"
        )
        journal.record_step(second.order.id, Step.CANCEL, actor="commander")
        out = journal.store.open_order_times()
        journal.close()
        assert [t.order_id for t in out] == [first.order.id, third.order.id]
        return out

    clock = ManualClock()
    memory = times(Journal.in_memory(clock=clock, owner="console", role="console"))
    clock = ManualClock()  # the same instants, so the same times
    on_disk = times(Journal.open(tmp_path / "j.db", clock=clock, owner="console", role="console"))
    assert [t[1:] for t in memory] == [t[1:] for t in on_disk]
    assert {t.state for t in memory} == {OrderState.ISSUED.value}
    assert all(isinstance(v, float) for t in on_disk for v in t[3:])


def test_a_full_scan_reads_whole_only_the_orders_a_timer_fires_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock()
    journal = Journal.open(tmp_path / "j.db", clock=clock, owner="console", role="console")
    post = ConsolePost(journal, clock, Signer.generate("commander"), ("g1",), incident())
    early = post.issue_order(draft("st-a"), decision="d", rationale="r").order
    clock.set(early.issued_at + 20)
    later = post.issue_orders([draft("st-a")] * 3, decision="d", rationale="r")
    read: list[str] = []
    real = journal.store.get_row

    def counted(table: str, key: str) -> dict[str, object] | None:
        if table == "orders":
            read.append(key)
        return real(table, key)

    monkeypatch.setattr(journal.store, "get_row", counted)
    at = early.issued_at + UNDELIVERED_AFTER_S  # only the early order is undelivered yet
    raised = check_timers(journal, at)
    assert [(e.order_id, e.kind.value) for e in raised] == [(early.id, "undelivered")]
    assert read == [early.id]
    read.clear()
    head = journal.head
    assert check_timers(journal, early.issued_at + 1) == []  # nothing due: nothing read
    assert read == [] and journal.head == head
    raised = check_timers(journal, later[0].order.issued_at + UNDELIVERED_AFTER_S)
    assert {e.order_id for e in raised} == {i.order.id for i in later}
    journal.close()
