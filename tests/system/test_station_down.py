"""A station down for ten simulated minutes (a ManualClock drives both engines): the commander is
warned 30 s after issue, the station is shown offline, and on its return the orders arrive in
issue order, each once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from command.clock import ManualClock
from command.journal import Journal
from command.signing import Signer
from command.station_desk import AcceptAll
from protocols.commands import Address, IssueOrder
from protocols.delivery import WireConfig
from protocols.engine import Engine, EngineBatch
from protocols.nodes import ConsoleNode, ConsoleSettings, StationNode, StationSettings
from protocols.security import CurveKeys
from tests.protocols.wiring import draft, incident
from tests.waiting import wait_for

pytestmark = [pytest.mark.system]


def _wait(cond: Any, seconds: float = 15.0, what: str = "condition") -> None:
    wait_for(cond, timeout=seconds, interval=0.02, message=what)


class _TickedConsole(ConsoleNode):
    """The console node, remembering the clock time of its last tick (for the test to wait on)."""

    last_tick = float("-inf")

    def tick(self, now: float) -> None:
        """Tick, then note `now`."""
        super().tick(now)
        self.last_tick = now


def test_station_down_ten_minutes(tmp_path: Path) -> None:
    clock = ManualClock()
    server, skeys = CurveKeys.generate(), CurveKeys.generate()
    events: list[Any] = []

    def on_batch(batch: EngineBatch) -> None:
        events.extend(batch.events)

    def seen(kind: str) -> list[dict[str, Any]]:
        return [e.body for e in list(events) if e.kind == kind]

    console = Engine(
        lambda ctx: _TickedConsole(
            ctx,
            ConsoleSettings(
                name="console",
                journal_path=tmp_path / "console.db",
                clock=clock,
                signer=Signer.generate("commander"),
                grant_chain=("g1",),
                incident=incident(("st-a",)),
                keys=server,
                allowed={skeys.public: "st-a"},
                address="tcp://127.0.0.1:*",
                wire=WireConfig(heartbeat_s=1.0),
            ),
        ),
        clock,
        on_batch=on_batch,
    ).start()
    address = console.call_sync(Address())

    def station() -> Engine:
        return Engine(
            lambda ctx: StationNode(
                ctx,
                StationSettings(
                    station_id="st-a",
                    journal_path=tmp_path / "st-a.db",
                    clock=clock,
                    verifier=AcceptAll(),
                    keys=skeys,
                    console_public=server.public,
                    address=address,
                    wire=WireConfig(heartbeat_s=1.0),
                ),
            ),
            clock,
        ).start()

    st = station()
    try:
        _wait(lambda: seen("station.online"), what="station online")
        st.stop()
        ids = []
        for n in range(20):
            issued = console.call_sync(
                IssueOrder(draft("st-a", officers=n + 1), decision=f"d{n}", rationale="r")
            )
            ids.append(issued.order.id)
            clock.advance(0.5)
        clock.advance(21)  # the first order is 31 s old, the last 21.5 s
        _wait(lambda: seen("station.offline"), what="station offline")
        _wait(lambda: len(seen("escalation.raised")) >= 1, what="first escalation")
        clock.advance(10)
        _wait(lambda: len(seen("escalation.raised")) == 20, what="20 escalations")
        raised = [b["escalation"] for b in seen("escalation.raised")]
        assert [e["order_id"] for e in raised] == ids
        assert {e["kind"] for e in raised} == {"undelivered"}
        node = console.node
        assert isinstance(node, _TickedConsole)
        for _ in range(19):  # ten simulated minutes in all, the console's timers at every step
            clock.advance(30)
            reached = clock.now()
            _wait(lambda now=reached: node.last_tick >= now, what="a console tick at +30 s")
        _wait(lambda: len(seen("escalation.raised")) >= 40, what="the 120 s escalations")
        kinds = [b["escalation"]["kind"] for b in seen("escalation.raised")]
        # Each raised once: undelivered at 30 s, not accepted at the 120 s deadline.
        assert sorted(kinds) == ["not_accepted"] * 20 + ["undelivered"] * 20
        st = station()
        _wait(lambda: len(seen("order.deliver")) == 20, what="all delivered on return")
    finally:
        st.stop()
        console.stop()
    journal = Journal.open_readonly(tmp_path / "st-a.db")
    try:
        received = [e.body["order"]["id"] for e in journal.events(kinds=["order.received"])]
    finally:
        journal.close()
    assert received == ids
    _ = seen  # escalations made moot by delivery are resolved by the journal
    assert len(seen("escalation.resolved")) >= 20
