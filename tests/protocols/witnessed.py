"""A console and stations that checkpoint and witness each other, on the in-memory twin or on
ZeroMQ (built from `tests.protocols.wiring`'s pieces), pumped by hand."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zmq

from command.clock import ManualClock
from command.console_post import ConsolePost
from command.journal import Journal
from command.journal.checkpoints import CheckpointPolicy, Origin
from command.signing import Signer
from command.station_desk import AcceptAll, StationDesk
from protocols.console_link import ConsoleLink
from protocols.delivery import ConsoleWire, StationWire, WireConfig
from protocols.memory import MemoryNetwork
from protocols.security import CurveKeys
from protocols.station_link import StationLink
from protocols.transport import Transport
from tests.protocols.wiring import incident

POLICY = CheckpointPolicy(every_events=5, every_s=10.0)


@dataclass
class WSide:
    """One station: its journal signs with `signer`, its wire witnesses the console."""

    desk: StationDesk
    wire: StationWire
    transport: Transport
    signer: Signer

    @property
    def journal(self) -> Journal:
        return self.desk.journal


@dataclass
class WRig:
    """A witnessed console and its stations."""

    kind: str
    clock: ManualClock
    commander: Signer
    post: ConsolePost
    console: ConsoleWire
    stations: dict[str, WSide]
    config: WireConfig
    network: MemoryNetwork | None = None
    context: zmq.Context[Any] | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def journal(self) -> Journal:
        return self.post.journal

    def wires(self) -> list[ConsoleWire | StationWire]:
        return [self.console, *(s.wire for s in self.stations.values())]

    def turn(self) -> int:
        moved = 0
        for wire in self.wires():
            moved += wire.pump()
        return moved

    def tick(self) -> None:
        now = self.clock.now()
        self.journal.tick(now)
        for side in self.stations.values():
            side.journal.tick(now)
        for wire in self.wires():
            wire.tick(now)

    def pump(self, until: Callable[[], bool], timeout: float = 5.0) -> None:
        """Move messages and run timers until `until()` holds (bounded in wall time)."""
        deadline = time.monotonic() + timeout
        while True:
            moved = self.turn()
            if until():
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not reached in {timeout:g} s")
            if not moved:
                if self.kind == "zmq":
                    self.console.transport.wait(0.005)
                self.tick()

    def settle(self, rounds: int = 30) -> None:
        for _ in range(rounds):
            if not self.turn() and self.kind == "zmq":
                self.console.transport.wait(0.005)

    def close(self) -> None:
        for closer in reversed(self.closers):
            closer()
        self.journal.close()
        for side in self.stations.values():
            side.journal.close()


def console_origin(signer: Signer) -> Origin:
    return Origin.of("inc-1", "console", "console", signer)


def witnessed_console(
    journal: Journal, clock: ManualClock, commander: Signer, transport: Transport, **kw: Any
) -> tuple[ConsolePost, ConsoleWire]:
    """A console post and wire whose journal checkpoints under POLICY."""
    journal.sign_with(commander, console_origin(commander), POLICY)
    post = ConsolePost(journal, clock, commander, ("g1",), incident(("st-a", "st-b")))
    return post, ConsoleWire(post, transport, clock, kw.pop("config", None), **kw)


@contextmanager
def witnessed_rig(
    kind: str = "memory",
    station_ids: tuple[str, ...] = ("st-a", "st-b"),
    directory: Path | None = None,
    config: WireConfig | None = None,
    commander: Signer | None = None,
) -> Iterator[WRig]:
    """Build the rig on the `kind` transport ("memory" or "zmq"); journals in `directory`."""
    clock = ManualClock()
    config = config or WireConfig()
    commander = commander or Signer.generate("commander")
    signers = {sid: Signer.generate(sid) for sid in station_ids}
    report_keys = {sid: s.public_hex for sid, s in signers.items()}

    def journal(owner: str, role: str) -> Journal:
        if directory is None:
            return Journal.in_memory(clock=clock, owner=owner, role=role)  # type: ignore[arg-type]
        return Journal.open(directory / f"{owner}.db", clock=clock, owner=owner, role=role)  # type: ignore[arg-type]

    context: zmq.Context[Any] | None = None
    network: MemoryNetwork | None = None
    closers: list[Callable[[], None]] = []
    station_transport: dict[str, Transport] = {}
    if kind == "memory":
        network = MemoryNetwork()
        console_t: Transport = network.console()
        for sid in station_ids:
            station_transport[sid] = network.station(sid)
    else:
        context = zmq.Context()
        closers.append(lambda: context.destroy(linger=0))
        server = CurveKeys.generate()
        keys = {sid: CurveKeys.generate() for sid in station_ids}
        link = ConsoleLink(
            context,
            name="console",
            keys=server,
            allowed={k.public: sid for sid, k in keys.items()},
            address="tcp://127.0.0.1:*",
        )
        closers.append(link.close)
        console_t = link
        for sid in station_ids:
            slink = StationLink(
                context,
                station_id=sid,
                keys=keys[sid],
                console_public=server.public,
                address=link.address,
            )
            closers.append(slink.close)
            station_transport[sid] = slink
    post, console = witnessed_console(
        journal("console", "console"),
        clock,
        commander,
        console_t,
        config=config,
        report_keys=report_keys,
    )
    stations: dict[str, WSide] = {}
    for sid in station_ids:
        sj = journal(sid, "station")
        sj.sign_with(signers[sid], Origin.of("-", "station", sid, signers[sid]), POLICY)
        desk = StationDesk(sj, clock, sid, AcceptAll())
        wire = StationWire(desk, station_transport[sid], clock, config, signer=signers[sid])
        stations[sid] = WSide(desk, wire, station_transport[sid], signers[sid])
    built = WRig(kind, clock, commander, post, console, stations, config, network, context)
    built.closers = closers
    try:
        yield built
    finally:
        built.close()
