"""A pump turn is one group commit: an item that raises undoes only its own writes and sends
nothing; the rest of the batch is committed and answered; the error is raised after that. A
batch of one item (the common case, with no savepoint of its own) behaves the same way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from command.lifecycle import OrderState
from command.station_desk import ReceiveResult
from tests.protocols.wiring import Rig, Side, draft, kinds, rig, state_of


class Boom(RuntimeError):
    """The failure injected into one order's receipt."""


@pytest.fixture
def wired() -> Iterator[Rig]:
    with rig("memory") as built:
        yield built


def _fail_after_journaling(side: Side, order_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The station journals `order_id`'s receipt, then its handling raises."""
    real = side.desk.receive_order

    def receive(body: Any, *, msg_id: str, peer: str) -> ReceiveResult:
        result = real(body, msg_id=msg_id, peer=peer)
        if result.order_id == order_id:
            raise Boom(order_id)
        return result

    monkeypatch.setattr(side.desk, "receive_order", receive)


def _received(side: Side) -> list[str]:
    return [b["order"]["id"] for b in kinds(side.desk.journal, "order.received")]


def test_a_batch_of_one_that_raises_journals_and_sends_nothing(
    wired: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    side = wired.stations["st-a"]
    issued = wired.post.issue_order(draft("st-a"), decision="d", rationale="r")
    _fail_after_journaling(side, issued.order.id, monkeypatch)
    wired.console.flush("st-a")
    head = side.desk.journal.head
    with pytest.raises(Boom):
        side.wire.pump()
    assert side.desk.journal.head == head and _received(side) == []  # its receipt undone
    wired.console.pump()
    assert state_of(wired, issued.order.id) is OrderState.ISSUED  # no ack was sent


def test_one_bad_item_of_a_batch_undoes_only_itself(
    wired: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    side = wired.stations["st-a"]
    first = wired.post.issue_order(draft("st-a"), decision="d1", rationale="r")
    second = wired.post.issue_order(draft("st-a", officers=3), decision="d2", rationale="r")
    _fail_after_journaling(side, first.order.id, monkeypatch)
    wired.console.flush("st-a")  # both orders wait for the station's next pump
    with pytest.raises(Boom):
        side.wire.pump()
    assert _received(side) == [second.order.id]
    wired.console.pump()
    assert state_of(wired, first.order.id) is OrderState.ISSUED
    assert state_of(wired, second.order.id) is OrderState.DELIVERED
