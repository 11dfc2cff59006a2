"""Transport security on the real link: unknown key, no CURVE, someone else's id."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import zmq

from protocols.codec import encode
from protocols.messages import Header, Hello, Message
from protocols.security import CurveKeys
from protocols.station_link import StationLink
from tests.protocols.wiring import Rig, kinds, received_by, rig


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
