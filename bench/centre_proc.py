"""A bench operations centre in its own process (for the centre bench's CPU figure).

`python -m bench.centre_proc CONFIG.json`: CONFIG holds the centre's CURVE keys, the allow-list
(Z85 uplink key → site name), the port and the journal path. The centre (a real `CentreNode` on
an `Engine`, wall clock, file journal at synchronous=FULL) runs until SIGTERM; it prints `ready`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.serve import serve
from command.clock import SystemClock
from command.signing import Signer
from protocols.centre_node import CentreNode, CentreSettings
from protocols.delivery import WireConfig
from protocols.engine import Engine
from protocols.security import CurveKeys


def main(config_path: Path) -> int:
    """Run the centre described by `config_path` until SIGTERM."""
    cfg = json.loads(config_path.read_text(encoding="utf-8"))
    clock = SystemClock()
    settings = CentreSettings(
        name="centre",
        journal_path=Path(cfg["journal"]),
        clock=clock,
        signer=Signer.generate("district"),
        keys=CurveKeys(cfg["public"].encode(), cfg["secret"].encode()),
        allowed={k.encode(): site for k, site in cfg["allowed"].items()},
        chain=(),
        address=f"tcp://127.0.0.1:{cfg['port']}",
        wire=WireConfig(heartbeat_s=float(cfg.get("heartbeat_s", 1.0))),
    )
    return serve(Engine(lambda ctx: CentreNode(ctx, settings), clock, name="bench-centre"))


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
