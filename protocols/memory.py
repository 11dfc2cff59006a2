"""In-memory twin of the order link: same `Transport` interface, no sockets, deterministic.

One `MemoryNetwork` joins a console end and any number of station ends. It models what the
delivery tests rely on from the ZeroMQ links (`protocols.console_link`, `protocols.station_link`):

- identity: each station end holds a key owned by some station (`authenticated_as`, by default
  the id it claims); the console sees both as `Incoming.peer` (key owner) and `.claimed`.
- routing by authenticated key: every handshake makes a new connection, and the console routes
  to station X over the connection of the latest message it read whose key belongs to X and which
  claims to be X. A message claiming someone else moves no route; before a station's first
  message on a new connection its route is the old (dead) one: sends are UNREACHABLE.
- size limit: a message larger than `max_bytes` once packed (the sockets' MAXMSGSIZE) is lost
  and its connection dropped; the station end sees "disconnected", then a new handshake.
- cuts: a station end can be cut (messages either way are lost or refused, as on a dropped TCP
  connection) and restored (a new connection: the station sees a "connected" event).
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field

from protocols.codec import MAX_MESSAGE_BYTES
from protocols.framing import PACKING_OVERHEAD, pack
from protocols.transport import Incoming, LinkEvent, SendResult

LINK_MAX_BYTES = MAX_MESSAGE_BYTES + PACKING_OVERHEAD
"""Largest packed message a link passes (the ZeroMQ links' MAXMSGSIZE)."""


@dataclass(eq=False)
class _Connection:
    """One handshake's worth of link between a station end and the console."""

    serial: int
    up: bool = True


@dataclass(eq=False)
class _End:
    """A station end: the identity it claims, the key it holds, its inbox and connection."""

    claimed: str
    key_owner: str
    inbox: deque[Incoming | LinkEvent] = field(default_factory=deque)
    connection: _Connection = field(init=False)


class MemoryNetwork:
    """A set of in-memory transports that deliver to each other (see module doc)."""

    def __init__(self, console_name: str = "console", *, max_bytes: int = LINK_MAX_BYTES) -> None:
        self.console_name = console_name
        self.max_bytes = max_bytes
        # Each message with the connection it came on and whether its key owner claims itself.
        self._console_inbox: deque[tuple[_Connection | None, str, Incoming]] = deque()
        self._ends: dict[str, _End] = {}  # genuine station ends by station id
        self._impostors: list[_End] = []
        self._routes: dict[str, _Connection] = {}  # station id → connection the console uses
        self._serials = itertools.count(1)
        self.sent_frames = 0
        self.sent: list[tuple[str, str, list[bytes]]] = []  # (from, to, frames), for tests

    def console(self) -> MemoryConsoleTransport:
        """The console's end."""
        return MemoryConsoleTransport(self)

    def station(self, station_id: str, *, authenticated_as: str | None = None) -> MemoryStation:
        """A station end claiming `station_id`, connected at once.

        `authenticated_as` gives it another station's allow-listed key (an impostor): it gets its
        own connection and never displaces the genuine end or its route.
        """
        owner = authenticated_as or station_id
        end = _End(station_id, owner)
        self._connect(end)
        end.inbox.append(LinkEvent("connected"))
        if owner == station_id:
            self._ends[station_id] = end
        else:
            self._impostors.append(end)
        return MemoryStation(self, end)

    def _connect(self, end: _End) -> None:
        end.connection = _Connection(next(self._serials))

    def _end(self, station_id: str) -> _End:
        return self._ends[station_id]

    def cut(self, station_id: str) -> None:
        """Drop the station's connection: nothing passes either way until `restore`."""
        self._end(station_id).connection.up = False

    def restore(self, station_id: str) -> None:
        """Reconnect the station (a new connection); it sees a "connected" event."""
        end = self._end(station_id)
        if not end.connection.up:
            self._connect(end)
            end.inbox.append(LinkEvent("connected"))

    def lose_in_flight(self, station_id: str) -> int:
        """Lose the messages on their way to the station (still connected); returns how many."""
        inbox = self._end(station_id).inbox
        kept = [i for i in inbox if isinstance(i, LinkEvent)]
        lost = len(inbox) - len(kept)
        inbox.clear()
        inbox.extend(kept)
        return lost

    def inject_to_console(self, claimed: str, frames: list[bytes], peer: str | None = None) -> None:
        """Deliver raw frames to the console as if from `claimed` (moves no route)."""
        self._console_inbox.append((None, "", Incoming(peer or claimed, claimed, list(frames))))

    def inject_to_station(self, station_id: str, frames: list[bytes]) -> None:
        """Deliver raw frames to a station as if from the console."""
        self._end(station_id).inbox.append(
            Incoming(self.console_name, self.console_name, list(frames))
        )

    def _oversized(self, end: _End, frames: list[bytes]) -> bool:
        """Over the link's size limit: the receiver drops the connection, the station redials."""
        if len(pack(frames)) <= self.max_bytes:
            return False
        end.inbox.append(LinkEvent("disconnected"))
        end.connection.up = False
        self._connect(end)
        end.inbox.append(LinkEvent("connected"))
        return True

    def _to_station(self, station_id: str, frames: list[bytes]) -> SendResult:
        connection = self._routes.get(station_id)
        if connection is None or not connection.up:
            return SendResult.UNREACHABLE  # ROUTER_MANDATORY: no live connection behind the route
        self.sent_frames += 1
        self.sent.append((self.console_name, station_id, list(frames)))
        end = self._ends[station_id]
        if end.connection is not connection:
            return SendResult.SENT  # a route to a stale connection: lost on the way
        if not self._oversized(end, frames):
            end.inbox.append(Incoming(self.console_name, self.console_name, list(frames)))
        return SendResult.SENT

    def _to_console(self, end: _End, frames: list[bytes]) -> SendResult:
        if not end.connection.up:
            return SendResult.BUSY  # a DEALER with IMMEDIATE set refuses while disconnected
        self.sent_frames += 1
        self.sent.append((end.claimed, self.console_name, list(frames)))
        connection = end.connection
        if not self._oversized(end, frames):
            route_of = end.key_owner if end.key_owner == end.claimed else ""
            incoming = Incoming(end.key_owner, end.claimed, list(frames))
            self._console_inbox.append((connection, route_of, incoming))
        return SendResult.SENT

    def _console_recv(self) -> Incoming | None:
        if not self._console_inbox:
            return None
        connection, route_of, incoming = self._console_inbox.popleft()
        if connection is not None and route_of:
            self._routes[route_of] = connection  # its own key, its own id: its route now
        return incoming

    def _station_recv(self, end: _End) -> Incoming | LinkEvent | None:
        if not end.connection.up:
            kept = [i for i in end.inbox if isinstance(i, LinkEvent)]
            end.inbox.clear()
            end.inbox.extend(kept)
        return end.inbox.popleft() if end.inbox else None


class MemoryConsoleTransport:
    """The console end of a `MemoryNetwork`."""

    def __init__(self, network: MemoryNetwork) -> None:
        self._net = network

    @property
    def name(self) -> str:
        """The console's name."""
        return self._net.console_name

    def send(self, peer: str, frames: list[bytes]) -> SendResult:
        """Deliver to station `peer` over its authenticated route, if that is up."""
        return self._net._to_station(peer, frames)

    def recv(self) -> Incoming | LinkEvent | None:
        """Next message from any station (a station's own message makes it that station's
        route)."""
        return self._net._console_recv()

    def wait(self, timeout_s: float) -> None:
        """Nothing to wait for in memory."""

    def close(self) -> None:
        """Nothing to release."""


class MemoryStation:
    """A station end of a `MemoryNetwork`."""

    def __init__(self, network: MemoryNetwork, end: _End) -> None:
        self._net = network
        self._end = end

    @property
    def name(self) -> str:
        """The station id it claims."""
        return self._end.claimed

    def send(self, peer: str, frames: list[bytes]) -> SendResult:
        """Deliver to the console if connected."""
        return self._net._to_console(self._end, frames)

    def recv(self) -> Incoming | LinkEvent | None:
        """Next message or link event for this station."""
        return self._net._station_recv(self._end)

    def wait(self, timeout_s: float) -> None:
        """Nothing to wait for in memory."""

    def close(self) -> None:
        """Disconnect from the network."""
        self._end.connection.up = False
