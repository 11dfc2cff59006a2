"""The Journal contract, run against both stores (see conftest: sqlite and memory)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from command.canonical import canonical_bytes
from command.clock import ManualClock
from command.errors import IllegalTransition, JournalError, ValidationError
from command.journal import GENESIS, IssuedOrder, Journal, fold
from command.journal.chain import checkpoint_payload, event_hash
from command.journal.packed import pack
from command.lifecycle import OrderState, Step
from command.model import DecisionKind, Escalation, EscalationKind, Observation
from command.signing import Signer, verify_signature
from command.timers import check_timers
from tests.command.journal.helpers import (
    issue,
    make_decision,
    make_order,
    observations,
)


def kinds(journal: Journal) -> list[str]:
    return [e.kind for e in journal.events()]


# -- events and transactions ------------------------------------------------------------------


def test_empty_journal_head_is_genesis(journal: Journal) -> None:
    assert journal.head == (0, GENESIS)
    assert list(journal.events()) == []


def test_append_chains_events(journal: Journal, clock: ManualClock) -> None:
    first = journal.append("link.up", {"peer": "traffic"})
    clock.advance(2)
    second = journal.append("link.down", {"peer": "traffic"}, actor="wire", incident="inc")
    assert (first.seq, first.prev_hash, first.actor, first.ts) == (
        1,
        GENESIS,
        "cmd",
        clock.now() - 2,
    )
    assert second.prev_hash == first.hash
    body = canonical_bytes(second.body).decode()
    assert second.hash == event_hash(first.hash, 2, second.ts, "wire", "link.down", "inc", body)
    assert journal.head == (2, second.hash)
    assert list(journal.events()) == [first, second]


def test_event_hash_is_sha256_of_prev_and_canonical_event() -> None:
    import hashlib

    body = {"b": [1, 2.5], "a": "é"}
    expected = hashlib.sha256(
        GENESIS.encode()
        + canonical_bytes(
            {"seq": 1, "ts": 1.5, "actor": "x", "kind": "k", "incident": "", "body": body}
        )
    ).hexdigest()
    assert event_hash(GENESIS, 1, 1.5, "x", "k", "", canonical_bytes(body).decode()) == expected


def test_events_filters_by_seq_and_kind(journal: Journal) -> None:
    for kind in ("a.x", "b.y", "a.x", "c.z"):
        journal.append(kind, {})
    assert [e.seq for e in journal.events(after_seq=2)] == [3, 4]
    assert [e.seq for e in journal.events(kinds=["a.x", "c.z"])] == [1, 3, 4]


def test_explicit_ts_is_kept(journal: Journal) -> None:
    assert journal.append("x.y", {}, ts=5).ts == 5.0


class SetBackClock:
    """A wall clock that can be set back (an NTP step, a VM resumed)."""

    def __init__(self, t: float) -> None:
        self.t = t

    def now(self) -> float:
        """The time it was set to."""
        return self.t


@pytest.mark.parametrize("store", ["sqlite", "memory"])
def test_journal_time_never_steps_back(tmp_path: Path, store: str) -> None:
    """A `ts` before the head event's, or a clock set back, is stamped with the head's time:
    replay at T folds a prefix, so no event may be earlier than one journaled before it."""
    clock = SetBackClock(1000.0)
    journal = (
        Journal.open(tmp_path / "c.journal", clock=clock, owner="cmd", role="console")
        if store == "sqlite"
        else Journal.in_memory(clock=clock, owner="cmd", role="console")
    )
    try:
        first = journal.append("x.y", {"n": 1})
        assert journal.append("x.y", {"n": 2}, ts=400.0).ts == first.ts == 1000.0
        clock.t = 990.0
        assert journal.append("x.y", {"n": 3}).ts == 1000.0
        assert journal.stamp(995.0) == 1000.0 and journal.stamp(1005.0) == 1005.0
        assert journal.append("x.y", {"n": 4}, ts=1005.0).ts == 1005.0
        times = [e.ts for e in journal.events()]
        assert times == sorted(times) == [1000.0, 1000.0, 1000.0, 1005.0]
    finally:
        journal.close()


def test_journal_time_floor_survives_reopen_and_rollback(tmp_path: Path) -> None:
    """The floor is the head event's time as the file holds it: read back after a reopen, and
    after a rollback it is the surviving head's, not the rolled-back event's."""
    path = tmp_path / "console.journal"
    j = Journal.open(path, clock=SetBackClock(2000.0), owner="cmd", role="console")
    j.append("x.y", {})
    j.close()
    j = Journal.open(path, clock=SetBackClock(1500.0), owner="cmd", role="console")
    try:
        assert j.append("x.y", {}).ts == 2000.0
        with pytest.raises(RuntimeError), j.transaction():
            j.append("x.y", {}, ts=3000.0)
            raise RuntimeError("boom")
        assert j.stamp(2500.0) == 2500.0
        assert j.append("x.y", {}, ts=2500.0).ts == 2500.0
    finally:
        j.close()


def test_transaction_commits_together(journal: Journal) -> None:
    with journal.transaction():
        journal.append("a.b", {"n": 1})
        journal.append("a.b", {"n": 2})
    assert [e.body["n"] for e in journal.events()] == [1, 2]


def test_failed_transaction_leaves_nothing(journal: Journal, clock: ManualClock) -> None:
    journal.append("a.b", {"n": 0})
    head = journal.head
    with pytest.raises(RuntimeError), journal.transaction():
        journal.append("a.b", {"n": 1})
        journal.add_decision(make_decision(clock))
        journal.enqueue("traffic", "report", {"x": 1})
        raise RuntimeError("boom")
    assert journal.head == head
    assert kinds(journal) == ["a.b"]
    assert journal.decisions() == []
    assert journal.pending() == []
    journal.append("a.b", {"n": 2})
    assert [e.seq for e in journal.events()] == [1, 2]


def test_nested_failure_undoes_only_the_inner_block(journal: Journal) -> None:
    with journal.transaction():
        journal.append("a.b", {"n": 1})
        with pytest.raises(ValueError), journal.transaction():
            journal.append("a.b", {"n": 2})
            raise ValueError("inner")
        journal.append("a.b", {"n": 3})
    assert [(e.seq, e.body["n"]) for e in journal.events()] == [(1, 1), (2, 3)]


def test_body_that_is_not_json_is_refused(journal: Journal) -> None:
    with pytest.raises(ValidationError, match="not JSON"):
        journal.append("a.b", {"x": math.nan})
    with pytest.raises(ValidationError, match="not JSON"):
        journal.append("a.b", {"x": object()})
    assert journal.head == (0, GENESIS)


def test_known_kind_with_malformed_body_is_refused(journal: Journal) -> None:
    with pytest.raises(ValidationError, match="malformed"):
        journal.append("decision.added", {"nope": 1})
    assert journal.head == (0, GENESIS)


def test_closed_journal_refuses_writes(journal: Journal) -> None:
    journal.close()
    with pytest.raises(JournalError, match="closed"):
        journal.append("a.b", {})


# -- orders -----------------------------------------------------------------------------------


def test_issue_order_logs_decision_order_and_outbox_in_one_commit(
    journal: Journal, clock: ManualClock
) -> None:
    issued = issue(journal, clock)
    assert kinds(journal) == ["decision.added", "order.issued"]
    issued_event = next(iter(journal.events(kinds=["order.issued"])))
    assert issued.seq == issued_event.seq
    assert issued_event.body == {"order": issued.order.to_dict(), "msg_id": issued.msg_id}
    assert journal.outbox() == [issued]
    assert journal.outbox("security") == []
    [message] = journal.pending("traffic")
    assert (message.msg_id, message.msg_type, message.seq) == (issued.msg_id, "order", issued.seq)
    assert message.body == {"order": issued.order.to_dict()}
    row = journal.order(issued.order.id)
    assert row is not None and row.state is OrderState.ISSUED and row.order == issued.order
    [entry] = journal.decisions()
    assert entry.decision.kind is DecisionKind.ORDER
    assert entry.decision.order_ids == (issued.order.id,)


def test_unsigned_order_is_refused_and_nothing_written(
    journal: Journal, clock: ManualClock
) -> None:
    with pytest.raises(ValidationError, match="not signed"):
        issue(journal, clock, signed=False)
    assert journal.head == (0, GENESIS)
    assert journal.outbox() == [] and journal.pending() == []


def test_order_must_name_its_decision(journal: Journal, clock: ManualClock) -> None:
    order = make_order(clock)
    with pytest.raises(ValidationError, match="names decision"):
        journal.issue_order(order, make_decision(clock))


def test_order_is_issued_once(journal: Journal, clock: ManualClock) -> None:
    issued = issue(journal, clock)
    decision = journal.decisions()[0].decision
    with pytest.raises(ValidationError, match="already"):
        journal.issue_order(issued.order, decision)


def test_one_decision_may_cover_several_orders(journal: Journal, clock: ManualClock) -> None:
    first = make_order(clock)
    second = make_order(clock, station="security", decision_id=first.decision_id)
    from command.decisions import order_decision

    decision = order_decision(first, rationale="both lanes", snapshot={})
    journal.issue_order(first, decision)
    journal.issue_order(second, decision)
    assert kinds(journal) == ["decision.added", "order.issued", "order.issued"]


def test_issued_order_cannot_be_forged(clock: ManualClock) -> None:
    with pytest.raises(TypeError, match="committed"):
        IssuedOrder(make_order(clock), "m1", 1)


def test_issue_order_refuses_to_run_inside_a_transaction(
    journal: Journal, clock: ManualClock
) -> None:
    with pytest.raises(RuntimeError, match="outside"), journal.transaction():
        issue(journal, clock)
    assert journal.head == (0, GENESIS)


def test_order_lifecycle_steps_are_journaled(journal: Journal, clock: ManualClock) -> None:
    order_id = issue(journal, clock).order.id
    steps = [Step.DELIVER, Step.ACKNOWLEDGE, Step.ACCEPT, Step.START, Step.PROGRESS]
    for step in steps:
        clock.advance(1)
        journal.record_step(order_id, step, actor="traffic", detail={"note": step.value})
    assert journal.record_step(order_id, Step.COMPLETE, actor="traffic") is OrderState.COMPLETED
    events = list(journal.events(kinds=[f"order.{s.value}" for s in [*steps, Step.COMPLETE]]))
    assert [e.body["state"] for e in events] == [
        "delivered",
        "acknowledged",
        "accepted",
        "in_progress",
        "in_progress",
        "completed",
    ]
    assert {e.actor for e in events} == {"traffic"}
    assert journal.outbox() == []
    row = journal.order(order_id)
    assert row is not None and row.state is OrderState.COMPLETED
    assert journal.orders(open_only=True) == []


def test_illegal_step_raises_and_journals_nothing(journal: Journal, clock: ManualClock) -> None:
    order_id = issue(journal, clock).order.id
    head = journal.head
    with pytest.raises(IllegalTransition):
        journal.record_step(order_id, Step.COMPLETE, actor="traffic")
    assert journal.head == head


def test_step_for_unknown_order_is_refused(journal: Journal) -> None:
    with pytest.raises(ValidationError, match="not in this journal"):
        journal.record_step("nope", Step.DELIVER, actor="x")


def test_orders_filter_by_station_and_openness(journal: Journal, clock: ManualClock) -> None:
    a = issue(journal, clock).order.id
    b = issue(journal, clock, station="security").order.id
    journal.record_step(a, Step.CANCEL, actor="cmd", detail={"reason": "not needed"})
    assert [r.order.id for r in journal.orders()] == [a, b]
    assert [r.order.id for r in journal.orders(station="security")] == [b]
    assert [r.order.id for r in journal.orders(open_only=True)] == [b]
    row = journal.order(a)
    assert row is not None and row.detail == {"reason": "not needed"}


def test_station_receives_an_order_once(station_journal: Journal, clock: ManualClock) -> None:
    order = make_order(clock)
    row = station_journal.receive_order(order, msg_id="m1", peer="console")
    assert row is not None and row.state is OrderState.DELIVERED and row.msg_id == "m1"
    assert station_journal.receive_order(order, msg_id="m1", peer="console") is None
    assert station_journal.receive_order(order, msg_id="m2", peer="console") is None
    [event] = list(station_journal.events())
    assert event.kind == "order.received" and event.body["peer"] == "console"
    assert station_journal.record_step(order.id, Step.ACKNOWLEDGE, actor="op") is (
        OrderState.ACKNOWLEDGED
    )


# -- messaging --------------------------------------------------------------------------------


def test_enqueue_pending_and_ack(journal: Journal) -> None:
    with journal.transaction():
        event = journal.append("order.cancel", {"order_id": "x"})
        msg_id = journal.enqueue("traffic", "cancel", {"order_id": "x"})
    [message] = journal.pending()
    assert (message.msg_id, message.peer, message.seq) == (msg_id, "traffic", event.seq)
    assert journal.pending("security") == []
    assert journal.mark_acked(msg_id) is True
    assert journal.mark_acked(msg_id) is False
    assert journal.mark_acked("unknown") is False
    assert journal.pending() == []


def test_pending_is_in_seq_order(journal: Journal) -> None:
    ids = []
    for n in range(3):
        with journal.transaction():
            journal.append("report.x", {"n": n})
            ids.append(journal.enqueue("console", "report", {"n": n}))
    assert [m.msg_id for m in journal.pending()] == ids


def test_mark_received_dedupes(journal: Journal) -> None:
    assert journal.mark_received("m1", "traffic") is True
    assert journal.mark_received("m1", "traffic") is False
    assert journal.mark_received("m2", "traffic") is True


# -- decisions --------------------------------------------------------------------------------


def test_add_decision(journal: Journal, clock: ManualClock) -> None:
    decision = make_decision(clock)
    event = journal.add_decision(decision)
    assert event.kind == "decision.added" and event.body == {"decision": decision.to_dict()}
    assert [r.decision for r in journal.decisions()] == [decision]
    with pytest.raises(ValidationError, match="already"):
        journal.add_decision(decision)


def test_correction_appends_and_strikes_through(journal: Journal, clock: ManualClock) -> None:
    original = make_decision(clock)
    added = journal.add_decision(original)
    clock.advance(5)
    fixed = make_decision(clock, text="hold the crowd at the south bridge")
    event = journal.correct_decision(original.id, fixed, "wrong bridge")
    assert event.kind == "decision.corrected"
    assert event.body["corrects"] == original.id and event.body["reason"] == "wrong bridge"
    first, second = journal.decisions()
    assert first.decision == original
    assert (first.struck_by, first.struck_reason) == (fixed.id, "wrong bridge")
    assert second.decision.kind is DecisionKind.CORRECTION
    assert second.decision.corrects == original.id and second.struck_by is None
    # nothing in events was rewritten
    assert next(journal.events()) == added


def test_bad_corrections_are_refused(journal: Journal, clock: ManualClock) -> None:
    original = make_decision(clock)
    journal.add_decision(original)
    with pytest.raises(ValidationError, match="not in the log"):
        journal.correct_decision("unknown", make_decision(clock), "why")
    with pytest.raises(ValidationError, match="reason"):
        journal.correct_decision(original.id, make_decision(clock), "  ")
    fix = make_decision(clock)
    journal.correct_decision(original.id, fix, "typo")
    with pytest.raises(ValidationError, match="already corrected"):
        journal.correct_decision(original.id, make_decision(clock), "again")
    with pytest.raises(ValidationError, match="already in the log"):
        journal.correct_decision(fix.id, fix, "same id")
    from dataclasses import replace

    with pytest.raises(ValidationError, match="correct_decision"):
        journal.add_decision(replace(make_decision(clock), kind=DecisionKind.CORRECTION))


# -- stations ---------------------------------------------------------------------------------


def test_station_status_and_presence(journal: Journal, clock: ManualClock) -> None:
    assert journal.set_station_status("traffic", True, detail="link up") is not None
    assert journal.set_station_status("traffic", True) is None
    clock.advance(3)
    offline = journal.set_station_status("traffic", False)
    assert offline is not None and offline.kind == "station.offline"
    journal.touch_station("metro", 10.0)
    journal.touch_station("metro", 5.0)
    journal.touch_station("traffic", 7.0)
    traffic, metro = sorted(journal.stations(), key=lambda s: s.station != "traffic")
    assert (traffic.online, traffic.since, traffic.last_heard) == (False, clock.now(), 7.0)
    assert (metro.online, metro.since, metro.last_heard) == (False, None, 10.0)
    assert kinds(journal) == ["station.online", "station.offline"]


# -- escalations and timers -------------------------------------------------------------------


def test_raise_and_resolve_escalation(journal: Journal, clock: ManualClock) -> None:
    esc = Escalation("e1", "o1", "traffic", EscalationKind.OVERDUE, clock.now(), "late")
    journal.raise_escalation(esc)
    with pytest.raises(ValidationError, match="already"):
        journal.raise_escalation(esc)
    assert journal.escalations() == [esc]
    clock.advance(1)
    assert journal.resolve_escalation("e1") is not None
    assert journal.resolve_escalation("e1") is None
    assert journal.escalations() == []
    [resolved] = journal.escalations(open_only=False)
    assert resolved.resolved_at == clock.now()
    with pytest.raises(ValidationError, match="not in the journal"):
        journal.resolve_escalation("nope")


def test_undelivered_escalation_is_raised_once_and_resolved_by_delivery(
    journal: Journal, clock: ManualClock
) -> None:
    order_id = issue(journal, clock).order.id
    assert check_timers(journal, clock.advance(29)) == []
    [esc] = check_timers(journal, clock.advance(1))
    assert (esc.kind, esc.order_id, esc.station) == (
        EscalationKind.UNDELIVERED,
        order_id,
        "traffic",
    )
    assert check_timers(journal, clock.advance(5)) == []
    journal.record_step(order_id, Step.DELIVER, actor="traffic")
    assert journal.escalations() == []
    assert check_timers(journal, clock.advance(5)) == []
    assert kinds(journal).count("escalation.raised") == 1
    assert kinds(journal).count("escalation.resolved") == 1


def test_not_accepted_then_expired(journal: Journal, clock: ManualClock) -> None:
    order_id = issue(journal, clock, ack_s=60, due_s=300).order.id
    journal.record_step(order_id, Step.DELIVER, actor="traffic")
    [esc] = check_timers(journal, clock.advance(60))
    assert esc.kind is EscalationKind.NOT_ACCEPTED
    assert check_timers(journal, clock.advance(239)) == []
    assert check_timers(journal, clock.advance(1)) == []
    row = journal.order(order_id)
    assert row is not None and row.state is OrderState.EXPIRED
    assert journal.escalations() == []
    assert kinds(journal)[-2:] == ["order.expire", "escalation.resolved"]


def test_overdue_when_accepted_but_not_completed(journal: Journal, clock: ManualClock) -> None:
    order_id = issue(journal, clock, ack_s=60, due_s=300).order.id
    for step in (Step.DELIVER, Step.ACKNOWLEDGE, Step.ACCEPT):
        journal.record_step(order_id, step, actor="traffic")
    [esc] = check_timers(journal, clock.advance(300))
    assert esc.kind is EscalationKind.OVERDUE
    journal.record_step(order_id, Step.COMPLETE, actor="traffic")
    assert journal.escalations() == []


# -- observations and checkpoints -------------------------------------------------------------


def test_observation_batch(journal: Journal, clock: ManualClock) -> None:
    batch = observations(clock, 3) + observations(clock, 2, zone="bridge")
    event = journal.add_observations(batch)
    assert event.body == {
        "count": 5,
        "first_ts": clock.now(),
        "last_ts": clock.now() + 2,
        "digest": pack(batch).digest,
    }
    assert len(journal.observations()) == 5
    assert journal.observations(zone="bridge", metric="count") == batch[3:]
    assert [o.ts for o in journal.observations(since=clock.now() + 1, until=clock.now() + 1)] == [
        clock.now() + 1,
        clock.now() + 1,
    ]


def test_bad_observation_batches_write_nothing(journal: Journal, clock: ManualClock) -> None:
    with pytest.raises(ValidationError, match="at least one"):
        journal.add_observations([])
    bad = [Observation(clock.now(), "crowd", "z", "count", math.inf, "cam")]
    with pytest.raises(ValidationError, match="finite"):
        journal.add_observations(bad)
    assert journal.head == (0, GENESIS) and journal.observations() == []


def test_checkpoint_signs_the_head(journal: Journal, signer: Signer) -> None:
    journal.append("a.b", {})
    seq, digest = journal.head
    event = journal.checkpoint(signer)
    assert (event.body["head_seq"], event.body["head_hash"]) == (seq, digest)
    assert event.body["key"] == signer.public_hex
    assert verify_signature(
        signer.public_hex, checkpoint_payload(seq, digest), event.body["signature"]
    )


def test_close_with_signer_checkpoints_once(journal: Journal, signer: Signer) -> None:
    journal.append("a.b", {})
    journal.checkpoint(signer)
    events_before = len(list(journal.events()))
    journal.close(signer)
    journal.close(signer)  # idempotent
    assert events_before == 2


# -- projections ------------------------------------------------------------------------------


def test_fold_rebuilds_the_stored_projections(journal: Journal, clock: ManualClock) -> None:
    a = issue(journal, clock).order.id
    issue(journal, clock, station="security")
    journal.record_step(a, Step.DELIVER, actor="traffic")
    check_timers(journal, clock.advance(200))
    original = make_decision(clock)
    journal.add_decision(original)
    journal.correct_decision(original.id, make_decision(clock), "typo")
    journal.set_station_status("traffic", True)
    tables = journal.projection_tables()
    assert fold(journal.events()) == tables
    assert {name: len(rows) for name, rows in tables.items()} == {
        "orders": 2,
        "stations": 1,
        "escalations": 3,
        "decisions": 4,
    }


def test_the_timer_policy_lives_outside_the_journal() -> None:
    """The journal stores; command.timers decides which escalations are due and what expires."""
    assert not hasattr(Journal, "check_timers")
