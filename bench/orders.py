"""P1 and P2 over the real engines and links: a console engine in this process and station
engines (in child processes, as in the field, or as threads of this one), each with its own zmq
context, CURVE on, file journals with synchronous=FULL, loopback TCP.

P1 (round trip): the caller asks the console engine to issue an order; the console journals it
and sends it; the station journals the receipt and acks; the console journals "delivered"
(`order.deliver`). The clock stops when the console's batch callback sees that event.

P2 (burst): 1,000 orders to 50 stations issued in one console command (one commit), counted as
durably acknowledged when the console has journaled every `order.deliver`. `burst_processes`
(the P2 figure) runs the stations in 5 child processes and prints the console's CPU per order in
µs (and the station processes', from /proc): the console-CPU bound is 1e6 / that.

Both run with periodic checkpoints and witnessing (the default: every journal signs its head
every 200 events or 10 s and the peers cosign over the link) or without (`witnessed=False`: the
console signs only on close, stations have no signing key). `python -m bench.orders witnessing`
prints both and the ratio.
"""

from __future__ import annotations

import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import zmq

from bench.stats import Latency, Rate
from command.clock import SystemClock
from command.drafts import OrderDraft
from command.journal import Journal
from command.journal.checkpoints import CheckpointPolicy
from command.model import Incident, OrderKind, ParamSpec, Station, Zone
from command.signing import Signer
from command.station_desk import AcceptAll
from protocols.commands import Address, IssueOrder, IssueOrders, Status
from protocols.delivery import WireConfig
from protocols.engine import Engine, EngineBatch
from protocols.nodes import ConsoleNode, ConsoleSettings, StationNode, StationSettings
from protocols.security import CurveKeys

PATROL = OrderKind("patrol", "Patrol", params=(ParamSpec("officers", "int", minimum=1),))


def bench_incident(stations: list[str]) -> Incident:
    """One zone and `stations`, each offering a patrol."""
    return Incident(
        id="bench",
        name="Bench incident",
        timezone="UTC",
        zones=(Zone("z1", "Zone 1", 10_000.0),),
        stations=tuple(Station(s, s.upper(), "police", (PATROL,)) for s in stations),
    )


def draft(station: str, n: int) -> OrderDraft:
    """A small patrol order for `station`."""
    return OrderDraft(station=station, kind="patrol", zone="z1", params={"officers": 1 + n % 5})


@dataclass
class OrderRig:
    """A running console engine and its station engines (see module doc)."""

    console: Engine
    stations: dict[str, Engine]
    delivered: queue.SimpleQueue[tuple[str, float]]
    station_pids: tuple[int, ...] = ()  # the station processes of a `process_rig`

    def issue(self, station: str, n: int) -> str:
        """Issue one order (returns its id once journaled and sent)."""
        issued = self.console.call_sync(
            IssueOrder(draft(station, n), decision=f"bench {n}", rationale="bench")
        )
        return str(issued.order.id)

    def wait_delivered(self, order_id: str, timeout: float = 10.0) -> float:
        """perf_counter time at which the console saw `order_id` delivered."""
        deadline = time.monotonic() + timeout
        while True:
            got, at = self.delivered.get(timeout=max(0.001, deadline - time.monotonic()))
            if got == order_id:
                return at


@contextmanager
def order_rig(
    directory: Path,
    station_ids: list[str],
    *,
    heartbeat_s: float = 1.0,
    witnessed: bool = True,
    lazy_acks: bool = True,
) -> Iterator[OrderRig]:
    """Console + stations as engines in this process, connected over CURVE on loopback; with
    `witnessed`, every journal checkpoints periodically and the peers cosign; `lazy_acks`: see
    `WireConfig.lazy_acks` (False: the 'delivered' record is a FULL commit too)."""
    clock = SystemClock()
    wire = WireConfig(heartbeat_s=heartbeat_s, lazy_acks=lazy_acks)
    server = CurveKeys.generate()
    keys = {sid: CurveKeys.generate() for sid in station_ids}
    delivered: queue.SimpleQueue[tuple[str, float]] = queue.SimpleQueue()

    def on_batch(batch: EngineBatch) -> None:
        now = time.perf_counter()
        for e in batch.events:
            if e.kind == "order.deliver":
                delivered.put((str(e.body["order_id"]), now))

    settings = ConsoleSettings(
        name="console",
        journal_path=directory / "console.db",
        clock=clock,
        signer=Signer.generate("commander"),
        grant_chain=("bench-grant",),
        incident=bench_incident(station_ids),
        keys=server,
        allowed={k.public: sid for sid, k in keys.items()},
        address="tcp://127.0.0.1:*",
        wire=wire,
        checkpoints=CheckpointPolicy() if witnessed else None,
    )
    console = Engine(lambda ctx: ConsoleNode(ctx, settings), clock, on_batch=on_batch)
    console.start()
    stations: dict[str, Engine] = {}
    try:
        address = console.call_sync(Address())
        for sid in station_ids:
            st = StationSettings(
                station_id=sid,
                journal_path=directory / f"{sid}.db",
                clock=clock,
                verifier=AcceptAll(),
                keys=keys[sid],
                console_public=server.public,
                address=address,
                wire=wire,
                signer=Signer.generate(sid) if witnessed else None,
            )
            stations[sid] = Engine(
                partial(_station_node, settings=st), clock, name=f"station-{sid}"
            ).start()
        deadline = time.monotonic() + 30
        while set(console.call_sync(Status()).online) != set(station_ids):
            if time.monotonic() > deadline:
                raise RuntimeError("stations did not come online within 30 s")
            time.sleep(0.02)
        yield OrderRig(console, stations, delivered)
    finally:
        for engine in stations.values():
            engine.stop()
        console.stop()


def round_trip(
    n: int = 500, warmup: int = 50, directory: Path | None = None, *, witnessed: bool = True
) -> Latency:
    """P1: issue → station journaled → ack → console journaled delivered, one at a time."""
    return round_trip_stages(n, warmup, directory, witnessed=witnessed)[0]


STAGES = {
    "caller → engine, validate + sign": "until the console appends order.issued",
    "console commit, send, station decode + verify": "until the station appends order.received",
    "station commit, ack, console handles ack": "until the console appends order.deliver",
    "console commit, batch callback → caller": "until the caller sees it",
}


def round_trip_stages(
    n: int = 500,
    warmup: int = 50,
    directory: Path | None = None,
    *,
    witnessed: bool = True,
    lazy_acks: bool = True,
    station_process: bool = True,
) -> tuple[Latency, dict[str, float]]:
    """P1 with where the time goes: medians (ms) of four stages between the caller's clock and
    the journal timestamps of order.issued (console), order.received (station) and
    order.deliver (console), read back from the journals after the run.

    With `station_process` (and `lazy_acks`) the station runs in its own process, as in the
    field (`process_rig`): the two ends do not share one interpreter lock. Otherwise both are
    engines in this process (`order_rig`)."""
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        folder = Path(tmp)
        samples = []
        walls: dict[str, tuple[float, float]] = {}
        rig_cm = (
            process_rig(folder, ["st-1"], 1, witnessed=witnessed)
            if station_process and lazy_acks
            else order_rig(folder, ["st-1"], witnessed=witnessed, lazy_acks=lazy_acks)
        )
        with rig_cm as rig:
            for i in range(warmup + n):
                w0, t0 = time.time(), time.perf_counter()
                order_id = rig.issue("st-1", i)
                t1 = rig.wait_delivered(order_id)
                if i >= warmup:
                    samples.append(t1 - t0)
                    walls[order_id] = (w0, w0 + (t1 - t0))
        issued = _stamps(folder / "console.db", "order.issued", lambda b: b["order"]["id"])
        delivered = _stamps(folder / "console.db", "order.deliver", lambda b: b["order_id"])
        received = _stamps(folder / "st-1.db", "order.received", lambda b: b["order"]["id"])
    cuts: list[list[float]] = [[], [], [], []]
    for order_id, (w0, w1) in walls.items():
        points = [w0, issued[order_id], received[order_id], delivered[order_id], w1]
        for k in range(4):
            cuts[k].append((points[k + 1] - points[k]) * 1000.0)
    stages = {name: statistics.median(c) for name, c in zip(STAGES, cuts, strict=True)}
    return Latency.of_seconds(samples), stages


def _stamps(path: Path, kind: str, key: Callable[[dict[str, Any]], Any]) -> dict[str, float]:
    journal = Journal.open_readonly(path)
    try:
        return {str(key(e.body)): e.ts for e in journal.events(kinds=[kind])}
    finally:
        journal.close()


def burst(
    orders: int = 1000,
    stations: int = 50,
    runs: int = 3,
    directory: Path | None = None,
    *,
    witnessed: bool = True,
) -> dict[str, Any]:
    """P2: `orders` orders round-robin to `stations` stations in one console command; the rate
    at which the console journals them delivered (durably acknowledged)."""
    ids = [f"st-{i:03d}" for i in range(stations)]
    rates = []
    with (
        tempfile.TemporaryDirectory(dir=directory) as tmp,
        order_rig(Path(tmp), ids, witnessed=witnessed) as rig,
    ):
        for run in range(runs):
            drafts = [draft(ids[i % stations], i) for i in range(orders)]
            t0 = time.perf_counter()
            issued = rig.console.call_sync(
                IssueOrders(tuple(drafts), decision=f"burst {run}", rationale="bench"), timeout=60
            )
            waiting = {str(i.order.id) for i in issued}
            last = t0
            deadline = time.monotonic() + 120
            while waiting:
                got, at = rig.delivered.get(timeout=max(0.001, deadline - time.monotonic()))
                if got in waiting:
                    waiting.discard(got)
                    last = at
            rates.append(orders / (last - t0))
    return {
        "rate": asdict(Rate.of_runs("orders/s", rates)),
        "threads": 1 + stations,
        "processes": 1,
    }


ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def process_rig(
    directory: Path,
    station_ids: list[str],
    processes: int = 5,
    *,
    heartbeat_s: float = 1.0,
    witnessed: bool = True,
) -> Iterator[OrderRig]:
    """The console engine in this process, the stations in `processes` child processes
    (`bench.stations_proc`, stations dealt round-robin); always stopped and reaped."""
    clock = SystemClock()
    server = CurveKeys.generate()
    keys = {sid: CurveKeys.generate() for sid in station_ids}
    delivered: queue.SimpleQueue[tuple[str, float]] = queue.SimpleQueue()

    def on_batch(batch: EngineBatch) -> None:
        now = time.perf_counter()
        for e in batch.events:
            if e.kind == "order.deliver":
                delivered.put((str(e.body["order_id"]), now))

    settings = ConsoleSettings(
        name="console",
        journal_path=directory / "console.db",
        clock=clock,
        signer=Signer.generate("commander"),
        grant_chain=("bench-grant",),
        incident=bench_incident(station_ids),
        keys=server,
        allowed={k.public: sid for sid, k in keys.items()},
        address="tcp://127.0.0.1:*",
        wire=WireConfig(heartbeat_s=heartbeat_s),
        checkpoints=CheckpointPolicy() if witnessed else None,
    )
    console = Engine(lambda ctx: ConsoleNode(ctx, settings), clock, on_batch=on_batch)
    console.start()
    children: list[subprocess.Popen[bytes]] = []
    try:
        address = console.call_sync(Address())
        for p in range(processes):
            mine = station_ids[p::processes]
            if not mine:
                continue
            config = directory / f"stations-{p}.json"
            config.write_text(
                json.dumps(
                    {
                        "console_public": server.public.decode(),
                        "address": address,
                        "stations": {
                            s: [keys[s].public.decode(), keys[s].secret.decode()] for s in mine
                        },
                        "journals": str(directory),
                        "heartbeat_s": heartbeat_s,
                        "witnessed": witnessed,
                    }
                ),
                encoding="utf-8",
            )
            with open(directory / f"stations-{p}.log", "ab") as log:
                children.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "bench.stations_proc", str(config)],
                        cwd=ROOT,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=log,
                    )
                )
        for child in children:
            assert child.stdout is not None
            if b"ready" not in child.stdout.readline():
                raise RuntimeError(f"bench stations did not start (see {directory}/stations-*.log)")
        deadline = time.monotonic() + 30
        while set(console.call_sync(Status()).online) != set(station_ids):
            if time.monotonic() > deadline:
                raise RuntimeError("stations did not come online within 30 s")
            time.sleep(0.02)
        yield OrderRig(console, {}, delivered, tuple(child.pid for child in children))
    finally:
        for child in children:
            _stop_child(child)
        console.stop()


def _stop_child(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(10)
    for stream in (child.stdin, child.stdout):
        if stream is not None:
            stream.close()


def burst_processes(
    orders: int = 1000,
    stations: int = 50,
    processes: int = 5,
    runs: int = 3,
    directory: Path | None = None,
    *,
    witnessed: bool = True,
) -> dict[str, Any]:
    """P2 as in the field: `stations` stations in `processes` processes, the console engine in
    this one; orders/s durably acknowledged (console journaled every `order.deliver`), the
    console process's CPU per order (the bench's main thread only waits) and, where /proc has
    it, the station processes' CPU per order (all of them together)."""
    ids = [f"st-{i:03d}" for i in range(stations)]
    rates: list[float] = []
    cpu_us: list[float] = []
    station_us: list[float] = []
    with (
        tempfile.TemporaryDirectory(dir=directory) as tmp,
        process_rig(Path(tmp), ids, processes, witnessed=witnessed) as rig,
    ):
        for run in range(runs):
            drafts = [draft(ids[i % stations], i) for i in range(orders)]
            c0, s0 = _cpu(), _children_cpu(rig.station_pids)
            t0 = time.perf_counter()
            issued = rig.console.call_sync(
                IssueOrders(tuple(drafts), decision=f"burst {run}", rationale="bench"), timeout=60
            )
            waiting = {str(i.order.id) for i in issued}
            last = t0
            deadline = time.monotonic() + 120
            while waiting:
                got, at = rig.delivered.get(timeout=max(0.001, deadline - time.monotonic()))
                if got in waiting:
                    waiting.discard(got)
                    last = at
            cpu_us.append((_cpu() - c0) * 1e6 / orders)
            s1 = _children_cpu(rig.station_pids)
            if s0 is not None and s1 is not None and s1 > s0:  # /proc counts 10 ms ticks:
                station_us.append((s1 - s0) * 1e6 / orders)  # a tiny burst may show none
            rates.append(orders / (last - t0))
    return {
        "rate": asdict(Rate.of_runs("orders/s", rates)),
        "console_cpu_us_per_order": statistics.median(cpu_us),
        "console_cpu_us_runs": cpu_us,
        "stations_cpu_us_per_order": statistics.median(station_us) if station_us else None,
        "processes": 1 + processes,
        "stations_per_process": -(-stations // processes),
    }


def _cpu() -> float:
    """User + system seconds of this process, all threads (ns resolution: `os.times` counts
    10 ms ticks, which a small burst can finish within)."""
    return time.process_time()


def _children_cpu(pids: tuple[int, ...]) -> float | None:
    """User + system seconds of the processes `pids` so far (Linux /proc), None elsewhere."""
    total = 0.0
    try:
        tick = os.sysconf("SC_CLK_TCK")
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError, IndexError):
        return None
    return total


def threads_now() -> int:
    """Python threads alive now (for the report)."""
    return threading.active_count()


def _station_node(context: zmq.Context[Any], settings: StationSettings) -> StationNode:
    return StationNode(context, settings)


def witnessing_overhead(quick: bool = False) -> dict[str, dict[str, float]]:
    """P1 and P2 with and without periodic checkpoints and witnessing, and their ratio."""
    n, warmup, runs = (300, 30, 2) if quick else (1000, 100, 3)
    out: dict[str, dict[str, float]] = {}
    for label, witnessed in (("without", False), ("with", True)):
        p1 = round_trip(n, warmup, witnessed=witnessed)
        p2 = burst(runs=runs, witnessed=witnessed)["rate"]
        out[label] = {
            "P1 p50 ms": p1.p50_ms,
            "P1 p99 ms": p1.p99_ms,
            "P2 orders/s": float(p2["median"]),
        }
    out["ratio with/without"] = {
        k: out["with"][k] / out["without"][k] for k in out["with"] if out["without"][k]
    }
    return out


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] != ["witnessing"]:
        raise SystemExit("usage: python -m bench.orders witnessing [--quick]")
    for label, figures in witnessing_overhead("--quick" in sys.argv).items():
        print(f"{label:>20}: " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
