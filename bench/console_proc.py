"""A bench console in its own process (for P5 CPU use and P6 kill -9 and restart).

`python -m bench.console_proc CONFIG.json`: CONFIG holds the console's CURVE keys, the
allow-list, the stations, the port, the journal path, and `orders` / `chunk` / `interval_s`: the
console issues orders round-robin in chunks (one commit each) until its journal holds `orders`
(restartable: it counts what is already there), then keeps delivering until SIGTERM.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any

from bench.orders import bench_incident, draft
from bench.serve import serve
from command.clock import SystemClock
from command.signing import Signer
from protocols.commands import CountIssued, IssueOrders
from protocols.delivery import WireConfig
from protocols.engine import Engine
from protocols.nodes import ConsoleNode, ConsoleSettings
from protocols.security import CurveKeys


def write_config(path: Path, **config: Any) -> Path:
    """Write a CONFIG file (bytes values as text)."""
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def main(config_path: Path) -> int:
    """Run the console described by `config_path` until SIGTERM."""
    cfg = json.loads(config_path.read_text(encoding="utf-8"))
    stations: list[str] = cfg["stations"]
    clock = SystemClock()
    settings = ConsoleSettings(
        name="console",
        journal_path=Path(cfg["journal"]),
        clock=clock,
        signer=Signer.generate("commander"),
        grant_chain=("bench-grant",),
        incident=bench_incident(stations),
        keys=CurveKeys(cfg["public"].encode(), cfg["secret"].encode()),
        allowed={k.encode(): sid for k, sid in cfg["allowed"].items()},
        address=f"tcp://127.0.0.1:{cfg['port']}",
        wire=WireConfig(heartbeat_s=float(cfg.get("heartbeat_s", 1.0))),
    )
    total, chunk = int(cfg.get("orders", 0)), max(1, int(cfg.get("chunk", 10)))

    def issue(engine: Engine, stop: threading.Event) -> None:
        issued = engine.call_sync(CountIssued()) if total else 0
        while issued < total and not stop.is_set():
            n = min(chunk, total - issued)
            drafts = [draft(stations[(issued + i) % len(stations)], issued + i) for i in range(n)]
            engine.call_sync(IssueOrders(tuple(drafts), decision="bench burst", rationale="bench"))
            issued += n
            stop.wait(float(cfg.get("interval_s", 0.0)))

    return serve(Engine(lambda ctx: ConsoleNode(ctx, settings), clock, name="bench-console"), issue)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
