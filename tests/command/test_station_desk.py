"""StationDesk: dedupe, authority checks, reported rejections, operator steps with reports."""

from __future__ import annotations

import pytest

from command.authority.book import AuthorityBook
from command.authority.grants import issue_grant
from command.authority.keys import TrustedRoot
from command.authority.orders import sign_order
from command.authority.scope import Scope
from command.clock import ManualClock
from command.errors import IllegalTransition, ValidationError
from command.fold import fold
from command.journal import Journal
from command.lifecycle import OrderState
from command.model import Order, Priority
from command.signing import Signer
from command.station_desk import AcceptAll, BookVerifier, Receipt, StationDesk, TimedOperator
from command.vocabulary import Kind
from tests.protocols.wiring import kinds


def _order(
    clock: ManualClock,
    signer: Signer,
    *,
    oid: str = "o1",
    kind: str = "patrol",
    chain: tuple[str, ...] = ("g1",),
    station: str = "st-a",
) -> Order:
    now = clock.now()
    order = Order(
        oid,
        "inc-1",
        station,
        kind,
        {"officers": 2},
        "z1",
        Priority.URGENT,
        now,
        now + 120,
        now + 900,
        "go",
        chain,
        "d1",
        signer.name,
    )
    return sign_order(order, signer)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def desk(clock: ManualClock) -> StationDesk:
    journal = Journal.in_memory(clock=clock, owner="st-a", role="station")
    return StationDesk(journal, clock, "st-a", AcceptAll())


def test_receive_once_then_duplicate_then_replay(desk: StationDesk, clock: ManualClock) -> None:
    order = _order(clock, Signer.generate("commander"))
    assert desk.receive_order(order.to_dict(), msg_id="m1", peer="console").receipt is (
        Receipt.RECEIVED
    )
    head = desk.journal.head
    assert desk.receive_order(order.to_dict(), msg_id="m1", peer="console").receipt is (
        Receipt.DUPLICATE
    )
    assert desk.journal.head == head
    desk.accept(order.id)
    # The same signed order under a new message id (a console restart): re-acked silently.
    resend = desk.receive_order(order.to_dict(), msg_id="m1b", peer="console")
    assert resend.receipt is Receipt.DUPLICATE
    assert kinds(desk.journal, "message.rejected") == []
    pending = len(desk.journal.pending("console"))
    # Other content under the held id: a replay.
    altered = sign_order(
        Order.from_dict({**order.to_dict(), "params": {"officers": 9}, "signature": ""}),
        Signer.generate("commander"),
    )
    replay = desk.receive_order(altered.to_dict(), msg_id="m2", peer="console")
    assert (replay.receipt, replay.reason) == (Receipt.REJECTED, "replayed")
    assert len(desk.journal.pending("console")) == pending + 1
    assert len(kinds(desk.journal, "order.received")) == 1
    # The replay is a refused message: the order held under that id keeps its state.
    assert kinds(desk.journal, "order.rejected") == []
    (refused,) = kinds(desk.journal, "message.rejected")
    assert (refused["msg_id"], refused["code"], refused["by"]) == ("m2", "replayed", "st-a")
    row = desk.journal.order(order.id)
    assert row is not None and row.state is OrderState.ACCEPTED
    folded = fold(desk.journal.events()).orders.get(order.id)
    assert folded is not None and folded.state is OrderState.ACCEPTED
    report = desk.journal.pending("console")[-1].body
    assert report["step"] == "rejected"
    assert report["detail"] == {
        "reason": "replayed",
        "text": f"order {order.id} was already received",
        "msg_id": "m2",
        "held": "accepted",
    }


def test_rejections_are_journaled_and_reported(desk: StationDesk, clock: ManualClock) -> None:
    signer = Signer.generate("commander")
    wrong = desk.receive_order(
        _order(clock, signer, station="st-b").to_dict(), msg_id="m1", peer="console"
    )
    assert wrong.reason == "wrong_station"
    bad = desk.receive_order({"id": "o9", "nonsense": True}, msg_id="m2", peer="console")
    assert bad.reason == "malformed"
    unsigned = _order(clock, signer, oid="o3").to_dict() | {"signature": ""}
    assert desk.receive_order(unsigned, msg_id="m3", peer="console").reason == "unsigned"
    assert [b["reason"] for b in kinds(desk.journal, "order.rejected")] == [
        "wrong_station",
        "malformed",
        "unsigned",
    ]
    # The refused order is journaled with the order when it could be read (the inbox shows it).
    bodies = kinds(desk.journal, "order.rejected")
    assert [b.get("order", {}).get("id") for b in bodies] == [wrong.order_id, None, "o3"]
    refused = fold(desk.journal.events()).orders.get("o3")
    assert refused is not None and refused.state is OrderState.REJECTED
    row = desk.journal.order("o3")
    assert row is not None and row.state is OrderState.REJECTED
    reports = [m.body for m in desk.journal.pending("console")]
    assert [(r["step"], r["detail"]["reason"]) for r in reports] == [
        ("rejected", "wrong_station"),
        ("rejected", "malformed"),
        ("rejected", "unsigned"),
    ]
    # A retried rejected message is a duplicate: nothing journaled twice.
    assert desk.receive_order(unsigned, msg_id="m3", peer="console").receipt is Receipt.DUPLICATE


def test_operator_steps_queue_reports(desk: StationDesk, clock: ManualClock) -> None:
    order = _order(clock, Signer.generate("commander"))
    desk.receive_order(order.to_dict(), msg_id="m1", peer="console")
    desk.accept(order.id)
    desk.progress(order.id, percent=40, note="two lanes closed")
    desk.complete(order.id)
    steps = [m.body["step"] for m in desk.journal.pending("console")]
    assert steps == ["acknowledge", "accept", "progress", "complete"]
    row = desk.journal.order(order.id)
    assert row is not None and row.state is OrderState.COMPLETED
    with pytest.raises(IllegalTransition):
        desk.fail(order.id, "too late")
    assert len(desk.journal.pending("console")) == 4  # the illegal step queued nothing


def test_decline_and_fail_need_reasons(desk: StationDesk, clock: ManualClock) -> None:
    order = _order(clock, Signer.generate("commander"))
    desk.receive_order(order.to_dict(), msg_id="m1", peer="console")
    with pytest.raises(ValidationError, match="reason"):
        desk.decline(order.id, " ")
    desk.decline(order.id, "no officers free")
    with pytest.raises(ValidationError, match="no order"):
        desk.accept("unknown")


def test_cancel_applies_once(desk: StationDesk, clock: ManualClock) -> None:
    order = _order(clock, Signer.generate("commander"))
    desk.receive_order(order.to_dict(), msg_id="m1", peer="console")
    assert desk.cancel(order.id, "stand down", msg_id="c1", peer="console")
    assert not desk.cancel(order.id, "stand down", msg_id="c1", peer="console")
    row = desk.journal.order(order.id)
    assert row is not None and row.state is OrderState.CANCELLED


def test_timed_operator(desk: StationDesk, clock: ManualClock) -> None:
    operator = TimedOperator(desk, accept_after_s=5, complete_after_s=10)
    order = _order(clock, Signer.generate("commander"))
    desk.receive_order(order.to_dict(), msg_id="m1", peer="console")
    operator.on_order(order.id)
    operator.tick(clock.advance(4))
    assert desk.journal.order(order.id).state is OrderState.ACKNOWLEDGED  # type: ignore[union-attr]
    operator.tick(clock.advance(1))
    assert desk.journal.order(order.id).state is OrderState.ACCEPTED  # type: ignore[union-attr]
    operator.tick(clock.advance(10))
    assert desk.journal.order(order.id).state is OrderState.COMPLETED  # type: ignore[union-attr]


def _book_desk(clock: ManualClock) -> tuple[StationDesk, Signer, dict[str, object]]:
    authority, commander = Signer.generate("city"), Signer.generate("commander")
    _AUTHORITIES[authority.public_hex] = authority
    now = clock.now()
    grant = issue_grant(
        authority,
        delegate="commander",
        delegate_key=commander.public_hex,
        incident="inc-1",
        scope=Scope.of(["st-a"], ["patrol"], ["z1"]),
        not_before=now - 10,
        not_after=now + 3600,
        redelegate_depth=0,
        issued_at=now,
        grant_id="g1",
    )
    book = AuthorityBook([TrustedRoot("city", authority.public_hex)])
    journal = Journal.in_memory(clock=clock, owner="st-a", role="station")
    desk = StationDesk(journal, clock, "st-a", BookVerifier(book))
    return desk, commander, grant.to_dict()


def test_authority_book_checks_orders(clock: ManualClock) -> None:
    desk, commander, grant = _book_desk(clock)
    order = _order(clock, commander)
    assert desk.receive_order(order.to_dict(), msg_id="m0", peer="console").reason == (
        "unknown_grant"
    )
    assert desk.learn_grants([grant], msg_id="g", peer="console") == []
    ok = desk.receive_order(
        _order(clock, commander, oid="o2").to_dict(), msg_id="m1", peer="console"
    )
    assert ok.receipt is Receipt.RECEIVED
    scope = desk.receive_order(
        _order(clock, commander, oid="o3", kind="close_road").to_dict(), msg_id="m2", peer="console"
    )
    assert scope.reason == "kind_out_of_scope"
    forged = _order(clock, Signer.generate("commander"), oid="o4")
    assert desk.receive_order(forged.to_dict(), msg_id="m3", peer="console").reason == (
        "order_signature_bad"
    )
    clock.advance(7200)
    late = desk.receive_order(
        _order(clock, commander, oid="o5").to_dict(), msg_id="m4", peer="console"
    )
    assert late.reason == "expired"


def test_grants_survive_a_restart(clock: ManualClock) -> None:
    desk, commander, grant = _book_desk(clock)
    desk.learn_grants([grant], msg_id="g", peer="console")
    book = AuthorityBook([TrustedRoot("city", str(grant["issuer_key"]))])
    again = StationDesk(desk.journal, clock, "st-a", BookVerifier(book))
    result = again.receive_order(_order(clock, commander).to_dict(), msg_id="m1", peer="console")
    assert result.receipt is Receipt.RECEIVED


def test_planned_operator_follows_its_plan_and_resumes_after_restart(
    desk: StationDesk, clock: ManualClock
) -> None:
    from command.lifecycle import Step
    from command.station_desk import PlannedOperator

    def plan(order_id: str) -> list[tuple[float, Step, dict[str, object]]]:
        return [
            (1.0, Step.ACKNOWLEDGE, {}),
            (2.0, Step.ACCEPT, {}),
            (3.0, Step.START, {}),
            (4.0, Step.PROGRESS, {"percent": 50}),
            (6.0, Step.COMPLETE, {"note": "done"}),
        ]

    operator = PlannedOperator(desk, plan)
    order = _order(clock, Signer.generate("commander"))
    desk.receive_order(order.to_dict(), msg_id="m1", peer="console")
    operator.on_order(order.id)
    operator.tick(clock.advance(2.5))
    assert desk.journal.order(order.id).state is OrderState.ACCEPTED  # type: ignore[union-attr]
    # Restart: a new operator re-plans from the receipt time and skips what was done.
    again = PlannedOperator(desk, plan)
    again.tick(clock.advance(10))
    assert desk.journal.order(order.id).state is OrderState.COMPLETED  # type: ignore[union-attr]
    steps = [m.body["step"] for m in desk.journal.pending("console")]
    assert steps == ["acknowledge", "accept", "start", "progress", "complete"]


def test_handover_rechained_order_is_accepted_and_work_carries_on(clock: ManualClock) -> None:
    from command.authority.grants import Grant
    from command.authority.handover import hand_over, rechain

    desk, commander, grant_doc = _book_desk(clock)
    desk.learn_grants([grant_doc], msg_id="g", peer="console")
    order = _order(clock, commander)
    desk.receive_order(order.to_dict(), msg_id="m1", peer="console")
    desk.accept(order.id)
    # The city hands command to a successor; open orders are re-signed under the new chain.
    authority_key = str(grant_doc["issuer_key"])
    city = desk.verifier.book  # type: ignore[attr-defined]
    assert city.root_names == {authority_key: "city"}
    successor = Signer.generate("successor")
    old = Grant.from_dict(grant_doc)
    clock.advance(60)
    issuer = _AUTHORITIES[authority_key]
    handover = hand_over(
        old,
        issuer,
        successor="successor",
        successor_key=successor.public_hex,
        effective_at=clock.now(),
        issued_at=clock.now(),
    )
    moved = rechain(order, [handover.new], successor)
    docs = [handover.new.to_dict(), handover.revocation.to_dict()]
    assert desk.learn_grants(docs, msg_id="g2", peer="console") == []
    result = desk.receive_order(moved.to_dict(), msg_id="m2", peer="console")
    assert result.receipt is Receipt.RECHAINED
    assert desk.receive_order(moved.to_dict(), msg_id="m2", peer="console").receipt is (
        Receipt.DUPLICATE
    )
    assert kinds(desk.journal, "order.rechained")[0]["commander"] == "successor"
    desk.complete(order.id)
    # A different order under an old id is still a replay.
    other = _order(clock, successor, oid=order.id, kind="patrol", chain=(handover.new.id,))
    other = sign_order(
        Order.from_dict({**other.to_dict(), "text": "something else", "signature": ""}), successor
    )
    assert desk.receive_order(other.to_dict(), msg_id="m3", peer="console").reason == "replayed"


_AUTHORITIES: dict[str, Signer] = {}


class SetBackClock:
    """A station's wall clock that can be set back (an NTP step)."""

    def __init__(self, t: float) -> None:
        self.t = t

    def now(self) -> float:
        """The time it was set to."""
        return self.t


def test_a_report_repeats_its_step_time_after_the_clock_is_set_back() -> None:
    """The journal stamps a step no earlier than the event before it; the REPORT carries that
    stamped time, so it still matches its step (verify checks the outbox against the steps)."""
    clock = SetBackClock(1_000.0)
    journal = Journal.in_memory(clock=clock, owner="st-a", role="station")
    desk = StationDesk(journal, clock, "st-a", AcceptAll())
    order = _order(ManualClock(1_000.0), Signer.generate("commander"))
    desk.receive_order(order.to_dict(), msg_id="m1", peer="console")
    clock.t = 940.0
    desk.accept(order.id)
    (accepted,) = journal.events(kinds=[Kind.ORDER_ACCEPT])
    reports = [m.body for m in journal.pending("console") if m.body["step"] == "accept"]
    assert accepted.ts == 1_000.0
    assert [r["ts"] for r in reports] == [accepted.ts]
