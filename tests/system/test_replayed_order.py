"""Real processes on loopback (issue #13 item 3): a console and station st-a carry one order to
completion; the console is stopped and a crafted console-side sender, holding the console's key,
sends st-a that order's id again with altered (validly re-signed) content under a new message
id, and the original content under another new message id. The altered copy is refused as
`replayed` (journaled once as `message.rejected`), the resend is re-acked silently, and the
original order survives at both ends: after the real console comes back and hears the station's
refusal, neither journal's order state has moved and neither holds a second order."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from command.authority.keys import load_signer
from command.authority.orders import sign_order
from command.journal import Journal
from command.journal.messages import content_hash
from command.lifecycle import OrderState
from command.model import Order
from command.vocabulary import Kind
from tests.system.world import (
    PYTHON,
    console_argv,
    count_kind,
    free_port,
    kill,
    make_world,
    read,
    spawn,
    station_argv,
    wait_for,
)

pytestmark = [pytest.mark.system]

STATIONS = ["st-a"]


def _states(path: Path) -> dict[str, tuple[OrderState, str]]:
    def fn(j: Journal) -> dict[str, tuple[OrderState, str]]:
        return {r.order.id: (r.state, content_hash(r.order)) for r in j.orders()}

    value = read(path, fn, {})
    assert isinstance(value, dict)
    return value


def _bodies(path: Path, kind: Kind) -> list[dict[str, object]]:
    def fn(j: Journal) -> list[dict[str, object]]:
        return [dict(e.body) for e in j.events(kinds=[kind])]

    value = read(path, fn, [])
    assert isinstance(value, list)
    return value


def test_an_altered_replay_of_an_accepted_order_leaves_it_at_both_ends(tmp_path: Path) -> None:
    make_world(tmp_path, STATIONS)
    port = free_port()
    console_db, station_db = tmp_path / "console.db", tmp_path / "st-a.db"
    children: list[subprocess.Popen[bytes]] = []
    try:
        console = spawn(console_argv(tmp_path, port, 1), tmp_path / "console.log")
        children.append(console)
        children.append(spawn(station_argv(tmp_path, "st-a", port), tmp_path / "st-a.log"))

        def completed() -> bool:
            return bool(count_kind(console_db, Kind.ORDER_COMPLETE, lambda b: str(b["order_id"])))

        wait_for(completed, 60, "the order completed at the console", children)
        wait_for(lambda: not read(station_db, lambda j: j.pending(), []), 30, "reports acked")
        kill(console, 15)
        children.remove(console)
        console_before, station_before = _states(console_db), _states(station_db)
        ((order_id, (state, _)),) = console_before.items()
        assert state is OrderState.COMPLETED and station_before == console_before

        (issued,) = _bodies(console_db, Kind.ORDER_ISSUED)
        original = Order.from_dict(issued["order"])  # type: ignore[arg-type]
        altered = sign_order(
            Order.from_dict({**original.to_dict(), "params": {"officers": 99}, "signature": ""}),
            load_signer(tmp_path / "keys" / "commander.sign"),
        )
        assert altered.id == order_id and content_hash(altered) != content_hash(original)
        sends = tmp_path / "sends.json"
        items = [
            {"msg_id": "m-replay-altered", "order": altered.to_dict()},
            {"msg_id": "m-replay-resend", "order": original.to_dict()},
        ]
        sends.write_text(json.dumps(items), encoding="utf-8")
        heard = tmp_path / "sender.heard"
        sender_argv = [PYTHON, "-m", "tests.system.replay_sender_proc", str(tmp_path), str(port)]
        sender = spawn([*sender_argv, "st-a", str(sends), str(heard)], tmp_path / "sender.log")
        children.append(sender)

        def acked_both() -> bool:
            return heard.exists() and heard.read_text().count("ACK") >= 2

        wait_for(acked_both, 60, "st-a to ack both crafted messages", children)
        wait_for(lambda: "REPORT" in heard.read_text(), 30, "st-a's refusal report", children)
        kill(sender, 15)
        children.remove(sender)

        refused = _bodies(station_db, Kind.MESSAGE_REJECTED)
        assert [(b["msg_id"], b["code"], b["by"]) for b in refused] == [
            ("m-replay-altered", "replayed", "st-a")
        ]
        assert _states(station_db) == station_before

        # The real console comes back; the station's pending refusal reaches it.
        children.append(spawn(console_argv(tmp_path, port, 1), tmp_path / "console.log"))
        wait_for(
            lambda: not read(station_db, lambda j: j.pending(), []),
            60,
            "the console to ack st-a's refusal",
            children,
        )
        wait_for(lambda: bool(_bodies(console_db, Kind.MESSAGE_REJECTED)), 30, "console refusal")
        refused_at_console = _bodies(console_db, Kind.MESSAGE_REJECTED)
        assert [b["code"] for b in refused_at_console] == ["report_refused"]
    finally:
        for child in children:
            kill(child, 15)
    assert _states(console_db) == console_before
    assert _states(station_db) == station_before
    assert len(_bodies(station_db, Kind.ORDER_RECEIVED)) == 1
    assert _bodies(station_db, Kind.ORDER_REJECTED) == []
    assert _bodies(console_db, Kind.ORDER_REJECT) == []
    assert len(_bodies(console_db, Kind.ORDER_ISSUED)) == 1
