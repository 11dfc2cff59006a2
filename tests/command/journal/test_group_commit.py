"""Group commit: many orders, receipts or steps in ONE transaction, on both stores."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from command.clock import ManualClock
from command.decisions import order_decision
from command.errors import IllegalTransition, ValidationError
from command.journal import Incoming, IssuedOrder, Journal, StepRequest, fold
from command.journal.bodies import decision_body, order_body
from command.journal.packed import pack
from command.lifecycle import OrderState, Step
from command.model import Decision, Observation, Order
from tests.command.journal.helpers import make_order


def pairs(clock: ManualClock, n: int, stations: int = 3) -> list[tuple[Order, Decision]]:
    out = []
    for i in range(n):
        order = make_order(clock, station=f"st{i % stations}", text=f"order {i}")
        out.append((order, order_decision(order, rationale="burst", snapshot={"i": i})))
    return out


def snapshot(journal: Journal) -> tuple[Any, ...]:
    return (
        journal.head,
        [e.hash for e in journal.events()],
        journal.projection_tables(),
        journal.pending(),
    )


def test_issue_orders_journals_every_order_in_one_commit(
    journal: Journal, clock: ManualClock
) -> None:
    batch = pairs(clock, 6)
    issued = journal.issue_orders(batch)
    assert [i.order for i in issued] == [o for o, _ in batch]
    assert all(isinstance(i, IssuedOrder) for i in issued)
    assert len({i.msg_id for i in issued}) == 6
    assert [e.kind for e in journal.events()] == ["decision.added", "order.issued"] * 6
    assert [i.seq for i in issued] == [2, 4, 6, 8, 10, 12]
    assert [r.order for r in journal.orders()] == [o for o, _ in batch]
    assert [i.msg_id for i in journal.outbox()] == [i.msg_id for i in issued]
    assert {d.decision.id for d in journal.decisions()} == {d.id for _, d in batch}
    assert fold(journal.events()) == journal.projection_tables()


def test_issue_orders_with_one_shared_decision(journal: Journal, clock: ManualClock) -> None:
    decision_id = "01DECISION0000000000000000"
    first = make_order(clock, decision_id=decision_id)
    second = make_order(clock, decision_id=decision_id, station="security")
    decision = order_decision(first, rationale="both", snapshot={})
    journal.issue_orders([(first, decision), (second, decision)])
    assert [e.kind for e in journal.events()] == ["decision.added", "order.issued", "order.issued"]


def test_issue_orders_of_nothing_writes_nothing(journal: Journal) -> None:
    before = journal.head
    assert journal.issue_orders([]) == []
    assert journal.head == before


_FAULTS = {
    "unsigned": "not signed",
    "wrong decision": "names decision",
    "twice": "twice",
    "already issued": "already in the journal",
}


@pytest.mark.parametrize("fault", ["unsigned", "wrong decision", "twice", "already issued"])
def test_one_bad_order_refuses_the_whole_batch(
    journal: Journal, clock: ManualClock, fault: str
) -> None:
    first = pairs(clock, 1)
    journal.issue_orders(first)
    before = snapshot(journal)
    batch = pairs(clock, 4)
    order = batch[2][0]
    if fault == "unsigned":
        order = make_order(clock, signed=False)
        batch[2] = (order, order_decision(order, rationale="x", snapshot={}))
    elif fault == "wrong decision":
        batch[2] = (order, batch[1][1])
    elif fault == "twice":
        batch[2] = batch[0]
    else:
        batch[2] = first[0]
    with pytest.raises(ValidationError, match=_FAULTS[fault]):
        journal.issue_orders(batch)
    assert snapshot(journal) == before


def test_a_failure_inside_the_commit_rolls_back_the_whole_batch(
    journal: Journal, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(journal)
    store = journal.store
    real = store.insert_outbox
    calls = []

    def failing(row: Any) -> None:
        calls.append(row)
        if len(calls) == 3:
            raise ValidationError("disk said no")
        real(row)

    monkeypatch.setattr(store, "insert_outbox", failing)
    with pytest.raises(ValidationError, match="disk said no"):
        journal.issue_orders(pairs(clock, 5))
    monkeypatch.setattr(store, "insert_outbox", real)
    assert snapshot(journal) == before
    issued = journal.issue_orders(pairs(clock, 2))  # the journal still works, chain intact
    assert [i.seq for i in issued] == [2, 4]


def test_nothing_is_visible_to_a_reader_before_the_commit(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "console.journal"
    writer = Journal.open(path, clock=clock, owner="cmd", role="console")
    reader = Journal.open_readonly(path, clock=clock)
    seen: list[tuple[int, int, int]] = []
    real_commit = writer.store.commit

    def commit() -> None:
        seen.append((reader.head[0], len(reader.orders()), len(reader.pending())))
        real_commit()

    monkeypatch.setattr(writer.store, "commit", commit)
    writer.issue_orders(pairs(clock, 5))
    assert seen == [(0, 0, 0)]
    assert (reader.head[0], len(reader.orders()), len(reader.pending())) == (10, 5, 5)
    reader.close()
    writer.close()


def test_issue_orders_refuses_to_run_inside_a_transaction(
    journal: Journal, clock: ManualClock
) -> None:
    with pytest.raises(RuntimeError), journal.transaction():
        journal.issue_orders(pairs(clock, 1))


def test_record_steps_applies_many_steps_in_one_commit(
    journal: Journal, clock: ManualClock
) -> None:
    issued = journal.issue_orders(pairs(clock, 3))
    ids = [i.order.id for i in issued]
    states = journal.record_steps(
        [
            StepRequest(ids[0], Step.DELIVER, "st0"),
            StepRequest(ids[1], Step.DELIVER, "st1", {"via": "radio"}, ts=clock.now() + 1),
            StepRequest(ids[0], Step.ACKNOWLEDGE, "st0"),
            StepRequest(ids[0], Step.ACCEPT, "st0"),
        ]
    )
    assert states == [
        OrderState.DELIVERED,
        OrderState.DELIVERED,
        OrderState.ACKNOWLEDGED,
        OrderState.ACCEPTED,
    ]
    assert [r.state for r in journal.orders()] == [
        OrderState.ACCEPTED,
        OrderState.DELIVERED,
        OrderState.ISSUED,
    ]
    assert journal.order(ids[1]).detail == {"via": "radio"}  # type: ignore[union-attr]
    assert [i.order.id for i in journal.outbox()] == [ids[2]]
    assert fold(journal.events()) == journal.projection_tables()


@pytest.mark.parametrize("bad", ["illegal", "unknown"])
def test_one_bad_step_rolls_back_the_whole_batch(
    journal: Journal, clock: ManualClock, bad: str
) -> None:
    issued = journal.issue_orders(pairs(clock, 2))
    before = snapshot(journal)
    last = (
        StepRequest(issued[1].order.id, Step.COMPLETE, "st1")
        if bad == "illegal"
        else StepRequest("no-such-order", Step.DELIVER, "st1")
    )
    steps = [StepRequest(issued[0].order.id, Step.DELIVER, "st0"), last]
    with pytest.raises(IllegalTransition if bad == "illegal" else ValidationError):
        journal.record_steps(steps)
    assert snapshot(journal) == before


def test_receive_orders_journals_each_once(station_journal: Journal, clock: ManualClock) -> None:
    orders = [make_order(clock, station="traffic", text=f"o{i}") for i in range(3)]
    rows = station_journal.receive_orders(
        [
            Incoming(orders[0], "m0", "cmd"),
            Incoming(orders[1], "m1", "cmd", ts=clock.now() + 5),
            Incoming(orders[0], "m0", "cmd"),  # the same message again
            Incoming(orders[0], "m9", "cmd"),  # the same order in another message
            Incoming(orders[2], "m2", "cmd"),
        ]
    )
    assert [None if r is None else r.order for r in rows] == [
        orders[0],
        orders[1],
        None,
        None,
        orders[2],
    ]
    assert rows[1] is not None and rows[1].updated_at == clock.now() + 5
    assert all(r is None or r.state is OrderState.DELIVERED for r in rows)
    assert [r for r in rows if r is not None] == [station_journal.order(o.id) for o in orders]
    assert [e.kind for e in station_journal.events()] == ["order.received"] * 3
    again = station_journal.receive_orders([Incoming(orders[1], "m1", "cmd")])
    assert again == [None]
    assert fold(station_journal.events()) == station_journal.projection_tables()


def test_receive_orders_rolls_back_on_a_malformed_order(
    station_journal: Journal, clock: ManualClock
) -> None:
    good = make_order(clock)
    bad = replace(make_order(clock), params={"x": float("nan")})
    before = snapshot(station_journal)
    with pytest.raises(ValidationError, match="not JSON"):
        station_journal.receive_orders([Incoming(good, "m0", "cmd"), Incoming(bad, "m1", "cmd")])
    assert snapshot(station_journal) == before
    assert station_journal.receive_orders([Incoming(good, "m0", "cmd")])[0] is not None


def test_fast_bodies_equal_to_dict(clock: ManualClock) -> None:
    order = make_order(clock)
    decision = order_decision(order, rationale="r", snapshot={"z": {"level": "red"}})
    assert order_body(order) == order.to_dict()
    assert decision_body(decision) == decision.to_dict()


def test_observations_with_int_times_and_values_are_stored_as_floats(
    journal: Journal, clock: ManualClock
) -> None:
    batch = [Observation(1_760_000_000, "cam", "bridge", "count", 7, "cam1")]
    event = journal.add_observations(batch)
    as_floats = [Observation(1_760_000_000.0, "cam", "bridge", "count", 7.0, "cam1")]
    assert event.body["digest"] == pack(as_floats).digest
    stored = journal.observations()
    assert stored == batch
    assert all(type(o.ts) is float and type(o.value) is float for o in stored)


def test_empty_batches_write_nothing(journal: Journal) -> None:
    before = snapshot(journal)
    assert journal.record_steps([]) == []
    assert journal.receive_orders([]) == []
    assert snapshot(journal) == before
