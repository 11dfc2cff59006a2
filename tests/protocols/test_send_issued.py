"""Issued orders go out without the outbox being read back from the journal (a query per
station on every order's critical path), in journal order, and are delivered as with `flush`."""

from __future__ import annotations

from typing import Any

import pytest

from command.journal import OutMessage
from command.lifecycle import OrderState
from tests.protocols.wiring import Rig, draft, kinds, state_of


def _count_reads(r: Rig, monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    reads: list[str | None] = []
    real = r.post.journal.pending

    def pending(peer: str | None = None) -> list[OutMessage]:
        reads.append(peer)
        return real(peer)

    monkeypatch.setattr(r.post.journal, "pending", pending)
    return reads


def test_issued_orders_are_sent_without_reading_the_outbox_back(
    wired: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = wired.post.issue_order(draft("st-a"), decision="d0", rationale="r")
    wired.console.send_issued([first])  # st-a not yet heard: it gets it when it says HELLO
    wired.pump(lambda: state_of(wired, first.order.id) is OrderState.DELIVERED)
    reads = _count_reads(wired, monkeypatch)
    batch = wired.post.issue_orders(
        (draft("st-a", 1), draft("st-b", 2), draft("st-a", 3)), decision="d1", rationale="r"
    )
    wired.console.send_issued(batch)
    assert reads == []  # both stations said HELLO: their pending copies are loaded
    wired.pump(lambda: all(state_of(wired, i.order.id) is OrderState.DELIVERED for i in batch))
    got: dict[str, Any] = {
        sid: [b["order"]["id"] for b in kinds(side.desk.journal, "order.received")]
        for sid, side in wired.stations.items()
    }
    assert got == {
        "st-a": [first.order.id, batch[0].order.id, batch[2].order.id],  # in journal order
        "st-b": [batch[1].order.id],
    }


def test_a_message_queued_without_a_flush_still_goes_out_first(
    wired: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = wired.post.issue_order(draft("st-a"), decision="d0", rationale="r")
    wired.console.send_issued([held])
    wired.pump(lambda: state_of(wired, held.order.id) is OrderState.DELIVERED)
    # what the order timers do for an expiry: a CANCEL queued in the journal, no flush
    journal = wired.post.journal
    with journal.transaction():
        cancel = journal.enqueue("st-a", "CANCEL", {"order_id": held.order.id, "reason": "r"})
    reads = _count_reads(wired, monkeypatch)
    later = wired.post.issue_order(draft("st-a", 1), decision="d1", rationale="r")
    wired.console.send_issued([later])
    assert reads == ["st-a"]  # the outbox was read back: the CANCEL is in the copy, first
    wired.pump(lambda: state_of(wired, later.order.id) is OrderState.DELIVERED)
    station = wired.stations["st-a"].desk.journal
    events = list(station.events())
    withdrawn = [e.seq for e in events if e.body.get("order_id") == held.order.id]
    received = [e.seq for e in events if e.kind == "order.received"]
    assert withdrawn and max(received) > min(withdrawn)  # CANCEL handled before the new order
    assert all(m.msg_id != cancel for m in journal.pending("st-a"))
