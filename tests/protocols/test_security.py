"""Transport security on the real link: unknown key, no CURVE, someone else's id."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import zmq

from command.vocabulary import AuthRejected, Kind
from protocols.codec import encode
from protocols.messages import Header, Hello, Message
from protocols.security import CurveKeys, RejectionSummaries
from protocols.station_link import StationLink
from tests.protocols.wiring import Rig, kinds, received_by, rig
from tests.waiting import wait_for


@pytest.fixture
def wired() -> Iterator[Rig]:
    with rig("zmq", station_ids=("st-a",)) as built:
        yield built


def _hello(sender: str) -> list[bytes]:
    return encode(Message(Header("m-" + sender, sender, 1, "", 1.0, 1), Hello("station", sender)))


def _drive_console(r: Rig, until: Callable[[], bool], seconds: float = 5.0) -> None:
    r.pump_console(until, timeout=seconds)


def test_unknown_curve_key_is_refused_and_journaled(wired: Rig) -> None:
    assert wired.context is not None
    stranger = StationLink(
        wired.context,
        station_id="st-z",
        keys=CurveKeys.generate(),
        console_public=wired.keys["console"].public,
        address=wired.address,
    )
    try:
        stranger.send("console", _hello("st-z"))
        _drive_console(wired, lambda: bool(kinds(wired.post.journal, "auth.rejected")))
        reasons = {b["reason"] for b in kinds(wired.post.journal, "auth.rejected")}
        assert "unknown_key" in reasons or "handshake_failed" in reasons
        assert set(wired.console.received_from) <= {"st-a"}
        assert "st-z" not in wired.console.online()
    finally:
        stranger.close()


def test_no_curve_at_all_is_refused_and_journaled(wired: Rig) -> None:
    assert wired.context is not None
    plain = wired.context.socket(zmq.DEALER)
    plain.linger = 0
    plain.setsockopt(zmq.ROUTING_ID, b"st-q")
    plain.connect(wired.address)
    try:
        plain.send_multipart(_hello("st-q"), zmq.NOBLOCK)
        _drive_console(wired, lambda: bool(kinds(wired.post.journal, "auth.rejected")))
        assert kinds(wired.post.journal, "auth.rejected")[0]["reason"] == "handshake_failed"
        assert set(wired.console.received_from) <= {"st-a"}
        assert "st-q" not in wired.console.online()
    finally:
        plain.close(linger=0)


def test_valid_key_claiming_another_station_gets_nothing(wired: Rig) -> None:
    impostor = wired.impostor(claims="st-b", key_of="st-a")  # claims st-b, holds st-a's key
    impostor.send("console", _hello("st-b"))
    _drive_console(wired, lambda: bool(kinds(wired.post.journal, "auth.rejected")))
    line = kinds(wired.post.journal, "auth.rejected")[0]
    assert line == {"reason": "identity_mismatch", "claimed": "st-b", "key_owner": "st-a"}
    assert set(wired.console.received_from) <= {"st-a"}
    assert [b["station"] for b in kinds(wired.post.journal, "station.online")] == ["st-a"]
    assert "st-b" not in wired.console.online()
    # Dropped unanswered: a reply would be routed by key, to the real st-a.
    assert received_by(impostor, seconds=0.5) == []


def test_keyless_attempts_journal_summaries_per_peer_not_one_per_attempt(wired: Rig) -> None:
    """20 s (of the console's clock) of attempts, each with a fresh unknown key: the journal
    gets a first line per peer address and reason, then one summary per minute with the count
    (the attempts themselves take a wall second or two)."""
    context = wired.context
    assert context is not None
    attempts = 0

    def attempted() -> bool:
        nonlocal attempts
        stranger = StationLink(
            context,
            station_id="st-z",
            keys=CurveKeys.generate(),
            console_public=wired.keys["console"].public,
            address=wired.address,
        )
        stranger.send("console", _hello("st-z"))
        wired.console.pump()
        stranger.close()
        attempts += 1
        wired.clock.advance(0.2)  # 100 attempts: 20 s
        wired.console.tick(wired.clock.now())
        return attempts >= 100 and wired.console.rejections.noted >= 100

    wait_for(attempted, timeout=30, interval=0.001, message="100 refused handshakes")
    during = kinds(wired.post.journal, Kind.AUTH_REJECTED)
    # was one per attempt (a fresh key each time); under load a few monitor-seen handshake
    # failures join the summaries, so the bound is a few dozen at most
    assert 1 <= len(during) <= 12, during
    unknown = [b for b in during if b["reason"] == "unknown_key"]
    assert unknown and unknown[0]["peer"] == "127.0.0.1" and unknown[0]["count"] == 1
    wired.clock.advance(60.0)
    wired.console.tick(wired.clock.now())
    wired.console.flush_rejections(all_pending=True)
    lines = kinds(wired.post.journal, Kind.AUTH_REJECTED)
    assert len(lines) <= 24
    assert sum(int(b["count"]) for b in lines) == wired.console.rejections.noted
    summary = [b for b in lines if b["reason"] == "unknown_key"][-1]
    # the window's summary says how many attempts, with how many keys (not one line each)
    assert len([b for b in lines if b["reason"] == "unknown_key"]) >= 2
    assert summary["count"] >= 1 and summary["keys"] >= 1
    assert set(wired.console.received_from) <= {"st-a"}


def test_rejection_summaries_count_per_peer_and_reason_on_a_fake_clock() -> None:
    now = [0.0]
    summaries = RejectionSummaries(every_s=60.0, clock=lambda: now[0], service="feeds")
    journaled: list[AuthRejected] = []
    attempts = 0
    for step in range(3 * 60 * 20):  # three minutes, 20 attempts a second, three peers
        now[0] = step / 20
        for peer in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
            attempts += 1
            event = summaries.note(peer, "unknown_key", {"key": f"k{step}"})
            journaled += [event] if event is not None else []
        journaled += summaries.due()
    journaled += summaries.flush()
    assert attempts == 10_800
    assert len(journaled) <= 3 * 4  # per peer: the first, one a minute, the rest at the end
    assert sum(int(e.detail["count"]) for e in journaled) == attempts
    assert {e.detail["peer"] for e in journaled} == {"10.0.0.1", "10.0.0.2", "10.0.0.3"}
    assert all(e.kind is Kind.AUTH_REJECTED and e.detail["service"] == "feeds" for e in journaled)
    # Many addresses are bounded too: beyond max_peers they share one line.
    crowd = RejectionSummaries(every_s=60.0, clock=lambda: 0.0, max_peers=10)
    firsts = [crowd.note(f"10.1.{i // 256}.{i % 256}", "not_curve") for i in range(1000)]
    assert sum(e is not None for e in firsts) == 11
