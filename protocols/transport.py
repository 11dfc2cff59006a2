"""The small link interface both the ZeroMQ links and their in-memory twin implement.

A transport moves frame sets between this node and its peers; it knows nothing about orders,
retries or journals (that is `protocols.delivery`). `recv` never blocks; `wait` blocks until
something may be readable or the timeout passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol


class SendResult(Enum):
    """What became of one `send`."""

    SENT = "sent"  # handed to the link (not yet acknowledged by the peer)
    UNREACHABLE = "unreachable"  # no connection to that peer now: keep it, retry later
    BUSY = "busy"  # the link is full (high-water mark): keep it, retry later


@dataclass(frozen=True, slots=True)
class Incoming:
    """A frame set from a peer.

    `peer` is the identity the transport authenticated (CURVE key → station id, the ZAP User-Id);
    `claimed` is the identity the peer claims (its header's sender). They differ for an impostor,
    whose messages a console transport delivers without letting them move any route.
    """

    peer: str
    claimed: str
    frames: list[bytes]


@dataclass(frozen=True, slots=True)
class LinkEvent:
    """Something that happened to the link itself rather than a message.

    kinds: "connected" (a handshake completed: say HELLO and resend what is pending),
    "disconnected", "auth_rejected" (a peer failed the CURVE/ZAP handshake; `detail` says why).
    """

    kind: str
    detail: dict[str, Any] = field(default_factory=dict)


class Transport(Protocol):
    """One end of the order link (the console's ROUTER, a station's DEALER, or the memory twin)."""

    @property
    def name(self) -> str:
        """This end's identity (console name or station id)."""
        ...

    def send(self, peer: str, frames: list[bytes]) -> SendResult:
        """Hand `frames` to the link towards `peer`, never blocking."""
        ...

    def recv(self) -> Incoming | LinkEvent | None:
        """The next incoming frame set or link event, or None when there is nothing now."""
        ...

    def wait(self, timeout_s: float) -> None:
        """Block until something may be readable or `timeout_s` passes."""
        ...

    def close(self) -> None:
        """Release the link (idempotent, never blocks)."""
        ...
