"""Feed bus: numbered batches in order; a late joiner or a gap gets a snapshot (current values
and the signals sent so far, each delivered once), not history; transport timers on wall time."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

import zmq

from command.clock import ManualClock, SimulatedClock
from command.model import Observation, Signal
from command.scenarios.loader import load_scenario
from command.vocabulary import AuthRejected, Kind, MessageRejected, SignalReceived
from protocols.codec import MAX_MESSAGE_BYTES, encode
from protocols.feedbus import (
    FeedPublisher,
    FeedSubscriber,
    Refusal,
    _Source,
    observation_row,
    signal_dict,
)
from protocols.messages import FeedBatch, Header, Message
from protocols.nodes import ConsoleNode
from protocols.security import CurveKeys
from protocols.simulator import SimulatorConfig, run_simulator
from tests.protocols.wiring import feed_console_settings
from tests.waiting import wait_for


class Sink:
    def __init__(self) -> None:
        self.items: list[tuple[str, list[Observation], list[Signal]]] = []

    def __call__(self, name: str, obs: list[Observation], sig: list[Signal]) -> None:
        self.items.append((name, obs, sig))

    def values(self) -> list[float]:
        return [o.value for _, obs, _ in self.items for o in obs]


def _obs(value: float, zone: str = "z1") -> Observation:
    return Observation(1.0 + value, "crowd", zone, "count", value, "cam")


def _pump_until(sub: FeedSubscriber, pub: FeedPublisher, cond: Any, seconds: float = 20) -> None:
    def pumped() -> bool:
        pub.serve()
        sub.pump()
        sub.tick(time.monotonic())
        return bool(cond())

    wait_for(pumped, timeout=seconds, message="the feed condition")


def _publish_until(
    sub: FeedSubscriber,
    pub: FeedPublisher,
    cond: Callable[[], bool],
    batch: Callable[[int], list[Observation]],
    what: str,
) -> None:
    """Publish `batch(n)`, n = 0, 1, ..., and pump until `cond()` (the slow joiner's wait)."""
    count = itertools.count()

    def published() -> bool:
        pub.publish(batch(next(count)))
        pub.serve()
        sub.pump()
        sub.tick(time.monotonic())
        return cond()

    wait_for(published, timeout=5, interval=0.01, message=what)


def test_late_joiner_gets_current_values_then_the_stream(context: zmq.Context[Any]) -> None:
    sink = Sink()
    sub = FeedSubscriber(
        context,
        sink,
        clock=time.monotonic,
        feed_address="tcp://127.0.0.1:*",
        snapshot_address="tcp://127.0.0.1:*",
    )
    pub = FeedPublisher(
        context, "sim", feed_address=sub.feed_address, snapshot_address=sub.snapshot_address
    )
    try:
        # Published before the PUB/SUB connection is up (slow joiner): lost on the wire.
        pub.publish([_obs(1.0), _obs(5.0, "z2")])
        pub.publish([_obs(2.0)])
        # Keep publishing until something arrives; the first one seen is not seq 1.
        _publish_until(
            sub, pub, lambda: bool(sink.items), lambda n: [_obs(3.0 + n)], "the first batch"
        )
        _pump_until(sub, pub, lambda: not sub.sources["sim"].syncing)
        assert sub.snapshots_requested >= 1
        first = sink.items[0][1]
        assert {o.zone for o in first} == {"z1", "z2"}  # current values, not history
        pub.publish([_obs(100.0)])
        pub.publish_signal(Signal("s1", 9.0, "water", "ferry_suspended", "Ferries stop"))
        # Batches the slow-joiner loop sent may still be arriving: wait for the signal itself
        # (a count would never match if one more of those came in first).
        _pump_until(sub, pub, lambda: bool(sink.items and sink.items[-1][2]))
        assert sink.items[-2][1][0].value == 100.0  # in order, right before the signal
        assert sink.items[-1][2][0].kind == "ferry_suspended"
        assert sub.sources["sim"].last_seq == pub.seq
    finally:
        pub.close()
        sub.close()


def test_a_gap_triggers_a_snapshot(context: zmq.Context[Any]) -> None:
    sink = Sink()
    sub = FeedSubscriber(
        context,
        sink,
        clock=time.monotonic,
        feed_address="tcp://127.0.0.1:*",
        snapshot_address="tcp://127.0.0.1:*",
    )
    pub = FeedPublisher(
        context, "sim", feed_address=sub.feed_address, snapshot_address=sub.snapshot_address
    )
    try:
        _publish_until(sub, pub, lambda: bool(sink.items), lambda n: [_obs(1.0)], "the first batch")
        _pump_until(sub, pub, lambda: not sub.sources["sim"].syncing)
        requested = sub.snapshots_requested
        pub.seq += 3  # three batches lost
        pub._current[("crowd", "z3", "count", "cam")] = _obs(42.0, "z3")
        pub.publish([_obs(7.0)])
        _pump_until(
            sub, pub, lambda: sub.snapshots_requested > requested and not sub.sources["sim"].syncing
        )
        assert 42.0 in sink.values()
        assert sub.sources["sim"].last_seq == pub.seq
    finally:
        pub.close()
        sub.close()


def test_stale_publisher_is_reported(context: zmq.Context[Any]) -> None:
    now = [0.0]
    sub = FeedSubscriber(
        context,
        Sink(),
        clock=lambda: now[0],
        stale_after_s=10,
        feed_address="tcp://127.0.0.1:*",
        snapshot_address="tcp://127.0.0.1:*",
    )
    try:
        sub.sources["sim"] = _Source()
        assert sub.tick(5.0) == []
        assert sub.tick(11.0) == ["sim"]
        assert sub.tick(12.0) == []
    finally:
        sub.close()


def _connected(context: zmq.Context[Any], sink: Sink, **kw: Any) -> FeedSubscriber:
    return FeedSubscriber(
        context,
        sink,
        clock=time.monotonic,
        feed_address="tcp://127.0.0.1:*",
        snapshot_address="tcp://127.0.0.1:*",
        **kw,
    )


def _signals(sink: Sink) -> list[str]:
    return [s.id for _, _, sig in sink.items for s in sig]


def test_a_late_joiner_gets_earlier_signals_once(context: zmq.Context[Any]) -> None:
    sink = Sink()
    sub = _connected(context, sink)
    pub = FeedPublisher(
        context, "sim", feed_address=sub.feed_address, snapshot_address=sub.snapshot_address
    )
    try:
        # Sent before the subscription is up: lost on the wire, but part of every snapshot.
        pub.publish([_obs(1.0)], [Signal("cap-1", 5.0, "water", "ferry_suspended", "Ferries stop")])
        assert pub.wait_connected(5.0)
        _publish_until(
            sub, pub, lambda: "sim" in sub.sources, lambda n: [_obs(2.0)], "the source to be known"
        )
        _pump_until(sub, pub, lambda: not sub.sources["sim"].syncing)
        assert _signals(sink) == ["cap-1"]
        # A gap: a second snapshot repeats the signal; the subscriber drops the repeat.
        pub.seq += 2
        pub.publish([_obs(3.0)], [Signal("cap-2", 6.0, "water", "ferry_resumed", "Ferries run")])
        requested = sub.snapshots_requested
        _pump_until(
            sub, pub, lambda: sub.snapshots_requested > requested and not sub.sources["sim"].syncing
        )
        assert sorted(_signals(sink)) == ["cap-1", "cap-2"]
        assert sub.sources["sim"].last_seq == pub.seq
    finally:
        pub.close()
        sub.close()


def test_signals_repeated_in_batches_are_dropped_by_id(context: zmq.Context[Any]) -> None:
    sink = Sink()
    sub = _connected(context, sink)
    try:
        sig = Signal("s1", 1.0, "water", "ferry_suspended", "Ferries stop")
        source = sub.sources.setdefault("sim", _Source())
        body = FeedBatch(publisher="sim", observations=[], signals=[signal_dict(sig)])
        sub._apply("sim", source, body, 1)
        sub._apply("sim", source, body, 2)
        assert _signals(sink) == ["s1"]
        assert source.last_seq == 2
    finally:
        sub.close()


class Clocks:
    """A wall clock and a scenario clock running `speed` times faster, moved by hand."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.wall_t = 100.0
        self.scenario_t = 1_000_000.0

    def wall(self) -> float:
        return self.wall_t

    def scenario(self) -> float:
        return self.scenario_t

    def advance(self, wall_s: float) -> None:
        self.wall_t += wall_s
        self.scenario_t += wall_s * self.speed


def _batch_frames(seq: int) -> list[bytes]:
    body = FeedBatch(publisher="sim", observations=[observation_row(_obs(1.0))])
    return encode(Message(Header(f"m{seq}", "sim", seq, "", 0.0, 1), body))


def test_at_600x_a_healthy_feed_is_never_stale_and_snapshots_are_not_repeated(
    context: zmq.Context[Any],
) -> None:
    clocks = Clocks(600.0)
    sink = Sink()
    sub = FeedSubscriber(
        context,
        sink,
        clock=clocks.scenario,
        wall=clocks.wall,
        stale_after_s=10.0,  # the console's default, in scenario seconds
        resync_after_s=2.0,
        feed_address="tcp://127.0.0.1:*",
        snapshot_address="tcp://127.0.0.1:*",
    )
    try:
        sub._on_batch(_batch_frames(5))  # first contact: one snapshot request
        assert sub.snapshots_requested == 1
        # 1.5 wall seconds (15 minutes of scenario time) without an answer: no second request.
        for _ in range(15):
            clocks.advance(0.1)
            assert sub.tick(clocks.scenario()) == []
        assert sub.snapshots_requested == 1
        clocks.advance(0.6)  # now 2.1 wall seconds: ask again
        sub.tick(clocks.scenario())
        assert sub.snapshots_requested == 2
        # The publisher sends every 100 ms of wall time (60 s of scenario time): never stale.
        source = sub.sources["sim"]
        source.syncing = False
        source.last_seq = 5
        for seq in range(6, 60):
            clocks.advance(0.1)
            sub._on_batch(_batch_frames(seq))
            clocks.advance(0.1)
            assert sub.tick(clocks.scenario()) == []
        assert sub.snapshots_requested == 2
        # It falls silent: stale once past both limits, reported once.
        clocks.advance(1.5)
        assert sub.tick(clocks.scenario()) == []
        clocks.advance(1.0)
        assert sub.tick(clocks.scenario()) == ["sim"]
        assert sub.tick(clocks.scenario()) == []
    finally:
        sub.close()


def test_at_normal_speed_staleness_is_in_scenario_seconds(context: zmq.Context[Any]) -> None:
    clocks = Clocks(1.0)
    sub = FeedSubscriber(
        context,
        Sink(),
        clock=clocks.scenario,
        wall=clocks.wall,
        stale_after_s=10.0,
        feed_address="tcp://127.0.0.1:*",
        snapshot_address="tcp://127.0.0.1:*",
    )
    try:
        sub._on_batch(_batch_frames(1))
        clocks.advance(9.0)
        assert sub.tick(clocks.scenario()) == []
        clocks.advance(2.0)
        assert sub.tick(clocks.scenario()) == ["sim"]
    finally:
        sub.close()


def test_wait_connected_and_close_with_linger(context: zmq.Context[Any]) -> None:
    sink = Sink()
    sub = _connected(context, sink)
    pub = FeedPublisher(
        context, "sim", feed_address=sub.feed_address, snapshot_address=sub.snapshot_address
    )
    lonely = FeedPublisher(
        context, "nobody", feed_address="tcp://127.0.0.1:9", snapshot_address="tcp://127.0.0.1:9"
    )
    try:
        assert pub.wait_connected(5.0)
        assert not lonely.wait_connected(0.2)  # nothing listens there: bounded, False
        assert not lonely.wait_connected(0)
        stop = threading.Event()
        stop.set()
        assert not lonely.wait_connected(5.0, stop)  # asked to stop: returns at once
        # The SUB forwards its subscription only when its own thread touches it: keep pumping
        # until the stream flows, as the console's engine does.
        _publish_until(sub, pub, lambda: bool(sink.items), lambda n: [_obs(1.0)], "the first batch")
        _pump_until(sub, pub, lambda: not sub.sources["sim"].syncing)
        pub.publish([_obs(50.0)])
        pub.publish([_obs(51.0)])
        pub.close(linger_ms=200)  # the last batches still leave
        deadline = time.monotonic() + 5
        while 51.0 not in sink.values() and time.monotonic() < deadline:
            if sub.sub.poll(20):
                sub.pump()
        assert sink.values()[-2:] == [50.0, 51.0]
    finally:
        lonely.close()
        sub.close()


def test_the_simulator_at_600x_never_looks_stale(context: zmq.Context[Any]) -> None:
    scenario = load_scenario("typhoon")
    clock = SimulatedClock.from_origin(scenario.start + 600, 600.0, time.time())
    sink = Sink()
    sub = FeedSubscriber(
        context,
        sink,
        clock=clock.now,
        stale_after_s=10.0,
        feed_address="tcp://127.0.0.1:*",
        snapshot_address="tcp://127.0.0.1:*",
    )
    stop = threading.Event()
    config = SimulatorConfig(
        feed_address=sub.feed_address, snapshot_address=sub.snapshot_address, duration_s=3.0
    )
    runner = threading.Thread(
        target=run_simulator, args=(scenario, clock, config), kwargs={"stop": stop}
    )
    runner.start()
    went_stale: list[str] = []
    try:
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            if sub.sub.poll(20) or sub.snap.poll(0):
                sub.pump()
            went_stale += sub.tick(clock.now())
        assert sink.items, "nothing arrived"
        assert went_stale == []
        assert sub.snapshots_requested <= 1  # the late join only
        assert not sub.sources["simulator"].syncing
    finally:
        stop.set()
        runner.join(10)
        sub.close()
    assert not runner.is_alive()


# -- authentication, limits, parts ------------------------------------------------------------


class FakeWall:
    """A monotonic clock the test moves by hand (the refusal summaries' interval)."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _curve_sub(
    context: zmq.Context[Any],
    sink: Sink,
    console: CurveKeys,
    allowed: dict[bytes, str],
    refused: list[Refusal],
    **kw: Any,
) -> FeedSubscriber:
    return FeedSubscriber(
        context,
        sink,
        clock=time.monotonic,
        feed_address="tcp://127.0.0.1:*",
        snapshot_address="tcp://127.0.0.1:*",
        keys=console,
        allowed=allowed,
        on_refused=refused.append,
        **kw,
    )


def _curve_pub(
    context: zmq.Context[Any], sub: FeedSubscriber, name: str, keys: CurveKeys, server: bytes
) -> FeedPublisher:
    return FeedPublisher(
        context,
        name,
        feed_address=sub.feed_address,
        snapshot_address=sub.snapshot_address,
        keys=keys,
        server_key=server,
    )


def _auth(refused: list[Refusal], reason: str) -> list[AuthRejected]:
    return [r for r in refused if isinstance(r, AuthRejected) and r.reason == reason]


def test_a_publisher_without_an_allow_listed_key_publishes_nothing(
    context: zmq.Context[Any],
) -> None:
    console, good = CurveKeys.generate(), CurveKeys.generate()
    sink, refused = Sink(), list[Refusal]()
    sub = _curve_sub(context, sink, console, {good.public: "sim"}, refused)
    stranger = _curve_pub(context, sub, "sim", CurveKeys.generate(), console.public)
    plain = FeedPublisher(
        context, "plain", feed_address=sub.feed_address, snapshot_address=sub.snapshot_address
    )
    # An allow-listed key publishing under another publisher's name.
    liar = _curve_pub(context, sub, "water", good, console.public)
    honest = _curve_pub(context, sub, "sim", good, console.public)
    try:
        assert not stranger.wait_connected(0.3)  # no handshake completes with an unknown key
        n = itertools.count()

        def attempted() -> bool:
            stranger.publish([_obs(-1.0)])
            stranger.publish_signal(Signal(f"x{next(n)}", 1.0, "cap", "ferry_suspended", "Fake"))
            plain.publish([_obs(-2.0)])
            liar.publish([_obs(-3.0)])
            sub.pump()
            sub.tick(time.monotonic())
            return bool(_auth(refused, "unknown_key") and _auth(refused, "identity_mismatch"))

        wait_for(attempted, timeout=5, message="the stranger and the liar refused")
        _publish_until(sub, honest, lambda: 7.0 in sink.values(), lambda _: [_obs(7.0)], "sim")
        for _ in range(20):  # more attempts after the honest publisher got in: still nothing
            stranger.publish([_obs(-1.0)])
            plain.publish([_obs(-2.0)])
            liar.publish([_obs(-3.0)])
        _pump_until(sub, honest, lambda: sub.pump() == 0)
        assert {name for name, _, _ in sink.items} == {"sim"}
        assert all(v >= 0 for v in sink.values())  # nothing of the stranger, plain or liar
        assert not any(sig for _, _, sigs in sink.items for sig in sigs)
        unknown = _auth(refused, "unknown_key")
        assert unknown[0].detail["peer"] == "127.0.0.1"
        assert unknown[0].detail["service"] == "feeds"
        assert _auth(refused, "identity_mismatch")[0].detail["claimed"] == "water"
        assert set(sub.sources) == {"sim"}
    finally:
        for pub in (stranger, plain, liar, honest):
            pub.close()
        sub.close()


def _polygon_alert(points: int) -> Signal:
    polygon = [[31.0 + i * 1e-7, 121.0 + i * 1e-7] for i in range(points)]
    return Signal(
        "cap-huge", 5.0, "cap", "ferry_suspended", "Ferries stop", body={"polygon": polygon}
    )


def test_a_10mb_cap_alert_is_refused_with_a_journaled_reason_and_feeds_keep_flowing(
    context: zmq.Context[Any],
) -> None:
    clock = ManualClock(1_000.0)
    console, sim = CurveKeys.generate(), CurveKeys.generate()
    node = ConsoleNode(
        context,
        feed_console_settings(clock, console, {sim.public: "sim"}),
    )
    assert node.feeds is not None
    pub = _curve_pub(context, node.feeds, "sim", sim, console.public)
    journal = node.journal

    def values() -> list[float]:
        return [o.value for o in journal.observations()]

    def pumped() -> None:
        pub.serve()
        node.pump()
        node.tick(clock.now())

    try:
        count = itertools.count()

        def first() -> bool:
            pub.publish([_obs(float(next(count)))])
            pumped()
            return bool(values())

        wait_for(first, timeout=5, message="the first observations")
        huge = _polygon_alert(400_000)
        pub.publish_signal(huge)
        pub.publish([_obs(5000.0, "z2")])
        pub.publish_signal(Signal("cap-small", 6.0, "cap", "ferry_suspended", "Ferries stop"))
        pub.publish([_obs(5001.0, "z3")])

        def after() -> bool:
            pumped()
            return 5001.0 in values() and bool(journal.events(kinds=[Kind.SIGNAL_RECEIVED]))

        wait_for(after, timeout=10, message="the observations after the huge alert")
        rejected = [
            MessageRejected.from_body(e.body) for e in journal.events(kinds=[Kind.MESSAGE_REJECTED])
        ]
        assert [(r.peer, r.code) for r in rejected] == [("sim", "oversized")]
        size = int(rejected[0].text.split()[2])  # "message is N bytes, limit M"
        assert size > 9_000_000 and f"limit {MAX_MESSAGE_BYTES}" in rejected[0].text
        signals = [
            SignalReceived.from_body(e.body).signal["id"]
            for e in journal.events(kinds=[Kind.SIGNAL_RECEIVED])
        ]
        assert signals == ["cap-small"]  # the huge one never entered; the small one did, once
        assert 5000.0 in values()
        # The snapshot that mended the gap fitted: the huge alert is not kept for snapshots.
        assert pub.oversize == 1
        assert all(p.signals != [signal_dict(huge)] for p in pub.snapshot_parts())
    finally:
        pub.close()
        node.close()


def test_a_snapshot_larger_than_one_message_arrives_whole_in_parts(
    context: zmq.Context[Any],
) -> None:
    console, sim = CurveKeys.generate(), CurveKeys.generate()
    sink, refused = Sink(), list[Refusal]()
    sub = _curve_sub(context, sink, console, {sim.public: "sim"}, refused)
    pub = _curve_pub(context, sub, "sim", sim, console.public)
    try:
        # 30,000 current values (~2.5 MB): published before anyone listens, so a late joiner
        # only learns them from a snapshot, which cannot fit in one message.
        current = [_obs(float(i), zone=f"zone-{i}") for i in range(30_000)]
        pub.publish(current)
        parts = pub.snapshot_parts()
        assert len(parts) >= 2
        assert all(
            len(b"".join(encode(pub._message(p, pub.seq)))) <= MAX_MESSAGE_BYTES for p in parts
        )
        _publish_until(
            sub, pub, lambda: bool(sink.items), lambda n: [_obs(-1.0 - n, zone="zone-0")], "data"
        )
        _pump_until(sub, pub, lambda: not sub.sources["sim"].syncing)
        name, first, _ = sink.items[0]
        assert name == "sim" and len(first) == 30_000  # whole, in one delivery
        assert {o.zone for o in first} == {f"zone-{i}" for i in range(30_000)}
        assert refused == []
    finally:
        pub.close()
        sub.close()


def test_keyless_attempts_journal_a_few_summaries_not_one_per_attempt(
    context: zmq.Context[Any],
) -> None:
    """20 s of key-less attempts (on a fake clock, in under a few wall seconds): a first line per
    peer and reason, then at most one summary per minute carrying the count."""
    console = CurveKeys.generate()
    wall = FakeWall()
    sink, refused = Sink(), list[Refusal]()
    sub = _curve_sub(context, sink, console, {}, refused, wall=wall)
    attempts = 0
    try:
        started = wall.t

        def attempted() -> bool:
            nonlocal attempts
            stranger = _curve_pub(context, sub, "sim", CurveKeys.generate(), console.public)
            stranger.publish([_obs(1.0)])
            stranger.close()
            attempts += 1
            wall.t = started + 20.0 * min(1.0, attempts / 100)
            sub.pump()
            return attempts >= 100 and sub.rejections.noted >= 100

        wait_for(attempted, timeout=20, interval=0.001, message="100 refused handshakes")
        assert sink.items == []
        during = len(refused)
        # a few per (peer, reason) and window, never ~100; a loaded machine adds a handful of
        # monitor-seen handshake failures, so the bound is a few dozen, not a handful
        assert during <= 12, refused
        wall.t += 60.0
        sub.tick(0.0)
        sub.close()  # flushes what is still pending
        assert len(refused) <= 24
        counted = sum(int(r.detail["count"]) for r in refused if isinstance(r, AuthRejected))
        assert counted == sub.rejections.noted >= 100
        assert {r.detail["peer"] for r in _auth(refused, "unknown_key")} == {"127.0.0.1"}
    finally:
        sub.close()
