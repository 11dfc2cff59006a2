"""The feed bus: publishers send numbered batches of observations; the console subscribes.

The console binds a SUB (default 7702) and a snapshot ROUTER (default 7703); each publisher
connects a PUB and a DEALER whose routing id is its name (zguide "Clone" pattern). Publishers
number their batches (header `seq`, per publisher). A subscriber that meets a publisher for the
first time or sees a gap asks that publisher for a SNAPSHOT of its current values instead of
re-requesting what it missed; batches that arrive meanwhile are held and applied after the
snapshot if they are newer than it. A snapshot carries every signal the publisher sent so far as
well, and the subscriber drops signals it already has (by id), so a console that joins late or
after a gap still learns of earlier alerts, exactly once.

Two clocks: transport timers (snapshot retries) run on wall-clock monotonic time, whatever the
scenario speed; a publisher's silence is judged in scenario time (`stale_after_s` of the clock
given) but never sooner than `stale_after_wall_s` of wall time, so a healthy publisher (it sends
at least every 250 ms of wall time) is never reported stale at 600× scenario speed.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import zmq
from zmq.utils.monitor import recv_monitor_message

from command.ids import new_id
from command.model import Observation, Signal
from protocols.codec import MAX_MESSAGE_BYTES, DecodeError, decode, encode
from protocols.framing import PACKING_OVERHEAD, frames_of, pack
from protocols.messages import FeedBatch, Header, Message, Snapshot, SnapshotRequest

DEFAULT_FEED_ADDRESS = "tcp://127.0.0.1:7702"
DEFAULT_SNAPSHOT_ADDRESS = "tcp://127.0.0.1:7703"
_monitors = itertools.count(1)

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
        self.feed_address = feed_address
        self._now = clock or (lambda: 0.0)
        self._current: dict[tuple[str, str, str, str], Observation] = {}
        self._signals: dict[str, Signal] = {}  # every signal sent, by id (snapshots carry them)
        self.pub: zmq.Socket[Any] = context.socket(zmq.PUB)
        self.pub.linger = 0
        self.pub.sndhwm = 100_000
        self.pub.connect(feed_address)
        self.snap: zmq.Socket[Any] = context.socket(zmq.DEALER)
        self.snap.linger = 0
        self.snap.setsockopt(zmq.ROUTING_ID, name.encode())
        self.snap.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES + PACKING_OVERHEAD)
        self.snap.connect(snapshot_address)

    def publish(self, batch: Sequence[Observation], signals: Sequence[Signal] = ()) -> int:
        """Send one numbered batch; returns its sequence number. Also answers snapshot requests."""
        self.seq += 1
        for o in batch:
            self._current[(o.feed, o.zone, o.metric, o.source)] = o
        for sig in signals:
            self._signals[sig.id] = sig
        body = FeedBatch(
            publisher=self.name,
            observations=[observation_row(o) for o in batch],
            signals=[signal_dict(s) for s in signals],
        )
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
                snapshot = Snapshot(
                    publisher=self.name,
                    as_of=self.seq,
                    observations=[observation_row(o) for o in self._current.values()],
                    signals=[signal_dict(sig) for sig in self._signals.values()],
                )
                self.snap.send(pack(encode(self._message(snapshot, self.seq))), zmq.NOBLOCK)
                answered += 1
        return answered

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
    last_heard: float = 0.0  # scenario time (the subscriber's clock)
    heard_wall: float = 0.0  # wall-clock monotonic time
    stale: bool = False


class FeedSubscriber:
    """The console's side of the feed bus. Create and use in the engine thread.

    `clock` is the scenario clock (staleness, `tick(now)` takes its time); `wall` the monotonic
    wall clock for transport timers (`resync_after_s`, `stale_after_wall_s`).
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
    ) -> None:
        self._sink = sink
        self._now = clock
        self._wall = wall
        self.stale_after_s = stale_after_s
        self.resync_after_s = resync_after_s
        self.stale_after_wall_s = stale_after_wall_s
        self.signals_seen: set[str] = set()
        self._on_rejected = on_rejected
        self.sources: dict[str, _Source] = {}
        self.snapshots_requested = 0
        self.sub: zmq.Socket[Any] = context.socket(zmq.SUB)
        self.sub.linger = 0
        self.sub.rcvhwm = 100_000
        self.sub.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES + PACKING_OVERHEAD)
        self.sub.setsockopt(zmq.SUBSCRIBE, b"")
        self.snap: zmq.Socket[Any] = context.socket(zmq.ROUTER)
        self.snap.linger = 0
        self.snap.setsockopt(zmq.ROUTER_MANDATORY, 1)
        self.snap.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES + PACKING_OVERHEAD)
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
            self._on_snapshot(frames_of(frames[1:]))
        while count < limit and self.sub.poll(0):
            frames = self.sub.recv_multipart()
            count += 1
            self._on_batch(frames_of(frames))
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
        self._apply(name, source, message.body, seq)

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

    def _apply(self, name: str, source: _Source, body: FeedBatch, seq: int) -> None:
        try:
            observations = [observation_from_row(r) for r in body.observations]
            signals = [signal_from_dict(s) for s in body.signals]
        except (ValueError, TypeError, KeyError) as err:
            if self._on_rejected is not None:
                self._on_rejected("bad_body", f"feed batch {seq} from {name}: {err!r}")
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

    def _on_snapshot(self, frames: list[bytes]) -> None:
        message = self._decode(frames)
        if message is None or not isinstance(message.body, Snapshot):
            return
        body = message.body
        source = self.sources.setdefault(body.publisher, _Source())
        try:
            observations = [observation_from_row(r) for r in body.observations]
            signals = [signal_from_dict(s) for s in body.signals]
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            if self._on_rejected is not None:
                self._on_rejected("bad_body", f"snapshot from {body.publisher}: {err!r}")
            return
        self._heard(source)
        source.syncing = False
        source.last_seq = body.as_of
        signals = self._new_signals(sorted(signals, key=lambda s: s.ts))
        if observations or signals:
            self._sink(body.publisher, observations, signals)
        held, source.held = source.held, []
        for m in sorted(held, key=lambda m: m.header.seq):
            if m.header.seq == source.last_seq + 1 and isinstance(m.body, FeedBatch):
                self._apply(body.publisher, source, m.body, m.header.seq)
            elif m.header.seq > source.last_seq + 1:
                source.held.append(m)
                self._request(body.publisher, source)
                return

    def tick(self, now: float) -> list[str]:
        """Re-ask unanswered snapshots; returns publishers that just went stale.

        `now` is scenario time (the subscriber's clock). A publisher is stale once silent for
        more than `stale_after_s` of scenario time AND `stale_after_wall_s` of wall time; the
        snapshot retry runs on wall time only.
        """
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
        """Close both sockets (linger 0)."""
        self.sub.close(linger=0)
        self.snap.close(linger=0)
