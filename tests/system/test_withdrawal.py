"""Real processes on loopback (issue #15): both ends agree on every order.

A console and station st-a. The station receives the order and is stopped; meanwhile the console
withdraws it (its timers expire it, or the commander cancels it) and queues the withdrawal. The
station's operator accepts while the station is cut off — after the console's decision, before
its withdrawal arrives. When the station comes back the two cross on the wire. By the one rule
(the console's decision wins) the console journals the crossed accept (`order.crossed`), the
station journals the withdrawal overruling its accept, both journals fold to the same state, and
the merge of the two finds no unresolved disagreement.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from command.clock import SystemClock
from command.fold import fold
from command.journal import Event, Journal
from command.lifecycle import OrderState
from command.review.merge import agreement_line, merge
from command.station_desk import AcceptAll, StationDesk
from command.vocabulary import EventLike, Kind
from tests.system.world import PYTHON, free_port, kill, make_world, read, spawn, wait_for

pytestmark = [pytest.mark.system]

PROCS = "tests.system.withdrawal_procs"


def _bodies(path: Path, kind: Kind) -> list[dict[str, object]]:
    def fn(j: Journal) -> list[dict[str, object]]:
        return [dict(e.body) for e in j.events(kinds=[kind])]

    value = read(path, fn, [])
    assert isinstance(value, list)
    return value


def _events(path: Path) -> list[EventLike]:
    value = read(path, lambda j: list(j.events()))
    assert isinstance(value, list)
    return [e for e in value if isinstance(e, Event)]


def _accept_offline(path: Path, order_id: str) -> None:
    """The operator accepts while the station is stopped: journaled, its REPORT queued."""
    journal = Journal.open(path, clock=SystemClock(), owner="st-a", role="station")
    try:
        StationDesk(journal, SystemClock(), "st-a", AcceptAll()).accept(order_id)
    finally:
        journal.close()


@pytest.mark.parametrize(
    ("mode", "state", "step"),
    [
        ("expire", OrderState.EXPIRED, Kind.ORDER_EXPIRE),
        ("cancel", OrderState.CANCELLED, Kind.ORDER_CANCEL),
    ],
)
def test_an_accept_crossing_the_withdrawal_ends_the_same_at_both_ends(
    tmp_path: Path, mode: str, state: OrderState, step: Kind
) -> None:
    make_world(tmp_path, ["st-a"])
    port = free_port()
    console_db, station_db = tmp_path / "console.db", tmp_path / "st-a.db"
    station_argv = [PYTHON, "-m", PROCS, "station", str(tmp_path), str(port), "st-a"]
    children: list[subprocess.Popen[bytes]] = []
    try:
        console = spawn(
            [PYTHON, "-m", PROCS, "console", str(tmp_path), str(port), mode],
            tmp_path / "console.log",
        )
        children.append(console)
        station = spawn(station_argv, tmp_path / "st-a.log")
        children.append(station)
        wait_for(lambda: bool(_bodies(console_db, Kind.ORDER_DELIVER)), 30, "delivery", children)
        order_id = str(_bodies(console_db, Kind.ORDER_DELIVER)[0]["order_id"])
        kill(station, signal.SIGTERM)  # the station is cut off
        children.remove(station)
        if mode == "cancel":
            (tmp_path / "cancel.now").touch()
        wait_for(lambda: bool(_bodies(console_db, step)), 30, f"the console to {mode}", children)
        _accept_offline(station_db, order_id)  # after the console's decision, before it arrives
        children.append(spawn(station_argv, tmp_path / "st-a.log"))
        wait_for(
            lambda: bool(_bodies(console_db, Kind.ORDER_CROSSED)),
            30,
            "the crossed accept",
            children,
        )
        wait_for(lambda: bool(_bodies(station_db, step)), 30, "the station's withdrawal", children)
    finally:
        for child in children:
            kill(child, signal.SIGTERM)

    crossed = _bodies(console_db, Kind.ORDER_CROSSED)
    assert [(c["order_id"], c["step"], c["state"]) for c in crossed] == [
        (order_id, "acknowledge", state.value),
        (order_id, "accept", state.value),
    ]
    withdrawal = _bodies(station_db, step)[0]
    detail = withdrawal["detail"]
    assert isinstance(detail, dict)
    assert detail["withdrawn"] is True and detail["overruled"] == "accept"
    console_events, station_events = _events(console_db), _events(station_db)
    at_console = fold(console_events).orders.get(order_id)
    at_station = fold(station_events).orders.get(order_id)
    assert at_console is not None and at_station is not None
    assert at_console.state is at_station.state is state
    assert at_station.actionable == () and at_console.needs_attention
    assert "your accept at" in at_station.withdrawal_note(str)
    merged = merge(console_events, {"st-a": station_events})
    assert merged.unresolved == [] and merged.disagreements == []
    assert agreement_line(merged) == "console and stations agree on 1 of 1 order(s)"
    assert [d.kind for d in merged.discrepancies] == []
