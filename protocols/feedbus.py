"""The feed bus: publishers send numbered batches of observations; the console subscribes.

The console binds a SUB (default 7702) and a snapshot ROUTER (default 7703); each publisher
connects a PUB and a DEALER whose routing id is its name (zguide "Clone" pattern). Publishers
number their batches (header `seq`, per publisher). A subscriber that meets a publisher for the
first time or sees a gap asks that publisher for a SNAPSHOT of its current values instead of
re-requesting what it missed; batches that arrive meanwhile are held and applied after the
snapshot if they are newer than it. A snapshot carries every signal the publisher sent so far as
well, and the subscriber drops signals it already has (by id), so a console that joins late or
after a gap still learns of earlier alerts, exactly once.

Authentication (CurveZMQ, as on the order link): the console's SUB and snapshot ROUTER are CURVE
servers in their own ZAP domain (`FEED_ZAP_DOMAIN`) on the context's one ZAP handler, admitting
only the publishers' public keys on the feed allow-list (key → publisher name). A publisher
without an allow-listed key completes no handshake, so nothing it sends reaches fusion; its
attempts are journaled as rate-limited summaries (`RejectionSummaries`: one `auth.rejected` per
peer address and reason per minute, with a count). An admitted publisher may only publish under
its own name (the ZAP User-Id): a batch or snapshot naming another publisher is refused.

Limits: the console's feed sockets accept frames up to `FEED_TRANSPORT_LIMIT` (so an oversized
message still arrives whole) and the codec refuses anything over `MAX_MESSAGE_BYTES` with a reason
(`MessageRejected`, journaled by the console), after which the bus carries on (the gap it leaves
is mended by a snapshot). Publishers split what they send so every message fits: a large batch
goes as several numbered batches, a snapshot as several parts (`Snapshot.part` of `parts`) that
the subscriber applies together; an item too large for any message on its own (e.g. a CAP alert
with a 400,000-point polygon) is sent once, refused by the console, and never kept for snapshots.

Two clocks: transport timers (snapshot retries) run on wall-clock monotonic time, whatever the
scenario speed; a publisher's silence is judged in scenario time (`stale_after_s` of the clock
given) but never sooner than `stale_after_wall_s` of wall time, so a healthy publisher (it sends
at least every 250 ms of wall time) is never reported stale at 600× scenario speed.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import zmq
from zmq.utils.monitor import parse_monitor_message, recv_monitor_message

from command.ids import new_id
from command.model import Observation, Signal
from command.vocabulary import AuthRejected, MessageRejected
from protocols.codec import (
    MAX_MESSAGE_BYTES,
    DecodeError,
    decode,
    encode,
    peek_msg_id,
    peek_sender,
)
from protocols.framing import PACKING_OVERHEAD, frames_of, pack
from protocols.messages import FeedBatch, Header, Message, NackCode, Snapshot, SnapshotRequest
from protocols.security import (
    FEED_ZAP_DOMAIN,
    KeyPair,
    RejectionSummaries,
    ZapHandler,
    configure_client,
    configure_server,
)

DEFAULT_FEED_ADDRESS = "tcp://127.0.0.1:7702"
DEFAULT_SNAPSHOT_ADDRESS = "tcp://127.0.0.1:7703"
_monitors = itertools.count(1)

FEED_TRANSPORT_LIMIT = 16 * MAX_MESSAGE_BYTES
"""MAXMSGSIZE of the console's feed sockets: a message over the codec's limit but under this
arrives whole and is refused with a reason; only beyond it does libzmq drop the connection."""
MAX_SNAPSHOT_PARTS = 256
_PART_BUDGET = MAX_MESSAGE_BYTES - 16_384  # room for magic, type, header and the body's keys
_FAILED_HANDSHAKE = zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode

Refusal = AuthRejected | MessageRejected
"""What the subscriber refused, for the console to journal."""

JSON = Any
FeedSink = Callable[[str, list[Observation], list[Signal]], None]
"""Receives (publisher, observations, signals) in publisher order, snapshots included."""


def observation_row(o: Observation) -> list[JSON]:
    """Compact wire form of one observation."""
    return [o.ts, o.feed, o.zone, o.metric, o.value, o.source]


def observation_from_row(row: Sequence[JSON]) -> Observation:
    """Inverse of `observation_row`; raises ValueError/TypeError on a bad row."""
    ts, feed, zone, metric, value, source = row
    return Observation(float(ts), str(feed), str(zone), str(metric), float(value), str(source))


def signal_dict(s: Signal) -> dict[str, JSON]:
    """Wire form of a signal."""
    return {
        "id": s.id,
        "ts": s.ts,
        "source": s.source,
        "kind": s.kind,
        "headline": s.headline,
        "zone": s.zone,
        "body": dict(s.body),
    }


def signal_from_dict(d: dict[str, JSON]) -> Signal:
    """Inverse of `signal_dict`."""
    return Signal(
        id=str(d["id"]),
        ts=float(d["ts"]),
        source=str(d["source"]),
        kind=str(d["kind"]),
        headline=str(d["headline"]),
        zone=None if d.get("zone") is None else str(d["zone"]),
        body=dict(d.get("body") or {}),
    )


def _item_bytes(item: JSON) -> int:
    """Encoded size of one row or signal inside a body list (with its comma)."""
    return len(_dumps(item).encode("utf-8")) + 1


def split_items(
    rows: Sequence[JSON], signals: Sequence[JSON], budget: int = _PART_BUDGET
) -> tuple[list[tuple[list[JSON], list[JSON]]], list[int]]:
    """Pack rows and signals, in order, into chunks of at most `budget` encoded bytes.

    Returns (chunks, oversize): every item too large for any chunk gets a chunk of its own
    (it cannot be delivered; `oversize` holds the indexes of those signals). Always at least
    one chunk (empty when there is nothing).
    """
    chunks: list[tuple[list[JSON], list[JSON]]] = []
    oversize: list[int] = []
    rows_now: list[JSON] = []
    sigs_now: list[JSON] = []
    size = 0
    items = [(False, r) for r in rows] + [(True, g) for g in signals]
    sig_index = 0
    for is_signal, item in items:
        n = _item_bytes(item)
        if n > budget:
            chunks.append(([], [item]) if is_signal else ([item], []))
            if is_signal:
                oversize.append(sig_index)
        else:
            if size + n > budget and (rows_now or sigs_now):
                chunks.append((rows_now, sigs_now))
                rows_now, sigs_now, size = [], [], 0
            (sigs_now if is_signal else rows_now).append(item)
            size += n
        sig_index += is_signal
    if rows_now or sigs_now or not chunks:
        chunks.append((rows_now, sigs_now))
    return chunks, oversize


class FeedPublisher:
    """A feed source (e.g. the scenario simulator). Use from one thread.

    With `keys` (its CURVE key pair) and `server_key` (the console's public key) both sockets
    are CURVE clients; the console admits them only if `keys.public` is on its feed allow-list.
    """

    def __init__(
        self,
        context: zmq.Context[Any],
        name: str,
        *,
        feed_address: str = DEFAULT_FEED_ADDRESS,
        snapshot_address: str = DEFAULT_SNAPSHOT_ADDRESS,
        clock: Callable[[], float] | None = None,
        keys: KeyPair | None = None,
        server_key: bytes | None = None,
    ) -> None:
        if (keys is None) != (server_key is None):
            raise ValueError("a CURVE publisher needs both its keys and the console's public key")
        self.name = name
        self.seq = 0
        self.feed_address = feed_address
        self._now = clock or (lambda: 0.0)
        self._current: dict[tuple[str, str, str, str], Observation] = {}
        self._signals: dict[str, Signal] = {}  # every signal sent, by id (snapshots carry them)
        self.pub: zmq.Socket[Any] = context.socket(zmq.PUB)
        self.pub.linger = 0
        self.pub.sndhwm = 100_000
        self.snap: zmq.Socket[Any] = context.socket(zmq.DEALER)
        self.snap.linger = 0
        self.snap.setsockopt(zmq.ROUTING_ID, name.encode())
        self.snap.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES + PACKING_OVERHEAD)
        if keys is not None and server_key is not None:
            configure_client(self.pub, keys, server_key)
            configure_client(self.snap, keys, server_key)
        self.oversize = 0  # items sent that no message can carry (refused by the console)
        self.pub.connect(feed_address)
        self.snap.connect(snapshot_address)

    def publish(self, batch: Sequence[Observation], signals: Sequence[Signal] = ()) -> int:
        """Send one numbered batch (several if it would exceed the message limit); returns the
        last sequence number. Also answers snapshot requests.

        An item no message can carry is still sent, in a batch of its own, so the console
        refuses it with a journaled reason; it is not kept for snapshots.
        """
        rows = [observation_row(o) for o in batch]
        wire = [signal_dict(s) for s in signals]
        chunks, oversize = split_items(rows, wire)
        for o in batch:
            if _item_bytes(observation_row(o)) <= _PART_BUDGET:
                self._current[(o.feed, o.zone, o.metric, o.source)] = o
            else:
                self.oversize += 1
        for i, sig in enumerate(signals):
            if i in oversize:
                self.oversize += 1
            else:
                self._signals[sig.id] = sig
        for chunk_rows, chunk_signals in chunks:
            self.seq += 1
            body = FeedBatch(publisher=self.name, observations=chunk_rows, signals=chunk_signals)
            self.pub.send(pack(encode(self._message(body, self.seq))))
        self.serve()
        return self.seq

    def publish_signal(self, signal: Signal) -> int:
        """Send a signal (e.g. a CAP alert) as a batch of its own."""
        return self.publish((), (signal,))

    def serve(self) -> int:
        """Answer pending snapshot requests with the current values; returns how many."""
        answered = 0
        while self.snap.poll(0):
            frames = frames_of(self.snap.recv_multipart())
            try:
                message = decode(frames)
            except DecodeError:
                continue
            if isinstance(message.body, SnapshotRequest):
                for part in self.snapshot_parts():
                    self.snap.send(pack(encode(self._message(part, self.seq))), zmq.NOBLOCK)
                answered += 1
        return answered

    def snapshot_parts(self) -> list[Snapshot]:
        """The current snapshot as parts that each fit in one message."""
        chunks, _ = split_items(
            [observation_row(o) for o in self._current.values()],
            [signal_dict(sig) for sig in self._signals.values()],
        )
        return [
            Snapshot(self.name, self.seq, rows, sigs, part=i, parts=len(chunks))
            for i, (rows, sigs) in enumerate(chunks)
        ]

    def _message(self, body: FeedBatch | Snapshot, seq: int) -> Message:
        now = self._now()
        return Message(Header(new_id(now), self.name, seq, "", now, 1), body)

    def wait_connected(self, timeout: float, stop: threading.Event | None = None) -> bool:
        """Wait (at most `timeout` wall seconds, or until `stop` is set) until the PUB socket has
        completed a handshake with the subscriber; True when it did.

        Batches published before that are lost to the slow-joiner effect (the subscriber gets a
        snapshot instead), so a publisher that wants its first batches seen waits here first.
        """
        if timeout <= 0:
            return False
        stop = stop or threading.Event()
        # A fresh inproc address each time: pyzmq's default one cannot be bound twice.
        monitor = self.pub.get_monitor_socket(
            zmq.EVENT_HANDSHAKE_SUCCEEDED, addr=f"inproc://baton-feed-monitor-{next(_monitors)}"
        )
        try:
            # The PUB connected before the monitor existed, so its handshake may already be gone
            # unseen: connect again to watch a fresh one.
            try:
                self.pub.disconnect(self.feed_address)
            except zmq.ZMQError:
                pass  # not connected under that name: watch whatever comes
            else:
                self.pub.connect(self.feed_address)
            deadline = time.monotonic() + timeout
            while not stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                if monitor.poll(int(min(left, 0.05) * 1000) + 1):
                    event = recv_monitor_message(monitor)
                    if event["event"] == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                        # The peer's subscription follows its handshake: let it land.
                        stop.wait(min(0.05, max(0.0, deadline - time.monotonic())))
                        return True
            return False
        finally:
            self.pub.disable_monitor()
            monitor.close(linger=0)

    def close(self, linger_ms: int = 0) -> None:
        """Close both sockets; `linger_ms` > 0 gives batches still queued on the PUB that long
        to leave (the context's term waits for them), 0 drops them."""
        self.pub.close(linger=max(0, int(linger_ms)))
        self.snap.close(linger=0)


@dataclass
class _Source:
    last_seq: int = 0
    syncing: bool = False
    requested_at: float = 0.0
    held: list[Message] = field(default_factory=list)
    parts: dict[int, Snapshot] = field(default_factory=dict)  # snapshot parts held so far
    last_heard: float = 0.0  # scenario time (the subscriber's clock)
    heard_wall: float = 0.0  # wall-clock monotonic time
    stale: bool = False


class FeedSubscriber:
    """The console's side of the feed bus. Create and use in the engine thread.

    `clock` is the scenario clock (staleness, `tick(now)` takes its time); `wall` the monotonic
    wall clock for transport timers (`resync_after_s`, `stale_after_wall_s`) and the refusal
    summaries (`rejection_every_s`). With `keys` (the console's CURVE pair) both sockets are
    CURVE servers admitting only the publishers in `allowed` (Z85 public key → publisher name;
    empty: none). Refusals go to `on_refused` (the console journals them): decoding failures as
    `MessageRejected`, unauthenticated peers and publishers naming another as `AuthRejected`
    summaries. `on_rejected(code, text)` hears each decoding failure too (for the GUI).
    """

    def __init__(
        self,
        context: zmq.Context[Any],
        sink: FeedSink,
        *,
        clock: Callable[[], float],
        feed_address: str = DEFAULT_FEED_ADDRESS,
        snapshot_address: str = DEFAULT_SNAPSHOT_ADDRESS,
        stale_after_s: float = 10.0,
        resync_after_s: float = 2.0,
        stale_after_wall_s: float = 2.0,
        wall: Callable[[], float] = time.monotonic,
        on_rejected: Callable[[str, str], None] | None = None,
        keys: KeyPair | None = None,
        allowed: Mapping[bytes, str] | None = None,
        on_refused: Callable[[Refusal], None] | None = None,
        rejection_every_s: float = 60.0,
    ) -> None:
        if keys is None and allowed is not None:
            raise ValueError("a feed allow-list needs the console's CURVE keys")
        self._sink = sink
        self._now = clock
        self._wall = wall
        self.stale_after_s = stale_after_s
        self.resync_after_s = resync_after_s
        self.stale_after_wall_s = stale_after_wall_s
        self.signals_seen: set[str] = set()
        self._on_rejected = on_rejected
        self._on_refused = on_refused
        self.sources: dict[str, _Source] = {}
        self.snapshots_requested = 0
        self.refused = 0  # messages refused (decoding, size, identity)
        self.rejections = RejectionSummaries(every_s=rejection_every_s, clock=wall, service="feeds")
        self._message_refusals: dict[tuple[str, str], tuple[float, int]] = {}
        self._auth: ZapHandler | None = None
        self._monitors: list[zmq.Socket[Any]] = []
        self.sub: zmq.Socket[Any] = context.socket(zmq.SUB)
        self.snap: zmq.Socket[Any] = context.socket(zmq.ROUTER)
        try:
            self.sub.linger = 0
            self.sub.rcvhwm = 100_000
            self.snap.linger = 0
            self.snap.setsockopt(zmq.ROUTER_MANDATORY, 1)
            for sock in (self.sub, self.snap):
                sock.setsockopt(zmq.MAXMSGSIZE, FEED_TRANSPORT_LIMIT + PACKING_OVERHEAD)
            self.sub.setsockopt(zmq.SUBSCRIBE, b"")
            if keys is not None:
                self._auth, self._book = ZapHandler.acquire(context, FEED_ZAP_DOMAIN, allowed or {})
                for sock in (self.sub, self.snap):
                    configure_server(sock, keys, FEED_ZAP_DOMAIN)
                    monitor = sock.get_monitor_socket(
                        _FAILED_HANDSHAKE, addr=f"inproc://baton-feed-auth-{next(_monitors)}"
                    )
                    monitor.linger = 0
                    self._monitors.append(monitor)
            self.sub.bind(feed_address)
            self.snap.bind(snapshot_address)
        except (zmq.ZMQError, ValueError):
            self.close()
            raise
        self.feed_address = self.sub.getsockopt_string(zmq.LAST_ENDPOINT)
        self.snapshot_address = self.snap.getsockopt_string(zmq.LAST_ENDPOINT)

    @property
    def authenticated(self) -> bool:
        """True when publishers must hold an allow-listed CURVE key."""
        return self._auth is not None

    def sockets(self) -> list[zmq.Socket[Any]]:
        """Sockets to poll."""
        return [self.sub, self.snap, *self._monitors]

    def pump(self, limit: int = 10_000) -> int:
        """Handle waiting batches, snapshots and refused handshakes; returns how many messages."""
        self._drain_refusals()
        count = 0
        while count < limit and self.snap.poll(0):
            parts = self.snap.recv_multipart(copy=False)
            count += 1
            user = _user_id(parts[1]) if len(parts) > 1 else ""
            self._on_snapshot(frames_of([p.bytes for p in parts[1:]]), user)
        while count < limit and self.sub.poll(0):
            parts = self.sub.recv_multipart(copy=False)
            count += 1
            self._on_batch(frames_of([p.bytes for p in parts]), _user_id(parts[0]))
        return count

    # -- refusals -------------------------------------------------------------------------

    def _refuse(self, refusal: Refusal | None) -> None:
        if refusal is not None and self._on_refused is not None:
            self._on_refused(refusal)

    def _drain_refusals(self) -> None:
        """Turn refused handshakes (ZAP and monitors) into rate-limited summaries."""
        if self._auth is None:
            return
        for monitor in self._monitors:
            while monitor.poll(0):
                event = parse_monitor_message(monitor.recv_multipart())
                endpoint = event["endpoint"]
                where = endpoint.decode("utf-8", "replace") if isinstance(endpoint, bytes) else ""
                self._refuse(
                    self.rejections.note(
                        where or "?", "handshake_failed", {"errno": int(event["value"])}
                    )
                )
        for refusal in self._book.refusals():
            detail = dict(refusal)
            peer = detail.pop("peer", "") or "?"
            reason = detail.pop("reason", "") or "refused"
            self._refuse(self.rejections.note(peer, reason, detail))
        for due in self.rejections.due():
            self._refuse(due)

    def _reject_message(self, peer: str, msg_id: str, code: str, text: str) -> None:
        """Refuse one message: at most one `MessageRejected` per publisher and reason per
        `rejection_every_s`, the next one saying how many were refused in between."""
        self.refused += 1
        if self._on_rejected is not None:
            self._on_rejected(code, text)
        now = self._wall()
        last, quiet = self._message_refusals.get((peer, code), (-1e18, 0))
        if now - last < self.rejections.every_s:
            self._message_refusals[(peer, code)] = (last, quiet + 1)
            return
        self._message_refusals[(peer, code)] = (now, 0)
        if quiet:
            text = f"{text} ({quiet} more refused for this reason since the last report)"
        self._refuse(MessageRejected(peer=peer, msg_id=msg_id, code=code, text=text, by="feeds"))

    def _decode(self, frames: list[bytes], user: str) -> Message | None:
        try:
            return decode(frames)
        except DecodeError as err:
            peer = user or peek_sender(frames) or "?"
            self._reject_message(peer, err.msg_id or peek_msg_id(frames), err.code.value, err.text)
            return None

    def _check_name(self, user: str, name: str, message: Message) -> bool:
        """An authenticated publisher may only speak for itself."""
        if self._auth is None or user == name:
            return True
        self.refused += 1
        self._refuse(
            self.rejections.note(
                user or "?", "identity_mismatch", {"claimed": name, "key_owner": user}
            )
        )
        return False

    # -- batches --------------------------------------------------------------------------

    def _on_batch(self, frames: list[bytes], user: str = "") -> None:
        message = self._decode(frames, user)
        if message is None or not isinstance(message.body, FeedBatch):
            return
        name = message.body.publisher
        if not self._check_name(user, name, message):
            return
        source = self.sources.setdefault(name, _Source())
        self._heard(source)
        seq = message.header.seq
        if source.syncing:
            source.held.append(message)
            return
        if seq <= source.last_seq:
            return  # an old or repeated batch
        if seq != source.last_seq + 1:
            # First contact or a gap: ask for the current values, hold what comes meanwhile.
            source.held.append(message)
            self._request(name, source)
            return
        self._apply(name, source, message.body, seq, message.header.msg_id)

    def _heard(self, source: _Source) -> None:
        source.last_heard = self._now()
        source.heard_wall = self._wall()
        source.stale = False

    def _new_signals(self, signals: list[Signal]) -> list[Signal]:
        """Signals not delivered before (a snapshot repeats those already sent)."""
        fresh = []
        for sig in signals:
            if sig.id not in self.signals_seen:
                self.signals_seen.add(sig.id)
                fresh.append(sig)
        return fresh

    def _apply(
        self, name: str, source: _Source, body: FeedBatch, seq: int, msg_id: str = ""
    ) -> None:
        try:
            observations = [observation_from_row(r) for r in body.observations]
            signals = [signal_from_dict(s) for s in body.signals]
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            self._reject_message(
                name, msg_id, NackCode.BAD_BODY.value, f"feed batch {seq} from {name}: {err!r}"
            )
            observations, signals = [], []
        source.last_seq = seq
        signals = self._new_signals(signals)
        if observations or signals:
            self._sink(name, observations, signals)

    def _request(self, name: str, source: _Source) -> None:
        now = self._now()
        request = SnapshotRequest(publisher=name)
        message = Message(Header(new_id(now), "console", 0, "", now, 1), request)
        # On failure the publisher's snapshot channel is not connected yet: `tick` asks again.
        with contextlib.suppress(zmq.ZMQError):
            self.snap.send_multipart([name.encode(), pack(encode(message))], zmq.NOBLOCK)
        source.syncing = True
        source.requested_at = self._wall()
        self.snapshots_requested += 1

    # -- snapshots ------------------------------------------------------------------------

    def _on_snapshot(self, frames: list[bytes], user: str = "") -> None:
        message = self._decode(frames, user)
        if message is None or not isinstance(message.body, Snapshot):
            return
        part = message.body
        if not self._check_name(user, part.publisher, message):
            return
        if not (1 <= part.parts <= MAX_SNAPSHOT_PARTS and 0 <= part.part < part.parts):
            self._reject_message(
                part.publisher,
                message.header.msg_id,
                NackCode.BAD_BODY.value,
                f"snapshot from {part.publisher}: part {part.part} of {part.parts} "
                f"(at most {MAX_SNAPSHOT_PARTS} parts)",
            )
            return
        source = self.sources.setdefault(part.publisher, _Source())
        held = next(iter(source.parts.values()), None)
        if held is not None and (held.as_of, held.parts) != (part.as_of, part.parts):
            source.parts = {}  # parts of another snapshot: start again with this one
        source.parts[part.part] = part
        source.requested_at = self._wall()  # parts are arriving: no re-request meanwhile
        if len(source.parts) < part.parts:
            return
        whole = [source.parts[i] for i in range(part.parts)]
        source.parts = {}
        self._apply_snapshot(
            part.publisher,
            source,
            part.as_of,
            [row for p in whole for row in p.observations],
            [sig for p in whole for sig in p.signals],
            message.header.msg_id,
        )

    def _apply_snapshot(
        self,
        name: str,
        source: _Source,
        as_of: int,
        rows: list[list[JSON]],
        signal_dicts: list[dict[str, JSON]],
        msg_id: str,
    ) -> None:
        try:
            observations = [observation_from_row(r) for r in rows]
            signals = [signal_from_dict(s) for s in signal_dicts]
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            self._reject_message(
                name, msg_id, NackCode.BAD_BODY.value, f"snapshot from {name}: {err!r}"
            )
            return
        self._heard(source)
        source.syncing = False
        source.last_seq = as_of
        signals = self._new_signals(sorted(signals, key=lambda s: s.ts))
        if observations or signals:
            self._sink(name, observations, signals)
        held, source.held = source.held, []
        for m in sorted(held, key=lambda m: m.header.seq):
            if m.header.seq == source.last_seq + 1 and isinstance(m.body, FeedBatch):
                self._apply(name, source, m.body, m.header.seq, m.header.msg_id)
            elif m.header.seq > source.last_seq + 1:
                source.held.append(m)
                self._request(name, source)
                return

    def tick(self, now: float) -> list[str]:
        """Re-ask unanswered snapshots, journal refusal summaries that are due; returns
        publishers that just went stale.

        `now` is scenario time (the subscriber's clock). A publisher is stale once silent for
        more than `stale_after_s` of scenario time AND `stale_after_wall_s` of wall time; the
        snapshot retry runs on wall time only.
        """
        self._drain_refusals()
        wall = self._wall()
        went_stale: list[str] = []
        for name, source in self.sources.items():
            if source.syncing and wall - source.requested_at >= self.resync_after_s:
                self._request(name, source)
            if (
                not source.stale
                and now - source.last_heard > self.stale_after_s
                and wall - source.heard_wall > self.stale_after_wall_s
            ):
                source.stale = True
                went_stale.append(name)
        return went_stale

    def close(self) -> None:
        """Report pending refusal summaries, close the sockets (linger 0), leave the ZAP
        handler. Idempotent."""
        if self._auth is not None:
            with contextlib.suppress(zmq.ZMQError):
                self._drain_refusals()
            for pending in self.rejections.flush():
                self._refuse(pending)
        for sock in (self.sub, self.snap):
            if not sock.closed:
                with contextlib.suppress(zmq.ZMQError):
                    sock.disable_monitor()
                sock.close(linger=0)
        for monitor in self._monitors:
            monitor.close(linger=0)
        self._monitors = []
        if self._auth is not None:
            self._auth.release(FEED_ZAP_DOMAIN)
            self._auth = None


def _user_id(frame: zmq.Frame) -> str:
    """The ZAP User-Id (publisher name) of the connection a frame came on ("" without CURVE)."""
    try:
        return str(frame.get("User-Id") or "")
    except zmq.ZMQError:
        return ""
