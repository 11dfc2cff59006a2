"""The console end of the order link: a CURVE-server ROUTER that stations' DEALERs connect to.

Only keys on the allow-list pass the ZAP handshake; each message carries the ZAP User-Id (the
station id owning the key), reported as `Incoming.peer` next to the station id the peer claims
(its header's sender).

Routing is by authenticated key, never by a peer-chosen routing id: stations set no routing id,
so the ROUTER gives every connection a fresh one, and `ROUTER_HANDOVER` is off, so no connection
can take over another's. The route to station X is the connection of the latest message whose
key belongs to X and which claims to be X; a message claiming someone else moves no route.
Sends never block: an unknown peer (`ROUTER_MANDATORY`) or a full pipe is reported, not waited on.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from typing import Any

import zmq
from zmq.utils.monitor import parse_monitor_message

from protocols.codec import peek_sender
from protocols.framing import frames_of, pack
from protocols.link_base import MonitoredLink, tune
from protocols.security import ZAP_DOMAIN, KeyPair, ZapHandler, configure_server
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
        # The context's one ZAP handler (shared with the feed bus), this link's own domain.
        self.auth, self.book = ZapHandler.acquire(context, ZAP_DOMAIN, allowed)
        self.socket: zmq.Socket[Any] = context.socket(zmq.ROUTER)
        tune(self.socket, heartbeat_s)
        self.socket.setsockopt(zmq.ROUTER_MANDATORY, 1)
        # Off: a peer choosing an id already in use is ignored rather than handed the route.
        self.socket.setsockopt(zmq.ROUTER_HANDOVER, 0)
        self._routes: dict[str, bytes] = {}  # station id → routing id of its current connection
        configure_server(self.socket, keys)
        self._watch(self.socket, _FAILED_HANDSHAKE)
        try:
            self.socket.bind(address)
        except zmq.ZMQError:
            self.close()
            raise
        self.address = self.socket.getsockopt_string(zmq.LAST_ENDPOINT)

    def route(self, station: str) -> bytes | None:
        """Routing id of the connection `station` last spoke on with its own key (None: none)."""
        return self._routes.get(station)

    def send(self, peer: str, frames: list[bytes]) -> SendResult:
        """Send to station `peer` (over its authenticated route) without blocking."""
        routing_id = self._routes.get(peer)
        if routing_id is None:
            return SendResult.UNREACHABLE
        try:
            self.socket.send_multipart([routing_id, pack(frames)], flags=zmq.NOBLOCK, copy=False)
        except zmq.ZMQError as err:
            if err.errno == errno.EHOSTUNREACH:
                return SendResult.UNREACHABLE
            if err.errno == zmq.EAGAIN:
                return SendResult.BUSY
            raise
        return SendResult.SENT

    def _drain_monitor(self) -> None:
        while self._monitor_ready():
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
        for refusal in self.book.refusals():
            self._events.append(LinkEvent("auth_rejected", dict(refusal)))

    def recv(self) -> Incoming | LinkEvent | None:
        """Next message (with authenticated and claimed ids) or auth refusal, never blocking."""
        if not self._events:
            self._drain_monitor()
        if self._events:
            return self._events.popleft()
        if not self._message_ready():
            return None
        try:
            parts = self.socket.recv_multipart(zmq.NOBLOCK, copy=False)
        except zmq.Again:
            return None
        user_id = ""
        if len(parts) > 1:
            try:
                user_id = str(parts[1].get("User-Id") or "")
            except zmq.ZMQError:
                user_id = ""
        frames = frames_of([p.bytes for p in parts[1:]])
        # An unreadable header claims nothing: the key alone says who it is (decoding refuses it).
        claimed = peek_sender(frames) or user_id
        if user_id and claimed == user_id:
            self._routes[user_id] = parts[0].bytes  # its own key: this connection is its route
        return Incoming(user_id, claimed, frames)

    def _release(self) -> None:
        """Leave the ZAP handler (the last domain stops it)."""
        self.auth.release(ZAP_DOMAIN)
