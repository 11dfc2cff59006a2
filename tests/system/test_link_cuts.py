"""A loopback proxy cuts and restores the link every few hundred ms while orders flow: no loss,
no duplicate execution. Runs 20 s by default (BATON_CUT_SECONDS=60 for the full minute)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.system.proxy import CuttingProxy
from tests.system.world import (
    check_exactly_once,
    console_argv,
    count_kind,
    free_port,
    kill,
    make_world,
    spawn,
    station_argv,
    wait_for,
)

pytestmark = [pytest.mark.system, pytest.mark.slow]

SECONDS = float(os.environ.get("BATON_CUT_SECONDS", "20"))
STATIONS = ["st-0", "st-1", "st-2"]
INTERVAL = 0.05
ORDERS = int(SECONDS / INTERVAL)


def test_orders_survive_a_link_cut_every_few_hundred_ms(tmp_path: Path) -> None:
    make_world(tmp_path, STATIONS)
    console_port, proxy_port = free_port(), free_port()
    proxy = CuttingProxy(proxy_port, console_port).start()
    children: list[subprocess.Popen[bytes]] = []
    try:
        children.append(
            spawn(
                console_argv(tmp_path, console_port, ORDERS, interval=INTERVAL),
                tmp_path / "console.log",
            )
        )
        for sid in STATIONS:
            children.append(spawn(station_argv(tmp_path, sid, proxy_port), tmp_path / f"{sid}.log"))

        def done() -> bool:
            completed = count_kind(
                tmp_path / "console.db", "order.complete", lambda b: str(b["order_id"])
            )
            return len(completed) >= ORDERS

        wait_for(
            done, SECONDS * 4 + 60, "every order completed through the cutting proxy", children
        )
    finally:
        proxy.stop()
        for child in children:
            kill(child, 15)
    assert all(c.poll() is not None for c in children)
    assert proxy.cuts >= SECONDS / 0.6
    check_exactly_once(tmp_path, STATIONS, ORDERS)
