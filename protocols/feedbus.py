"""The feed bus: publishers send numbered batches of observations; the console subscribes.

The console binds a SUB (default 7702) and a snapshot ROUTER (default 7703); each publisher
connects a PUB and a DEALER whose routing id is its name (zguide "Clone" pattern). Publishers
number their batches (header `seq`, per publisher). A subscriber that meets a publisher for the
first time or sees a gap asks that publisher for a SNAPSHOT of its current values instead of
re-requesting what it missed; batches that arrive meanwhile are held and applied after the
snapshot if they are newer than it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import zmq

from command.ids import new_id
from command.model import Observation, Signal
from protocols.codec import MAX_MESSAGE_BYTES, DecodeError, decode, encode
from protocols.messages import FeedBatch, Header, Message, Snapshot, SnapshotRequest

DEFAULT_FEED_ADDRESS = "tcp://127.0.0.1:7702"
DEFAULT_SNAPSHOT_ADDRESS = "tcp://127.0.0.1:7703"

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


class FeedPublisher:
    """A feed source (e.g. the scenario simulator). Use from one thread."""

    def __init__(
        self,
        context: zmq.Context[Any],
        name: str,
        *,
        feed_address: str = DEFAULT_FEED_ADDRESS,
        snapshot_address: str = DEFAULT_SNAPSHOT_ADDRESS,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.name = name
        self.seq = 0
        self._now = clock or (lambda: 0.0)
        self._current: dict[tuple[str, str, str, str], Observation] = {}
        self.pub: zmq.Socket[Any] = context.socket(zmq.PUB)
        self.pub.linger = 0
        self.pub.sndhwm = 100_000
        self.pub.connect(feed_address)
        self.snap: zmq.Socket[Any] = context.socket(zmq.DEALER)
        self.snap.linger = 0
        self.snap.setsockopt(zmq.ROUTING_ID, name.encode())
        self.snap.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        self.snap.connect(snapshot_address)

    def publish(self, batch: Sequence[Observation], signals: Sequence[Signal] = ()) -> int:
        """Send one numbered batch; returns its sequence number. Also answers snapshot requests."""
        self.seq += 1
        for o in batch:
            self._current[(o.feed, o.zone, o.metric, o.source)] = o
        body = FeedBatch(
            publisher=self.name,
            observations=[observation_row(o) for o in batch],
            signals=[signal_dict(s) for s in signals],
        )
        self.pub.send_multipart(encode(self._message(body, self.seq)))
        self.serve()
        return self.seq

    def publish_signal(self, signal: Signal) -> int:
        """Send a signal (e.g. a CAP alert) as a batch of its own."""
        return self.publish((), (signal,))

    def serve(self) -> int:
        """Answer pending snapshot requests with the current values; returns how many."""
        answered = 0
        while self.snap.poll(0):
            frames = self.snap.recv_multipart()
            try:
                message = decode(frames)
            except DecodeError:
                continue
            if isinstance(message.body, SnapshotRequest):
                snapshot = Snapshot(
                    publisher=self.name,
                    as_of=self.seq,
                    observations=[observation_row(o) for o in self._current.values()],
                )
                self.snap.send_multipart(encode(self._message(snapshot, self.seq)), zmq.NOBLOCK)
                answered += 1
        return answered

    def _message(self, body: FeedBatch | Snapshot, seq: int) -> Message:
        now = self._now()
        return Message(Header(new_id(now), self.name, seq, "", now, 1), body)

    def close(self) -> None:
        """Close both sockets (linger 0)."""
        self.pub.close(linger=0)
        self.snap.close(linger=0)


@dataclass
class _Source:
    last_seq: int = 0
    syncing: bool = False
    requested_at: float = 0.0
    held: list[Message] = field(default_factory=list)
    last_heard: float = 0.0
    stale: bool = False


class FeedSubscriber:
    """The console's side of the feed bus. Create and use in the engine thread."""

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
        on_rejected: Callable[[str, str], None] | None = None,
    ) -> None:
        self._sink = sink
        self._now = clock
        self.stale_after_s = stale_after_s
        self.resync_after_s = resync_after_s
        self._on_rejected = on_rejected
        self.sources: dict[str, _Source] = {}
        self.snapshots_requested = 0
        self.sub: zmq.Socket[Any] = context.socket(zmq.SUB)
        self.sub.linger = 0
        self.sub.rcvhwm = 100_000
        self.sub.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        self.sub.setsockopt(zmq.SUBSCRIBE, b"")
        self.snap: zmq.Socket[Any] = context.socket(zmq.ROUTER)
        self.snap.linger = 0
        self.snap.setsockopt(zmq.ROUTER_MANDATORY, 1)
        self.snap.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        try:
            self.sub.bind(feed_address)
            self.snap.bind(snapshot_address)
        except zmq.ZMQError:
            self.close()
            raise
        self.feed_address = self.sub.getsockopt_string(zmq.LAST_ENDPOINT)
        self.snapshot_address = self.snap.getsockopt_string(zmq.LAST_ENDPOINT)

    def sockets(self) -> list[zmq.Socket[Any]]:
        """Sockets to poll."""
        return [self.sub, self.snap]

    def pump(self, limit: int = 10_000) -> int:
        """Handle waiting batches and snapshots; returns how many messages."""
        count = 0
        while count < limit and self.snap.poll(0):
            frames = self.snap.recv_multipart()
            count += 1
            self._on_snapshot(frames[1:])
        while count < limit and self.sub.poll(0):
            frames = self.sub.recv_multipart()
            count += 1
            self._on_batch(frames)
        return count

    def _decode(self, frames: list[bytes]) -> Message | None:
        try:
            return decode(frames)
        except DecodeError as err:
            if self._on_rejected is not None:
                self._on_rejected(err.code.value, err.text)
            return None

    def _on_batch(self, frames: list[bytes]) -> None:
        message = self._decode(frames)
        if message is None or not isinstance(message.body, FeedBatch):
            return
        name = message.body.publisher
        source = self.sources.setdefault(name, _Source())
        source.last_heard = self._now()
        source.stale = False
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
        self._apply(name, source, message.body, seq)

    def _apply(self, name: str, source: _Source, body: FeedBatch, seq: int) -> None:
        try:
            observations = [observation_from_row(r) for r in body.observations]
            signals = [signal_from_dict(s) for s in body.signals]
        except (ValueError, TypeError, KeyError) as err:
            if self._on_rejected is not None:
                self._on_rejected("bad_body", f"feed batch {seq} from {name}: {err!r}")
            observations, signals = [], []
        source.last_seq = seq
        if observations or signals:
            self._sink(name, observations, signals)

    def _request(self, name: str, source: _Source) -> None:
        now = self._now()
        request = SnapshotRequest(publisher=name)
        message = Message(Header(new_id(now), "console", 0, "", now, 1), request)
        # On failure the publisher's snapshot channel is not connected yet: `tick` asks again.
        with contextlib.suppress(zmq.ZMQError):
            self.snap.send_multipart([name.encode(), *encode(message)], zmq.NOBLOCK)
        source.syncing = True
        source.requested_at = now
        self.snapshots_requested += 1

    def _on_snapshot(self, frames: list[bytes]) -> None:
        message = self._decode(frames)
        if message is None or not isinstance(message.body, Snapshot):
            return
        body = message.body
        source = self.sources.setdefault(body.publisher, _Source())
        try:
            observations = [observation_from_row(r) for r in body.observations]
        except (ValueError, TypeError) as err:
            if self._on_rejected is not None:
                self._on_rejected("bad_body", f"snapshot from {body.publisher}: {err!r}")
            return
        source.syncing = False
        source.last_seq = body.as_of
        if observations:
            self._sink(body.publisher, observations, [])
        held, source.held = source.held, []
        for m in sorted(held, key=lambda m: m.header.seq):
            if m.header.seq == source.last_seq + 1 and isinstance(m.body, FeedBatch):
                self._apply(body.publisher, source, m.body, m.header.seq)
            elif m.header.seq > source.last_seq + 1:
                source.held.append(m)
                self._request(body.publisher, source)
                return

    def tick(self, now: float) -> list[str]:
        """Re-ask unanswered snapshots; returns publishers that just went stale."""
        went_stale: list[str] = []
        for name, source in self.sources.items():
            if source.syncing and now - source.requested_at >= self.resync_after_s:
                self._request(name, source)
            if not source.stale and now - source.last_heard > self.stale_after_s:
                source.stale = True
                went_stale.append(name)
        return went_stale

    def close(self) -> None:
        """Close both sockets (linger 0)."""
        self.sub.close(linger=0)
        self.snap.close(linger=0)
