"""ConsoleRuntime headless: start, issue, stop, summary; incident.opened once across a restart;
grants queued for every station; the autopilot approving a signalled suggestion."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
import zmq

from command.drafts import OrderDraft
from command.journal import Journal
from command.model import Signal
from protocols.commands import (
    CountIssued,
    IssueOrder,
    MetricHistory,
    MetricPoint,
    Status,
    StatusChanged,
)
from protocols.engine import EngineBatch
from protocols.runtime.console import (
    ConsoleRuntime,
    ConsoleRuntimeError,
    RunSummary,
    incident_opened_body,
    key_metrics,
)
from tests.protocols.runtime.runtime_world import live_options, provisioned_publisher, with_ports


def kinds(path: Path, kind: str) -> list[dict[str, object]]:
    journal = Journal.open_readonly(path)
    try:
        return [e.body for e in journal.events(kinds=[kind])]
    finally:
        journal.close()


def test_start_issue_stop_summary_and_restart(tmp_path: Path) -> None:
    options = live_options(tmp_path)
    batches: list[EngineBatch] = []
    runtime = ConsoleRuntime(options, on_batch=batches.append)
    with runtime:
        issued = runtime.engine.call_sync(
            IssueOrder(
                OrderDraft("lighting", "dim_show", "chenyi", {"level_percent": 40}),
                decision="Dim the show",
                rationale="crowd building at Chenyi",
            )
        )
        assert issued.order.station == "lighting"
        status = runtime.engine.call_sync(Status())
        # no station is connected: the order and the grants wait in the outbox
        assert status.online == () and status.pending == 1 + 4
    summary = runtime.summary()
    assert isinstance(summary, RunSummary)
    assert summary.orders_issued == 1 and summary.decisions == 1 and summary.verified
    assert summary.accepted == summary.completed == summary.declined == 0
    assert any("intact" in line for line in summary.lines())
    assert kinds(options.journal, "checkpoint"), "stop() closes the journal with a checkpoint"
    # the first batch replays the journal (a new window), so it carries incident.opened
    assert any(e.kind == "incident.opened" for b in batches for e in b.events)
    assert any(isinstance(u, StatusChanged) for b in batches for u in b.updates)

    opened = kinds(options.journal, "incident.opened")
    assert len(opened) == 1
    body = opened[0]
    assert body == incident_opened_body(options)
    inc = body["incident"]
    assert isinstance(inc, dict) and inc["timezone"] == "Asia/Shanghai"
    assert {s["id"] for s in inc["stations"]} == {"lighting", "traffic_police", "security", "metro"}
    metrics = {(k["zone"], k["metric"]) for k in body["key_metrics"]}  # type: ignore[union-attr]
    assert ("chenyi", "density") in metrics and ("central", "wind") in metrics
    grants = kinds(options.journal, "grant.issued") + kinds(options.journal, "grant.narrowed")
    assert len(grants) == 2

    # restart on the same journal: nothing journaled twice, the order still waits
    again = ConsoleRuntime(with_ports(options))
    with again:
        assert again.engine.call_sync(Status()).pending == 5
    assert len(kinds(options.journal, "incident.opened")) == 1
    assert len(kinds(options.journal, "grant.issued")) == 1
    assert again.summary().orders_issued == 1


def test_bad_order_fails_through_the_future_and_runtime_is_single_use(tmp_path: Path) -> None:
    runtime = ConsoleRuntime(live_options(tmp_path))
    with runtime:
        future = runtime.engine.call(
            IssueOrder(OrderDraft("lighting", "no_such_kind", "chenyi"), decision="x", rationale="")
        )
        with pytest.raises(Exception, match="no_such_kind"):
            future.result(10)
        with pytest.raises(ConsoleRuntimeError, match="already started"):
            runtime.start()
    runtime.stop()  # twice is fine
    assert runtime.summary().orders_issued == 0


def test_bad_speed_and_missing_journal_are_clear(tmp_path: Path) -> None:
    options = live_options(tmp_path)
    with pytest.raises(ConsoleRuntimeError, match="speed"):
        ConsoleRuntime(replace(options, speed=0.0))
    with pytest.raises(ConsoleRuntimeError, match="never started"):
        ConsoleRuntime(options).summary()


def test_key_metrics_are_the_thresholded_indicators_per_zone(tmp_path: Path) -> None:
    options = live_options(tmp_path)
    metrics = key_metrics(options.scenario)
    density = [m for m in metrics if m["metric"] == "density"]
    assert len(density) == 5 and density[0]["unit"] == "persons/m²"
    assert density[0]["thresholds"] == {"blue": 0.5, "yellow": 1.0, "orange": 1.5, "red": 2.5}


def test_autopilot_approves_a_signalled_suggestion_and_issues_its_order(tmp_path: Path) -> None:
    options = live_options(tmp_path, autopilot_delay_s=0.0)
    signal = options.scenario.timeline[0].signal
    runtime = ConsoleRuntime(options)
    context: zmq.Context[object] = zmq.Context()
    publisher = provisioned_publisher(context, options, runtime.clock.now)
    try:
        with runtime:
            assert publisher.wait_connected(10)
            publisher.publish_signal(replace(signal, ts=runtime.clock.now()))
            deadline = time.monotonic() + 20
            while runtime.engine.call_sync(CountIssued()) == 0:
                assert time.monotonic() < deadline, "the autopilot issued nothing"
                publisher.snap.poll(50)  # wait for a snapshot request, then answer it
                publisher.serve()
    finally:
        publisher.close()
        context.destroy(linger=0)
    summary = runtime.summary()
    assert summary.suggestions == 1 and summary.orders_issued == 1
    issued = kinds(options.journal, "order.issued")[0]["order"]
    assert isinstance(issued, dict) and issued["kind"] == "skip_stop"
    decision = kinds(options.journal, "decision.added")[0]["decision"]
    assert isinstance(decision, dict)
    # the playbook's reason is what the decision was based on; the autopilot's is its rationale
    assert "platform crowding" in str(decision["information"]) and decision["kind"] == "suggestion"
    assert decision["rationale"] == "approved by autopilot (headless demo)"
    assert decision["decision"] == (
        "Metro platform crowding - skip East Nanjing Road (playbook metro_platform_crowding): "
        "approved"
    )
    approved = kinds(options.journal, "suggestion.approved")
    assert len(approved) == 1
    assert isinstance(signal, Signal)


def test_metric_history_is_the_median_over_sources_per_interval(tmp_path: Path) -> None:
    from command.clock import ManualClock
    from command.model import Observation
    from protocols.runtime.console import metric_history

    scenario = live_options(tmp_path).scenario
    t0 = scenario.ts(30)
    journal = Journal.in_memory(clock=ManualClock(t0), owner="c", role="console")
    area = scenario.areas()["chenyi"]
    batch = [
        Observation(t0 + 1, "chenyi.crowd", "chenyi", "crowd", 30_000.0, "video"),
        Observation(t0 + 2, "chenyi.crowd", "chenyi", "crowd", 31_000.0, "carrier"),
        Observation(t0 + 3, "chenyi.crowd", "chenyi", "crowd", 99_000.0, "wifi"),  # wild
        Observation(t0 + 5, "central.wind", "central", "wind", 6.5, "met_waitan"),
    ]
    journal.add_observations(batch)
    history = metric_history(scenario, journal, t0 - 60, t0 + 60)
    density = [h for h in history if h.metric == "density"]
    assert density == [MetricPoint("chenyi", "density", t0, 31_000.0 / area)]
    assert [h.value for h in history if h.metric == "wind"] == [6.5]
    assert metric_history(scenario, journal, t0 + 100, t0 + 200) == []
    journal.close()


def test_a_window_opened_mid_incident_gets_the_recent_metric_history(tmp_path: Path) -> None:
    from command.clock import SystemClock
    from command.model import Observation

    options = live_options(tmp_path)
    now = SystemClock().now()  # speed 1 from the scenario's start: scenario time is wall time
    journal = Journal.open(
        options.journal, clock=SystemClock(), owner=options.provisioned.commander, role="console"
    )
    journal.add_observations(
        [Observation(now - 120, "central.wind", "central", "wind", 7.0, "met_waitan")]
    )
    journal.close()
    batches: list[EngineBatch] = []
    with ConsoleRuntime(options, on_batch=batches.append) as runtime:
        runtime.engine.call_sync(Status())
    history = [
        p for b in batches for u in b.updates if isinstance(u, MetricHistory) for p in u.points
    ]
    assert [(h.zone, h.metric, h.value) for h in history] == [("central", "wind", 7.0)]
