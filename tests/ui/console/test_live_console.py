"""The console window on a live engine: composer → a real `baton station` subprocess → the orders
table shows the order acknowledged; orders queue while no station is connected and go out when it
comes; a suggestion approved; a decision corrected; the language switched. No sleeps: qtbot waits
with timeouts; every subprocess is bounded in time, killed in `finally` and gone from the process
table afterwards."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
import zmq
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from command.journal import Event, Journal
from command.lifecycle import OrderState
from protocols.commands import ApproveSuggestion, CorrectDecision, IssueOrder
from protocols.runtime.console import ConsoleOptions, ConsoleRuntime
from tests.protocols.runtime.runtime_world import (
    live_options,
    provisioned_publisher,
    station_argv,
)
from tests.system.world import kill, spawn
from ui.console import qtmodels
from ui.console.composer import OrderComposer
from ui.console.controller import ConsoleController, configure_window, delegation_names
from ui.console.dialogs import DecisionDialog
from ui.console.suggestion_editor import SuggestionEditor
from ui.console.window import ConsoleWindow

WAIT_MS = 20_000
AT_LEAST_ACKNOWLEDGED = {
    OrderState.ACKNOWLEDGED,
    OrderState.ACCEPTED,
    OrderState.IN_PROGRESS,
    OrderState.COMPLETED,
}


@dataclass
class Live:
    """A console window wired to a running ConsoleRuntime."""

    options: ConsoleOptions
    runtime: ConsoleRuntime
    window: ConsoleWindow
    controller: ConsoleController
    tmp: Path

    def states(self) -> dict[str, OrderState]:
        return {r.order_id: r.state for r in self.window.state.orders.rows}


@pytest.fixture
def live(qtbot: QtBot, tmp_path: Path) -> Iterator[Live]:
    options = live_options(tmp_path)
    holder: dict[str, ConsoleController] = {}
    runtime = ConsoleRuntime(options, on_batch=lambda b: holder["c"].post_batch(b))
    window = ConsoleWindow(
        options.scenario.incident,
        clock=runtime.clock.now,
        commander=options.provisioned.commander,
        settings_org="BatonTest",
        settings_app="live",
    )
    qtbot.addWidget(window)
    configure_window(window, options.scenario)
    controller = ConsoleController(window, runtime.engine, names=delegation_names(options.scenario))
    holder["c"] = controller
    runtime.start()
    try:
        # the journal's history (incident opened, grants) reaches the header
        qtbot.waitUntil(lambda: bool(window.state.header.issuer), timeout=WAIT_MS)
        yield Live(options, runtime, window, controller, tmp_path)
    finally:
        runtime.stop()
        window.timer.stop()
        window.plots.timer.stop()
        qtmodels.set_display_zone(UTC)


def compose(live: Live, station: str, kind: str, zone: str, params: dict[str, Any]) -> None:
    """Drive the composer dialog as a commander would (Ctrl+N → fill in → OK)."""

    def run(dialog: Any) -> bool:
        assert isinstance(dialog, OrderComposer)
        dialog.prefill({"station": station, "kind": kind, "zone": zone, "params": params})
        dialog.rationale_box.setPlainText("crowd building up")
        dialog.accept()
        return dialog.result() == 1

    live.window.exec_dialog = run  # type: ignore[method-assign]
    live.window.new_order_action.trigger()


def gone(pid: int) -> bool:
    """True when `pid` is no longer in the process table."""
    return not Path(f"/proc/{pid}").exists()


def test_order_queues_offline_then_reaches_a_real_station_and_is_acknowledged(
    qtbot: QtBot, live: Live
) -> None:
    window = live.window
    delegation = live.options.scenario.delegation
    assert window.state.header.issuer == delegation.authority  # the fold keeps the signer id
    assert delegation.authority_name in window.header.delegation.text()  # the header names it
    # no station yet: the order is journaled and queued, the header says so
    with qtbot.wait_signal(live.controller.command_done, timeout=WAIT_MS) as done:
        compose(live, "lighting", "dim_show", "chenyi", {"level_percent": 40, "fade_s": 30})
    assert isinstance(done.args[0], IssueOrder)
    order_id = done.args[1].order.id
    qtbot.waitUntil(lambda: order_id in live.states(), timeout=WAIT_MS)
    assert live.states()[order_id] is OrderState.ISSUED
    qtbot.waitUntil(lambda: window.state.header.outbox >= 1, timeout=WAIT_MS)
    assert "OFFLINE" in window.header.link.text() and "Outbox" in window.header.link.text()

    station = spawn(station_argv(live.options, "lighting", live.tmp), live.tmp / "station.log")
    try:
        qtbot.waitUntil(lambda: live.states()[order_id] in AT_LEAST_ACKNOWLEDGED, timeout=WAIT_MS)
        # what is left in the engine's outbox: the grants for the three stations still away
        qtbot.waitUntil(lambda: window.header.live_outbox == 3, timeout=WAIT_MS)
        assert window.header.live_link is True
        assert "online" in window.header.link.text() and "Outbox: 3" in window.header.link.text()
        qtbot.waitUntil(lambda: window.state.header.outbox == 0, timeout=WAIT_MS)  # delivered
        row = next(r for r in window.state.stations.rows if r.station == "lighting")
        assert row.online
        # the orders table (Qt model) shows it too
        model = window.orders_model
        shown = {model.index(i, 4).data() for i in range(model.rowCount())}
        assert shown & {"acknowledged", "accepted", "in progress", "completed"}
    finally:
        kill(station)
    assert station.returncode is not None and gone(station.pid)
    log = (live.tmp / "station.log").read_text(encoding="utf-8")
    assert "Traceback" not in log


def propose(qtbot: QtBot, live: Live) -> str:
    """Publish the scenario's first signal as its feed would; the suggestion it raises."""
    window = live.window
    signal = live.options.scenario.timeline[0].signal
    context: zmq.Context[Any] = zmq.Context()
    publisher = provisioned_publisher(context, live.options, live.runtime.clock.now)
    try:
        assert publisher.wait_connected(10)
        publisher.publish_signal(replace(signal, ts=live.runtime.clock.now()))
        qtbot.waitUntil(lambda: window.suggestions_panel.selected() is not None, timeout=WAIT_MS)
    finally:
        publisher.close()
        context.destroy(linger=0)
    sid = window.suggestions_panel.selected()
    assert sid is not None
    return sid


def test_edit_then_ok_without_a_change_is_journaled_as_approved(qtbot: QtBot, live: Live) -> None:
    window = live.window
    sid = propose(qtbot, live)

    def run(dialog: Any) -> bool:
        if isinstance(dialog, SuggestionEditor):
            for i in range(len(dialog.proposed)):
                assert not dialog.edit_order(i)  # opened, looked at, OK: no change
            dialog.accept()
        else:
            assert isinstance(dialog, OrderComposer)
            dialog.accept()
        return dialog.result() == 1

    window.exec_dialog = run  # type: ignore[method-assign]
    with qtbot.wait_signal(live.controller.command_done, timeout=WAIT_MS) as done:
        window.suggestions_panel.edit.click()
    assert isinstance(done.args[0], ApproveSuggestion) and done.args[1]
    qtbot.waitUntil(
        lambda: (row := window.state.suggestions.get(sid)) is not None and row.status == "approved",
        timeout=WAIT_MS,
    )
    live.runtime.stop()
    journal = Journal.open_readonly(live.options.journal)
    try:
        kinds = [e.kind for e in journal.events() if e.kind.startswith("suggestion.")]
    finally:
        journal.close()
    assert kinds == ["suggestion.proposed", "suggestion.approved"]


def test_approve_a_suggestion_correct_a_decision_and_switch_language(
    qtbot: QtBot, live: Live
) -> None:
    window = live.window
    sid = propose(qtbot, live)
    with qtbot.wait_signal(live.controller.command_done, timeout=WAIT_MS):
        window.approve_action.trigger()  # Ctrl+Return
    qtbot.waitUntil(
        lambda: (row := window.state.suggestions.get(sid)) is not None and row.status == "approved",
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(
        lambda: any(r.kind == "skip_stop" for r in window.state.orders.rows), timeout=WAIT_MS
    )

    # a manual decision, then its correction: struck through with the reason shown
    panel = window.decisions_panel

    def write(d: DecisionDialog) -> bool:
        d.decision.setPlainText("Open the overflow area at Chenyi Square")
        d.rationale.setPlainText("count above plan")
        if d.correcting is not None:
            d.decision.setPlainText("Open the overflow area at Huangpu Park")
            d.reason.setText("wrong square named")
        d.accept()
        return d.result() == 1

    panel.open_dialog = write
    before = len(window.state.decisions.rows)
    window.new_decision_action.trigger()
    qtbot.waitUntil(lambda: len(window.state.decisions.rows) == before + 1, timeout=WAIT_MS)
    manual = next(
        r for r in window.state.decisions.rows if r.decision.decision.endswith("Chenyi Square")
    )
    row_index = next(
        i
        for i in range(window.decisions_model.rowCount())
        if window.decisions_model.index(i, 1).data() == manual.decision.decision
    )
    panel.table.selectRow(row_index)
    with qtbot.wait_signal(live.controller.command_done, timeout=WAIT_MS) as fixed:
        panel.correct.click()
    assert isinstance(fixed.args[0], CorrectDecision)
    qtbot.waitUntil(
        lambda: (r := window.state.decisions.get(manual.decision.id)) is not None and r.struck,
        timeout=WAIT_MS,
    )
    font = window.decisions_model.index(row_index, 1).data(Qt.ItemDataRole.FontRole)
    assert font is not None and font.strikeOut()
    assert window.decisions_model.index(row_index, 4).data() == "wrong square named"

    # a failing command is one line in the status bar, the window keeps working
    with qtbot.wait_signal(live.controller.command_failed, timeout=WAIT_MS):
        live.controller.dismiss_suggestion(sid, "too late")
    assert "\n" not in window.statusBar().currentMessage()
    assert window.statusBar().currentMessage()

    # language
    dock = window.docks["ordersDock"]
    window.set_language("zh_CN")
    qtbot.waitUntil(lambda: dock.windowTitle() == "指令", timeout=WAIT_MS)
    window.set_language("en")
    qtbot.waitUntil(lambda: dock.windowTitle() == "Orders", timeout=WAIT_MS)


def test_no_child_left_behind(live: Live) -> None:
    """A station killed mid-run is reaped and leaves nothing in the process table."""
    station = spawn(station_argv(live.options, "metro", live.tmp), live.tmp / "metro.log")
    try:
        assert station.poll() is None
    finally:
        kill(station)
    assert gone(station.pid)
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(os.getpid())],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    ).stdout.split()
    assert str(station.pid) not in children


def test_configured_window_shows_zones_thresholds_titles_and_local_times(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from command.scenarios.loader import load_scenario
    from ui.console.controller import zone_axes

    scenario = load_scenario("bund")
    window = ConsoleWindow(scenario.incident, settings_org="BatonTest", settings_app="cfg")
    qtbot.addWidget(window)
    try:
        configure_window(window, scenario)
        assert sorted(window.map.zones()) == sorted(z.id for z in scenario.incident.zones)
        assert window.map.label_text("chenyi").startswith("Chenyi Square")
        assert window.plots.thresholds("density") == [(0.5, 1), (1.0, 2), (1.5, 3), (2.5, 4)]
        ts = scenario.ts(30)
        values = {"values": {"chenyi": {"density": 1.2}}, "stale": []}
        window.apply_events([Event(1, ts, "picture", "picture.values", "", values, "", "")])
        assert window.plots.points("chenyi", "density") == 1
        zone_axes(window)
        plot = window.plots.plot("density")
        assert plot.titleLabel.text == "Density (persons/m²)"
        assert plot.getAxis("bottom").utcOffset == -8 * 3600  # Asia/Shanghai
        assert qtmodels.hhmm(ts) == "19:00:00"  # tables in the incident's zone too
    finally:
        window.timer.stop()
        window.plots.timer.stop()
        qtmodels.set_display_zone(UTC)
