"""The console end of the order link: a CURVE-server ROUTER that stations' DEALERs connect to.

Only keys on the allow-list pass the ZAP handshake; each message carries the ZAP User-Id (the
station id owning the key), reported as `Incoming.peer` next to the routing id the peer claims.
Sends never block: an unknown peer (`ROUTER_MANDATORY`) or a full pipe is reported, not waited on.
"""

from __future__ import annotations

import contextlib
import errno
from collections import deque
from collections.abc import Mapping
from typing import Any

import zmq
from zmq.utils.monitor import parse_monitor_message

from protocols.codec import MAX_MESSAGE_BYTES
from protocols.framing import PACKING_OVERHEAD, frames_of, pack
from protocols.security import KeyPair, StationAuthenticator, configure_server
from protocols.transport import Incoming, LinkEvent, SendResult

DEFAULT_ORDERS_ADDRESS = "tcp://127.0.0.1:7701"

_FAILED_HANDSHAKE = (
    zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL
    | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL
    | zmq.EVENT_HANDSHAKE_FAILED_AUTH
)


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


class ConsoleLink:
    """ROUTER transport of the console (see module doc). Create and use in one thread only."""

    def __init__(
        self,
        context: zmq.Context[Any],
        *,
        name: str,
        keys: KeyPair,
        allowed: Mapping[bytes, str],
        address: str = DEFAULT_ORDERS_ADDRESS,
        heartbeat_s: float = 1.0,
    ) -> None:
        self._name = name
        self.auth = StationAuthenticator(context, allowed)
        self.auth.start()
        self.socket: zmq.Socket[Any] = context.socket(zmq.ROUTER)
        tune(self.socket, heartbeat_s)
        self.socket.setsockopt(zmq.ROUTER_MANDATORY, 1)
        self.socket.setsockopt(zmq.ROUTER_HANDOVER, 1)
        configure_server(self.socket, keys)
        self.monitor: zmq.Socket[Any] = self.socket.get_monitor_socket(_FAILED_HANDSHAKE)
        self.monitor.linger = 0
        try:
            self.socket.bind(address)
        except zmq.ZMQError:
            self.close()
            raise
        self.address = self.socket.getsockopt_string(zmq.LAST_ENDPOINT)
        self._events: deque[LinkEvent] = deque()
        self._poller = zmq.Poller()
        self._poller.register(self.socket, zmq.POLLIN)
        self._poller.register(self.monitor, zmq.POLLIN)
        self._closed = False

    @property
    def name(self) -> str:
        """The console's name."""
        return self._name

    def sockets(self) -> list[zmq.Socket[Any]]:
        """Sockets the engine should poll for input."""
        return [self.socket, self.monitor]

    def send(self, peer: str, frames: list[bytes]) -> SendResult:
        """Send to station `peer` without blocking."""
        try:
            self.socket.send_multipart([peer.encode(), pack(frames)], flags=zmq.NOBLOCK, copy=False)
        except zmq.ZMQError as err:
            if err.errno == errno.EHOSTUNREACH:
                return SendResult.UNREACHABLE
            if err.errno == zmq.EAGAIN:
                return SendResult.BUSY
            raise
        return SendResult.SENT

    def _drain_monitor(self) -> None:
        while self.monitor.poll(0):
            event = parse_monitor_message(self.monitor.recv_multipart())
            if event["event"] & _FAILED_HANDSHAKE:
                self._events.append(
                    LinkEvent(
                        "auth_rejected",
                        {
                            "reason": "handshake_failed",
                            "errno": int(event["value"]),
                            "endpoint": str(event["endpoint"], "utf-8", "replace")
                            if isinstance(event["endpoint"], bytes)
                            else str(event["endpoint"]),
                        },
                    )
                )
        for refusal in self.auth.refusals():
            self._events.append(LinkEvent("auth_rejected", dict(refusal)))

    def recv(self) -> Incoming | LinkEvent | None:
        """Next message (with authenticated and claimed ids) or auth refusal, never blocking."""
        if not self._events:
            self._drain_monitor()
        if self._events:
            return self._events.popleft()
        try:
            parts = self.socket.recv_multipart(zmq.NOBLOCK, copy=False)
        except zmq.Again:
            return None
        claimed = parts[0].bytes.decode("utf-8", "replace")
        user_id = ""
        if len(parts) > 1:
            try:
                user_id = str(parts[1].get("User-Id") or "")
            except zmq.ZMQError:
                user_id = ""
        return Incoming(user_id, claimed, frames_of([p.bytes for p in parts[1:]]))

    def wait(self, timeout_s: float) -> None:
        """Block until a message or monitor event may be readable."""
        if self._events:
            return
        self._poller.poll(int(timeout_s * 1000))

    def close(self) -> None:
        """Close the sockets and stop the authenticator (never blocks)."""
        if getattr(self, "_closed", False):
            return
        self._closed = True
        with contextlib.suppress(zmq.ZMQError):
            self.socket.disable_monitor()
        self.monitor.close(linger=0)
        self.socket.close(linger=0)
        self.auth.stop()
