"""Delivery semantics, one suite run against the in-memory twin and ZeroMQ+CURVE on loopback."""

from __future__ import annotations

import json

import pytest

from command.lifecycle import OrderState
from command.model import Order
from protocols.codec import encode
from protocols.delivery import WireConfig
from protocols.memory import LINK_MAX_BYTES
from protocols.messages import (
    MAGIC,
    Ack,
    Body,
    Header,
    Hello,
    Message,
    Nack,
    NackCode,
    OrderMsg,
    Report,
)
from protocols.transport import SendResult
from tests.protocols.wiring import Rig, draft, kinds, received_by, rig, state_of


def test_order_delivered_once(wired: Rig) -> None:
    issued = wired.post.issue_order(draft("st-a"), decision="patrol z1", rationale="crowd")
    wired.console.flush("st-a")
    wired.pump(lambda: state_of(wired, issued.order.id) is OrderState.DELIVERED)
    station = wired.stations["st-a"].desk.journal
    received = kinds(station, "order.received")
    assert [b["order"]["id"] for b in received] == [issued.order.id]
    assert wired.post.journal.pending("st-a") == []
    assert kinds(wired.stations["st-b"].desk.journal, "order.received") == []


def test_duplicate_is_reacked_without_acting(wired: Rig) -> None:
    issued = wired.post.issue_order(draft("st-a"), decision="patrol z1", rationale="crowd")
    wired.console.flush("st-a")
    wired.pump(lambda: state_of(wired, issued.order.id) is OrderState.DELIVERED)
    side = wired.stations["st-a"]
    acks_before = side.wire.received
    before = side.desk.journal.head
    # The console resends the same message (its ack was lost).
    header = Header(issued.msg_id, "console", issued.seq, "", wired.clock.now(), 2)
    frames = encode(Message(header, OrderMsg(order=issued.order.to_dict())))
    wired.console.transport.send("st-a", frames)
    wired.pump(lambda: side.wire.received > acks_before)
    wired.settle()
    assert len(kinds(side.desk.journal, "order.received")) == 1
    assert side.desk.journal.head == before  # nothing journaled, not even a rejection
    assert len(kinds(wired.post.journal, "order.deliver")) == 1


def test_reports_flow_back_in_order(wired: Rig) -> None:
    issued = wired.post.issue_order(draft("st-a"), decision="patrol z1", rationale="crowd")
    wired.console.flush("st-a")
    side = wired.stations["st-a"]
    wired.pump(lambda: bool(side.desk.inbox()))
    side.desk.accept(issued.order.id, note="on our way")
    side.desk.progress(issued.order.id, percent=50, note="half")
    side.desk.complete(issued.order.id)
    side.wire.flush()
    wired.pump(lambda: state_of(wired, issued.order.id) is OrderState.COMPLETED)
    steps = [
        e.kind
        for e in wired.post.journal.events()
        if e.kind.startswith("order.") and e.body.get("order_id", "") == issued.order.id
    ]
    assert steps == [
        "order.deliver",
        "order.acknowledge",
        "order.accept",
        "order.progress",
        "order.complete",
    ]
    wired.pump(lambda: side.desk.journal.pending() == [])


def test_orders_wait_for_a_cut_station_and_arrive_in_issue_order() -> None:
    # Memory only: on zmq, cuts are made by the proxy of tests/system/test_link_cuts.py.
    with rig("memory") as wired:
        _cut_and_restore(wired)


def _cut_and_restore(wired: Rig) -> None:
    assert wired.network is not None
    wired.network.cut("st-a")
    ids = []
    for n in range(5):
        issued = wired.post.issue_order(
            draft("st-a", officers=n + 1), decision=f"d{n}", rationale="r"
        )
        wired.console.flush("st-a")
        ids.append(issued.order.id)
    wired.clock.advance(31)
    wired.console.tick(wired.clock.now())
    raised = [e["escalation"]["kind"] for e in kinds(wired.post.journal, "escalation.raised")]
    assert raised.count("undelivered") == 5
    wired.network.restore("st-a")
    wired.pump(lambda: all(state_of(wired, i) is OrderState.DELIVERED for i in ids))
    received = [
        b["order"]["id"] for b in kinds(wired.stations["st-a"].desk.journal, "order.received")
    ]
    assert received == ids


def test_malformed_frames_get_a_nack_and_a_journal_line(wired: Rig) -> None:
    side = wired.stations["st-a"]
    side.transport.send("console", [b"XXXX", b"REPORT", b"{}", b"{}"])
    wired.pump(lambda: bool(kinds(wired.post.journal, "message.rejected")))
    assert kinds(wired.post.journal, "message.rejected")[0]["code"] == "bad_magic"
    bad_schema = (
        b'{"msg_id":"m-x","sender":"st-a","seq":1,"ack_of":"","sent_ts":1.0,"attempt":1,"schema":9}'
    )
    side.transport.send("console", [MAGIC, b"HEARTBEAT", bad_schema, b"{}"])
    wired.pump(lambda: bool(kinds(side.desk.journal, "message.rejected")))
    line = kinds(side.desk.journal, "message.rejected")[0]
    assert line["msg_id"] == "m-x" and line["code"] == "unknown_schema"


def test_order_failing_authority_is_declined_with_reason(wired: Rig) -> None:
    issued = wired.post.issue_order(
        draft("st-b", kind="close_road"), decision="close", rationale="r"
    )
    wired.console.flush("st-b")
    # A forged order: valid structure, wrong signature — the verifier refuses unsigned ones.
    forged = Order.from_dict({**issued.order.to_dict(), "id": "forged-1", "signature": ""})
    header = Header("m-forged", "console", 99, "", wired.clock.now(), 1)
    wired.console.transport.send("st-b", encode(Message(header, OrderMsg(forged.to_dict()))))
    side = wired.stations["st-b"]
    wired.pump(lambda: bool(kinds(side.desk.journal, "order.rejected")))
    rejected = kinds(side.desk.journal, "order.rejected")[0]
    assert rejected["order_id"] == "forged-1" and rejected["reason"] == "unsigned"
    # The console knows no such order: it refuses the report rather than inventing one.
    wired.pump(lambda: side.desk.journal.pending() == [])
    assert kinds(wired.post.journal, "message.rejected")[0]["code"] == "report_refused"


class _NoRoadClosures:
    """A verifier refusing close_road as out of scope."""

    def check(self, order: Order, now: float) -> tuple[str, str] | None:
        if order.kind == "close_road":
            return ("out_of_scope", f"kind {order.kind} not granted")
        return None

    def add_documents(self, documents: object) -> list[str]:
        return []


@pytest.mark.parametrize("kind", ["memory", "zmq"])
def test_authority_rejection_comes_back_as_rejected(kind: str) -> None:
    with rig(kind, verifier=_NoRoadClosures()) as r:
        ok = r.post.issue_order(draft("st-a"), decision="patrol", rationale="r")
        refused = r.post.issue_order(
            draft("st-a", kind="close_road"), decision="close", rationale="r"
        )
        r.console.flush("st-a")
        r.pump(lambda: state_of(r, refused.order.id) is OrderState.REJECTED)
        row = r.post.journal.order(refused.order.id)
        assert row is not None
        rejects = [
            b for b in kinds(r.post.journal, "order.reject") if b["order_id"] == refused.order.id
        ]
        assert rejects[0]["detail"]["reason"] == "out_of_scope"
        assert kinds(r.post.journal, "order.decline") == []
        assert state_of(r, ok.order.id) is OrderState.DELIVERED
        station = r.stations["st-a"].desk.journal
        (rejected,) = kinds(station, "order.rejected")
        assert rejected["reason"] == "out_of_scope"
        assert rejected["order"]["id"] == refused.order.id  # the inbox can show what was refused


def test_station_key_claiming_an_unknown_id_gets_nothing(wired: Rig) -> None:
    """A's own key claiming a station id nobody holds: journaled, dropped, never online."""
    impostor = wired.impostor(claims="st-x", key_of="st-a")
    impostor.send("console", _hello("st-x"))
    wired.pump_console(lambda: bool(kinds(wired.post.journal, "auth.rejected")))
    line = kinds(wired.post.journal, "auth.rejected")[0]
    assert line == {"reason": "identity_mismatch", "claimed": "st-x", "key_owner": "st-a"}
    assert "st-x" not in wired.console.online()
    assert set(wired.console.received_from) <= {"st-a", "st-b"}
    assert [b["station"] for b in kinds(wired.post.journal, "station.online")] == ["st-a", "st-b"]
    assert received_by(impostor) == []  # not even a NACK: it would go to the real st-a


def test_reports_queued_without_a_flush_still_go_out(wired: Rig) -> None:
    issued = wired.post.issue_order(draft("st-a"), decision="patrol z1", rationale="crowd")
    wired.console.flush("st-a")
    side = wired.stations["st-a"]
    wired.pump(lambda: bool(side.desk.inbox()))
    side.desk.accept(issued.order.id)  # nobody tells the wire
    wired.clock.advance(2.5)
    wired.pump(lambda: state_of(wired, issued.order.id) is OrderState.ACCEPTED)


def test_unacked_message_is_retried_with_backoff() -> None:
    # Memory only (losing a message in flight). Long heartbeats: the station stays "online"
    # while its copies are lost.
    with rig("memory", station_ids=("st-a",), config=WireConfig(heartbeat_s=100)) as r:
        network = r.network
        assert network is not None
        issued = r.post.issue_order(draft("st-a"), decision="d", rationale="r")
        r.console.flush("st-a")
        assert network.lose_in_flight("st-a") == 1  # the first copy is lost on the way

        def copies() -> list[int]:
            return [json.loads(f[2])["attempt"] for _, to, f in network.sent if f[1] == b"ORDER"]

        assert copies() == [1]
        r.clock.advance(2.9)
        r.console.tick(r.clock.now())
        assert copies() == [1]  # not yet: first retry after 3 s
        r.clock.advance(0.2)
        r.console.tick(r.clock.now())
        assert copies() == [1, 2]
        assert network.lose_in_flight("st-a") == 1  # lost again
        r.clock.advance(5.8)  # second retry 6 s after the first
        r.console.tick(r.clock.now())
        assert copies() == [1, 2]
        r.clock.advance(0.3)
        r.console.tick(r.clock.now())
        assert copies() == [1, 2, 3]
        r.pump(lambda: state_of(r, issued.order.id) is OrderState.DELIVERED)


def test_handover_ships_documents_and_rechained_orders(wired: Rig) -> None:
    from dataclasses import replace

    from command.authority.orders import sign_order
    from command.signing import Signer

    issued = wired.post.issue_order(draft("st-a"), decision="patrol", rationale="r")
    wired.console.flush("st-a")
    wired.pump(lambda: state_of(wired, issued.order.id) is OrderState.DELIVERED)
    successor = Signer.generate("successor")
    moved = sign_order(
        replace(issued.order, grant_chain=("g2",), commander="successor", signature=""),
        successor,
    )
    wired.post.send_handover([{"id": "g2"}], [moved], signer=successor, grant_chain=("g2",))
    for sid in wired.stations:
        wired.console.flush(sid)
    station = wired.stations["st-a"].desk.journal
    wired.pump(lambda: bool(kinds(station, "order.rechained")) and not wired.post.journal.pending())
    assert kinds(station, "order.rechained")[0]["grant_chain"] == ["g2"]
    assert len(kinds(wired.stations["st-b"].desk.journal, "grants.received")) == 1
    later = wired.post.issue_order(draft("st-b"), decision="next", rationale="r")
    assert later.order.commander == "successor" and later.order.grant_chain == ("g2",)


def test_presence_online_last_heard_and_offline(wired: Rig) -> None:
    wired.console.tick(wired.clock.now())
    rows = {r.station: r for r in wired.post.journal.stations()}
    assert rows["st-a"].online and rows["st-a"].last_heard == wired.clock.now()
    wired.clock.advance(3.5)  # three silent heartbeat intervals
    wired.console.tick(wired.clock.now())
    offline = [b["station"] for b in kinds(wired.post.journal, "station.offline")]
    assert sorted(offline) == ["st-a", "st-b"]
    # Heard again: online again, and everything pending is resent.
    issued = wired.post.issue_order(draft("st-a"), decision="d", rationale="r")
    wired.console.flush("st-a")
    wired.stations["st-a"].wire.tick(wired.clock.now())  # a heartbeat
    wired.pump(lambda: state_of(wired, issued.order.id) is OrderState.DELIVERED)
    assert [b["station"] for b in kinds(wired.post.journal, "station.online")].count("st-a") == 2


def _hello(sender: str) -> list[bytes]:
    header = Header(f"m-hello-{sender}", sender, 1, "", 1.0, 1)
    return encode(Message(header, Hello(role="station", name=sender)))


def test_impostor_with_another_stations_key_does_not_cut_the_real_station_off(
    wired: Rig,
) -> None:
    """Station B's allow-listed key claiming station A's id: dropped, A keeps its route."""
    before = wired.post.issue_order(draft("st-a"), decision="before", rationale="r")
    wired.console.flush("st-a")
    wired.pump(lambda: state_of(wired, before.order.id) is OrderState.DELIVERED)
    impostor = wired.impostor(claims="st-a", key_of="st-b")
    impostor.send("console", _hello("st-a"))
    wired.pump_console(lambda: bool(kinds(wired.post.journal, "auth.rejected")))
    line = kinds(wired.post.journal, "auth.rejected")[0]
    assert line == {"reason": "identity_mismatch", "claimed": "st-a", "key_owner": "st-b"}
    # Orders to A after the attempt reach A and are acked; the impostor receives nothing.
    after = [
        wired.post.issue_order(draft("st-a", officers=n), decision=f"after {n}", rationale="r")
        for n in (3, 4)
    ]
    wired.console.flush("st-a")
    wired.pump(lambda: all(state_of(wired, i.order.id) is OrderState.DELIVERED for i in after))
    received = kinds(wired.stations["st-a"].desk.journal, "order.received")
    assert [b["order"]["id"] for b in received] == [before.order.id, *(i.order.id for i in after)]
    assert wired.post.journal.pending("st-a") == []
    assert received_by(impostor) == []
    assert [b["station"] for b in kinds(wired.post.journal, "station.online")] == ["st-a", "st-b"]


def test_ack_or_nack_from_another_station_changes_nothing(wired: Rig) -> None:
    """B naming A's ORDER message id in an ACK or a NACK neither settles nor refuses it."""
    issued = wired.post.issue_order(draft("st-a"), decision="patrol", rationale="r")
    side_b = wired.stations["st-b"]
    heard = wired.console.received_from["st-b"]
    bodies: tuple[Body, ...] = (Ack(), Nack(code=NackCode.INVALID.value, text="not yours"))
    for n, body in enumerate(bodies):
        header = Header(f"m-cross-{n}", "st-b", 100 + n, issued.msg_id, wired.clock.now(), 1)
        side_b.transport.send("console", encode(Message(header, body)))
    wired.pump_console(lambda: wired.console.received_from["st-b"] >= heard + 2)
    assert state_of(wired, issued.order.id) is OrderState.ISSUED
    assert [m.msg_id for m in wired.post.journal.pending("st-a")] == [issued.msg_id]
    assert kinds(wired.post.journal, "message.rejected") == []
    # A still gets it, and A's own ack is what delivers it.
    wired.console.flush("st-a")
    wired.pump(lambda: state_of(wired, issued.order.id) is OrderState.DELIVERED)
    delivered = list(wired.post.journal.events(kinds=["order.deliver"]))
    assert [(e.body["order_id"], e.actor) for e in delivered] == [(issued.order.id, "st-a")]


def test_message_over_the_link_limit_is_lost_and_the_link_recovers(wired: Rig) -> None:
    """Over MAXMSGSIZE the receiver drops the connection: the message never reaches the console's
    decoder (no "oversized" line), the station redials, and what is pending still arrives."""
    side = wired.stations["st-a"]
    header = Header("m-huge", "st-a", 50, "", wired.clock.now(), 1)
    frames = encode(Message(header, Report(order_id="o", step="accept", ts=1.0)))
    frames[3] = b'{"pad":"' + b"x" * LINK_MAX_BYTES + b'"}'
    assert side.transport.send("console", frames) is SendResult.SENT
    issued = wired.post.issue_order(draft("st-a"), decision="after", rationale="r")
    wired.console.flush("st-a")
    wired.pump(lambda: state_of(wired, issued.order.id) is OrderState.DELIVERED)
    assert kinds(wired.post.journal, "message.rejected") == []
    assert [b["order"]["id"] for b in kinds(side.desk.journal, "order.received")] == [
        issued.order.id
    ]
