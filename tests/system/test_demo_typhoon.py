"""`baton demo typhoon --headless --speed 240 --duration 35`, checked end to end in its journals.

The ferry-suspension alert arrives, the tunnel-lane suggestion is approved by the autopilot, and
the traffic police station receives, accepts and completes the order, seen in both the console's
and the station's journal; every journal verifies and no process is left.

The scenario's traffic police operator declines 5% of orders (by order id, which is random), so
a run in which the station declined the tunnel-lane order is run once more (the decline itself is
checked to be the operator's, in both journals). The run is the session's `typhoon_run`
(tests/system/conftest.py), which the journal attacks copy too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from command.journal import Journal, verify_journal
from tests.system.demo_procs import TYPHOON_ARGS, TYPHOON_TIMEOUT_S, DemoRun, run_demo

pytestmark = pytest.mark.system

PLAYBOOK = "ferry_suspension_tunnel_lane"
STATION = "traffic_police"
KIND = "open_lane_non_motorised"


def _station(run: DemoRun) -> Path:
    return run.run_dir / "stations" / f"{STATION}.sqlite"


def _kinds(path: Path, order_id: str) -> list[str]:
    """Order event kinds in a journal for one order, in journal order."""
    journal = Journal.open_readonly(path)
    try:
        out = []
        for e in journal.events():
            body = e.body
            oid = body.get("order_id") or (body.get("order") or {}).get("id")
            if oid == order_id:
                out.append(e.kind)
        return out
    finally:
        journal.close()


def _tunnel_order(path: Path) -> str:
    """Checks the alert and the approval in the console journal; returns the tunnel order id."""
    journal = Journal.open_readonly(path)
    try:
        signals = [e.body["signal"] for e in journal.events(kinds=["signal.received"])]
        assert any(s["kind"] == "ferry_suspension" for s in signals), signals
        approved = [e.body for e in journal.events(kinds=["suggestion.approved"])]
        assert any(b["playbook"] == PLAYBOOK for b in approved), approved
        orders = [
            e.body["order"]
            for e in journal.events(kinds=["order.issued"])
            if e.body["order"]["station"] == STATION and e.body["order"]["kind"] == KIND
        ]
        assert len(orders) == 1, orders
        return str(orders[0]["id"])
    finally:
        journal.close()


def test_typhoon_demo_end_to_end(typhoon_run: DemoRun, tmp_path: Path) -> None:
    run = typhoon_run  # the session's run (tests/system/conftest.py), read only
    assert run.code == 0, run.output
    order_id = _tunnel_order(run.console)
    if "order.decline" in _kinds(_station(run), order_id):
        # The simulated operator's 5% decline: legitimate, journaled at both ends; run again.
        assert "order.decline" in _kinds(run.console, order_id)
        run = run_demo(tmp_path / "second", TYPHOON_ARGS, TYPHOON_TIMEOUT_S)
        assert run.code == 0, run.output
        order_id = _tunnel_order(run.console)

    console = _kinds(run.console, order_id)
    station = _kinds(_station(run), order_id)
    for kind in ("order.issued", "order.deliver", "order.accept", "order.complete"):
        assert kind in console, (kind, console)
    for kind in ("order.received", "order.accept", "order.complete"):
        assert kind in station, (kind, station)
    assert console.index("order.accept") < console.index("order.complete")
    assert station.index("order.accept") < station.index("order.complete")
    assert "order.rejected" not in station

    for path in (run.console, _station(run)):
        result = verify_journal(path)
        assert result.ok, result.summary(path)
    assert "All journals verify." in run.output
    assert "Summary of the typhoon demo:" in run.output
