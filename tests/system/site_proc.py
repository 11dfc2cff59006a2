"""A test site console process: the bund console runtime shipping its journal to a centre.

It issues one order to station `lighting` for every trigger file `issue-N` that appears in its
folder (the test's way to ask for an order without sleeping), and runs until SIGTERM.

argv: CONFIG.json with scenario data dir, authorities, journal, ports, centre address and key,
uplink secret, site name, origin and speed, and optionally the incident id (see
`site_scenario`).
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from command.drafts import OrderDraft
from command.scenarios.loader import load_scenario
from command.scenarios.scenario import Scenario
from protocols.commands import IssueOrder
from protocols.runtime.console import ConsoleOptions, ConsoleRuntime
from protocols.runtime.provision import provision
from tests.system.console_proc import stop_on_sigterm


def site_scenario(incident: str | None = None) -> Scenario:
    """bund, its incident renamed when `incident` is given (two sites of one scenario are then
    two incidents: their journals' checkpoint origins differ)."""
    scenario = load_scenario("bund")
    if not incident:
        return scenario
    return replace(scenario, incident=replace(scenario.incident, id=incident))


def main(config_path: Path) -> int:
    c = json.loads(config_path.read_text(encoding="utf-8"))
    folder = config_path.parent
    scenario = site_scenario(c.get("incident"))
    origin, speed = float(c["origin"]), float(c["speed"])
    now_scenario = scenario.start + (time.time() - origin) * speed
    provisioned = provision(
        scenario, Path(c["data"]), now_scenario=now_scenario, authorities=Path(c["authorities"])
    )
    options = ConsoleOptions(
        scenario=scenario,
        provisioned=provisioned,
        journal=Path(c["journal"]),
        origin=origin,
        speed=speed,
        orders_bind=c["orders"],
        feeds_bind=c["feeds"],
        snapshots_bind=c["snapshots"],
        centre=c["centre"],
        centre_key=Path(c["centre_key"]),
        site=c["site"],
        uplink_key=Path(c["uplink_key"]),
    )
    stop = stop_on_sigterm()
    runtime = ConsoleRuntime(options).start()
    print(f"site {c['site']} up", flush=True)
    done: set[str] = set()
    try:
        while not stop.wait(0.05) and runtime.running:
            for trigger in sorted(folder.glob("issue-*")):
                if trigger.name in done:
                    continue
                done.add(trigger.name)
                n = int(trigger.name.split("-")[1])
                issued = runtime.engine.call_sync(
                    IssueOrder(
                        OrderDraft("lighting", "dim_show", "chenyi", {"level_percent": n}),
                        decision=f"order {n}",
                        rationale="centre system test",
                    )
                )
                (folder / f"issued-{n}").write_text(issued.order.id, encoding="utf-8")
    finally:
        runtime.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
