"""Processes for the withdrawal system test (tests/system/test_withdrawal.py).

`console DIR PORT MODE`: ships the grant to st-a and issues it one order. MODE `expire`: the
order's acceptance deadline and due time are `DUE_S` wall seconds after issue, so the console's
timers expire it. MODE `cancel`: once the file DIR/cancel.now exists, the commander cancels it.
Runs until SIGTERM.

`station DIR PORT ID`: a real station node (authority book, signing key, CURVE link) with no
operator: it receives and acks orders and applies withdrawals; the test takes the operator's
steps in its journal while it is stopped. Runs until SIGTERM.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from command.authority.book import AuthorityBook
from command.authority.keys import load_trust
from command.clock import SystemClock
from command.station_desk import BookVerifier
from protocols.certs import load_curve_keys, load_curve_public
from protocols.commands import CancelOrder, IssueOrder, SendGrants
from protocols.delivery import WireConfig
from protocols.engine import Engine
from protocols.nodes import ConsoleNode, StationNode, StationSettings
from tests.protocols.wiring import draft
from tests.system.console_proc import (
    console_settings,
    run_until,
    stations_and_grant,
    stop_on_sigterm,
)

DUE_S = 3.0
CANCEL_REASON = "crowd dispersed"


def console(directory: Path, port: int, mode: str) -> int:
    _, grant = stations_and_grant(directory)
    clock = SystemClock()
    settings = console_settings(directory, port, clock, 0.5)
    stop = stop_on_sigterm()
    engine = Engine(lambda ctx: ConsoleNode(ctx, settings), clock, name="console").start()
    try:
        engine.call_sync(SendGrants("st-a", (grant,)))
        order = draft("st-a")
        if mode == "expire":
            order = replace(order, ack_deadline_s=DUE_S, due_s=DUE_S)
        issued = engine.call_sync(IssueOrder(order, decision="patrol z1", rationale="test"))
        print(f"issued {issued.order.id}", flush=True)
        if mode == "cancel":
            trigger = directory / "cancel.now"
            while not trigger.exists() and not stop.wait(0.1):
                pass
            if trigger.exists():
                engine.call_sync(CancelOrder(issued.order.id, CANCEL_REASON))
                print("cancelled", flush=True)
        run_until(stop)
    finally:
        engine.stop()
    return 0


def station(directory: Path, port: int, station_id: str) -> int:
    keys = directory / "keys"
    clock = SystemClock()
    settings = StationSettings(
        station_id=station_id,
        journal_path=directory / f"{station_id}.db",
        clock=clock,
        verifier=BookVerifier(AuthorityBook(load_trust(directory / "trust.yaml"))),
        keys=load_curve_keys(keys / f"{station_id}.key_secret"),
        console_public=load_curve_public(keys / "console.key"),
        address=f"tcp://127.0.0.1:{port}",
        wire=WireConfig(heartbeat_s=0.5),
    )
    stop = stop_on_sigterm()
    engine = Engine(lambda ctx: StationNode(ctx, settings), clock, name=station_id).start()
    try:
        run_until(stop)
    finally:
        engine.stop()
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "console":
        sys.exit(console(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
    sys.exit(station(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
