"""A test console process that checkpoints often (every 20 events or 1 s) and prints every
`IntegrityAlarm` the engine emits for the GUI as one `ALARM {json}` line.

Usage: python -m tests.system.witness_console_proc DIR PORT ORDERS HEARTBEAT INTERVAL
Sends the grant to every station, then issues orders round-robin (one per INTERVAL seconds) until
the journal holds ORDERS, and keeps running until SIGTERM (a clean close) or SIGKILL.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from command.authority.keys import load_signer
from command.clock import SystemClock
from command.journal.checkpoints import CheckpointPolicy
from protocols.commands import CountIssued, IntegrityAlarm, IssueOrder, SendGrants
from protocols.engine import Engine, EngineBatch
from protocols.nodes import ConsoleNode
from tests.protocols.wiring import draft
from tests.system.console_proc import console_settings, stations_and_grant, stop_on_sigterm

POLICY = CheckpointPolicy(every_events=20, every_s=1.0)


def _print_alarms(batch: EngineBatch) -> None:
    for update in batch.updates:
        if isinstance(update, IntegrityAlarm):
            line = {"witness": update.witness, "reason": update.reason, "text": update.text}
            print("ALARM " + json.dumps(line), flush=True)


def main(directory: Path, port: int, orders: int, heartbeat: float, interval: float) -> int:
    stations, grant = stations_and_grant(directory)
    keys = directory / "keys"
    report_keys = {s: load_signer(keys / f"{s}.sign").public_hex for s in stations}
    clock = SystemClock()
    settings = console_settings(
        directory, port, clock, heartbeat, checkpoints=POLICY, report_keys=report_keys
    )
    stop = stop_on_sigterm()
    engine = Engine(
        lambda ctx: ConsoleNode(ctx, settings), clock, name="console", on_batch=_print_alarms
    ).start()
    try:
        issued = engine.call_sync(CountIssued())
        if issued == 0:
            for sid in stations:
                engine.call_sync(SendGrants(sid, (grant,)))
        for n in range(issued, orders):
            if stop.is_set():
                break
            engine.call_sync(
                IssueOrder(
                    draft(stations[n % len(stations)], officers=n + 1),
                    decision=f"order {n}",
                    rationale="witness system test",
                )
            )
            stop.wait(interval)
        print(f"issued up to {orders}", flush=True)
        while not stop.wait(0.2):
            pass
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
            float(sys.argv[5]),
        )
    )
