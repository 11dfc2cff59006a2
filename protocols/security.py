"""CurveZMQ keys, the ZAP handler that admits only allow-listed keys, and rejection summaries.

One ZAP handler serves a whole context (libzmq allows one per context): `ZapHandler.acquire`
starts it or shares the running one, and each service registers its own ZAP domain with its own
allow-list (`ZAP_DOMAIN` for the order link, `FEED_ZAP_DOMAIN` for the feed bus), so a station's
key opens no feed socket and a publisher's key no order link. The handler maps each allowed
public key to its owner (station id or publisher name) and hands that to libzmq as the ZAP
User-Id, so a receiver can check that a peer's key belongs to the name it claims
(`frame.get("User-Id")`). Refused handshakes are queued per domain, with the peer's address from
the ZAP request, for the engine thread; `RejectionSummaries` turns them into at most one journal
line per peer address and reason per interval, with a count, never one per attempt.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import zmq
from zmq.auth.thread import ThreadAuthenticator
from zmq.utils import z85

from command.vocabulary import AuthRejected

ZAP_DOMAIN = "baton"
FEED_ZAP_DOMAIN = "baton-feeds"


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


def configure_server(socket: zmq.Socket[Any], keys: KeyPair, domain: str = ZAP_DOMAIN) -> None:
    """Make `socket` a CURVE server in ZAP `domain` (the order link's unless told)."""
    socket.setsockopt(zmq.ZAP_DOMAIN, domain.encode())
    socket.curve_secretkey = keys.secret
    socket.curve_publickey = keys.public
    socket.curve_server = True


def configure_client(socket: zmq.Socket[Any], keys: KeyPair, server_public: bytes) -> None:
    """Make `socket` a CURVE client that trusts only `server_public`."""
    socket.curve_secretkey = keys.secret
    socket.curve_publickey = keys.public
    socket.curve_serverkey = server_public


class KeyBook:
    """One ZAP domain's allow-list (Z85 public key → owner) and the refusals seen since the
    engine last read them (each: reason, peer address, key)."""

    def __init__(self, domain: str, allowed: Mapping[bytes, str]) -> None:
        self.domain = domain
        self.allowed = dict(allowed)
        self._refused: queue.SimpleQueue[dict[str, str]] = queue.SimpleQueue()

    def refuse(self, reason: str, address: str, key: bytes = b"") -> None:
        """Note one refused handshake (called in the ZAP thread)."""
        refusal = {"reason": reason, "peer": address}
        if key:
            refusal["key"] = key.decode("ascii", "replace")
        self._refused.put(refusal)

    def refusals(self) -> list[dict[str, str]]:
        """Handshakes refused since the last call."""
        out: list[dict[str, str]] = []
        while True:
            try:
                out.append(self._refused.get_nowait())
            except queue.Empty:
                return out


_ZAP_VERSION = b"1.0"
_handlers_lock = threading.Lock()
_handlers: dict[int, ZapHandler] = {}  # id(context) → its running handler


class ZapHandler(ThreadAuthenticator):
    """pyzmq's ZAP thread, CURVE only, one allow-list per domain, shared by a context's users.

    `ZapHandler.acquire(context, domain, allowed)` registers `domain` on the context's handler
    (starting it when there is none) and returns the handler and the domain's `KeyBook`;
    `release(domain)` unregisters it and stops the handler when no domain is left.
    """

    def __init__(self, context: zmq.Context[Any]) -> None:
        super().__init__(context)
        self.books: dict[str, KeyBook] = {}

    @classmethod
    def acquire(
        cls, context: zmq.Context[Any], domain: str, allowed: Mapping[bytes, str]
    ) -> tuple[ZapHandler, KeyBook]:
        """The context's handler (started if needed) with `domain` admitting `allowed`."""
        with _handlers_lock:
            handler = _handlers.get(id(context))
            if handler is None or handler.context is not context:
                handler = cls(context)
                handler.start()
                _handlers[id(context)] = handler
            if domain in handler.books:
                raise ValueError(f"ZAP domain {domain!r} is already served in this context")
            book = KeyBook(domain, allowed)
            handler.books[domain] = book
            return handler, book

    def release(self, domain: str) -> None:
        """Unregister `domain`; the last one stops the handler thread."""
        with _handlers_lock:
            self.books.pop(domain, None)
            if self.books:
                return
            if _handlers.get(id(self.context)) is self:
                del _handlers[id(self.context)]
        self.stop()

    async def handle_zap_message(self, msg: list[bytes]) -> None:
        """Admit a CURVE client whose key is on its domain's allow-list; refuse anything else,
        noting the peer's address (the ZAP request's) in that domain's book."""
        if len(msg) < 6:
            if len(msg) >= 2:
                self._send_zap_reply(msg[1], b"400", b"Not enough frames")
            return
        version, request_id, raw_domain, raw_address, _identity, mechanism = msg[:6]
        domain = raw_domain.decode("utf-8", "replace")
        address = raw_address.decode("utf-8", "replace")
        book = self.books.get(domain)
        if version != _ZAP_VERSION or book is None:
            self._send_zap_reply(request_id, b"400", b"Unknown domain")
            return
        if mechanism != b"CURVE" or len(msg) != 7 or len(msg[6]) != 32:
            book.refuse("not_curve", address)
            self._send_zap_reply(request_id, b"400", b"CURVE required")
            return
        key = z85.encode(msg[6])
        owner = book.allowed.get(key)
        if owner is None:
            book.refuse("unknown_key", address, key)
            self._send_zap_reply(request_id, b"400", b"Unknown key")
            return
        self._send_zap_reply(request_id, b"200", b"OK", owner)


@dataclass
class _Tally:
    last_emit: float
    count: int = 0
    keys: set[str] = field(default_factory=set)


class RejectionSummaries:
    """Rate-limited summaries of refusals from unauthenticated peers.

    `note(peer, reason, detail)` counts one refusal; the first for a (peer, reason) is returned
    at once as an `AuthRejected` (count 1) to journal, later ones only counted. `due()` returns,
    for every (peer, reason) last reported at least `every_s` ago (of `clock`) with refusals
    since, one summary with their `count` (and how many distinct keys they used); `flush()`
    returns all pending summaries (at close). So N attempts from one address over T seconds
    journal at most 1 + T / every_s events, and the counts add up to N. At most `max_peers`
    (peer, reason) pairs are tracked; refusals beyond that are lumped under peer "*".
    """

    def __init__(
        self,
        *,
        every_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        service: str = "",
        max_peers: int = 1024,
    ) -> None:
        self.every_s = every_s
        self._clock = clock
        self.service = service
        self.max_peers = max_peers
        self._tallies: dict[tuple[str, str], _Tally] = {}
        self.noted = 0

    def note(
        self, peer: str, reason: str, detail: Mapping[str, Any] | None = None
    ) -> AuthRejected | None:
        """Count one refusal; the event to journal now, or None (counted for a summary)."""
        self.noted += 1
        now = self._clock()
        detail = dict(detail or {})
        key = (peer, reason)
        if key not in self._tallies and len(self._tallies) >= self.max_peers:
            key = ("*", reason)
        tally = self._tallies.get(key)
        if tally is None:
            self._tallies[key] = _Tally(last_emit=now)
            return self._event(key, 1, 1 if detail.get("key") else 0, detail)
        tally.count += 1
        if detail.get("key") and len(tally.keys) < 10_000:
            tally.keys.add(str(detail["key"]))
        if now - tally.last_emit >= self.every_s:
            return self._emit(key, tally, now)
        return None

    def due(self) -> list[AuthRejected]:
        """Summaries of the pairs whose interval is over and that were refused since."""
        now = self._clock()
        return [
            self._emit(key, tally, now)
            for key, tally in list(self._tallies.items())
            if tally.count and now - tally.last_emit >= self.every_s
        ]

    def flush(self) -> list[AuthRejected]:
        """Every pending summary, whatever its interval (e.g. before closing the journal)."""
        now = self._clock()
        return [self._emit(k, t, now) for k, t in list(self._tallies.items()) if t.count]

    def _emit(self, key: tuple[str, str], tally: _Tally, now: float) -> AuthRejected:
        event = self._event(key, tally.count, len(tally.keys), {"window_s": self.every_s})
        tally.count = 0
        tally.keys.clear()
        tally.last_emit = now
        return event

    def _event(
        self, key: tuple[str, str], count: int, keys: int, detail: Mapping[str, Any]
    ) -> AuthRejected:
        body: dict[str, Any] = {**detail, "peer": key[0], "count": count}
        if keys:
            body["keys"] = keys
        if self.service:
            body["service"] = self.service
        return AuthRejected(key[1], body)
