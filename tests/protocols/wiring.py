"""Test wiring shared by the protocol tests: an incident, keys, and console/station pairs on
either transport (in-memory twin or ZeroMQ on loopback with CURVE)."""

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
from command.drafts import OrderDraft
from command.journal import Journal
from command.lifecycle import OrderState
from command.model import Incident, OrderKind, ParamSpec, Station, Zone
from command.signing import Signer
from command.station_desk import AcceptAll, OrderVerifier, StationDesk
from protocols.console_link import ConsoleLink
from protocols.delivery import ConsoleWire, StationWire, WireConfig
from protocols.memory import MemoryNetwork, MemoryStation
from protocols.nodes import ConsoleSettings
from protocols.security import CurveKeys
from protocols.station_link import StationLink
from protocols.transport import Incoming, LinkEvent, Transport
from tests.waiting import wait_for

PATROL = OrderKind("patrol", "Patrol", params=(ParamSpec("officers", "int", minimum=1),))
CLOSE = OrderKind("close_road", "Close road", params=())
ANY_PORT = "tcp://127.0.0.1:*"


def incident(station_ids: tuple[str, ...] = ("st-a", "st-b")) -> Incident:
    """A small incident with one zone and stations offering patrol and close_road."""
    return Incident(
        id="inc-1",
        name="Test incident",
        timezone="UTC",
        zones=(Zone("z1", "Zone 1", 10_000.0),),
        stations=tuple(Station(s, s.upper(), "police", (PATROL, CLOSE)) for s in station_ids),
    )


def draft(station: str = "st-a", officers: int = 2, kind: str = "patrol") -> OrderDraft:
    """An order draft for `station`."""
    params = {"officers": officers} if kind == "patrol" else {}
    return OrderDraft(station=station, kind=kind, zone="z1", params=params)


def console_settings(clock: Any, keys: CurveKeys, **overrides: Any) -> ConsoleSettings:
    """A ZeroMQ console's settings for one station (st-a) on any free loopback port, with a
    fresh commander key and grant g1; `overrides` replace or add fields."""
    fields: dict[str, Any] = {
        "name": "console",
        "journal_path": None,
        "clock": clock,
        "signer": Signer.generate("commander"),
        "grant_chain": ("g1",),
        "incident": incident(("st-a",)),
        "keys": keys,
        "allowed": {},
        "address": ANY_PORT,
    }
    return ConsoleSettings(**{**fields, **overrides})


def feed_console_settings(
    clock: Any, keys: CurveKeys, publishers: dict[bytes, str], **overrides: Any
) -> ConsoleSettings:
    """`console_settings` that also binds the feed bus (feed and snapshot sockets on free
    loopback ports), taking CURVE-authenticated feeds from `publishers` (public key -> name)."""
    return console_settings(
        clock,
        keys,
        feed_address=ANY_PORT,
        snapshot_address=ANY_PORT,
        feed_allowed=publishers,
        **overrides,
    )


def received_by(transport: Transport, seconds: float = 0.3) -> list[Incoming]:
    """Every message (not link event) `transport` receives within `seconds` of wall time."""
    got: list[Incoming] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        item = transport.recv()
        if isinstance(item, Incoming):
            got.append(item)
        elif item is None:
            if isinstance(transport, MemoryStation):
                break  # the twin has everything at once
            transport.wait(0.005)
    return got


def kinds(journal: Journal, kind: str) -> list[dict[str, Any]]:
    """Bodies of the events of one kind."""
    return [e.body for e in journal.events(kinds=[kind])]


@dataclass
class Side:
    """One station under test."""

    desk: StationDesk
    wire: StationWire
    transport: Transport


@dataclass
class Rig:
    """A console and its stations, pumped by hand."""

    kind: str
    clock: ManualClock
    post: ConsolePost
    console: ConsoleWire
    stations: dict[str, Side]
    network: MemoryNetwork | None = None
    context: zmq.Context[Any] | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)
    keys: dict[str, CurveKeys] = field(default_factory=dict)  # zmq only: station keys, "console"
    address: str = ""

    def wires(self) -> list[ConsoleWire | StationWire]:
        return [self.console, *(s.wire for s in self.stations.values())]

    def pump(self, until: Callable[[], bool], timeout: float = 5.0) -> None:
        """Move messages until `until()` holds (bounded in wall time)."""
        deadline = time.monotonic() + timeout
        while True:
            moved = 0
            for wire in self.wires():
                moved += wire.pump()
            if until():
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not reached in {timeout:g} s")
            if not moved:
                if self.kind == "zmq":
                    self.console.transport.wait(0.005)
                for wire in self.wires():
                    wire.tick(self.clock.now())

    def settle(self, rounds: int = 20) -> None:
        """Pump a little while without a condition (for 'nothing more happens' checks)."""
        for _ in range(rounds):
            for wire in self.wires():
                wire.pump()
            if self.kind == "zmq":
                self.console.transport.wait(0.005)

    def pump_console(self, until: Callable[[], bool], timeout: float = 5.0) -> None:
        """Drain only the console's incoming messages until `until()` holds (no timers run, no
        station moves), bounded in wall time."""

        def moved() -> bool:
            self.console.pump()
            if until():
                return True
            if self.kind == "zmq":
                self.console.transport.wait(0.005)
            return False

        wait_for(moved, timeout=timeout, message="the console to receive what was awaited")

    def impostor(self, claims: str, key_of: str) -> Transport:
        """A raw station end claiming to be `claims` while holding `key_of`'s allow-listed key,
        connected (handshake done) when returned; closed with the rig."""
        if self.network is not None:
            return self.network.station(claims, authenticated_as=key_of)
        assert self.context is not None
        link = StationLink(
            self.context,
            station_id=claims,
            keys=self.keys[key_of],
            console_public=self.keys["console"].public,
            address=self.address,
        )
        self.closers.append(link.close)

        def connected() -> bool:
            item = link.recv()
            if item is None:
                link.wait(0.005)
            return isinstance(item, LinkEvent) and item.kind == "connected"

        wait_for(connected, message=f"the impostor claiming {claims} to connect")
        return link

    def close(self) -> None:
        for closer in reversed(self.closers):
            closer()
        self.post.journal.close()
        for side in self.stations.values():
            side.desk.journal.close()


@contextmanager
def rig(
    kind: str,
    station_ids: tuple[str, ...] = ("st-a", "st-b"),
    verifier: OrderVerifier | None = None,
    config: WireConfig | None = None,
    directory: Path | None = None,
) -> Iterator[Rig]:
    """Build a console and stations on the `kind` transport ("memory" or "zmq").

    Journals are files in `directory` when given, else in memory.
    """
    clock = ManualClock()
    inc = incident(station_ids)

    def journal(owner: str, role: str) -> Journal:
        if directory is None:
            return Journal.in_memory(clock=clock, owner=owner, role=role)  # type: ignore[arg-type]
        return Journal.open(directory / f"{owner}.db", clock=clock, owner=owner, role=role)  # type: ignore[arg-type]

    console_journal = journal("console", "console")
    post = ConsolePost(console_journal, clock, Signer.generate("commander"), ("g1",), inc)
    stations: dict[str, Side] = {}
    if kind == "memory":
        network = MemoryNetwork()
        console_t: Transport = network.console()
        built = Rig(kind, clock, post, ConsoleWire(post, console_t, clock, config), {}, network)
        for sid in station_ids:
            transport: Transport = network.station(sid)
            desk = StationDesk(
                journal(sid, "station"),
                clock,
                sid,
                verifier or AcceptAll(),
            )
            stations[sid] = Side(desk, StationWire(desk, transport, clock, config), transport)
    else:
        context: zmq.Context[Any] = zmq.Context()
        server = CurveKeys.generate()
        station_keys = {sid: CurveKeys.generate() for sid in station_ids}
        link = ConsoleLink(
            context,
            name="console",
            keys=server,
            allowed={k.public: sid for sid, k in station_keys.items()},
            address="tcp://127.0.0.1:*",
        )
        built = Rig(kind, clock, post, ConsoleWire(post, link, clock, config), {}, None, context)
        built.closers.append(lambda: context.destroy(linger=0))
        built.closers.append(link.close)
        built.keys = {**station_keys, "console": server}
        built.address = link.address
        for sid in station_ids:
            slink = StationLink(
                context,
                station_id=sid,
                keys=station_keys[sid],
                console_public=server.public,
                address=link.address,
            )
            built.closers.append(slink.close)
            desk = StationDesk(
                journal(sid, "station"),
                clock,
                sid,
                verifier or AcceptAll(),
            )
            stations[sid] = Side(desk, StationWire(desk, slink, clock, config), slink)
    built.stations = stations
    try:
        built.pump(lambda: built.console.online() == set(station_ids))
        yield built
    finally:
        built.close()


def state_of(r: Rig, order_id: str) -> OrderState:
    """The console's journaled state of `order_id` (the order must be there)."""
    row = r.post.journal.order(order_id)
    assert row is not None
    return row.state
