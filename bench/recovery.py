"""P6: the console process is SIGKILLed mid-burst and restarted on the same journal.

The console is `bench.console_proc` (its own process, issuing `orders` orders in chunks
of `chunk`, one commit each). The stations are real `StationNode`s in engines in this process
(one thread each, file journals). When a third of the orders have reached the stations the
console gets SIGKILL and is started again at once. Reported: the time from the kill until the
first order is newly journaled at a station after the restart (receipts within 100 ms of the
kill are messages already in flight and do not count), the restart's own start-up time, and the
exactly-once check: every issued order received once across the station journals and delivered
once in the console journal.
"""

from __future__ import annotations

import signal
import tempfile
import threading
import time
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import zmq

from bench.console_proc import write_config
from bench.scale import free_port, spawn_console, stop_process
from command.clock import SystemClock
from command.journal import Journal
from command.station_desk import AcceptAll
from protocols.delivery import WireConfig
from protocols.engine import Engine, EngineBatch
from protocols.nodes import StationNode, StationSettings
from protocols.security import CurveKeys

IN_FLIGHT_S = 0.1


class _Receipts:
    """Order receipts seen by the station engines' batch callbacks (any thread)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: list[float] = []

    def on_batch(self, batch: EngineBatch) -> None:
        now = time.monotonic()
        with self.lock:
            self.times.extend(now for e in batch.events if e.kind == "order.received")

    def count(self) -> int:
        with self.lock:
            return len(self.times)

    def first_after(self, t: float) -> float | None:
        with self.lock:
            later = [x for x in self.times if x >= t]
        return min(later) if later else None


def _count(path: Path, kind: str, key: str) -> Counter[str]:
    journal = Journal.open_readonly(path)
    try:
        counts: Counter[str] = Counter()
        for e in journal.events(kinds=[kind]):
            value = e.body[key]
            counts[str(value["id"] if isinstance(value, dict) else value)] += 1
        return counts
    finally:
        journal.close()


def bench_recovery(orders: int = 2000, stations: int = 5, chunk: int = 10) -> dict[str, Any]:
    """P6 (see module doc)."""
    ids = [f"st-{i:02d}" for i in range(stations)]
    keys = {sid: zmq.curve_keypair() for sid in [*ids, "console"]}
    clock = SystemClock()
    wire = WireConfig(heartbeat_s=0.5)
    receipts = _Receipts()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        port = free_port()
        config = write_config(
            directory / "console.json",
            stations=ids,
            public=keys["console"][0].decode(),
            secret=keys["console"][1].decode(),
            allowed={keys[s][0].decode(): s for s in ids},
            port=port,
            journal=str(directory / "console.db"),
            orders=orders,
            chunk=chunk,
            interval_s=0.005,
            heartbeat_s=0.5,
        )
        proc = spawn_console(config, directory)
        engines: list[Engine] = []
        try:
            for sid in ids:
                st = StationSettings(
                    station_id=sid,
                    journal_path=directory / f"{sid}.db",
                    clock=clock,
                    verifier=AcceptAll(),
                    keys=CurveKeys(*keys[sid]),
                    console_public=keys["console"][0],
                    address=f"tcp://127.0.0.1:{port}",
                    wire=wire,
                )
                engines.append(
                    Engine(
                        partial(_station_node, settings=st),
                        clock,
                        on_batch=receipts.on_batch,
                        name=f"station-{sid}",
                    ).start()
                )
            _wait(lambda: receipts.count() >= orders // 3, 60, "a third of the burst")
            before = receipts.count()
            t_kill = time.monotonic()
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            stop_process(proc)
            proc = spawn_console(config, directory)
            t_ready = time.monotonic()
            _wait(lambda: receipts.first_after(t_kill + IN_FLIGHT_S) is not None, 30, "resumption")
            resumed = receipts.first_after(t_kill + IN_FLIGHT_S)
            assert resumed is not None
            _wait(lambda: receipts.count() >= orders, 120, "every order at a station")
            console_db = directory / "console.db"
            _wait(
                lambda: sum(_count(console_db, "order.deliver", "order_id").values()) >= orders,
                60,
                "every order delivered",
            )
        finally:
            for engine in engines:
                engine.stop()
            stop_process(proc)
        issued = _count(directory / "console.db", "order.issued", "order")
        delivered = _count(directory / "console.db", "order.deliver", "order_id")
        received: Counter[str] = Counter()
        for sid in ids:
            received += _count(directory / f"{sid}.db", "order.received", "order")
    lost = sorted(set(issued) - set(received))
    doubled = sorted(k for k, v in received.items() if v > 1)
    return {
        "orders": orders,
        "stations": stations,
        "received_before_kill": before,
        "resume_s": resumed - t_kill,
        "restart_ready_s": t_ready - t_kill,
        "issued": len(issued),
        "received_once": sum(1 for v in received.values() if v == 1),
        "delivered_once": sum(1 for v in delivered.values() if v == 1),
        "lost": len(lost),
        "doubled": len(doubled) + sum(1 for v in delivered.values() if v > 1),
    }


def _wait(cond: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            raise RuntimeError(f"P6: timed out waiting for {what}")
        time.sleep(0.01)


def _station_node(context: zmq.Context[Any], settings: StationSettings) -> StationNode:
    return StationNode(context, settings)


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(bench_recovery(int(sys.argv[1]) if len(sys.argv) > 1 else 600)))
