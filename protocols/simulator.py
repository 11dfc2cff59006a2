"""The feed simulator's loop: a scenario's observations and signals on the feed bus, on time.

`run_simulator` publishes, over a `FeedPublisher` (which connects to the console's bound SUB and
snapshot ROUTER), everything the scenario's `FeedSimulator` produces, at scenario time on the
clock it is given (normally `SimulatedClock.from_origin`, shared with the console and stations).
Every `period` wall seconds (100–250 ms) it sends one numbered batch holding whatever scenario time
elapsed since the last one (observations and timeline signals, inline or CAP), an empty batch if
nothing did (a heartbeat), and answers snapshot requests in between. A run that starts late
(origin in the past) sends the elapsed history first, in chunks. It stops at the scenario end,
after `duration_s` wall seconds, or as soon as `stop` is set (within one period).

With `keys` and `server_key` in its config the publisher is a CURVE client: the console admits
it only when its public key is on the console's feed allow-list (`baton demo` provisions both).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import zmq

from command.clock import Clock
from command.errors import BatonError
from command.model import Observation, Signal
from command.scenarios.scenario import Scenario
from command.scenarios.simulation import FeedSimulator
from protocols.feedbus import DEFAULT_FEED_ADDRESS, DEFAULT_SNAPSHOT_ADDRESS, FeedPublisher
from protocols.security import KeyPair

MIN_PERIOD_S = 0.1
MAX_PERIOD_S = 0.25
# Aim for batches of at most this much scenario time, so fused values never look stale.
TARGET_BATCH_SCENARIO_S = 30.0


class SimulatorError(BatonError):
    """The simulator cannot start as configured (bad address, bad setting)."""


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    """How one simulator run publishes.

    `duration_s` is in wall seconds (0: run to the scenario end); `period_s` None picks one from
    the clock's speed (`batch_period`); `connect_wait_s` bounds the wait for the console's
    connection before the first batch (so the first batches are not lost to a slow joiner);
    `flush_s` is the linger granted to the last batches at a normal end (0 when stopped);
    `keys` (the publisher's CURVE pair) and `server_key` (the console's public key) make it
    an authenticated publisher.
    """

    feed_address: str = DEFAULT_FEED_ADDRESS
    snapshot_address: str = DEFAULT_SNAPSHOT_ADDRESS
    name: str = "simulator"
    seed: int = 1
    duration_s: float = 0.0
    period_s: float | None = None
    connect_wait_s: float = 1.0
    max_rows: int = 2000
    flush_s: float = 0.2
    keys: KeyPair | None = None
    server_key: bytes | None = None

    def check(self) -> None:
        """Raise `SimulatorError` (one line) for a setting that cannot work."""
        if not math.isfinite(self.duration_s) or self.duration_s < 0:
            raise SimulatorError(f"duration must be zero or more seconds, got {self.duration_s}")
        if self.period_s is not None and not (MIN_PERIOD_S / 10 <= self.period_s <= 10.0):
            raise SimulatorError(f"batch period must be 0.01–10 s, got {self.period_s}")
        if self.max_rows < 1:
            raise SimulatorError(f"max rows per batch must be at least 1, got {self.max_rows}")
        if not self.name:
            raise SimulatorError("the simulator needs a publisher name")
        if (self.keys is None) != (self.server_key is None):
            raise SimulatorError("a CURVE publisher needs its key pair and the console's key")


@dataclass
class SimulatorStats:
    """What a run did: batches sent, rows, signals, snapshots answered, how far and why it ended.

    `reason` is "end" (scenario over), "duration" (wall limit) or "stopped" (asked to stop).
    """

    started_at: float
    reached: float
    batches: int = 0
    observations: int = 0
    signals: int = 0
    snapshots: int = 0
    connected: bool = False
    reason: str = ""


def batch_period(speed: float) -> float:
    """Wall seconds between batches for a clock `speed`: 100–250 ms, shorter when faster."""
    return min(MAX_PERIOD_S, max(MIN_PERIOD_S, TARGET_BATCH_SCENARIO_S / speed))


class _Run:
    """One run's state: the publisher, the cursor (scenario time sent so far) and the stats."""

    def __init__(
        self, scenario: Scenario, clock: Clock, config: SimulatorConfig, pub: FeedPublisher
    ) -> None:
        self.scenario = scenario
        self.clock = clock
        self.config = config
        self.pub = pub
        self.sim = FeedSimulator(scenario, config.seed)
        self.cursor = scenario.start
        self.stats = SimulatorStats(started_at=clock.now(), reached=scenario.start)

    def serve(self) -> None:
        """Answer pending snapshot requests."""
        self.stats.snapshots += self.pub.serve()

    def publish_until(self, t1: float) -> None:
        """Send everything in [cursor, t1) as one batch (chunked if large), or a heartbeat."""
        self.serve()
        t0 = self.cursor
        observations: list[Observation] = []
        signals: list[Signal] = []
        if t1 > t0:
            observations = self.sim.observations_between(t0, t1)
            signals = sorted(self.sim.signals_between(t0, t1), key=lambda s: s.ts)
            self.cursor = t1
        rows = self.config.max_rows
        chunks = [observations[i : i + rows] for i in range(0, len(observations), rows)] or [[]]
        for i, chunk in enumerate(chunks):
            # A signal goes with the chunk whose time span holds it.
            until = chunks[i + 1][0].ts if i + 1 < len(chunks) else math.inf
            mine = [s for s in signals if s.ts < until]
            signals = signals[len(mine) :]
            self.pub.publish(chunk, mine)
            self.stats.batches += 1
            self.stats.observations += len(chunk)
            self.stats.signals += len(mine)
        self.stats.reached = self.cursor


def run_simulator(
    scenario: Scenario,
    clock: Clock,
    config: SimulatorConfig | None = None,
    *,
    stop: threading.Event | None = None,
    context: zmq.Context[Any] | None = None,
    on_started: Callable[[SimulatorStats], None] | None = None,
) -> SimulatorStats:
    """Publish `scenario` on the feed bus at `clock` time until its end, the duration or `stop`.

    `on_started` is called once, after the first batch went out. Sockets are always closed; a
    context made here is terminated (bounded by `flush_s`). Raises `SimulatorError` for a bad
    address or setting.
    """
    config = config or SimulatorConfig()
    config.check()
    stop = stop or threading.Event()
    ctx = context if context is not None else zmq.Context()
    pub: FeedPublisher | None = None
    flush = False
    try:
        try:
            pub = FeedPublisher(
                ctx,
                config.name,
                feed_address=config.feed_address,
                snapshot_address=config.snapshot_address,
                clock=clock.now,
                keys=config.keys,
                server_key=config.server_key,
            )
        except zmq.ZMQError as err:
            raise SimulatorError(
                f"cannot connect the feed publisher to {config.feed_address} / "
                f"{config.snapshot_address}: {err.strerror} (use tcp://HOST:PORT)"
            ) from None
        began = time.monotonic()
        deadline = began + config.duration_s if config.duration_s > 0 else math.inf
        run = _Run(scenario, clock, config, pub)
        run.stats.connected = pub.wait_connected(config.connect_wait_s, stop)
        _loop(run, stop, deadline, on_started)
        flush = run.stats.reason != "stopped"
        return run.stats
    finally:
        if pub is not None:
            # At a normal end let the last batches leave; the context's term waits that long.
            pub.close(linger_ms=int(config.flush_s * 1000) if flush else 0)
        if context is None:
            if flush:
                ctx.term()
            else:
                ctx.destroy(linger=0)


def _loop(
    run: _Run,
    stop: threading.Event,
    deadline: float,
    on_started: Callable[[SimulatorStats], None] | None,
) -> None:
    config, clock, end = run.config, run.clock, run.scenario.end
    period = config.period_s or batch_period(clock.speed)
    tick = time.monotonic()
    started = False
    while True:
        if stop.is_set():
            run.stats.reason = "stopped"
            return
        run.publish_until(min(clock.now(), end))
        if not started:
            started = True
            if on_started is not None:
                on_started(run.stats)
        if run.cursor >= end:
            run.stats.reason = "end"
            return
        now = time.monotonic()
        if now >= deadline:
            run.stats.reason = "duration"
            return
        tick = max(tick + period, now)  # no drift; skip ahead when late
        until_end = max(0.0, (end - clock.now()) / clock.speed)  # wall seconds to the end
        wake = min(tick, deadline, now + until_end)
        _serve_until(run, wake, stop)


def _serve_until(run: _Run, wake: float, stop: threading.Event) -> None:
    """Answer snapshot requests until monotonic time `wake` (or until asked to stop)."""
    while not stop.is_set():
        left = wake - time.monotonic()
        if left <= 0:
            return
        if run.pub.snap.poll(int(left * 1000) + 1):
            run.serve()
