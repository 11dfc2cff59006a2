"""Processes for the bounded-time and signed-report system test (tests/system/test_trust.py).

`console DIR PORT`: a console checking report signatures against `report_keys.json`. It ships
the grant to every station and issues one order to each; then revokes the grant for st-a
(effective 30 s ago) and, as a holder of the revoked grant would, issues st-a an order whose
`issued_at` is backdated by 600 s. Runs until SIGTERM.

`skewed DIR PORT ID`: a real station node (authority book, signing key, CURVE link) whose
reports carry absurd times: for each order it holds it sends, correctly signed, an
"acknowledge" stamped in year 3,170,000 and one stamped in 1938. Runs until SIGTERM.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import zmq

from command.authority.book import AuthorityBook
from command.authority.grants import Grant, revoke_grant
from command.authority.keys import load_signer, load_trust
from command.authority.orders import sign_order
from command.clock import SystemClock
from command.journal import IssuedOrder
from command.model import Order
from command.signing import Signer
from command.station_desk import BookVerifier
from protocols.certs import load_curve_keys, load_curve_public
from protocols.commands import Handlers, IssueOrder, SendGrants
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

BACKDATE_S = 600.0
ABSURD_TIMES = (1.0e14, -1.0e9)  # year ~3,170,000 and 1938


@dataclass(frozen=True, slots=True)
class IssueBackdated(IssueOrder):
    """Issue an order whose signed `issued_at` lies `backdate_s` before the console's clock."""

    backdate_s: float = BACKDATE_S


class BackdatingConsole(ConsoleNode):
    """A console node that can also sign a backdated order (the attack under test)."""

    def handlers(self) -> Handlers:
        return super().handlers().on(IssueBackdated, self.issue_backdated)

    def issue_backdated(self, cmd: IssueBackdated) -> IssuedOrder:
        def backdated(order: Order, signer: Signer) -> Order:
            return sign_order(replace(order, issued_at=order.issued_at - cmd.backdate_s), signer)

        honest = self.post._sign
        self.post._sign = backdated
        try:
            return self.issue_order(cmd)
        finally:
            self.post._sign = honest


def console(directory: Path, port: int) -> int:
    stations, grant = stations_and_grant(directory)
    keys = directory / "keys"
    clock = SystemClock()
    settings = console_settings(
        directory,
        port,
        clock,
        0.5,
        report_keys=json.loads((directory / "report_keys.json").read_text()),
    )
    stop = stop_on_sigterm()
    engine = Engine(lambda ctx: BackdatingConsole(ctx, settings), clock, name="console").start()
    try:
        for sid in stations:
            engine.call_sync(SendGrants(sid, (grant,)))
        for n, sid in enumerate(stations):
            engine.call_sync(IssueOrder(draft(sid), decision=f"order {n}", rationale="test"))
        now = time.time()
        revocation = revoke_grant(
            Grant.from_dict(grant),
            load_signer(keys / "city.sign"),
            reason="commander recalled",
            effective_at=now - 30.0,
            issued_at=now,
        )
        engine.call_sync(SendGrants("st-a", (revocation.to_dict(),)))
        engine.call_sync(IssueBackdated(draft("st-a"), decision="backdated", rationale="attack"))
        print("issued", flush=True)
        run_until(stop)
    finally:
        engine.stop()
    return 0


class SkewedStation(StationNode):
    """A station node whose reports are stamped at absurd times (signed with its real key)."""

    def __init__(self, context: zmq.Context[Any], settings: StationSettings) -> None:
        super().__init__(context, settings)
        self.reported: set[str] = set()

    def tick(self, now: float) -> None:
        for row in self.desk.inbox(open_only=True):
            if row.order.id in self.reported:
                continue
            self.reported.add(row.order.id)
            for ts in ABSURD_TIMES:
                body = {"order_id": row.order.id, "step": "acknowledge", "ts": ts, "detail": {}}
                self.journal.enqueue(self.desk.console, "REPORT", body)
            self.wire.flush()
        super().tick(now)


def skewed(directory: Path, port: int, station_id: str) -> int:
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
        signer=load_signer(keys / f"{station_id}.sign"),
    )
    stop = stop_on_sigterm()
    engine = Engine(lambda ctx: SkewedStation(ctx, settings), clock, name=station_id).start()
    try:
        run_until(stop)
    finally:
        engine.stop()
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "console":
        sys.exit(console(Path(sys.argv[2]), int(sys.argv[3])))
    sys.exit(skewed(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
