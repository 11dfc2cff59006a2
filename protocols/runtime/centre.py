"""The operations centre runtime: the centre's engine (`protocols.centre_node.CentreNode`) wired
from provisioned files (`protocols.runtime.provision.provision_centre`), and its headless run.

`CentreRuntime(options).start()` builds the engine (one thread owns the ROUTER, the optional
uplink to the centre above and the journal writer); the centre window (`baton centre`) sends it
the `protocols.centre_commands` commands through `engine.call`. `run_headless(options)` runs it
without a window until SIGTERM/SIGINT or `duration_s`, then prints what each site shipped.

The centre's clock must be the sites' clock (grants are judged in their time): give it the same
scenario start, origin and speed as the site consoles (`clock_start`, `origin`, `speed`); without
`clock_start` it runs on wall time.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from command.authority.documents import load_chain
from command.authority.keys import load_signer
from command.clock import Clock, SimulatedClock, SystemClock
from command.errors import BatonError
from command.journal import Journal
from command.journal.checkpoints import CheckpointPolicy
from command.vocabulary import Kind
from protocols.centre_node import DEFAULT_CENTRE_ADDRESS, CentreNode, CentreSettings
from protocols.certs import load_curve_keys, load_curve_public
from protocols.delivery import WireConfig
from protocols.engine import Engine, EngineBatch
from protocols.runtime.lifetime import EngineRuntime, check_speed
from protocols.runtime.provision import CentreFiles, load_site_allow_list
from protocols.uplink import UplinkSettings


class CentreRuntimeError(BatonError):
    """The centre runtime cannot start or was used out of order."""


@dataclass(frozen=True)
class CentreOptions:
    """Everything a centre run needs (see the module docstring)."""

    files: CentreFiles
    journal: Path
    bind: str = DEFAULT_CENTRE_ADDRESS
    clock_start: float | None = None  # scenario time at `origin` (None: wall time)
    origin: float | None = None  # wall epoch of `clock_start` (default: now)
    speed: float = 1.0
    heartbeat_s: float = 1.0
    # The centre above (a district centre ships its own journal to the city's): address,
    # CURVE public key file, name; this centre's uplink CURVE secret.
    up_address: str | None = None
    up_key: Path | None = None
    up_name: str = "city"
    up_secret: Path | None = None


def centre_clock(options: CentreOptions) -> Clock:
    """The clock the centre judges grants by (the sites' scenario clock, or wall time)."""
    if options.clock_start is None:
        return SystemClock()
    origin = time.time() if options.origin is None else options.origin
    return SimulatedClock.from_origin(options.clock_start, options.speed, origin)


def centre_settings(options: CentreOptions, clock: Clock) -> CentreSettings:
    """Load the provisioned files into the node's settings; one-line errors name the file."""
    f = options.files
    check_speed(options.speed, CentreRuntimeError)
    up = None
    if options.up_address:
        if options.up_key is None or options.up_secret is None:
            raise CentreRuntimeError(
                "shipping up needs the centre above's key and this centre's uplink secret"
            )
        up = UplinkSettings(
            centre=options.up_name,
            address=options.up_address,
            centre_public=load_curve_public(options.up_key),
            keys=load_curve_keys(options.up_secret),
        )
    s = options.speed
    wire = WireConfig.paced(s, options.heartbeat_s)
    return CentreSettings(
        name=f.name,
        journal_path=options.journal,
        clock=clock,
        signer=load_signer(f.signing_key),
        keys=load_curve_keys(f.curve_secret),
        allowed=load_site_allow_list(f.allow_list),
        chain=tuple(load_chain(f.chain)) if f.chain is not None else (),
        address=options.bind,
        wire=wire,
        uplink=up,
        # Sign the journal's head every 200 events or 10 wall seconds (x speed on this clock).
        checkpoints=CheckpointPolicy(every_s=10.0 * s),
    )


class CentreRuntime(EngineRuntime):
    """A live centre engine (see the module docstring)."""

    error = CentreRuntimeError
    role = "centre"

    def __init__(
        self, options: CentreOptions, on_batch: Callable[[EngineBatch], None] | None = None
    ) -> None:
        self.options = options
        self.clock = centre_clock(options)
        self.settings = centre_settings(options, self.clock)
        settings = self.settings
        engine = Engine(
            lambda ctx: CentreNode(ctx, settings),
            self.clock,
            on_batch=on_batch,
            name="baton-centre",
            replay_history=on_batch is not None,
        )
        super().__init__(engine, options.journal)


def centre_summary(path: Path) -> list[str]:
    """Per site: events mirrored and the last seq; then the centre's own actions."""
    journal = Journal.open_readonly(path)
    try:
        mirrored: Counter[str] = Counter()
        last: dict[str, int] = {}
        for ev in journal.events(kinds=[Kind.SITE_EVENT]):
            site = str(ev.body.get("site", ""))
            mirrored[site] += 1
            last[site] = int(ev.body.get("seq", 0))
        own = Counter(
            ev.kind
            for ev in journal.events(
                kinds=[
                    Kind.GRANT_ISSUED,
                    Kind.GRANT_NARROWED,
                    Kind.GRANT_REVOKED,
                    Kind.HANDOVER,
                    Kind.SITREP_REQUESTED,
                ]
            )
        )
    finally:
        journal.close()
    lines = [f"Site {s}: {mirrored[s]} events mirrored (through seq {last[s]})" for s in last]
    grants = own[Kind.GRANT_ISSUED] + own[Kind.GRANT_NARROWED]
    lines.append(
        f"Centre {path}: grants {grants}, revocations {own[Kind.GRANT_REVOKED]}, handovers "
        f"{own[Kind.HANDOVER]}, SITREP requests {own[Kind.SITREP_REQUESTED]}"
    )
    return lines


def run_headless(
    options: CentreOptions,
    *,
    duration_s: float = 0.0,
    stop: threading.Event | None = None,
    out: TextIO | None = None,
) -> int:
    """Run the centre without a window until SIGTERM/SIGINT, `stop` or `duration_s` (0: no
    limit), then print the summary; returns the exit status (1 when the journal failed)."""
    out = out or sys.stdout
    stop = stop or threading.Event()
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        previous = {
            sig: signal.signal(sig, lambda *_: stop.set())
            for sig in (signal.SIGTERM, signal.SIGINT)
        }
    runtime = CentreRuntime(options)
    try:
        runtime.start()
        sites = ", ".join(sorted(set(runtime.settings.allowed.values())))
        print(
            f"baton centre {options.files.name}: sites on {options.bind} ({sites}), journal "
            f"{options.journal}",
            file=sys.stderr,
            flush=True,
        )
        deadline = time.monotonic() + duration_s if duration_s > 0 else math.inf
        while not stop.is_set() and runtime.running and time.monotonic() < deadline:
            stop.wait(min(0.2, max(0.0, deadline - time.monotonic())))
    finally:
        runtime.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if runtime.failure is not None:
        print(f"baton centre: {runtime.failure.text}", file=sys.stderr)
        return 1
    for line in centre_summary(options.journal):
        print(line, file=out, flush=True)
    return 0
