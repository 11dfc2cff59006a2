"""One truth: what the live console shows is what a replay of its journal shows.

A headless bund console runs on loopback with two real `baton station` processes and a feed
publisher. The live console state (an `IncidentState` folded from the engine's batches, exactly
as `ConsoleWindow.apply_events` folds them) is recorded at several instants; after the run, the
journal is folded up to each instant (`fold_until` and `Replayer`) and compared field by field:
orders and their states, zone levels and fused values, station presence, open escalations. The
run summary's counts are the fold's counts of the journal. Bounded: every wait has a timeout,
every child is killed in `finally`.
"""

from __future__ import annotations

import copy
import subprocess
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import zmq

from command.drafts import OrderDraft
from command.fold import IncidentState, Replayer, fold, fold_until
from command.journal import Event, Journal
from command.lifecycle import OrderState
from command.scenarios.simulation import FeedSimulator
from protocols.commands import IssueOrder
from protocols.engine import EngineBatch
from protocols.feedbus import FeedPublisher
from protocols.runtime.console import ConsoleRuntime
from tests.protocols.runtime.runtime_world import (
    live_options,
    provisioned_publisher,
    station_argv,
)
from tests.system.world import kill, spawn, wait_for

WAIT_S = 30.0


@dataclass(frozen=True)
class Instant:
    """The live state at one moment, and the latest event time it had seen."""

    state: IncidentState
    t: float


class LiveConsole:
    """Folds the engine's batches as the console window does, and records instants."""

    def __init__(self) -> None:
        self.state = IncidentState()
        self.seen = float("-inf")
        self.lock = threading.Lock()
        self.instants: list[Instant] = []

    def on_batch(self, batch: EngineBatch) -> None:
        with self.lock:
            self.state.apply_all(batch.events)
            for ev in batch.events:
                self.seen = max(self.seen, ev.ts)

    def record(self) -> Instant:
        with self.lock:
            instant = Instant(copy.deepcopy(self.state), self.seen)
        self.instants.append(instant)
        return instant

    def read(self, fn: Any) -> Any:
        with self.lock:
            return fn(self.state)


def view(state: IncidentState) -> dict[str, Any]:
    """Everything the comparison covers, as plain values."""
    return {
        "orders": {
            r.order_id: (
                r.state,
                tuple((s.seq, s.step, s.state) for s in r.history),
                r.late,
                r.escalation,
            )
            for r in state.orders.rows
        },
        "zones": {
            z.zone: (z.level, z.indicator, z.since, dict(z.values), sorted(z.stale), z.has_data)
            for z in state.zones.rows
        },
        "series": {k: (list(s.times), list(s.values)) for k, s in state.zones.series.items()},
        "stations": {s.station: (s.online, s.since) for s in state.stations.rows},
        "escalations_open": [e.id for e in state.escalations.open()],
        "decisions": [d.decision.id for d in state.decisions.rows],
        "counts": state.counts(),
        "last_seq": state.last_seq,
    }


def publish_feeds(
    publisher: FeedPublisher, sim: FeedSimulator, since: float, now: float, shift: float
) -> float:
    """Publish the simulated observations of wall time [since, now) (scenario time + `shift`,
    re-stamped to wall time); the new `since`."""
    for batch in sim.batches_between(since - shift, now - shift):
        if batch:
            publisher.publish([replace(o, ts=o.ts + shift) for o in batch])
    publisher.serve()
    return now


def test_live_console_state_equals_the_fold_of_its_journal(tmp_path: Path) -> None:
    options = live_options(tmp_path)
    live = LiveConsole()
    runtime = ConsoleRuntime(options, on_batch=live.on_batch)
    sim = FeedSimulator(options.scenario, seed=3, batch_s=1.0)
    context: zmq.Context[Any] = zmq.Context()
    publisher = provisioned_publisher(context, options, runtime.clock.now)
    children: list[subprocess.Popen[bytes]] = []
    alive: list[subprocess.Popen[bytes]] = []  # children that must not exit while waiting
    try:
        runtime.start()
        assert publisher.wait_connected(10)
        # the feeds of scenario minute 60 onwards, played from now on
        shift = runtime.clock.now() - options.scenario.ts(60)
        since = runtime.clock.now() - 30.0
        for sid in ("lighting", "metro"):
            argv = station_argv(options, sid, tmp_path)
            argv[argv.index("--complete-after") + 1] = "2"
            children.append(spawn(argv, tmp_path / f"{sid}.log"))
        alive.extend(children)

        def feeding(cond: Any, what: str) -> None:
            nonlocal since

            def step() -> bool:
                nonlocal since
                since = publish_feeds(publisher, sim, since, runtime.clock.now(), shift)
                return bool(live.read(cond))

            wait_for(step, WAIT_S, what, alive)

        feeding(lambda s: any(z.values for z in s.zones.rows), "fused values in the live state")
        feeding(
            lambda s: all(r.online for r in s.stations.rows if r.station in ("lighting", "metro")),
            "both stations online",
        )
        live.record()  # stations up, picture flowing, no orders yet
        engine = runtime.engine
        for draft in (
            OrderDraft("lighting", "dim_show", "chenyi", {"level_percent": 40, "fade_s": 30}),
            OrderDraft("metro", "skip_stop", "nanjing_road", {"station": "East Nanjing Road"}),
            # security never connects: not accepted in time, escalated and still open
            OrderDraft(
                "security",
                "deploy_staff",
                "central",
                {"count": 20, "task": "exit"},
                ack_deadline_s=2,
            ),
        ):
            engine.call_sync(IssueOrder(draft, decision=f"{draft.kind} now", rationale="test"))
        feeding(lambda s: len(s.orders) == 3, "three orders in the live state")
        live.record()  # orders issued, decisions with snapshots
        feeding(
            lambda s: sum(r.state is OrderState.COMPLETED for r in s.orders.rows) == 2,
            "both connected stations complete their orders",
        )
        feeding(lambda s: bool(s.escalations.open()), "the unanswered order escalated")
        # one more picture tick after the last report, so no report is in flight at the instant
        ticks = live.read(lambda s: s.events)
        feeding(lambda s: s.events > ticks + 1, "picture ticks after the reports")
        live.record()
        alive.clear()
        for p in children:
            kill(p)
        feeding(lambda s: not any(r.online for r in s.stations.rows), "both stations seen offline")
        live.record()
    finally:
        for p in children:
            kill(p)
        runtime.stop()
        publisher.close()
        context.destroy(linger=0)

    journal = Journal.open_readonly(options.journal)
    try:
        events: list[Event] = list(journal.events())
    finally:
        journal.close()
    replayer = Replayer(events, stride=50)
    assert len(live.instants) == 4
    for i, instant in enumerate(live.instants):
        seen = view(instant.state)
        assert view(fold_until(events, instant.t)) == seen, f"instant {i}: fold_until"
        assert view(replayer.state_at(instant.t)) == seen, f"instant {i}: Replayer"
    first, issued, done, down = (view(x.state) for x in live.instants)
    assert first["orders"] == {} and any(z[5] for z in first["zones"].values())
    assert len(issued["orders"]) == 3 and len(issued["decisions"]) == 3
    states = sorted(o[0].value for o in done["orders"].values())
    assert states == ["completed", "completed", "issued"]
    assert done["escalations_open"] and done["counts"].late == 1
    assert not any(online for online, _ in down["stations"].values())
    # the summary counts what the fold counts, and what the live console counted last
    summary = runtime.summary()
    assert summary.verified
    assert summary.counts == fold(events).counts() == down["counts"]
    assert summary.counts.issued == 3 and summary.counts.completed == 2
    assert summary.counts.decisions == 3
    # the latest fused values the live console showed are the last ones journaled, per indicator
    latest: dict[str, dict[str, float]] = {}
    for e in events:
        if e.kind == "picture.values" and e.ts <= live.instants[-1].t:
            for zone, metrics in e.body["values"].items():
                latest.setdefault(zone, {}).update(metrics)
    shown = {z: values for z, (_, _, _, values, _, _) in down["zones"].items() if values}
    assert shown == latest
