"""ConsolePost: log before send, acks and reports applied once, refusals journaled."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from command.canonical import canonical_bytes
from command.clock import ManualClock
from command.console_post import TIMER_SCAN_S, ConsolePost
from command.errors import JournalError, ValidationError
from command.journal import Journal
from command.lifecycle import OrderState, Step
from command.model import Escalation
from command.signing import Signer, verify_signature
from tests.protocols.wiring import draft, incident, kinds


@pytest.fixture
def post() -> ConsolePost:
    clock = ManualClock()
    journal = Journal.in_memory(clock=clock, owner="console", role="console")
    return ConsolePost(journal, clock, Signer.generate("commander"), ("g1",), incident())


def test_issue_order_is_signed_and_journaled_with_its_decision(post: ConsolePost) -> None:
    issued = post.issue_order(
        draft("st-a", officers=3), decision="patrol z1", rationale="crowd", information="count 9000"
    )
    order = issued.order
    assert order.params == {"officers": 3} and order.grant_chain == ("g1",)
    assert verify_signature(
        post.signer.public_hex, canonical_bytes(order.signing_payload()), order.signature
    )
    decision = kinds(post.journal, "decision.added")[0]["decision"]
    assert decision["order_ids"] == [order.id] and decision["information"] == "count 9000"
    assert [m.msg_id for m in post.journal.pending("st-a")] == [issued.msg_id]
    assert order.ack_deadline == order.issued_at + 120.0


def test_issue_orders_journals_one_decision_naming_every_order(post: ConsolePost) -> None:
    issued = post.issue_orders(
        [draft("st-a"), draft("st-b"), draft("st-a")], decision="all in", rationale="surge"
    )
    decisions = kinds(post.journal, "decision.added")
    assert len(decisions) == 1  # one decision behind the batch, not one per order
    entry = decisions[0]["decision"]
    assert entry["order_ids"] == [i.order.id for i in issued]
    assert {i.order.decision_id for i in issued} == {entry["id"]}
    assert [row.decision.id for row in post.journal.decisions()] == [entry["id"]]
    with pytest.raises(ValidationError, match="decision needs a text"):
        post.issue_orders([draft("st-a")], decision=" ", rationale="r")
    assert len(kinds(post.journal, "order.issued")) == 3  # the refused batch journaled nothing


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"station": "st-x"}, "no station"),
        ({"kind": "launch"}, "no order kind"),
        ({"zone": "z9"}, "no zone"),
        ({"params": {"officers": 0}}, "at least"),
    ],
)
def test_bad_drafts_are_refused_and_nothing_is_journaled(
    post: ConsolePost, change: dict[str, object], message: str
) -> None:
    from dataclasses import replace

    bad = replace(draft("st-a"), **change)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=message):
        post.issue_order(bad, decision="d", rationale="r")
    assert post.journal.head[0] == 0


def test_an_order_needs_a_decision_text(post: ConsolePost) -> None:
    with pytest.raises(ValidationError, match="decision"):
        post.issue_order(draft("st-a"), decision="  ", rationale="r")


def test_ack_delivers_once(post: ConsolePost) -> None:
    issued = post.issue_order(draft("st-a"), decision="d", rationale="r")
    out = post.journal.pending("st-a")[0]
    assert post.on_ack("st-a", issued.msg_id, msg_type=out.msg_type, body=out.body)
    assert not post.on_ack("st-a", issued.msg_id, msg_type=out.msg_type, body=out.body)
    row = post.journal.order(issued.order.id)
    assert row is not None and row.state is OrderState.DELIVERED
    assert len(kinds(post.journal, "order.deliver")) == 1


def test_report_catches_up_and_is_applied_once(post: ConsolePost) -> None:
    issued = post.issue_order(draft("st-a"), decision="d", rationale="r")
    outcome = post.on_report(
        "st-a", "r1", order_id=issued.order.id, step="accept", ts=5.0, detail={"note": "ok"}
    )
    assert outcome.applied == (Step.DELIVER, Step.ACKNOWLEDGE, Step.ACCEPT)
    assert post.on_report(
        "st-a", "r1", order_id=issued.order.id, step="accept", ts=5.0, detail={}
    ).duplicate
    assert len(kinds(post.journal, "order.accept")) == 1


def test_reports_that_must_not_apply_are_refused(post: ConsolePost) -> None:
    issued = post.issue_order(draft("st-a"), decision="d", rationale="r")
    other = post.on_report("st-b", "r1", order_id=issued.order.id, step="accept", ts=1.0, detail={})
    assert other.refused == "not_your_order"
    assert (
        post.on_report("st-a", "r2", order_id="nope", step="accept", ts=1.0, detail={}).refused
        == "unknown_order"
    )
    assert (
        post.on_report(
            "st-a", "r3", order_id=issued.order.id, step="cancel", ts=1.0, detail={}
        ).refused
        == "unknown_step"
    )
    post.cancel_order(issued.order.id, "no longer needed")
    late = post.on_report(
        "st-a", "r4", order_id=issued.order.id, step="complete", ts=1.0, detail={}
    )
    assert late.crossed and not late.refused  # crossed the cancellation: kept, not applied
    assert len(kinds(post.journal, "message.rejected")) == 3
    assert [c["step"] for c in kinds(post.journal, "order.crossed")] == ["complete"]
    row = post.journal.order(issued.order.id)
    assert row is not None and row.state is OrderState.CANCELLED


def test_rejection_by_the_station_is_its_own_step(post: ConsolePost) -> None:
    issued = post.issue_order(draft("st-a"), decision="d", rationale="r")
    outcome = post.on_report(
        "st-a",
        "r1",
        order_id=issued.order.id,
        step="rejected",
        ts=1.0,
        detail={"reason": "expired", "text": "grant g1 expired"},
    )
    assert outcome.applied == (Step.REJECT,)
    (reject,) = kinds(post.journal, "order.reject")
    assert reject["detail"] == {"reason": "expired", "text": "grant g1 expired"}
    assert reject["state"] == "rejected"
    assert kinds(post.journal, "order.decline") == []
    row = post.journal.order(issued.order.id)
    assert row is not None and row.state is OrderState.REJECTED and not row.state.open


def test_a_refused_replay_leaves_the_original_order_alone(post: ConsolePost) -> None:
    issued = post.issue_order(draft("st-a"), decision="d", rationale="r")
    post.on_ack("st-a", issued.msg_id, msg_type="ORDER", body={"order": issued.order.to_dict()})
    replay = {"reason": "replayed", "text": "already received", "msg_id": "m2", "held": "delivered"}
    outcome = post.on_report(
        "st-a", "r1", order_id=issued.order.id, step="rejected", ts=1.0, detail=replay
    )
    assert outcome.applied == () and outcome.refused.startswith("held")
    # an older station that does not say `held`: the replay code alone is enough
    old = {"reason": "replayed", "text": "already received"}
    post.on_report("st-a", "r2", order_id=issued.order.id, step="rejected", ts=1.0, detail=old)
    row = post.journal.order(issued.order.id)
    assert row is not None and row.state is OrderState.DELIVERED
    refused = kinds(post.journal, "message.rejected")
    assert [(b["msg_id"], b["code"]) for b in refused] == [
        ("r1", "report_refused"),
        ("r2", "report_refused"),
    ]
    assert kinds(post.journal, "order.reject") == []


def test_a_rejection_past_the_point_of_rejecting_is_refused(post: ConsolePost) -> None:
    issued = post.issue_order(draft("st-a"), decision="d", rationale="r")
    oid = issued.order.id
    post.on_report("st-a", "r1", order_id=oid, step="accept", ts=1.0, detail={})
    outcome = post.on_report(
        "st-a", "r2", order_id=oid, step="rejected", ts=2.0, detail={"reason": "expired"}
    )
    assert outcome.refused == "illegal: order is accepted, cannot reject"
    row = post.journal.order(oid)
    assert row is not None and row.state is OrderState.ACCEPTED
    assert [b["msg_id"] for b in kinds(post.journal, "message.rejected")] == ["r2"]


def test_cancel_queues_a_cancel_message(post: ConsolePost) -> None:
    issued = post.issue_order(draft("st-a"), decision="d", rationale="r")
    msg_id = post.cancel_order(issued.order.id, "wrong zone")
    pending = post.journal.pending("st-a")
    assert [m.msg_type for m in pending][-1] == "CANCEL" and pending[-1].msg_id == msg_id
    with pytest.raises(ValidationError, match="reason"):
        post.cancel_order(issued.order.id, "")


def test_undelivered_order_escalates_after_30_s(post: ConsolePost) -> None:
    issued = post.issue_order(draft("st-a"), decision="d", rationale="r")
    assert post.check_timers(post.clock.now() + 29) == []
    raised = post.check_timers(post.clock.now() + 31)
    assert [(e.order_id, e.kind.value) for e in raised] == [(issued.order.id, "undelivered")]


def test_timers_check_only_the_orders_whose_deadline_came_between_full_scans(
    post: ConsolePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    import command.console_post as module

    scans: list[tuple[float, list[str] | None]] = []
    from command.timers import check_timers as real

    def counted(
        journal: Journal, now: float, order_ids: Iterable[str] | None = None
    ) -> list[Escalation]:
        ids = None if order_ids is None else list(order_ids)
        scans.append((now, ids))
        return real(journal, now, ids)

    monkeypatch.setattr(module, "check_timers", counted)
    t0 = post.clock.now()
    post.check_timers(t0)  # the first call reads what is open (a restart's orders)
    issued = post.issue_orders([draft("st-a"), draft("st-a")], decision="d", rationale="r")
    for k in range(1, 9):  # every 0.5 s for 4 s: no deadline yet, no scan
        assert post.check_timers(t0 + k * 0.5) == []
    assert scans == [(t0, None)]
    raised = post.check_timers(t0 + 31)  # a full scan is due too
    assert {e.order_id for e in raised} == {i.order.id for i in issued}
    assert scans[-1] == (t0 + 31, None)
    # between full scans, a deadline checks its own order, not every open one
    post.clock.set(t0 + 31)  # type: ignore[attr-defined]
    late = post.issue_order(draft("st-a"), decision="d", rationale="r")
    scans.clear()
    assert post.check_timers(t0 + 32) == []  # nothing due, no full scan yet
    assert scans == []
    at = late.order.issued_at + 30.5
    post._next_scan = at + 1.0  # keep the periodic scan out of the way
    raised = post.check_timers(at)
    assert [(e.order_id, e.kind.value) for e in raised] == [(late.order.id, "undelivered")]
    assert scans == [(at, [late.order.id])]
    assert post.check_timers(at + 0.5) == []  # raised once


def test_a_targeted_check_skips_an_order_closed_since_and_raises_nothing_twice(
    post: ConsolePost,
) -> None:
    from command.timers import check_timers

    t0 = post.clock.now()
    issued = post.issue_order(draft("st-a"), decision="d", rationale="r")
    oid = issued.order.id
    first = check_timers(post.journal, t0 + 31, [oid, oid])  # a repeated id is checked once
    assert [e.order_id for e in first] == [oid]
    assert check_timers(post.journal, t0 + 32, [oid]) == []
    assert check_timers(post.journal, t0 + 33, ["no-such-order"]) == []


def test_an_order_journaled_around_the_post_is_still_timed(post: ConsolePost) -> None:
    t0 = post.clock.now()
    post.check_timers(t0)
    other = ConsolePost(post.journal, post.clock, post.signer, post.grant_chain, post.incident)
    issued = other.issue_order(draft("st-a"), decision="d", rationale="r")
    assert post.check_timers(t0 + 28) == []  # a periodic scan: nothing due yet
    assert post.check_timers(t0 + 31) == []  # a deadline post does not know: no scan yet
    raised = post.check_timers(t0 + 28 + TIMER_SCAN_S)  # the next periodic scan finds it
    assert [e.order_id for e in raised] == [issued.order.id]


def test_decisions_are_corrected_not_erased(post: ConsolePost) -> None:
    first = post.add_decision("evacuate pier 2", "wind 20 m/s")
    post.correct_decision(first.id, "evacuate pier 3", "wind 20 m/s", "wrong pier")
    rows = post.journal.decisions()
    assert rows[0].struck_by is not None and rows[0].struck_reason == "wrong pier"


def test_presence(post: ConsolePost) -> None:
    post.station_online("st-a")
    post.station_online("st-a")
    post.station_offline("st-a")
    assert [e.kind for e in post.journal.events(kinds=["station.online", "station.offline"])] == [
        "station.online",
        "station.offline",
    ]


def test_unwritable_journal_refuses_to_issue(tmp_path: Path) -> None:
    clock = ManualClock()
    Journal.open(tmp_path / "c.db", clock=clock, owner="console", role="console").close()
    readonly = Journal.open_readonly(tmp_path / "c.db", clock=clock)
    try:
        post = ConsolePost(readonly, clock, Signer.generate("commander"), ("g1",), incident())
        with pytest.raises(JournalError):
            post.issue_order(draft("st-a"), decision="d", rationale="r")
        assert readonly.pending() == []
    finally:
        readonly.close()
