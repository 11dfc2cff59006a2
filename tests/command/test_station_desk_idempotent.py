"""Receipt at the station is idempotent by order id AND content hash (issue #13 item 3): the
held order's content sent again under any message id is a silent duplicate; other content under
a held id is refused as `replayed` and the held order is untouched."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from command.authority.orders import sign_order
from command.clock import ManualClock
from command.errors import IllegalTransition
from command.fold import fold
from command.journal import Journal
from command.journal.messages import content_hash
from command.lifecycle import OrderState
from command.model import Order, Priority
from command.signing import Signer
from command.station_desk import AcceptAll, Receipt, StationDesk
from command.vocabulary import Kind

SIGNER = Signer.generate("commander")


def _order(officers: int = 2, *, oid: str = "o1", text: str = "go") -> Order:
    order = Order(
        oid,
        "inc-1",
        "st-a",
        "patrol",
        {"officers": officers},
        "z1",
        Priority.URGENT,
        1000.0,
        1120.0,
        1900.0,
        text,
        ("g1",),
        "d1",
        SIGNER.name,
    )
    return sign_order(order, SIGNER)


def _desk(journal: Journal | None = None) -> StationDesk:
    clock = ManualClock(1000.0)
    if journal is None:
        journal = Journal.in_memory(clock=clock, owner="st-a", role="station")
    return StationDesk(journal, clock, "st-a", AcceptAll())


def _count(journal: Journal, kind: Kind) -> int:
    return sum(1 for _ in journal.events(kinds=[kind]))


def test_the_held_hash_is_the_received_orders_and_survives_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "st-a.db"
    clock = ManualClock(1000.0)
    journal = Journal.open(path, clock=clock, owner="st-a", role="station")
    desk = _desk(journal)
    order = _order()
    assert journal.held_content_hash(order.id) is None
    desk.receive_order(order.to_dict(), msg_id="m1", peer="console")
    assert journal.held_content_hash(order.id) == content_hash(order)
    journal.close()
    reopened = Journal.open(path, clock=clock, owner="st-a", role="station")
    try:
        assert reopened.held_content_hash(order.id) == content_hash(order)
        resend = _desk(reopened).receive_order(order.to_dict(), msg_id="m9", peer="console")
        assert resend.receipt is Receipt.DUPLICATE
        assert _count(reopened, Kind.MESSAGE_REJECTED) == 0
    finally:
        reopened.close()


def test_content_hash_covers_signed_content_and_signature() -> None:
    order = _order()
    assert content_hash(order) == content_hash(Order.from_dict(order.to_dict()))
    assert content_hash(order) != content_hash(_order(3))
    assert content_hash(order) != content_hash(_order(text="stand down"))
    forged = Order.from_dict({**order.to_dict(), "signature": "00" * 64})
    assert content_hash(order) != content_hash(forged)


def test_resend_under_a_new_message_id_is_a_silent_duplicate() -> None:
    desk = _desk()
    order = _order()
    assert desk.receive_order(order.to_dict(), msg_id="m1", peer="console").receipt is (
        Receipt.RECEIVED
    )
    desk.acknowledge(order.id)
    head, pending = desk.journal.head, desk.journal.pending("console")
    for msg_id in ("m2", "m3", "m2"):
        result = desk.receive_order(order.to_dict(), msg_id=msg_id, peer="console")
        assert (result.receipt, result.order_id) == (Receipt.DUPLICATE, order.id)
    assert desk.journal.head == head  # no event: no refusal, no new order
    assert desk.journal.pending("console") == pending  # no REPORT
    row = desk.journal.order(order.id)
    assert row is not None and row.state is OrderState.ACKNOWLEDGED


def test_other_content_under_a_held_id_is_refused_and_the_held_order_untouched() -> None:
    desk = _desk()
    order = _order()
    desk.receive_order(order.to_dict(), msg_id="m1", peer="console")
    desk.accept(order.id)
    held = desk.journal.order(order.id)
    altered = _order(9)
    result = desk.receive_order(altered.to_dict(), msg_id="m2", peer="console")
    assert (result.receipt, result.reason) == (Receipt.REJECTED, "replayed")
    (refused,) = [e.body for e in desk.journal.events(kinds=[Kind.MESSAGE_REJECTED])]
    assert (refused["msg_id"], refused["code"]) == ("m2", "replayed")
    assert desk.journal.order(order.id) == held
    assert desk.journal.held_content_hash(order.id) == content_hash(order)
    assert desk.journal.pending("console")[-1].body["detail"]["held"] == "accepted"
    # The same refused message again is a duplicate: refused once only.
    again = desk.receive_order(altered.to_dict(), msg_id="m2", peer="console")
    assert again.receipt is Receipt.DUPLICATE
    assert _count(desk.journal, Kind.MESSAGE_REJECTED) == 1
    # And the original resent afterwards is still the held order.
    assert desk.receive_order(order.to_dict(), msg_id="m3", peer="console").receipt is (
        Receipt.DUPLICATE
    )
    assert _count(desk.journal, Kind.ORDER_RECEIVED) == 1


_OPERATOR = ("acknowledge", "accept", "start", "complete")
_SEND = st.tuples(st.just("send"), st.integers(0, 3), st.integers(0, 5))  # content, msg id
_STEP = st.tuples(st.just("step"), st.sampled_from(_OPERATOR), st.just(0))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_SEND, _SEND, _STEP), min_size=1, max_size=30))
def test_sends_never_change_the_held_order_and_never_make_a_second(
    actions: list[tuple[str, object, int]],
) -> None:
    desk = _desk()
    contents = [_order(2 + n) for n in range(4)]  # the same id, four different contents
    held: Order | None = None
    state: OrderState | None = None
    seen: set[str] = set()
    refusals = 0
    for action, what, msg in actions:
        if action == "step":
            if held is None:
                continue
            with contextlib.suppress(IllegalTransition):  # not a step from this state
                getattr(desk, str(what))(held.id)
            row = desk.journal.order(held.id)
            assert row is not None
            state = row.state
            continue
        assert isinstance(what, int)
        order, msg_id = contents[what], f"m{msg}"
        before = desk.journal.order(order.id)
        result = desk.receive_order(order.to_dict(), msg_id=msg_id, peer="console")
        if held is None:
            if msg_id in seen:
                assert result.receipt is Receipt.DUPLICATE
            else:
                assert result.receipt is Receipt.RECEIVED
                held = order
                row = desk.journal.order(order.id)
                assert row is not None
                state = row.state
        elif msg_id in seen or content_hash(order) == content_hash(held):
            assert result.receipt is Receipt.DUPLICATE
        else:
            assert (result.receipt, result.reason) == (Receipt.REJECTED, "replayed")
            refusals += 1
        seen.add(msg_id)
        assert desk.journal.order(order.id) == before or before is None
        if held is not None:
            row = desk.journal.order(held.id)
            assert row is not None and row.order == held and row.state is state
            assert desk.journal.held_content_hash(held.id) == content_hash(held)
    journal = desk.journal
    assert _count(journal, Kind.ORDER_RECEIVED) == (0 if held is None else 1)
    assert len(journal.orders()) == (0 if held is None else 1)
    assert _count(journal, Kind.MESSAGE_REJECTED) == refusals
    assert _count(journal, Kind.ORDER_REJECTED) == 0
    if held is not None:
        folded = fold(journal.events()).orders.get(held.id)
        assert folded is not None and folded.state is state
