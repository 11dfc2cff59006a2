"""CurveZMQ keys and the ZAP authenticator that admits only allow-listed station keys.

The authenticator maps each allowed public key to its station id and hands that id to libzmq as
the ZAP User-Id, so the console can check that a peer's key belongs to the station id it claims
(`frame.get("User-Id")`). Refused handshakes are queued for the engine thread to journal.
"""

from __future__ import annotations

import queue
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import zmq
from zmq.auth.thread import ThreadAuthenticator
from zmq.utils import z85

ZAP_DOMAIN = "baton"


class KeyPair(Protocol):
    """Anything holding a Z85 CURVE key pair (ours, or `protocols.certs.CurveKeys`)."""

    @property
    def public(self) -> bytes:
        """Z85 public key."""
        ...

    @property
    def secret(self) -> bytes:
        """Z85 secret key."""
        ...


@dataclass(frozen=True, slots=True)
class CurveKeys:
    """A CURVE key pair in Z85. Key files are written and read by `protocols.certs`
    (`create_curve_keypair`, `load_curve_keys`, `load_curve_public`)."""

    public: bytes
    secret: bytes = b""

    @classmethod
    def generate(cls) -> CurveKeys:
        """A fresh key pair."""
        public, secret = zmq.curve_keypair()
        return cls(public, secret)


def configure_server(socket: zmq.Socket[Any], keys: KeyPair) -> None:
    """Make `socket` a CURVE server in the Baton ZAP domain."""
    socket.setsockopt(zmq.ZAP_DOMAIN, ZAP_DOMAIN.encode())
    socket.curve_secretkey = keys.secret
    socket.curve_publickey = keys.public
    socket.curve_server = True


def configure_client(socket: zmq.Socket[Any], keys: KeyPair, server_public: bytes) -> None:
    """Make `socket` a CURVE client that trusts only `server_public`."""
    socket.curve_secretkey = keys.secret
    socket.curve_publickey = keys.public
    socket.curve_serverkey = server_public


class _KeyBook:
    """ZAP credentials callback: allowed keys and the refusals seen (read by the engine)."""

    def __init__(self, allowed: Mapping[bytes, str]) -> None:
        self.allowed = dict(allowed)
        self.refused: queue.SimpleQueue[dict[str, str]] = queue.SimpleQueue()

    def callback(self, domain: str, key: bytes) -> bool:
        if key in self.allowed:
            return True
        self.refused.put({"reason": "unknown_key", "key": key.decode("ascii", "replace")})
        return False


class StationAuthenticator(ThreadAuthenticator):
    """pyzmq's ZAP authenticator admitting only allow-listed keys, User-Id = station id."""

    def __init__(self, context: zmq.Context[Any], allowed: Mapping[bytes, str]) -> None:
        super().__init__(context)
        self.book = _KeyBook(allowed)

    def start(self) -> None:
        """Start the ZAP handler thread and install the key book for the Baton domain."""
        super().start()
        self.configure_curve_callback(ZAP_DOMAIN, self.book)

    def curve_user_id(self, client_public_key: bytes) -> str:
        """The station id owning this key (the ZAP User-Id libzmq attaches to each message)."""
        return self.book.allowed.get(z85.encode(client_public_key), "")

    def refusals(self) -> list[dict[str, str]]:
        """Handshakes refused since the last call."""
        out: list[dict[str, str]] = []
        while True:
            try:
                out.append(self.book.refused.get_nowait())
            except queue.Empty:
                return out
