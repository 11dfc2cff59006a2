"""What both order links share: socket options, the monitor socket, polling and closing.

Create and use a link in one thread only (the engine's).
"""

from __future__ import annotations

import contextlib
from collections import deque
from typing import Any

import zmq

from protocols.codec import MAX_MESSAGE_BYTES
from protocols.framing import PACKING_OVERHEAD
from protocols.transport import LinkEvent


def tune(socket: zmq.Socket[Any], heartbeat_s: float = 1.0) -> None:
    """Options every order-link socket gets: no linger, size limit, ZMTP heartbeats."""
    socket.linger = 0
    # Packing (protocols.framing) adds 4 bytes per part; the codec refuses oversize with a reason.
    socket.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES + PACKING_OVERHEAD)
    ivl = max(100, int(heartbeat_s * 1000))
    socket.setsockopt(zmq.HEARTBEAT_IVL, ivl)
    socket.setsockopt(zmq.HEARTBEAT_TIMEOUT, ivl * 3)
    socket.setsockopt(zmq.HEARTBEAT_TTL, ivl * 3)
    socket.sndhwm = 10_000
    socket.rcvhwm = 10_000


def _readable(socket: zmq.Socket[Any]) -> bool:
    events: int = socket.getsockopt(zmq.EVENTS)  # type: ignore[assignment]  # an int option
    return bool(events & zmq.POLLIN)


class MonitoredLink:
    """A link's socket, its monitor socket, a poller over both and the pending link events."""

    _name: str
    socket: zmq.Socket[Any]
    monitor: zmq.Socket[Any]

    def _watch(self, socket: zmq.Socket[Any], events: int) -> None:
        """Adopt `socket` (already tuned) and monitor it for `events`."""
        self.socket = socket
        self.monitor = socket.get_monitor_socket(events)
        self.monitor.linger = 0
        self._events: deque[LinkEvent] = deque()
        self._poller = zmq.Poller()
        self._poller.register(self.socket, zmq.POLLIN)
        self._poller.register(self.monitor, zmq.POLLIN)
        self._closed = False

    @property
    def name(self) -> str:
        """Who this end of the link is (the console's name, or the station's id)."""
        return self._name

    def sockets(self) -> list[zmq.Socket[Any]]:
        """Sockets the engine should poll for input."""
        return [self.socket, self.monitor]

    def _monitor_ready(self) -> bool:
        """True when the monitor socket holds an event (no Poller is built for the question)."""
        return _readable(self.monitor)

    def _message_ready(self) -> bool:
        """True when a message is waiting: `recv` asks before reading, so an empty socket
        costs one getsockopt rather than a raised and caught `zmq.Again`."""
        return _readable(self.socket)

    def wait(self, timeout_s: float) -> None:
        """Block until a message or monitor event may be readable."""
        if self._events:
            return
        self._poller.poll(int(timeout_s * 1000))

    def close(self) -> None:
        """Close the sockets and whatever else the link holds (never blocks; idempotent)."""
        if getattr(self, "_closed", False):
            return
        self._closed = True
        with contextlib.suppress(zmq.ZMQError):
            self.socket.disable_monitor()
        self.monitor.close(linger=0)
        self.socket.close(linger=0)
        self._release()

    def _release(self) -> None:
        """Release what a subclass holds beyond the sockets."""
