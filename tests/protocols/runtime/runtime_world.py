"""Shared set-up for live console tests: a provisioned bund scenario on free loopback ports.

The scenario clock runs at speed 1 with scenario minute 0 at the scenario's own start, so scenario
time equals wall time: a `baton station` subprocess (system clock) judges the grant window the
same way the console does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import zmq

from command.scenarios.loader import load_scenario
from command.scenarios.scenario import Scenario
from protocols.certs import load_curve_keys, load_curve_public
from protocols.feedbus import FeedPublisher
from protocols.runtime.console import ConsoleOptions
from protocols.runtime.provision import Provisioned, provision
from tests.system.world import PYTHON, free_port


def live_options(tmp: Path, *, autopilot_delay_s: float | None = None) -> ConsoleOptions:
    """Console options for bund: keys under `tmp/data`, journal `tmp/console.db`, free ports."""
    scenario: Scenario = load_scenario("bund")
    provisioned: Provisioned = provision(scenario, tmp / "data", now_scenario=time.time())
    orders, feeds = free_port(), free_port()
    snapshots = free_port()
    return ConsoleOptions(
        scenario=scenario,
        provisioned=provisioned,
        journal=tmp / "console.db",
        origin=scenario.start,
        speed=1.0,
        orders_bind=f"tcp://127.0.0.1:{orders}",
        feeds_bind=f"tcp://127.0.0.1:{feeds}",
        snapshots_bind=f"tcp://127.0.0.1:{snapshots}",
        autopilot_delay_s=autopilot_delay_s,
    )


def with_ports(options: ConsoleOptions) -> ConsoleOptions:
    """The same options on fresh ports (a restart while the old ports may linger)."""
    return replace(
        options,
        orders_bind=f"tcp://127.0.0.1:{free_port()}",
        feeds_bind=f"tcp://127.0.0.1:{free_port()}",
        snapshots_bind=f"tcp://127.0.0.1:{free_port()}",
    )


def station_argv(options: ConsoleOptions, sid: str, tmp: Path) -> list[str]:
    """`baton station --headless` for station `sid` with its provisioned keys."""
    files = options.provisioned.station(sid)
    return [
        PYTHON,
        "-m",
        "ui.cli",
        "station",
        *files.station_args(),
        "--headless",
        "--connect",
        options.orders_bind,
        "--journal",
        str(tmp / f"station-{sid}.db"),
        "--accept-after",
        "0",
        "--complete-after",
        "30",
        "--heartbeat",
        "0.5",
        "--duration",
        "60",
    ]


def provisioned_publisher(
    context: zmq.Context[Any], options: ConsoleOptions, clock: Callable[[], float]
) -> FeedPublisher:
    """A feed publisher admitted by the runtime's feed bus: the provisioned simulator's CURVE
    key (on the console's feed allow-list) and name, trusting the console's key."""
    files = options.provisioned.simulator
    return FeedPublisher(
        context,
        files.name,
        feed_address=options.feeds_bind,
        snapshot_address=options.snapshots_bind,
        clock=clock,
        keys=load_curve_keys(files.curve_secret),
        server_key=load_curve_public(files.console_public),
    )
