"""In-memory twin of the order link: same `Transport` interface, no sockets, deterministic.

One `MemoryNetwork` joins a console end and any number of station ends. A station end can be
cut (messages either way are lost or refused, as on a dropped TCP connection) and restored
(both ends then see a "connected" event, as after a new handshake), and can be given an
authenticated identity different from the one it claims (an impostor).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from protocols.transport import Incoming, LinkEvent, SendResult


@dataclass
class _Queue:
    items: deque[Incoming | LinkEvent] = field(default_factory=deque)


class MemoryNetwork:
    """A set of in-memory transports that deliver to each other."""

    def __init__(self, console_name: str = "console") -> None:
        self.console_name = console_name
        self._console_inbox = _Queue()
        self._station_inboxes: dict[str, _Queue] = {}
        self._auth: dict[str, str] = {}  # claimed id → authenticated id
        self._up: set[str] = set()
        self.sent_frames = 0
        self.sent: list[tuple[str, str, list[bytes]]] = []  # (from, to, frames), for tests

    def console(self) -> MemoryConsoleTransport:
        """The console's end."""
        return MemoryConsoleTransport(self)

    def station(self, station_id: str, *, authenticated_as: str | None = None) -> MemoryStation:
        """A station's end, connected at once; `authenticated_as` simulates someone else's key."""
        self._station_inboxes[station_id] = _Queue()
        self._auth[station_id] = authenticated_as or station_id
        self._up.add(station_id)
        self._station_inboxes[station_id].items.append(LinkEvent("connected"))
        return MemoryStation(self, station_id)

    def cut(self, station_id: str) -> None:
        """Drop the station's connection: nothing passes either way until `restore`."""
        self._up.discard(station_id)

    def restore(self, station_id: str) -> None:
        """Reconnect the station; it sees a "connected" event (new handshake)."""
        if station_id not in self._up:
            self._up.add(station_id)
            self._station_inboxes[station_id].items.append(LinkEvent("connected"))

    def inject_to_console(self, claimed: str, frames: list[bytes], peer: str | None = None) -> None:
        """Deliver raw frames to the console as if from `claimed` (for malformed-frame tests)."""
        self._console_inbox.items.append(Incoming(peer or claimed, claimed, list(frames)))

    def inject_to_station(self, station_id: str, frames: list[bytes]) -> None:
        """Deliver raw frames to a station as if from the console."""
        self._station_inboxes[station_id].items.append(
            Incoming(self.console_name, self.console_name, list(frames))
        )

    def _to_station(self, station_id: str, frames: list[bytes]) -> SendResult:
        if station_id not in self._up or station_id not in self._station_inboxes:
            return SendResult.UNREACHABLE
        self.sent_frames += 1
        self.sent.append((self.console_name, station_id, list(frames)))
        self._station_inboxes[station_id].items.append(
            Incoming(self.console_name, self.console_name, list(frames))
        )
        return SendResult.SENT

    def _to_console(self, station_id: str, frames: list[bytes]) -> SendResult:
        if station_id not in self._up:
            return SendResult.BUSY  # a DEALER with IMMEDIATE set refuses while disconnected
        self.sent_frames += 1
        self.sent.append((station_id, self.console_name, list(frames)))
        self._console_inbox.items.append(Incoming(self._auth[station_id], station_id, list(frames)))
        return SendResult.SENT


class MemoryConsoleTransport:
    """The console end of a `MemoryNetwork`."""

    def __init__(self, network: MemoryNetwork) -> None:
        self._net = network

    @property
    def name(self) -> str:
        """The console's name."""
        return self._net.console_name

    def send(self, peer: str, frames: list[bytes]) -> SendResult:
        """Deliver to station `peer` if it is connected."""
        return self._net._to_station(peer, frames)

    def recv(self) -> Incoming | LinkEvent | None:
        """Next message from any station."""
        items = self._net._console_inbox.items
        return items.popleft() if items else None

    def wait(self, timeout_s: float) -> None:
        """Nothing to wait for in memory."""

    def close(self) -> None:
        """Nothing to release."""


class MemoryStation:
    """A station end of a `MemoryNetwork`."""

    def __init__(self, network: MemoryNetwork, station_id: str) -> None:
        self._net = network
        self._id = station_id

    @property
    def name(self) -> str:
        """The station id it claims."""
        return self._id

    def send(self, peer: str, frames: list[bytes]) -> SendResult:
        """Deliver to the console if connected."""
        return self._net._to_console(self._id, frames)

    def recv(self) -> Incoming | LinkEvent | None:
        """Next message or link event for this station."""
        items = self._net._station_inboxes[self._id].items
        if self._id not in self._net._up:
            items_kept = [i for i in items if isinstance(i, LinkEvent)]
            items.clear()
            items.extend(items_kept)
        return items.popleft() if items else None

    def wait(self, timeout_s: float) -> None:
        """Nothing to wait for in memory."""

    def close(self) -> None:
        """Disconnect from the network."""
        self._net.cut(self._id)
