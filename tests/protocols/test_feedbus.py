"""Feed bus: numbered batches in order; a late joiner or a gap gets a snapshot, not history."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import zmq

from command.model import Observation, Signal
from protocols.feedbus import FeedPublisher, FeedSubscriber, _Source


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
    deadline = time.monotonic() + seconds
    while True:
        pub.serve()
        sub.pump()
        sub.tick(time.monotonic())
        if cond():
            return
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.005)


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
        n = 3.0
        deadline = time.monotonic() + 5
        while not sink.items and time.monotonic() < deadline:
            pub.publish([_obs(n)])
            n += 1
            _pump_until(sub, pub, lambda: True)
            time.sleep(0.01)
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
        deadline = time.monotonic() + 5
        while not sink.items and time.monotonic() < deadline:
            pub.publish([_obs(1.0)])
            _pump_until(sub, pub, lambda: True)
            time.sleep(0.01)
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
