"""ConsoleController: the commander's window wired to a live console engine.

The window's signals become engine commands through `Engine.call`, which returns at once with a
Future (the GUI never waits for the network or fsync); a failed command is shown as one line in
the status bar. Engine batches come back through an `EngineBridge` (queued to the GUI thread):
journal events go to `ConsoleWindow.apply_events`, the picture snapshot to `apply_picture`, and
the engine's status (stations online, outbox size) to the header's link state and outbox.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from command.model import DecisionKind
from command.picture.playbooks import DraftOrder
from command.post import OrderDraft as PostDraft
from command.scenarios.scenario import Scenario
from protocols.engine import Engine, EngineBatch
from ui.bridge import EngineBridge
from ui.console.drafts import CorrectionDraft, DecisionDraft, OrderDraft
from ui.console.window import ConsoleWindow

FIRST_SIZE = (1600, 960)
DATA = Path(__file__).resolve().parent.parent.parent / "data"


def post_draft(draft: OrderDraft) -> PostDraft:
    """The engine's order draft for a composed one."""
    return PostDraft(
        station=draft.station,
        kind=draft.kind,
        zone=draft.zone,
        params=dict(draft.params),
        priority=draft.priority,
        text=draft.text,
        due_s=draft.due_s,
    )


def zone_offset_s(timezone: str, at: float) -> int:
    """Seconds east of UTC of `timezone` at epoch `at`."""
    offset = datetime.fromtimestamp(at, UTC).astimezone(ZoneInfo(timezone)).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def configure_window(window: ConsoleWindow, scenario: Scenario) -> None:
    """Zone outlines from the scenario's GeoJSON, threshold lines for the key metrics, and
    times shown in the incident's zone (tables and plot axes)."""
    from ui.console import qtmodels
    from ui.console.mapview import ZoneShape, read_zones
    from ui.runtime import key_metrics

    features = list(scenario.geometry.values())
    shapes = read_zones({"type": "FeatureCollection", "features": features}) if features else []
    if not shapes and (DATA / "zones" / f"{scenario.name}.geojson").is_file():
        shapes = read_zones(DATA / "zones" / f"{scenario.name}.geojson")
    names = {z.id: z.name for z in scenario.incident.zones}
    window.set_zone_shapes(
        [ZoneShape(s.zone, names.get(s.zone, s.name), s.rings) for s in shapes if s.zone in names]
        or shapes
    )
    seen: set[str] = set()
    titles: dict[str, str] = {}
    for km in key_metrics(scenario):
        titles.setdefault(
            km["metric"], f"{km['title']} ({km['unit']})" if km["unit"] else km["title"]
        )
        if km["metric"] in seen:
            continue
        seen.add(km["metric"])
        t = km["thresholds"]
        lines = [(t["blue"], 1), (t["yellow"], 2), (t["orange"], 3), (t["red"], 4)]
        window.set_thresholds(km["metric"], lines)
    tz = ZoneInfo(scenario.incident.timezone)
    set_zone = getattr(qtmodels, "set_display_zone", None)
    if set_zone is not None:
        set_zone(tz)
    window.setProperty("plotTitles", titles)
    window.setProperty("utcOffsetS", zone_offset_s(scenario.incident.timezone, scenario.start))
    zone_axes(window)


def zone_axes(window: ConsoleWindow) -> None:
    """Plot time axes in the incident's zone and plot titles with units (plots are made on
    their first data, so this runs again after each picture update)."""
    offset = window.property("utcOffsetS")
    titles = window.property("plotTitles") or {}
    plots = getattr(window.plots, "_plots", {})
    for metric, plot in plots.items():
        axis = plot.getAxis("bottom")
        if isinstance(offset, int) and getattr(axis, "utcOffset", None) != -offset:
            axis.utcOffset = -offset  # pyqtgraph counts it westwards, like time.timezone
            axis.picture = None
            axis.update()
        title = titles.get(metric)
        if title and window.plots._titles.get(metric) != title:
            window.plots._titles[metric] = title
            plot.setTitle(title, size="9pt")


def delegation_names(scenario: Scenario) -> dict[str, str]:
    """Display names of the scenario's delegating authority and commander, by signer id."""
    d = scenario.delegation
    names = {d.authority: d.authority_name, d.commander: d.commander_name}
    return {k: v for k, v in names.items() if v}


class ConsoleController(QObject):
    """Routes a `ConsoleWindow`'s intentions to an `Engine` and engine batches to the window."""

    command_done = Signal(str, object)  # command name, result (GUI thread)
    command_failed = Signal(str, str)  # command name, one-line message (GUI thread)
    status_changed = Signal(object)  # the engine's status dict
    _done_in = Signal(str, object, object)  # from the engine thread: name, result, error

    def __init__(
        self,
        window: ConsoleWindow,
        engine: Engine,
        bridge: EngineBridge | None = None,
        parent: QObject | None = None,
        *,
        names: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.engine = engine
        self.bridge = bridge or EngineBridge(self)
        self.status: dict[str, Any] = {}
        self.failures: list[str] = []
        self.names = dict(names or {})  # signer id → display name, for the header
        self._done_in.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self.bridge.events.connect(self.on_events)
        self.bridge.picture.connect(self.on_updates)
        window.order_composed.connect(self.issue_order)
        window.decision_written.connect(self.add_decision)
        window.correction_written.connect(self.correct_decision)
        window.suggestion_approved.connect(self.approve_suggestion)
        window.suggestion_edited.connect(self.edit_suggestion)
        window.suggestion_dismissed.connect(self.dismiss_suggestion)

    # ---- engine → window (engine thread, then GUI thread)
    def post_batch(self, batch: EngineBatch) -> None:
        """The engine's `on_batch`: hand the batch to the GUI thread (any thread)."""
        self.bridge.post_events(batch.events)
        if batch.updates:
            self.bridge.post_picture(batch.updates)

    @Slot(object)
    def on_events(self, events: Sequence[Any]) -> None:
        """Fold journal events into the window, keeping the engine's outbox size."""
        self.window.apply_events(events)
        self._show_status()

    @Slot(object)
    def on_updates(self, updates: Any) -> None:
        """Picture snapshots to plots and map; status to the header; rejected feeds to the bar."""
        if not isinstance(updates, dict):
            self.window.apply_picture(updates)
            return
        history = updates.get("history")
        if history:
            self.window.apply_picture(history)  # before the live values: older points first
        snapshot = updates.get("snapshot")
        if snapshot is not None:
            self.window.apply_picture(snapshot)
        if history or snapshot is not None:
            zone_axes(self.window)
        status = updates.get("status")
        if isinstance(status, dict):
            self.status = status
            self._show_status()
            self.status_changed.emit(status)
        for failed in updates.get("failed", []):
            self._fail(str(failed.get("command", "engine")), str(failed.get("text", "")))
        for rejected in updates.get("feed_rejected", []):
            self._fail("feed", f"{rejected.get('code')}: {rejected.get('text')}")

    def _show_status(self) -> None:
        header = self.window.state.header
        name = self.names.get(header.issuer)
        if name:
            header.issuer = name  # the grant names its issuer by key id: show who that is
        if not self.status:
            self.window.header.refresh()
            return
        header.link_up = bool(self.status.get("online"))
        header.outbox = int(self.status.get("pending", 0))
        for station, ts in dict(self.status.get("heard") or {}).items():
            row = self.window.state.stations.get(station)
            if ts is not None and row is not None and ts != row.last_heard:
                self.window.state.stations.heard(station, float(ts))
        self.window.header.refresh()

    # ---- window → engine (GUI thread; never waits)
    def call(self, name: str, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run engine command `name`; its outcome comes back as `command_done` or
        `command_failed` (and a status-bar line) on the GUI thread."""
        future = self.engine.call(name, *args, **kwargs)

        def done(f: Future[Any]) -> None:
            err = f.exception()
            self._done_in.emit(name, None if err else f.result(), err)

        future.add_done_callback(done)
        return future

    @Slot(str, object, object)
    def _on_done(self, name: str, result: Any, err: Any) -> None:
        if err is not None:
            self._fail(name, str(err) or type(err).__name__)
        else:
            self.command_done.emit(name, result)

    def _fail(self, name: str, text: str) -> None:
        line = " ".join(text.split())
        self.failures.append(f"{name}: {line}")
        message = (
            self.tr("Could not %1: %2").replace("%1", name.replace("_", " ")).replace("%2", line)
        )
        self.window.statusBar().showMessage(message, 15_000)
        self.command_failed.emit(name, line)

    @Slot(object)
    def issue_order(self, draft: OrderDraft) -> Future[Any]:
        """Issue a composed order with its decision entry (rationale from the composer)."""
        station = draft.station
        title = draft.kind
        if self.window.incident is not None:
            with contextlib.suppress(Exception):
                title = self.window.incident.station(station).kind(draft.kind).title
        if draft.suggestion_id:
            return self.edit_suggestion(draft.suggestion_id, draft)
        return self.call(
            "issue_order",
            post_draft(draft),
            decision=f"{title} ({station}, {draft.zone})",
            rationale=draft.rationale,
            kind=DecisionKind.ORDER,
        )

    @Slot(object)
    def add_decision(self, d: DecisionDraft) -> Future[Any]:
        """Journal a manual decision entry."""
        return self.call(
            "add_decision",
            d.decision,
            d.rationale,
            information=d.information,
            risk_assessment=d.risk_assessment,
            powers_policy=d.powers_policy,
            options=d.options,
        )

    @Slot(object)
    def correct_decision(self, c: CorrectionDraft) -> Future[Any]:
        """Strike an entry through with a corrected one."""
        return self.call(
            "correct_decision", c.original_id, c.entry.decision, c.entry.rationale, c.reason
        )

    @Slot(str)
    def approve_suggestion(self, suggestion_id: str) -> Future[Any]:
        """Approve a suggestion as proposed (its orders are issued)."""
        return self.call("approve_suggestion", suggestion_id)

    @Slot(str, object)
    def edit_suggestion(self, suggestion_id: str, draft: OrderDraft) -> Future[Any]:
        """Approve a suggestion with the commander's changes."""
        order = DraftOrder(
            draft.station, draft.kind, dict(draft.params), draft.zone, draft.priority, draft.text
        )
        return self.call("edit_suggestion", suggestion_id, [order], draft.rationale)

    @Slot(str, str)
    def dismiss_suggestion(self, suggestion_id: str, reason: str) -> Future[Any]:
        """Turn a suggestion down with the reason given."""
        return self.call("dismiss_suggestion", suggestion_id, reason)


def run_window(
    options: Any,
    *,
    screenshot_dir: Path | None = None,
    screenshot_times_s: Sequence[float] = (),
    quit_after_s: float | None = None,
) -> int:
    """`ui.runtime.run_console_window`: the console window on a live runtime."""
    from PySide6.QtWidgets import QApplication

    from ui import theme
    from ui.runtime import ConsoleRuntime

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    theme.apply_theme(app, theme.current().name)
    bridge = EngineBridge()
    holder: dict[str, ConsoleController] = {}
    runtime = ConsoleRuntime(options, on_batch=lambda b: holder["c"].post_batch(b))
    scenario = options.scenario
    window = ConsoleWindow(
        scenario.incident, clock=runtime.clock.now, commander=options.provisioned.commander
    )
    configure_window(window, scenario)
    controller = ConsoleController(window, runtime.engine, bridge, names=delegation_names(scenario))
    holder["c"] = controller
    # screenshots are taken at the first-run size and layout, whatever was saved before
    if screenshot_dir is not None or not window.restore_layout():
        window.resize(FIRST_SIZE[0], FIRST_SIZE[1])  # first run: room for the docks' columns
    runtime.start()
    window.show()
    shots = Screenshots(window, screenshot_dir) if screenshot_dir is not None else None
    for t in screenshot_times_s if shots is not None else ():
        QTimer.singleShot(int(t * 1000), lambda t=t: shots.take(t))  # type: ignore[union-attr]
    if quit_after_s is not None:
        QTimer.singleShot(int(quit_after_s * 1000), window.close)
    previous = None
    if threading.current_thread() is threading.main_thread():
        # SIGTERM closes the window like the user would (Python runs it between Qt timer ticks)
        previous = signal.signal(signal.SIGTERM, lambda *_: window.close())
    try:
        app.exec()
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        runtime.stop()
        window.timer.stop()
        window.plots.timer.stop()
    return 0


class Screenshots:
    """Saves the window as numbered PNGs (`console-01-20s.png`, ...)."""

    def __init__(self, window: ConsoleWindow, directory: Path) -> None:
        self.window = window
        self.directory = directory
        self.saved: list[Path] = []
        directory.mkdir(parents=True, exist_ok=True)

    def take(self, at_s: float) -> Path:
        """Redraw the plots and save the window now."""
        self.window.plots.redraw()
        path = self.directory / f"console-{len(self.saved) + 1:02d}-{at_s:g}s.png"
        self.window.grab().save(str(path))
        self.saved.append(path)
        return path
