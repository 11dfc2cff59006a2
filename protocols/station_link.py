"""The station end of the order link: a CURVE-client DEALER; its key says which station it is.

No routing id is set: the console's ROUTER gives each connection a fresh one and routes to a
station by the key it authenticated with (see `protocols.console_link`); the station id travels
as every message's sender.

`IMMEDIATE` is set so nothing queues towards a connection that is not up: while disconnected,
`send` reports BUSY and the message stays in the station's journal outbox. Every completed
handshake is reported as a "connected" event so the station says HELLO and resends.
"""

from __future__ import annotations

from typing import Any

import zmq
from zmq.utils.monitor import parse_monitor_message

from protocols.framing import frames_of, pack
from protocols.link_base import MonitoredLink, tune
from protocols.security import KeyPair, configure_client
from protocols.transport import Incoming, LinkEvent, SendResult

_WATCHED = zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_DISCONNECTED


class StationLink(MonitoredLink):
    """DEALER transport of a station (see module doc). Create and use in one thread only."""

    def __init__(
        self,
        context: zmq.Context[Any],
        *,
        station_id: str,
        keys: KeyPair,
        console_public: bytes,
        address: str,
        console_name: str = "console",
        heartbeat_s: float = 1.0,
    ) -> None:
        self._name = station_id
        self._console = console_name
        self.socket: zmq.Socket[Any] = context.socket(zmq.DEALER)
        tune(self.socket, heartbeat_s)
        self.socket.setsockopt(zmq.IMMEDIATE, 1)
        self.socket.setsockopt(zmq.RECONNECT_IVL, 100)
        self.socket.setsockopt(zmq.RECONNECT_IVL_MAX, 1000)
        configure_client(self.socket, keys, console_public)
        self._watch(self.socket, _WATCHED)
        self.socket.connect(address)

    def send(self, peer: str, frames: list[bytes]) -> SendResult:
        """Send to the console without blocking (`peer` is always the console)."""
        try:
            self.socket.send(pack(frames), flags=zmq.NOBLOCK, copy=False)
        except zmq.Again:
            return SendResult.BUSY
        return SendResult.SENT

    def _drain_monitor(self) -> None:
        while self._monitor_ready():
            event = parse_monitor_message(self.monitor.recv_multipart())
            if event["event"] == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                self._events.append(LinkEvent("connected"))
            elif event["event"] == zmq.EVENT_DISCONNECTED:
                self._events.append(LinkEvent("disconnected"))

    def recv(self) -> Incoming | LinkEvent | None:
        """Next message from the console or link event, never blocking."""
        if not self._events:
            self._drain_monitor()
        if self._events:
            return self._events.popleft()
        if not self._message_ready():
            return None
        try:
            parts = self.socket.recv_multipart(zmq.NOBLOCK)
        except zmq.Again:
            return None
        return Incoming(self._console, self._console, frames_of(parts))
