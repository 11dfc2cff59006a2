"""C1: one operations centre and 50 site consoles shipping their journals up (issue #16).

The centre is a real `CentreNode` on its `Engine` in its own process (`bench.centre_proc`: wall
clock, file journal, synchronous=FULL, CURVE ROUTER, ZAP allow-list of the 50 uplink keys). The
50 sites are simulated in one thread of the bench process: each has its own in-memory journal, a
`ConsolePost` journaling decision entries at `rate` events/s (a busy site: orders, reports, feeds
and decisions together), and a real `SiteUplink` over its own CURVE DEALER, pumped and ticked
like the console's engine does. For `seconds` of wall time after every site is connected:

- the centre's CPU: user + system time of its process (all threads, /proc) per wall second (1.0
  = one core) and per 1,000 events mirrored;
- the upward stream's latency per event: the site journal's commit (the event's own `ts`) →
  the centre journaled its mirror (`site.event` row `ts`), both on this machine's wall clock;
  p50 / p99 over every event of the window.

Floors from the same run: one CURVE round trip and one FULL commit (latency), the raw SQLite
insert rate (CPU per 1,000 rows).
"""

from __future__ import annotations

import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zmq

from bench.console_proc import write_config
from bench.orders import bench_incident
from bench.scale import ROOT, cpu_seconds, free_port, stop_process
from bench.stats import Figure, Latency
from command.clock import SystemClock
from command.console_post import ConsolePost
from command.journal import Journal
from command.signing import Signer
from command.vocabulary import Kind, SiteEvent, decode
from protocols.delivery import WireConfig
from protocols.security import CurveKeys
from protocols.station_link import StationLink
from protocols.uplink import SiteUplink, UplinkSettings, open_uplink

SITES = 50
RATE = 5.0  # events/s per site: a busy site console's whole journal
WIRE = WireConfig(heartbeat_s=1.0)


@dataclass
class _Site:
    name: str
    journal: Journal
    post: ConsolePost
    link: StationLink
    uplink: SiteUplink
    next_at: float
    written: int = 0


def _spawn_centre(directory: Path, keys: CurveKeys, allowed: dict[str, str]) -> tuple[Any, int]:
    import subprocess
    import sys

    port = free_port()
    config = write_config(
        directory / "centre.json",
        public=keys.public.decode(),
        secret=keys.secret.decode(),
        allowed=allowed,
        port=port,
        journal=str(directory / "centre.db"),
    )
    log = open(directory / "centre.log", "ab")  # noqa: SIM115 - owned by the child
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.centre_proc", str(config)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
        stdin=subprocess.DEVNULL,
    )
    log.close()
    assert proc.stdout is not None
    if b"ready" not in proc.stdout.readline():
        proc.kill()
        proc.wait(10)
        raise RuntimeError(f"bench centre did not start (see {directory / 'centre.log'})")
    return proc, port


def _sites(
    context: zmq.Context[Any], n: int, centre: CurveKeys, port: int, keys: list[CurveKeys]
) -> list[_Site]:
    clock = SystemClock()
    commander = Signer.generate("commander")
    incident = bench_incident(["st-a"])
    rng = random.Random(16)
    now = time.time()
    out = []
    for i in range(n):
        name = f"site-{i:02d}"
        journal = Journal.in_memory(clock=clock, owner=name, role="console")
        post = ConsolePost(journal, clock, commander, ("bench-grant",), incident)
        link, uplink = open_uplink(
            context,
            journal,
            UplinkSettings("centre", f"tcp://127.0.0.1:{port}", centre.public, keys[i]),
            name=name,
            clock=clock,
            wire=WIRE,
        )
        out.append(_Site(name, journal, post, link, uplink, now + rng.random() / RATE))
    return out


def _drive(sites: list[_Site], until: float, rate: float, write: bool) -> None:
    """Journal each site's events on schedule, ship them, take the acks (one thread)."""
    poller = zmq.Poller()
    for s in sites:
        poller.register(s.link.socket, zmq.POLLIN)
    gap = 1.0 / rate
    while (now := time.time()) < until:
        for s in sites:
            if write and now >= s.next_at:
                s.post.add_decision(f"entry {s.written}", "bench: a busy site")
                s.written += 1
                s.next_at += gap
                s.uplink.flush()
            s.uplink.pump()
            s.uplink.tick(now)
        nxt = min(s.next_at for s in sites) if write else now + 0.05
        poller.poll(int(max(0.0, min(0.05, nxt - time.time())) * 1000))


def _latencies(centre_journal: Path, after_ts: float) -> tuple[list[float], int]:
    journal = Journal.open_readonly(centre_journal)
    try:
        lags = []
        total = 0
        for ev in journal.events(kinds=[Kind.SITE_EVENT]):
            body = decode(ev)
            if isinstance(body, SiteEvent):
                total += 1
                if body.ts >= after_ts:
                    lags.append(ev.ts - body.ts)
        return lags, total
    finally:
        journal.close()


def bench_centre(sites: int = SITES, seconds: float = 20.0, rate: float = RATE) -> dict[str, Any]:
    """Run the bench (see the module doc); raw figures."""
    context: zmq.Context[Any] = zmq.Context()
    centre_keys = CurveKeys.generate()
    keys = [CurveKeys.generate() for _ in range(sites)]
    allowed = {k.public.decode(): f"site-{i:02d}" for i, k in enumerate(keys)}
    with tempfile.TemporaryDirectory(prefix="baton-bench-centre-") as tmp:
        directory = Path(tmp)
        proc, port = _spawn_centre(directory, centre_keys, allowed)
        simulated: list[_Site] = []
        try:
            simulated = _sites(context, sites, centre_keys, port, keys)
            t0 = time.monotonic()
            deadline = time.time() + 30.0
            while time.time() < deadline and not all(s.uplink.connected for s in simulated):
                _drive(simulated, time.time() + 0.2, rate, write=False)
            connected = sum(s.uplink.connected for s in simulated)
            connect_s = time.monotonic() - t0
            start = time.time()
            for s in simulated:
                s.next_at = start + (s.next_at % (1.0 / rate))
            c0, w0 = cpu_seconds(proc.pid), time.monotonic()
            _drive(simulated, start + seconds, rate, write=True)
            c1, w1 = cpu_seconds(proc.pid), time.monotonic()
            _drive(simulated, time.time() + 2.0, rate, write=False)  # let the tail arrive
            written = sum(s.written for s in simulated)
            behind = sum(s.journal.head[0] - s.uplink.acked for s in simulated)
        finally:
            for s in simulated:
                s.link.close()
                s.journal.close()
            stop_process(proc)
            context.destroy(linger=0)
        lags, mirrored = _latencies(directory / "centre.db", start)
    lat = Latency.of_seconds(lags)
    cpu = c1 - c0
    window = w1 - w0
    return {
        "sites": sites,
        "connected": connected,
        "connect_s": connect_s,
        "rate_per_site": rate,
        "window_s": window,
        "events_written": written,
        "events_mirrored": mirrored,
        "not_acked_at_end": behind,
        "cpu_cores": cpu / window,
        "cpu_s_per_1000_events": 1000.0 * cpu / max(1, len(lags)),
        "latency": lat,
    }


def centre_figures(quick: bool, floors: dict[str, Any], sites: int = SITES) -> list[Figure]:
    """The C1 figure: centre CPU and upward latency with `sites` sites, against this run's
    floors."""
    r = bench_centre(sites, seconds=3.0 if quick else 20.0)
    lat: Latency = r["latency"]
    trip = floors["zmq_round_trip_curve"]["p50_ms"]
    commit = floors["sqlite_commit_full"]["p50_ms"]
    insert_rate = floors["sqlite_insert"]["median"]
    floor_ms = trip / 2 + commit
    floor_cpu = 1000.0 / insert_rate
    ok = r["connected"] == sites and r["not_acked_at_end"] == 0
    return [
        Figure(
            "C1",
            f"operations centre with {sites} site consoles shipping their journals up at "
            f"{r['rate_per_site']:g} events/s each: centre CPU and upward latency (site commit "
            "→ centre mirror journaled)",
            {
                "centre CPU cores": r["cpu_cores"],
                "centre CPU s per 1,000 events": r["cpu_s_per_1000_events"],
                "latency p50 ms": lat.p50_ms,
                "latency p99 ms": lat.p99_ms,
                "events in window": lat.n,
                "events/s to the centre": lat.n / r["window_s"],
                "sites connected": r["connected"],
                "not acknowledged at the end": r["not_acked_at_end"],
                "latency p50 / floor": lat.p50_ms / floor_ms,
                "CPU per 1,000 / floor": r["cpu_s_per_1000_events"] / floor_cpu,
                "window s": r["window_s"],
            },
            {
                "zmq CURVE round trip p50 ms": trip,
                "SQLite FULL commit p50 ms": commit,
                "half a trip + one commit p50 ms": floor_ms,
                "raw insert: CPU s per 1,000 rows": floor_cpu,
            },
            "every site connected and acknowledged; centre under one core (< 1.0)",
            ok and r["cpu_cores"] < 1.0,
            note=(
                "centre: real CentreNode in its own process (CPU from /proc over the window; "
                "file journal at synchronous=FULL, each batch checked against the site's hash "
                "chain); sites: 50 in-memory journals, ConsolePosts and SiteUplinks over their "
                "own CURVE DEALERs, driven by one thread of the bench process"
            ),
        )
    ]
