"""A test console process: sends the grant to every station, then issues orders round-robin
until the journal holds N, and keeps running (delivering, retrying) until killed.

Restartable: the number already issued is read back from its journal.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from command.authority.keys import load_signer
from command.clock import Clock, SystemClock
from protocols.certs import load_curve_keys, load_curve_public
from protocols.commands import CountIssued, IssueOrder, SendGrants
from protocols.delivery import WireConfig
from protocols.engine import Engine
from protocols.nodes import ConsoleNode, ConsoleSettings
from tests.protocols.wiring import draft, incident


def stations_and_grant(directory: Path) -> tuple[list[str], dict[str, Any]]:
    """The station ids and the commander's grant that `tests.system.world` wrote to `directory`."""
    stations: list[str] = json.loads((directory / "stations.json").read_text())
    return stations, json.loads((directory / "grant.json").read_text())


def console_settings(
    directory: Path, port: int, clock: Clock, heartbeat: float, **extra: Any
) -> ConsoleSettings:
    """The console of a `tests.system.world` directory: its journal, commander key and grant,
    CURVE keys, every station allowed, listening on `port`; `extra` adds settings fields."""
    stations, grant = stations_and_grant(directory)
    keys = directory / "keys"
    return ConsoleSettings(
        name="console",
        journal_path=directory / "console.db",
        clock=clock,
        signer=load_signer(keys / "commander.sign"),
        grant_chain=(grant["id"],),
        incident=incident(tuple(stations)),
        keys=load_curve_keys(keys / "console.key_secret"),
        allowed={load_curve_public(keys / f"{s}.key"): s for s in stations},
        address=f"tcp://127.0.0.1:{port}",
        wire=WireConfig(heartbeat_s=heartbeat),
        **extra,
    )


def stop_on_sigterm() -> threading.Event:
    """An event set when the process gets SIGTERM (the test's way to stop it)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    return stop


def run_until(stop: threading.Event) -> None:
    """Keep the process (and its engine thread) alive until `stop` is set."""
    while not stop.wait(0.2):
        pass


def main(directory: Path, port: int, orders: int, heartbeat: float, interval: float) -> int:
    stations, grant = stations_and_grant(directory)
    clock = SystemClock()
    settings = console_settings(directory, port, clock, heartbeat)
    stop = stop_on_sigterm()
    engine = Engine(lambda ctx: ConsoleNode(ctx, settings), clock, name="console").start()
    try:
        issued = engine.call_sync(CountIssued())
        if issued == 0:
            for sid in stations:
                engine.call_sync(SendGrants(sid, (grant,)))
        for n in range(issued, orders):
            engine.call_sync(
                IssueOrder(
                    draft(stations[n % len(stations)], officers=n + 1),
                    decision=f"order {n}",
                    rationale="system test",
                )
            )
            if interval:
                stop.wait(interval)
        print(f"issued up to {orders}", flush=True)
        run_until(stop)
    finally:
        engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(
        main(
            Path(sys.argv[1]),
            int(sys.argv[2]),
            int(sys.argv[3]),
            float(sys.argv[4]),
            float(sys.argv[5]) if len(sys.argv) > 5 else 0.0,
        )
    )
