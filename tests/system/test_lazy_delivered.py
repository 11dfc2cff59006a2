"""The console's 'delivered' record is committed without its own fsync (`WireConfig.lazy_acks`):
SIGKILL the console at that lazy commit of an ORDER ack — before the COMMIT (the record is lost,
as a power loss would lose it) or just after it — restart it, and every order is still received
once at its station and delivered once at the console (the order is resent, the station acks
again without journaling it twice).

The stations are real `StationNode`s in their own process (`bench.stations_proc`, accepting
nothing on their own), so an ACK has a pump turn to itself, as in the P1 round trip."""

from __future__ import annotations

import json
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from protocols.certs import load_curve_keys, load_curve_public
from tests.system.world import (
    PYTHON,
    console_argv,
    count_kind,
    free_port,
    kill,
    make_world,
    spawn,
    wait_for,
)

pytestmark = [pytest.mark.system]

ORDERS = 6
STATIONS = ["st-0", "st-1"]
HEARTBEAT = 5.0  # rare heartbeats: an ACK has its pump turn to itself


def _stations(directory: Path, port: int) -> list[str]:
    keys = directory / "keys"
    pairs = {s: load_curve_keys(keys / f"{s}.key_secret") for s in STATIONS}
    config = directory / "stations.json.cfg"
    config.write_text(
        json.dumps(
            {
                "console_public": load_curve_public(keys / "console.key").decode(),
                "address": f"tcp://127.0.0.1:{port}",
                "stations": {s: [k.public.decode(), k.secret.decode()] for s, k in pairs.items()},
                "journals": str(directory),
                "heartbeat_s": HEARTBEAT,
            }
        ),
        encoding="utf-8",
    )
    return [PYTHON, "-m", "bench.stations_proc", str(config)]


def _ids(path: Path, kind: str) -> Counter[str]:
    def key(b: dict[str, object]) -> str:
        order = b.get("order")
        return str(order["id"] if isinstance(order, dict) else b["order_id"])

    return count_kind(path, kind, key)


@pytest.mark.parametrize("when", ["before", "after"])
def test_console_killed_at_the_lazy_delivered_commit(tmp_path: Path, when: str) -> None:
    make_world(tmp_path, STATIONS)
    port = free_port()
    console = tmp_path / "console.db"
    children: list[subprocess.Popen[bytes]] = []
    try:
        children.append(spawn(_stations(tmp_path, port), tmp_path / "stations.log"))
        args = console_argv(tmp_path, port, ORDERS, heartbeat=HEARTBEAT)[3:7]
        doomed = spawn(
            [PYTHON, "-m", "tests.system.lazy_kill_proc", when, *args], tmp_path / "console.log"
        )
        children.append(doomed)
        assert doomed.wait(60) == -signal.SIGKILL  # it died at the lazy commit
        if when == "after":  # committed without fsync, then killed: the record survived
            assert _ids(console, "order.deliver").total() >= 1
        children.append(
            spawn(
                console_argv(tmp_path, port, ORDERS, heartbeat=HEARTBEAT), tmp_path / "console.log"
            )
        )
        wait_for(
            lambda: len(_ids(console, "order.deliver")) >= ORDERS,
            120,
            "every order delivered after the restart",
            [p for p in children if p.poll() is None],
        )
    finally:
        for child in children:
            kill(child, 15)
    issued = _ids(console, "order.issued")
    once = Counter(dict.fromkeys(issued, 1))
    assert len(issued) == ORDERS and set(issued.values()) == {1}
    assert _ids(console, "order.deliver") == once
    received: Counter[str] = Counter()
    for sid in STATIONS:
        received += _ids(tmp_path / f"{sid}.db", "order.received")
    assert received == once
