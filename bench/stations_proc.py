"""Bench stations in their own process (for P2: stations as in the field, not in the console's).

`python -m bench.stations_proc CONFIG.json`: CONFIG holds the console's CURVE public key and
address, the stations of this process (`{id: [public, secret]}`), the journal folder,
`heartbeat_s` and `witnessed`. Every station is a real `StationNode` (its own CURVE key, DEALER
and file journal with synchronous=FULL) that accepts every order; the stations of a process
share one engine thread (`bench.station_group`). Prints "ready" once the engine runs, then
serves until SIGTERM (or, when stdin is a pipe, until it closes: the bench died).
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

from bench.station_group import StationGroup
from command.clock import SystemClock
from command.signing import Signer
from command.station_desk import AcceptAll
from protocols.delivery import WireConfig
from protocols.engine import Engine
from protocols.nodes import StationSettings
from protocols.security import CurveKeys


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
    settings = [
        StationSettings(
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
        for sid, (public, secret) in cfg["stations"].items()
    ]
    engine = Engine(partial(StationGroup, settings=settings), clock, name="bench-stations")
    try:
        engine.start()
        print("ready", flush=True)
        if stat.S_ISFIFO(
            os.fstat(0).st_mode
        ):  # a pipe from the bench: it closes when the bench dies
            threading.Thread(target=_stop_on_eof, args=(stop,), daemon=True).start()
        while not stop.wait(0.2):
            pass
    finally:
        engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
