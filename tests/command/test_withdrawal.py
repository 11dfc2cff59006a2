"""Both ends agree on every order: the console's withdrawal (expiry or cancellation) reaches the
station, and a step that crosses it on the wire is resolved by the one rule (the console's
decision wins), journaled at both ends; the merge finds no unresolved disagreement."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from command.clock import ManualClock
from command.console_post import ConsolePost
from command.errors import ValidationError
from command.fold import fold
from command.fold.orders import OrderView
from command.journal import Journal
from command.lifecycle import EXPIRY_REASON, OrderState, Step
from command.review.merge import agreement_line, merge
from command.signing import Signer
from command.station_desk import AcceptAll, StationDesk
from tests.protocols.wiring import draft, incident, kinds


@dataclass
class Pair:
    """A console post and one station desk; messages are carried by hand (the wire's role)."""

    clock: ManualClock
    post: ConsolePost
    desk: StationDesk

    def to_station(self) -> None:
        """Deliver everything the console has queued for st-a, and ack it."""
        for out in self.post.journal.pending("st-a"):
            kind = out.msg_type.upper()
            if kind == "ORDER":
                self.desk.receive_order(out.body["order"], msg_id=out.msg_id, peer="console")
            elif kind == "CANCEL":
                self.desk.cancel(
                    out.body["order_id"], out.body["reason"], msg_id=out.msg_id, peer="console"
                )
            self.post.on_ack("st-a", out.msg_id, msg_type=out.msg_type, body=out.body)

    def to_console(self) -> None:
        """Deliver the station's queued reports to the console, and ack them."""
        for out in self.desk.journal.pending("console"):
            b = out.body
            self.post.on_report(
                "st-a",
                out.msg_id,
                order_id=b["order_id"],
                step=b["step"],
                ts=b["ts"],
                detail=b["detail"],
            )
            self.desk.journal.mark_acked(out.msg_id)

    def views(self, order_id: str) -> tuple[OrderView, OrderView]:
        """The order as the console's fold and the station's fold see it."""
        console = fold(list(self.post.journal.events())).orders.get(order_id)
        station = fold(list(self.desk.journal.events())).orders.get(order_id)
        assert console is not None and station is not None
        return console, station

    def merged_line(self) -> str:
        """The merge's agreement check over both journals."""
        merged = merge(list(self.post.journal.events()), {"st-a": list(self.desk.journal.events())})
        assert not [d for d in merged.discrepancies if d.kind != "clock_skew"]
        return agreement_line(merged)


@pytest.fixture
def pair() -> Pair:
    clock = ManualClock(1_000.0)
    console = Journal.in_memory(clock=clock, owner="console", role="console")
    station = Journal.in_memory(clock=clock, owner="st-a", role="station")
    post = ConsolePost(console, clock, Signer.generate("commander"), ("g1",), incident())
    return Pair(clock, post, StationDesk(station, clock, "st-a", AcceptAll()))


def _issued_and_acknowledged(pair: Pair) -> str:
    issued = pair.post.issue_order(draft("st-a"), decision="patrol z1", rationale="crowd")
    pair.to_station()
    pair.desk.acknowledge(issued.order.id)
    pair.to_console()
    return issued.order.id


def _hhmm(ts: float) -> str:
    return f"t{ts:.0f}"


def test_expiry_withdraws_the_order_at_the_station(pair: Pair) -> None:
    oid = _issued_and_acknowledged(pair)
    due = pair.post.journal.order(oid).order.due  # type: ignore[union-attr]
    pair.clock.set(due)
    pair.post.check_timers(pair.clock.now())
    withdrawal = [m for m in pair.post.journal.pending("st-a") if m.msg_type.upper() == "CANCEL"]
    assert [m.body for m in withdrawal] == [{"order_id": oid, "reason": EXPIRY_REASON}]
    pair.to_station()
    console, station = pair.views(oid)
    assert console.state is station.state is OrderState.EXPIRED
    assert station.withdrawn and station.actionable == ()
    assert station.withdrawal_note(_hhmm) == "withdrawn — expired"
    assert kinds(pair.desk.journal, "order.expire")[0]["detail"]["withdrawn"] is True
    assert pair.merged_line() == "console and stations agree on 1 of 1 order(s)"


def test_an_accept_crossing_the_expiry_is_overruled_at_both_ends(pair: Pair) -> None:
    oid = _issued_and_acknowledged(pair)
    due = pair.post.journal.order(oid).order.due  # type: ignore[union-attr]
    pair.clock.set(due)
    pair.post.check_timers(due)  # the console expires it ...
    pair.desk.accept(oid)  # ... while the station, not yet told, accepts
    accepted_at = pair.clock.now()
    pair.clock.advance(1.0)
    pair.to_console()  # the accept reaches an expired order
    assert "in flight" in pair.merged_line()  # before the withdrawal lands
    pair.to_station()  # the withdrawal reaches an accepted order
    console, station = pair.views(oid)
    assert console.state is station.state is OrderState.EXPIRED
    crossed = kinds(pair.post.journal, "order.crossed")
    assert [(c["step"], c["state"], c["at"]) for c in crossed] == [
        ("accept", "expired", accepted_at)
    ]
    assert console.needs_attention and console.crossed[0].step is Step.ACCEPT
    assert "the station's accept at" in console.withdrawal_note(_hhmm)
    assert "console's decision stands" in console.withdrawal_note(_hhmm)
    assert console.last_detail == (  # the console's orders table, in no time zone
        "withdrawn — the station's accept crossed the expiry; the console's decision stands"
    )
    detail = kinds(pair.desk.journal, "order.expire")[0]["detail"]
    assert detail["overruled"] == "accept" and detail["overruled_at"] == accepted_at
    assert station.actionable == ()
    assert station.withdrawal_note(_hhmm) == (
        f"withdrawn — your accept at t{accepted_at:.0f} crossed the expiry"
    )
    assert pair.merged_line() == "console and stations agree on 1 of 1 order(s)"


def test_a_cancel_crossing_an_accept_is_overruled_at_both_ends(pair: Pair) -> None:
    oid = _issued_and_acknowledged(pair)
    pair.post.cancel_order(oid, "crowd dispersed")
    pair.desk.accept(oid)
    pair.desk.progress(oid, 10, "on the way")
    pair.to_console()
    pair.to_station()
    console, station = pair.views(oid)
    assert console.state is station.state is OrderState.CANCELLED
    assert [c["step"] for c in kinds(pair.post.journal, "order.crossed")] == [
        "accept",
        "progress",
    ]
    assert "crossed the cancellation" in console.withdrawal_note(_hhmm)
    assert "your accept at" in station.withdrawal_note(_hhmm)
    assert station.actionable == ()
    assert "agree on 1 of 1" in pair.merged_line()


def test_work_finished_before_the_withdrawal_is_an_unresolved_disagreement(pair: Pair) -> None:
    oid = _issued_and_acknowledged(pair)
    pair.post.cancel_order(oid, "crowd dispersed")
    pair.desk.accept(oid)
    pair.desk.complete(oid)
    pair.to_station()
    pair.to_console()
    console, station = pair.views(oid)
    assert (console.state, station.state) == (OrderState.CANCELLED, OrderState.COMPLETED)
    assert [c["step"] for c in kinds(pair.desk.journal, "order.crossed")] == ["cancel"]
    assert "check with the console" in station.withdrawal_note(_hhmm)
    line = pair.merged_line()
    assert line.startswith("1 unresolved disagreement") and "station st-a completed" in line


def test_a_duplicate_withdrawal_does_nothing(pair: Pair) -> None:
    oid = _issued_and_acknowledged(pair)
    msg_id = pair.post.cancel_order(oid, "crowd dispersed")
    pair.to_station()
    assert not pair.desk.cancel(oid, "crowd dispersed", msg_id=msg_id, peer="console")
    assert not pair.desk.cancel(oid, EXPIRY_REASON, msg_id="again", peer="console")
    assert len(kinds(pair.desk.journal, "order.cancel")) == 1


def test_a_commander_may_not_borrow_the_expiry_reason(pair: Pair) -> None:
    oid = _issued_and_acknowledged(pair)
    with pytest.raises(ValidationError, match="expiry"):
        pair.post.cancel_order(oid, EXPIRY_REASON)


def test_a_withdrawal_that_overtakes_its_order_applies_on_receipt(pair: Pair) -> None:
    issued = pair.post.issue_order(draft("st-a"), decision="patrol z1", rationale="crowd")
    pair.post.cancel_order(issued.order.id, "crowd dispersed")
    order_msg, cancel_msg = pair.post.journal.pending("st-a")
    assert not pair.desk.cancel(
        issued.order.id, "crowd dispersed", msg_id=cancel_msg.msg_id, peer="console"
    )
    # A restarted desk remembers it from the journal.
    desk = StationDesk(pair.desk.journal, pair.clock, "st-a", AcceptAll())
    desk.receive_order(order_msg.body["order"], msg_id=order_msg.msg_id, peer="console")
    pair.desk = desk
    pair.post.on_ack("st-a", order_msg.msg_id, msg_type="ORDER", body=order_msg.body)
    console, station = pair.views(issued.order.id)
    assert console.state is station.state is OrderState.CANCELLED
    assert station.withdrawal_note() == "withdrawn — cancelled"
    assert "agree on 1 of 1" in pair.merged_line()
