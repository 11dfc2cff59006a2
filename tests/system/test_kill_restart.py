"""SIGKILL the console, then separately a station, in the middle of a burst of orders to ten
stations: every order is executed exactly once and every transition is journaled at both ends.

1,000 orders by default; BATON_SYSTEM_ORDERS sets another number (e.g. on a slow CI box).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from command.journal import Journal
from tests.system.world import (
    check_exactly_once,
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

pytestmark = [pytest.mark.system, pytest.mark.slow]

ORDERS = int(os.environ.get("BATON_SYSTEM_ORDERS", "1000"))
STATIONS = [f"st-{i}" for i in range(10)]


def _completed(directory: Path) -> int:
    def fn(j: Journal) -> int:
        return sum(1 for _ in j.events(kinds=["order.complete"]))

    path = directory / "console.db"
    return int(read(path, fn, 0)) if path.exists() else 0  # type: ignore[call-overload]


def _issued(directory: Path) -> int:
    return sum(
        count_kind(directory / "console.db", "order.issued", lambda b: str(b["msg_id"])).values()
    )


def _run(tmp_path: Path, victim: str) -> None:
    make_world(tmp_path, STATIONS)
    port = free_port()
    children: list[subprocess.Popen[bytes]] = []
    try:
        stations = {
            sid: spawn(station_argv(tmp_path, sid, port), tmp_path / f"{sid}.log")
            for sid in STATIONS
        }
        children.extend(stations.values())
        console = spawn(console_argv(tmp_path, port, ORDERS), tmp_path / "console.log")
        children.append(console)
        wait_for(
            lambda: _issued(tmp_path) >= ORDERS // 3, 120, "a third of the orders issued", children
        )
        if victim == "console":
            kill(console)
            console = spawn(console_argv(tmp_path, port, ORDERS), tmp_path / "console.log")
            children.append(console)
        else:
            kill(stations["st-3"])
            stations["st-3"] = spawn(station_argv(tmp_path, "st-3", port), tmp_path / "st-3.log")
            children.append(stations["st-3"])
        wait_for(
            lambda: _completed(tmp_path) >= ORDERS,
            240,
            "every order completed",
            [p for p in children if p.returncode is None and p.poll() is None],
        )
    finally:
        for child in children:
            kill(child, 15)
    assert all(c.poll() is not None for c in children)
    check_exactly_once(tmp_path, STATIONS, ORDERS)


def test_console_killed_mid_burst(tmp_path: Path) -> None:
    _run(tmp_path, "console")


def test_station_killed_mid_burst(tmp_path: Path) -> None:
    _run(tmp_path, "station")
