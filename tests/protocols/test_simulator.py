"""The feed simulator: batches in order on the shared clock, the ferry alert at its minute, a
late joiner's snapshot, and a process that always ends (duration, SIGTERM, SIGINT) and leaves
nothing behind. Everything on 127.0.0.1, bounded in count and time."""

from __future__ import annotations

import itertools
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import zmq

from command.clock import SimulatedClock
from command.model import Observation, Signal
from command.scenarios.loader import load_scenario
from command.scenarios.simulation import FeedSimulator
from protocols.feedbus import FeedSubscriber
from protocols.simulator import (
    MAX_PERIOD_S,
    MIN_PERIOD_S,
    SimulatorConfig,
    SimulatorError,
    SimulatorStats,
    batch_period,
    run_simulator,
)
from ui.cli import main
from ui.commands.simulate import snapshot_address_for

ROOT = Path(__file__).resolve().parents[2]
SPEED = 600.0
TYPHOON = load_scenario("typhoon")
SERIES = {(f.feed_id, f.zone, f.metric, s) for f in TYPHOON.feeds for s in f.sources}


@dataclass
class Received:
    """One sink call: when it came (wall), the publisher seq it brought us to, what it held."""

    wall: float
    seq: int
    observations: list[Observation]
    signals: list[Signal]


@dataclass
class Listener:
    """A FeedSubscriber (the console's side) on 127.0.0.1 that records what reaches its sink."""

    context: zmq.Context[Any]
    feed_address: str = "tcp://127.0.0.1:*"
    snapshot_address: str = "tcp://127.0.0.1:*"
    items: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sub = FeedSubscriber(
            self.context,
            self._sink,
            clock=time.monotonic,
            feed_address=self.feed_address,
            snapshot_address=self.snapshot_address,
            resync_after_s=0.5,
        )

    def _sink(self, name: str, observations: list[Observation], signals: list[Signal]) -> None:
        seq = self.sub.sources[name].last_seq
        self.items.append(Received(time.time(), seq, observations, signals))

    def pump_until(self, cond: Callable[[], bool], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not cond():
            if time.monotonic() > deadline:
                raise AssertionError("condition not reached in time")
            if self.sub.sub.poll(20) or self.sub.snap.poll(0):
                self.sub.pump()
            self.sub.tick(time.monotonic())


@pytest.fixture
def listener(context: zmq.Context[Any]) -> Iterator[Listener]:
    lis = Listener(context)
    yield lis
    lis.sub.close()


class Simulator:
    """`baton simulate ...` as a child process in its own process group, stderr read by a thread."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "simulate", *args],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)
            self.lines.put(line)

    def wait_line(self, text: str, seconds: float = 20.0) -> str:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if text in line:
                return line
        raise AssertionError(f"no {text!r} from the simulator; stderr: {self.stderr}")

    def wait(self, seconds: float) -> int:
        rc = self.proc.wait(timeout=seconds)
        self._reader.join(timeout=5)
        return rc

    def gone(self) -> bool:
        """Nothing is left of the process group (the simulator starts no children)."""
        try:
            os.killpg(self.proc.pid, 0)
        except ProcessLookupError:
            return True
        return False

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


@pytest.fixture
def simulators() -> Iterator[Callable[..., Simulator]]:
    started: list[Simulator] = []

    def start(*args: str) -> Simulator:
        sim = Simulator(*args)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.kill()


def _free_addresses() -> tuple[str, str]:
    """Two distinct free loopback TCP addresses (feeds, snapshots) for a console not yet up."""
    with socket.socket() as a, socket.socket() as b:
        a.bind(("127.0.0.1", 0))
        b.bind(("127.0.0.1", 0))
        return (
            f"tcp://127.0.0.1:{a.getsockname()[1]}",
            f"tcp://127.0.0.1:{b.getsockname()[1]}",
        )


def _origin_at_minute(minute: float) -> float:
    """A wall origin that puts the shared clock at scenario `minute` now."""
    return time.time() - minute * 60.0 / SPEED


@pytest.mark.system
@pytest.mark.timeout(60)
def test_batches_in_order_the_ferry_alert_at_its_minute_and_exit_at_duration(
    listener: Listener, simulators: Callable[..., Simulator]
) -> None:
    origin = _origin_at_minute(15.0)  # minute 45 (the ferry alert) comes ~3 wall seconds on
    sim = simulators(
        "typhoon",
        f"--feeds={listener.sub.feed_address}",
        f"--snapshots={listener.sub.snapshot_address}",
        f"--speed={SPEED}",
        f"--origin={origin}",
        "--duration=5",
    )
    listener.pump_until(lambda: sim.proc.poll() is not None, 30)
    assert sim.wait(10) == 0
    listener.pump_until(lambda: not (listener.sub.sub.poll(200) or listener.sub.snap.poll(0)), 5)
    assert "duration at minute" in sim.stderr[-1]
    assert sim.gone()

    items = listener.items
    assert len(items) >= 10
    seqs = [r.seq for r in items]
    assert seqs == sorted(set(seqs))  # publisher order, no repeats
    batches = items[1:] if listener.sub.snapshots_requested else items
    for before, after in itertools.pairwise(batches):
        if before.observations and after.observations:
            assert max(o.ts for o in before.observations) <= min(o.ts for o in after.observations)

    kinds = [s.kind for r in items for s in r.signals]
    assert kinds == ["typhoon_warning", "ferry_suspension"]
    i = next(k for k, r in enumerate(items) if any(s.kind == "ferry_suspension" for s in r.signals))
    alert = items[i].signals[0]
    assert alert.ts == TYPHOON.ts(45.0) and alert.body["cap_file"].endswith(".xml")
    # ± one batch: everything two batches before is earlier, everything two after is later.
    assert all(o.ts < alert.ts for r in items[: max(0, i - 1)] for o in r.observations)
    assert all(o.ts >= alert.ts for r in items[i + 2 :] for o in r.observations)
    # Never early on the shared clock: it left the simulator once the scenario reached 45:00.
    clock = SimulatedClock.from_origin(TYPHOON.start, SPEED, origin)
    assert clock.at_wall(items[i].wall) >= alert.ts - 1.0


@pytest.mark.system
@pytest.mark.timeout(60)
def test_a_late_joiner_gets_current_values_then_the_stream_and_sigterm_ends_it(
    context: zmq.Context[Any], simulators: Callable[..., Simulator]
) -> None:
    feeds, snaps = _free_addresses()
    sim = simulators(
        "typhoon",
        f"--feeds={feeds}",
        f"--snapshots={snaps}",
        f"--speed={SPEED}",
        f"--origin={_origin_at_minute(30.0)}",
        "--duration=30",
    )
    sim.wait_line("publishing to")  # printed after the first batch went out to nobody
    late = Listener(context, feeds, snaps)
    try:
        late.pump_until(lambda: len(late.items) >= 4, 15)
        assert late.sub.snapshots_requested >= 1
        first = late.items[0].observations
        keys = [(o.feed, o.zone, o.metric, o.source) for o in first]
        assert set(keys) == SERIES and len(keys) == len(SERIES)  # current values, not history
        longest = max(f.interval_s for f in TYPHOON.feeds)
        assert min(o.ts for o in first) >= TYPHOON.ts(30.0) - longest
        later = [o for r in late.items[1:] for o in r.observations]
        assert later and min(o.ts for o in later) >= max(o.ts for o in first) - longest
        seqs = [r.seq for r in late.items]
        assert seqs == sorted(set(seqs))
    finally:
        late.sub.close()
    os.killpg(sim.proc.pid, signal.SIGTERM)
    assert sim.wait(10) == 0
    assert "stopped at minute" in sim.stderr[-1]
    assert sim.gone()


@pytest.mark.system
@pytest.mark.timeout(60)
def test_sigint_ends_it_cleanly_even_with_no_console(
    simulators: Callable[..., Simulator],
) -> None:
    feeds, snaps = _free_addresses()
    sim = simulators("bund", f"--feeds={feeds}", f"--snapshots={snaps}", "--speed=1")
    sim.wait_line("publishing to")
    os.kill(sim.proc.pid, signal.SIGINT)
    assert sim.wait(10) == 0
    assert "stopped at minute 0." in sim.stderr[-1]
    assert sim.gone()


@pytest.mark.timeout(60)
def test_a_whole_scenario_arrives_complete_and_the_run_ends_at_the_scenario_end(
    listener: Listener, context: zmq.Context[Any]
) -> None:
    speed = 12_000.0  # 120 scenario minutes in 0.6 wall seconds
    clock = SimulatedClock.from_origin(TYPHOON.start, speed, time.time())
    config = SimulatorConfig(
        feed_address=listener.sub.feed_address, snapshot_address=listener.sub.snapshot_address
    )
    out: list[SimulatorStats] = []
    runner = threading.Thread(target=lambda: out.append(run_simulator(TYPHOON, clock, config)))
    runner.start()
    try:
        listener.pump_until(lambda: not runner.is_alive(), 20)
    finally:
        runner.join(timeout=10)
    (stats,) = out
    expected = FeedSimulator(TYPHOON, 1).total
    listener.pump_until(lambda: sum(len(r.observations) for r in listener.items) >= expected, 5)
    assert stats.reason == "end" and stats.reached == TYPHOON.end and stats.connected
    assert stats.observations == expected and stats.signals == 2
    assert listener.sub.snapshots_requested == 0  # it waited for the console: nothing lost
    assert sum(len(r.observations) for r in listener.items) == expected
    assert [s.kind for r in listener.items for s in r.signals] == [
        "typhoon_warning",
        "ferry_suspension",
    ]


@pytest.mark.timeout(60)
def test_a_run_stops_within_a_batch_period_when_asked(listener: Listener) -> None:
    clock = SimulatedClock.from_origin(TYPHOON.start, 1.0, time.time())
    config = SimulatorConfig(
        feed_address=listener.sub.feed_address, snapshot_address=listener.sub.snapshot_address
    )
    stop = threading.Event()
    out: list[SimulatorStats] = []
    runner = threading.Thread(
        target=lambda: out.append(
            run_simulator(TYPHOON, clock, config, stop=stop, on_started=lambda _: stop.set())
        )
    )
    runner.start()
    runner.join(timeout=10)
    assert not runner.is_alive()
    (stats,) = out
    assert stats.reason == "stopped" and stats.batches == 1


def test_an_origin_in_the_future_sends_heartbeats_only(listener: Listener) -> None:
    clock = SimulatedClock.from_origin(TYPHOON.start, 1.0, time.time() + 3600.0)
    config = SimulatorConfig(
        feed_address=listener.sub.feed_address,
        snapshot_address=listener.sub.snapshot_address,
        duration_s=0.5,
        connect_wait_s=0.0,
    )
    stats = run_simulator(TYPHOON, clock, config)
    assert stats.reason == "duration" and stats.batches >= 1
    assert stats.observations == 0 and stats.reached == TYPHOON.start


def test_batch_period_is_100_to_250_ms() -> None:
    assert batch_period(1.0) == MAX_PERIOD_S
    assert batch_period(600.0) == MIN_PERIOD_S
    assert MIN_PERIOD_S <= batch_period(200.0) <= MAX_PERIOD_S


@pytest.mark.parametrize(
    "config",
    [
        SimulatorConfig(duration_s=-1.0),
        SimulatorConfig(period_s=0.0),
        SimulatorConfig(max_rows=0),
        SimulatorConfig(name=""),
    ],
)
def test_bad_settings_are_refused(config: SimulatorConfig) -> None:
    with pytest.raises(SimulatorError):
        config.check()


def test_a_bad_address_is_one_clear_error() -> None:
    clock = SimulatedClock.from_origin(TYPHOON.start, 1.0, time.time())
    with pytest.raises(SimulatorError, match="cannot connect the feed publisher to nowhere"):
        run_simulator(TYPHOON, clock, SimulatorConfig(feed_address="nowhere"))


def test_the_snapshot_address_defaults_to_the_next_port() -> None:
    assert snapshot_address_for("tcp://127.0.0.1:7702") == "tcp://127.0.0.1:7703"
    assert snapshot_address_for("tcp://10.0.0.5:9000") == "tcp://10.0.0.5:9001"
    with pytest.raises(Exception, match="give --snapshots"):
        snapshot_address_for("ipc:///tmp/feeds")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["simulate", "atlantis"], "no scenario 'atlantis'"),
        (["simulate", "bund", "--speed=0"], "--speed must be a positive number"),
        (["simulate", "bund", "--duration=-5"], "--duration must be zero or more"),
        (["simulate", "bund", "--feeds=udp://x"], "give --snapshots ADDR"),
        (["simulate", "bund", "--origin=nan"], "--origin must be epoch seconds"),
    ],
)
def test_cli_bad_input_is_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = signal.getsignal(signal.SIGTERM)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("baton: ") and message in err[0]
    assert signal.getsignal(signal.SIGTERM) is before  # handlers restored
