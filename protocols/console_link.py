"""The console end of the order link: a CURVE-server ROUTER that stations' DEALERs connect to.

Only keys on the allow-list pass the ZAP handshake; each message carries the ZAP User-Id (the
station id owning the key), reported as `Incoming.peer` next to the routing id the peer claims.
Sends never block: an unknown peer (`ROUTER_MANDATORY`) or a full pipe is reported, not waited on.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from typing import Any

import zmq
from zmq.utils.monitor import parse_monitor_message

from protocols.framing import frames_of, pack
from protocols.link_base import MonitoredLink, tune
from protocols.security import KeyPair, StationAuthenticator, configure_server
from protocols.transport import Incoming, LinkEvent, SendResult

DEFAULT_ORDERS_ADDRESS = "tcp://127.0.0.1:7701"

_FAILED_HANDSHAKE = (
    zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL
    | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL
    | zmq.EVENT_HANDSHAKE_FAILED_AUTH
)


class ConsoleLink(MonitoredLink):
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
        self._watch(self.socket, _FAILED_HANDSHAKE)
        try:
            self.socket.bind(address)
        except zmq.ZMQError:
            self.close()
            raise
        self.address = self.socket.getsockopt_string(zmq.LAST_ENDPOINT)

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

    def _release(self) -> None:
        """Stop the authenticator."""
        self.auth.stop()
