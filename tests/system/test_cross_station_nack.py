"""Real processes on loopback (issue #13 item 4): a console and station st-a, and a crafted
station-B process holding st-b's own allow-listed key. While st-a is not yet running, st-b
answers the console's first message with an ACK and a NACK that both name the message id of the
ORDER the console sent to st-a. Neither may touch st-a's order: it stays issued and pending in
the console's outbox, nothing is journaled as refused, and when st-a starts it receives the
order, which is delivered (by st-a), accepted and completed exactly once."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from command.journal import Journal
from command.lifecycle import OrderState
from command.vocabulary import Kind
from tests.system.world import (
    PYTHON,
    check_exactly_once,
    console_argv,
    free_port,
    kill,
    make_world,
    read,
    spawn,
    station_argv,
    wait_for,
)

pytestmark = [pytest.mark.system]

STATIONS = ["st-a", "st-b"]  # one order, to st-a


def _bodies(path: Path, kind: Kind) -> list[dict[str, object]]:
    def fn(j: Journal) -> list[dict[str, object]]:
        return [dict(e.body) for e in j.events(kinds=[kind])]

    value = read(path, fn, [])
    assert isinstance(value, list)
    return value


def _pending(path: Path, peer: str) -> list[str]:
    value = read(path, lambda j: [m.msg_id for m in j.pending(peer)], ["?"])  # "?": unreadable
    assert isinstance(value, list)
    return value


def _actors(path: Path, kind: Kind) -> list[str]:
    value = read(path, lambda j: [e.actor for e in j.events(kinds=[kind])], [])
    assert isinstance(value, list)
    return value


def test_station_b_cannot_ack_or_nack_an_order_sent_to_station_a(tmp_path: Path) -> None:
    make_world(tmp_path, STATIONS)
    port = free_port()
    console_db = tmp_path / "console.db"
    heard = tmp_path / "st-b.heard"
    children: list[subprocess.Popen[bytes]] = []
    try:
        children.append(spawn(console_argv(tmp_path, port, 1), tmp_path / "console.log"))
        wait_for(
            lambda: bool(_bodies(console_db, Kind.ORDER_ISSUED)), 30, "the order issued", children
        )
        ((issued,),) = [_bodies(console_db, Kind.ORDER_ISSUED)]
        msg_id = str(issued["msg_id"])
        order_id = str(issued["order"]["id"])  # type: ignore[index]
        assert issued["order"]["station"] == "st-a"  # type: ignore[index]
        assert msg_id in _pending(console_db, "st-a")

        crafted_argv = [PYTHON, "-m", "tests.system.cross_nack_proc", str(tmp_path), str(port)]
        crafted = spawn([*crafted_argv, "st-b", msg_id, str(heard)], tmp_path / "st-b.log")
        children.append(crafted)
        # st-b's honest ACK (its grant) is sent after the crafted ACK and NACK on one connection,
        # so once st-b has nothing pending the console has processed all three.
        wait_for(heard.exists, 30, "the console to send st-b its grant", children)
        wait_for(
            lambda: not _pending(console_db, "st-b"), 30, "st-b's messages processed", children
        )
        kill(crafted, 15)
        children.remove(crafted)

        row = read(console_db, lambda j: j.order(order_id))
        assert row is not None and row.state is OrderState.ISSUED  # type: ignore[attr-defined]
        assert msg_id in _pending(console_db, "st-a")  # still retried for st-a
        assert _bodies(console_db, Kind.MESSAGE_REJECTED) == []
        assert _bodies(console_db, Kind.ORDER_DELIVER) == []

        children.append(spawn(station_argv(tmp_path, "st-a", port), tmp_path / "st-a.log"))

        def completed() -> bool:
            return bool(_bodies(console_db, Kind.ORDER_COMPLETE))

        wait_for(completed, 60, "st-a's order completed at the console", children)
    finally:
        for child in children:
            kill(child, 15)
    assert _actors(console_db, Kind.ORDER_DELIVER) == ["st-a"]
    assert len(_bodies(console_db, Kind.ORDER_ACCEPT)) == 1
    assert _bodies(console_db, Kind.MESSAGE_REJECTED) == []
    assert len(_bodies(tmp_path / "st-a.db", Kind.ORDER_RECEIVED)) == 1
    check_exactly_once(tmp_path, ["st-a"], 1)
