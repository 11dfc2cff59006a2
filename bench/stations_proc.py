"""Bench stations in their own process (for P2: stations as in the field, not in the console's).

`python -m bench.stations_proc CONFIG.json`: CONFIG holds the console's CURVE public key and
address, the stations of this process (`{id: [public, secret]}`), the journal folder,
`heartbeat_s` and `witnessed`. Every station is a real `StationNode` engine (its own thread, zmq
context and file journal with synchronous=FULL) that accepts every order. Prints "ready" once all
engines run, then serves until SIGTERM (or, when stdin is a pipe, until it closes: the bench
died).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import sys
import threading
from functools import partial
from pathlib import Path
from typing import Any

import zmq

from command.clock import SystemClock
from command.signing import Signer
from command.station_desk import AcceptAll
from protocols.delivery import WireConfig
from protocols.engine import Engine
from protocols.nodes import StationNode, StationSettings
from protocols.security import CurveKeys


def _node(context: zmq.Context[Any], settings: StationSettings) -> StationNode:
    return StationNode(context, settings)


def _stop_on_eof(stop: threading.Event) -> None:
    sys.stdin.read()
    stop.set()


def main(config_path: Path) -> int:
    """Run the stations described by `config_path` until SIGTERM or stdin closes."""
    cfg = json.loads(config_path.read_text(encoding="utf-8"))
    clock = SystemClock()
    wire = WireConfig(heartbeat_s=float(cfg.get("heartbeat_s", 1.0)))
    folder = Path(cfg["journals"])
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    engines: list[Engine] = []
    try:
        for sid, (public, secret) in cfg["stations"].items():
            settings = StationSettings(
                station_id=sid,
                journal_path=folder / f"{sid}.db",
                clock=clock,
                verifier=AcceptAll(),
                keys=CurveKeys(public.encode(), secret.encode()),
                console_public=cfg["console_public"].encode(),
                address=cfg["address"],
                wire=wire,
                signer=Signer.generate(sid) if cfg.get("witnessed", True) else None,
            )
            engines.append(Engine(partial(_node, settings=settings), clock, name=sid).start())
        print("ready", flush=True)
        if stat.S_ISFIFO(
            os.fstat(0).st_mode
        ):  # a pipe from the bench: it closes when the bench dies
            threading.Thread(target=_stop_on_eof, args=(stop,), daemon=True).start()
        while not stop.wait(0.2):
            pass
    finally:
        for engine in engines:
            engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
