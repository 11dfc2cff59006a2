"""The journal's hot paths (issue #18): the projections take the writer's typed body instead of
decoding the event again, and the writer's memo of projection rows never outlives a rollback."""

from __future__ import annotations

import json

import pytest

from command.clock import ManualClock
from command.decisions import order_decision
from command.errors import IllegalTransition
from command.journal import Incoming, Journal, StepRequest, core, fold, projections
from command.lifecycle import OrderState, Step
from command.model import Decision, Order
from command.vocabulary import Body, EventLike, decode
from tests.command.journal.helpers import make_order


def _pairs(clock: ManualClock, n: int) -> list[tuple[Order, Decision]]:
    out = []
    for i in range(n):
        order = make_order(clock, station=f"st{i % 2}", text=f"order {i}")
        out.append((order, order_decision(order, rationale="burst", snapshot={"i": i})))
    return out


def _count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def counting(event: EventLike) -> Body:
        seen.append(event.kind)
        return decode(event)

    monkeypatch.setattr(projections, "decode", counting)
    return seen


def test_issue_and_deliver_never_decode_their_own_events(
    journal: Journal, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded = _count_decodes(monkeypatch)
    issued = journal.issue_orders(_pairs(clock, 4))
    journal.record_steps([StepRequest(i.order.id, Step.DELIVER, "st0") for i in issued[:2]])
    journal.step_if(issued[2].order.id, Step.DELIVER, OrderState.ISSUED, actor="st0")
    assert decoded == []
    monkeypatch.undo()
    assert fold(journal.events()) == journal.projection_tables()
    assert [r.state for r in journal.orders()] == [OrderState.DELIVERED] * 3 + [OrderState.ISSUED]


def test_receive_never_decodes_its_own_events(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    station = Journal.in_memory(clock=clock, owner="st0", role="station")
    decoded = _count_decodes(monkeypatch)
    orders = [o for o, _ in _pairs(clock, 3)]
    station.receive_orders([Incoming(o, f"m{k}", "cmd") for k, o in enumerate(orders)])
    assert decoded == []
    monkeypatch.undo()
    assert fold(station.events()) == station.projection_tables()


def test_a_rolled_back_step_leaves_no_row_in_the_memo(journal: Journal, clock: ManualClock) -> None:
    (issued,) = journal.issue_orders(_pairs(clock, 1))
    order_id = issued.order.id
    with journal.transaction():
        journal.record_step(order_id, Step.DELIVER, actor="st0")
        with pytest.raises(IllegalTransition), journal.transaction():
            journal.record_step(order_id, Step.ACKNOWLEDGE, actor="st0")
            # reads (and memoises) the acknowledged row, steps nothing
            assert journal.step_if(order_id, Step.ACCEPT, OrderState.ISSUED, actor="st0") is None
            journal.record_step(order_id, Step.COMPLETE, actor="st0")  # illegal: rolls back
        # the savepoint's acknowledge is gone: the order is delivered, as the store says
        assert journal.step_if(order_id, Step.ACKNOWLEDGE, OrderState.DELIVERED, actor="st0")
    with pytest.raises(RuntimeError), journal.transaction():
        journal.record_step(order_id, Step.ACCEPT, actor="st0")
        assert journal.step_if(order_id, Step.START, OrderState.ISSUED, actor="st0") is None
        raise RuntimeError("the whole transaction rolls back")
    row = journal.order(order_id)
    assert row is not None and row.state is OrderState.ACKNOWLEDGED
    assert journal.step_if(order_id, Step.ACCEPT, OrderState.ACKNOWLEDGED, actor="st0")
    assert fold(journal.events()) == journal.projection_tables()


def test_a_legacy_authority_decline_is_still_read_as_a_rejection(
    journal: Journal, clock: ManualClock
) -> None:
    (issued,) = journal.issue_orders(_pairs(clock, 1))
    order_id = issued.order.id
    journal.record_steps(
        [
            StepRequest(order_id, Step.DELIVER, "st0"),
            StepRequest(order_id, Step.ACKNOWLEDGE, "st0"),
            StepRequest(order_id, Step.DECLINE, "st0", {"reason": "authority:expired"}),
        ]
    )
    assert journal.projection_tables() == fold(journal.events())


def test_events_served_from_memory_are_the_stored_ones(
    journal: Journal, clock: ManualClock
) -> None:
    issued = journal.issue_orders(_pairs(clock, 3))
    journal.record_steps([StepRequest(i.order.id, Step.DELIVER, "st0") for i in issued])
    with pytest.raises(RuntimeError), journal.transaction():
        journal.record_step(issued[0].order.id, Step.ACKNOWLEDGE, actor="st0")
        raise RuntimeError("rolled back: never an event")
    with journal.transaction():
        journal.record_step(issued[1].order.id, Step.ACKNOWLEDGE, actor="st0")
        with pytest.raises(IllegalTransition), journal.transaction():
            journal.record_step(issued[2].order.id, Step.ACKNOWLEDGE, actor="st0")
            journal.record_step(issued[2].order.id, Step.COMPLETE, actor="st0")
    served = [(e.seq, e.kind, e.body, e.hash) for e in journal.events(after_seq=2)]
    stored = [
        (r.seq, r.kind, json.loads(r.body), r.hash) for r in journal.store.select_events(2, None)
    ]
    assert served == stored
    assert [e.kind for e in journal.events(kinds=["order.acknowledge"])] == ["order.acknowledge"]
    assert list(journal.events(after_seq=journal.head[0])) == []


def test_a_transaction_larger_than_the_memory_reads_the_store(
    journal: Journal, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core, "RECENT_EVENTS", 5)
    journal.issue_orders(_pairs(clock, 4))  # 8 events: only the first 5 kept
    journal.issue_orders(_pairs(clock, 1))  # a gap before these: memory starts again
    seqs = [e.seq for e in journal.events()]
    assert seqs == list(range(1, journal.head[0] + 1))
    assert [e.hash for e in journal.events(after_seq=8)] == [
        r.hash for r in journal.store.select_events(8, None)
    ]


def test_an_ack_after_the_burst_finds_its_order_without_asking_the_store(
    journal: Journal, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = journal.issue_orders(_pairs(clock, 3))

    def no_reads(table: str, key: str) -> None:
        raise AssertionError(f"read {table} {key} again")

    monkeypatch.setattr(journal.store, "get_row", no_reads)
    for item in issued:
        assert journal.step_if(item.order.id, Step.DELIVER, OrderState.ISSUED, actor="st0")
    assert journal.step_if(issued[0].order.id, Step.DELIVER, OrderState.ISSUED, actor="st0") is None
    monkeypatch.undo()
    assert fold(journal.events()) == journal.projection_tables()


def test_pending_orders_are_the_queued_ones(journal: Journal, clock: ManualClock) -> None:
    issued = journal.issue_orders(_pairs(clock, 3))
    stored = {r.msg_id: json.loads(r.body) for r in journal.store.select_outbox(None, None, True)}
    assert {m.msg_id: m.body for m in journal.pending()} == stored
    assert journal.mark_acked(issued[0].msg_id)
    assert [m.msg_id for m in journal.pending()] == [i.msg_id for i in issued[1:]]
