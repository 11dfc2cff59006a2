"""Feed bus: numbered batches in order; a late joiner or a gap gets a snapshot (current values
and the signals sent so far, each delivered once), not history; transport timers on wall time."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import zmq

from command.clock import SimulatedClock
from command.model import Observation, Signal
from command.scenarios.loader import load_scenario
from protocols.codec import encode
from protocols.feedbus import (
    FeedPublisher,
    FeedSubscriber,
    _Source,
    observation_row,
    signal_dict,
)
from protocols.messages import FeedBatch, Header, Message
from protocols.simulator import SimulatorConfig, run_simulator
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


@pytest.fixture
def context() -> Iterator[zmq.Context[Any]]:
    ctx: zmq.Context[Any] = zmq.Context()
    yield ctx
    ctx.destroy(linger=0)


def _pump_until(sub: FeedSubscriber, pub: FeedPublisher, cond: Any, seconds: float = 5) -> None:
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
        before = len(sink.items)
        pub.publish([_obs(100.0)])
        pub.publish_signal(Signal("s1", 9.0, "water", "ferry_suspended", "Ferries stop"))
        _pump_until(sub, pub, lambda: len(sink.items) == before + 2)
        assert sink.items[-2][1][0].value == 100.0
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
