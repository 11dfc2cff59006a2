"""ConsoleController: the commander's window wired to a live console engine.

The window's signals become typed engine commands (`protocols.commands`) through `Engine.call`,
which returns at once with a Future (the GUI never waits for the network or fsync); a failed
command is shown as one line in the status bar. Engine batches come back through an
`EngineBridge` (queued to the GUI thread): journal events go to `ConsoleWindow.apply_events`,
which folds them into the window's `command.fold.IncidentState` (map and plots included: the
picture is journaled as `picture.level` and `picture.values`, so nothing else feeds them); typed
updates are dispatched by type: the engine's status (stations online, outbox size, heartbeats)
is shown over the header and the stations list without entering the fold, and refused feeds and
autopilot failures go to the status bar.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from command.drafts import ComposedOrder, CorrectionDraft, DecisionDraft, EditedSuggestion
from command.journal import Event, IssuedOrder
from command.model import Decision, DecisionKind
from command.scenarios.scenario import Scenario
from protocols.alert_commands import IssuePublicAlert
from protocols.centre_commands import SendSitrep
from protocols.commands import (
    Acknowledge,
    AddDecision,
    ApproveSuggestion,
    Command,
    CommandFailed,
    ConsoleStatus,
    CorrectDecision,
    DismissSuggestion,
    EditSuggestion,
    FeedRejected,
    IssueOrder,
    JournalFailed,
    StatusChanged,
    Update,
    UplinkChanged,
)
from protocols.engine import Engine, EngineBatch
from protocols.runtime.console import ConsoleOptions, ConsoleRuntime, key_metrics
from ui.bridge import EngineBridge
from ui.console.alert_composer import ComposedAlert
from ui.console.window import ConsoleWindow
from ui.qtapp import apply_look, exec_until_closed

FIRST_SIZE = (1600, 960)
DATA = Path(__file__).resolve().parent.parent.parent / "data"
R = TypeVar("R")


def command_name(command: Command[Any]) -> str:
    """`IssueOrder(...)` → "issue_order" (for the status bar and `command_failed`)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(command).__name__).lower()


def zone_offset_s(timezone: str, at: float) -> int:
    """Seconds east of UTC of `timezone` at epoch `at`."""
    offset = datetime.fromtimestamp(at, UTC).astimezone(ZoneInfo(timezone)).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def configure_window(window: ConsoleWindow, scenario: Scenario) -> None:
    """Zone outlines from the scenario's GeoJSON, threshold lines for the key metrics, and
    times shown in the incident's zone (tables and plot axes)."""
    from ui import i18n
    from ui.console import numbers, qtmodels
    from ui.console.mapdata import scenario_context, scenario_zones

    i18n.use_scenario_names(scenario)  # Chinese names, playbook titles
    numbers.set_metric_formats(numbers.metric_formats(scenario))  # units and state words
    window.set_zone_shapes(scenario_zones(scenario))  # the replay window draws the same
    window.map.set_context(scenario_context(scenario))
    seen: set[str] = set()
    units: dict[str, str] = {}  # plot titles: numbers.metric_title in the current language
    for km in key_metrics(scenario):
        units.setdefault(str(km["metric"]), str(km["unit"] or ""))
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
    window.setProperty("plotUnits", units)
    window.setProperty("utcOffsetS", zone_offset_s(scenario.incident.timezone, scenario.start))
    zone_axes(window)
    i18n.on_language_change(window.plots, lambda: zone_axes(window))


def zone_axes(window: ConsoleWindow) -> None:
    """Plot time axes in the incident's zone and plot titles with units (plots are made on
    their first data, so this runs again after each picture update)."""
    from ui.console.numbers import title_plots

    offset = window.property("utcOffsetS")
    plots = getattr(window.plots, "_plots", {})
    for plot in plots.values():
        axis = plot.getAxis("bottom")
        if isinstance(offset, int) and getattr(axis, "utcOffset", None) != -offset:
            axis.utcOffset = -offset  # pyqtgraph counts it westwards, like time.timezone
            axis.picture = None
            axis.update()
    title_plots(window.plots, window.property("plotUnits") or {})


def delegation_names(scenario: Scenario) -> dict[str, str]:
    """Display names of the scenario's delegating authority and commander, by signer id."""
    d = scenario.delegation
    names = {d.authority: d.authority_name, d.commander: d.commander_name}
    return {k: v for k, v in names.items() if v}


class ConsoleController(QObject):
    """Routes a `ConsoleWindow`'s intentions to an `Engine` and engine batches to the window."""

    command_done = Signal(object, object)  # the Command, its result (GUI thread)
    command_failed = Signal(str, str)  # command name, one-line message (GUI thread)
    status_changed = Signal(object)  # the engine's ConsoleStatus
    _done_in = Signal(object, object, object)  # from the engine thread: command, result, error

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
        self.status: ConsoleStatus | None = None
        self.failures: list[str] = []
        self.names = dict(names or {})  # signer id → display name, for the header
        self._done_in.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self.bridge.events.connect(self.on_events)
        self.bridge.updates.connect(self.on_updates)
        window.order_composed.connect(self.issue_order)
        window.decision_written.connect(self.add_decision)
        window.correction_written.connect(self.correct_decision)
        window.suggestion_approved.connect(self.approve_suggestion)
        window.suggestion_edited.connect(self.edit_suggestion)
        window.suggestion_dismissed.connect(self.dismiss_suggestion)
        window.attention_acknowledged.connect(self.acknowledge)
        window.public_alert_composed.connect(self.issue_public_alert)
        window.sitrep_answered.connect(self.send_sitrep)

    # ---- engine → window (engine thread, then GUI thread)
    def post_batch(self, batch: EngineBatch) -> None:
        """The engine's `on_batch`: hand the batch to the GUI thread (any thread)."""
        self.bridge.post_events(batch.events)
        self.bridge.post_updates(batch.updates)

    @Slot(object)
    def on_events(self, events: Sequence[Event]) -> None:
        """Fold journal events into the window (map and plots too), keeping the live status."""
        changed = self.window.apply_events(events)
        self._show_status()
        if "zones" in changed:
            zone_axes(self.window)  # plots are made on their first points

    @Slot(object)
    def on_updates(self, updates: Sequence[Update]) -> None:
        """Status to the header and stations list; rejected feeds and autopilot failures to the
        status bar. The picture is not taken from updates: it comes folded from the journal."""
        for update in updates:
            match update:
                case StatusChanged(status):
                    self.status = status
                    self._show_status()
                    self.status_changed.emit(status)
                case CommandFailed(command, text):
                    self._fail(command, text)
                case FeedRejected(code, text):
                    self._fail("feed", f"{code}: {text}")
                case JournalFailed(_, text):
                    self.window.show_journal_failed(text)
                case UplinkChanged(state):
                    self.window.header.set_uplink(state)
                case _:
                    pass  # picture, suggestions and history arrive as journal events

    def _show_status(self) -> None:
        header = self.window.header
        header.names = self.names  # the grant names its issuer by key id: show who that is
        if self.status is None:
            header.refresh()
            return
        header.set_live(bool(self.status.online), self.status.pending)
        self.window.stations_model.set_heard(self.status.heard)

    # ---- window → engine (GUI thread; never waits)
    def call(self, command: Command[R]) -> Future[R]:
        """Run `command` in the engine; its outcome comes back as `command_done` or
        `command_failed` (and a status-bar line) on the GUI thread."""
        future = self.engine.call(command)

        def done(f: Future[R]) -> None:
            err = f.exception()
            self._done_in.emit(command, None if err else f.result(), err)

        future.add_done_callback(done)
        return future

    @Slot(object, object, object)
    def _on_done(self, command: Command[Any], result: object, err: BaseException | None) -> None:
        if err is not None:
            self._fail(command_name(command), str(err) or type(err).__name__)
        else:
            self.command_done.emit(command, result)

    def _fail(self, name: str, text: str) -> None:
        line = " ".join(text.split())
        self.failures.append(f"{name}: {line}")
        message = (
            self.tr("Could not %1: %2").replace("%1", name.replace("_", " ")).replace("%2", line)
        )
        self.window.statusBar().showMessage(message, 15_000)
        self.command_failed.emit(name, line)

    @Slot(object)
    def issue_order(self, composed: ComposedOrder) -> Future[IssuedOrder]:
        """Issue a composed order with its decision entry (rationale from the composer)."""
        draft = composed.order
        title = draft.kind
        if self.window.incident is not None:
            with contextlib.suppress(Exception):
                title = self.window.incident.station(draft.station).kind(draft.kind).title
        return self.call(
            IssueOrder(
                draft,
                decision=f"{title} ({draft.station}, {draft.zone})",
                rationale=composed.rationale,
                kind=DecisionKind.ORDER,
            )
        )

    @Slot(object)
    def issue_public_alert(self, composed: ComposedAlert) -> Future[str]:
        """Issue a composed public alert (validated as CAP and journaled with its decision in
        the engine; a CAP rule it breaks comes back as a status-bar line)."""
        return self.call(IssuePublicAlert(composed.alert, composed.rationale))

    @Slot(object)
    def add_decision(self, d: DecisionDraft) -> Future[Decision]:
        """Journal a manual decision entry."""
        return self.call(
            AddDecision(
                d.decision,
                d.rationale,
                information=d.information,
                risk_assessment=d.risk_assessment,
                powers_policy=d.powers_policy,
                options=d.options,
            )
        )

    @Slot(object)
    def correct_decision(self, c: CorrectionDraft) -> Future[Decision]:
        """Strike an entry through with a corrected one."""
        return self.call(
            CorrectDecision(c.original_id, c.entry.decision, c.entry.rationale, c.reason)
        )

    @Slot(str)
    def approve_suggestion(self, suggestion_id: str) -> Future[list[IssuedOrder]]:
        """Approve a suggestion as proposed (its orders are issued)."""
        return self.call(ApproveSuggestion(suggestion_id))

    @Slot(object)
    def edit_suggestion(self, edited: EditedSuggestion) -> Future[list[IssuedOrder]]:
        """Issue a suggestion as the commander edited it; one closed with nothing changed is
        an approval (journaled `suggestion.approved`, with the why if one was written)."""
        if not edited.changed:
            return self.call(ApproveSuggestion(edited.suggestion_id, edited.why))
        return self.call(EditSuggestion(edited.suggestion_id, edited.orders, edited.why))

    @Slot(str, str, str)
    def acknowledge(self, subject: str, key: str, note: str = "") -> Future[None]:
        """Journal the commander's acknowledgement of an order or escalation."""
        return self.call(Acknowledge(subject, key, note))

    @Slot(str, str)
    def send_sitrep(self, sitrep_id: str, remarks: str) -> Future[str]:
        """Answer a SITREP request (the engine composes the summary from its fold)."""
        return self.call(SendSitrep(sitrep_id, remarks))

    @Slot(str, str)
    def dismiss_suggestion(self, suggestion_id: str, reason: str) -> Future[None]:
        """Turn a suggestion down with the reason given."""
        return self.call(DismissSuggestion(suggestion_id, reason))


def run_window(
    options: ConsoleOptions,
    *,
    screenshot_dir: Path | None = None,
    screenshot_times_s: Sequence[float] = (),
    quit_after_s: float | None = None,
    units_file: Path | None = None,
    language: str | None = None,
    theme_name: str | None = None,
) -> int:
    """`ui.console.launch.run_console_window`: the console window on a live runtime."""
    from PySide6.QtWidgets import QApplication

    from ui import theme

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
    if units_file is not None:  # TAK unit positions from `baton tak --units-out`
        window.map.follow_units(units_file)
    controller = ConsoleController(window, runtime.engine, bridge, names=delegation_names(scenario))
    holder["c"] = controller
    # screenshots are taken at the first-run size and layout, whatever was saved before
    if screenshot_dir is not None or not window.restore_layout():
        window.resize(FIRST_SIZE[0], FIRST_SIZE[1])  # first run: room for the docks' columns
    apply_look(window, theme_name, language)  # `baton demo --theme/--lang`: as View would
    runtime.start()
    window.show()
    shots = Screenshots(window, screenshot_dir) if screenshot_dir is not None else None
    for t in screenshot_times_s if shots is not None else ():
        QTimer.singleShot(int(t * 1000), lambda t=t: shots.take(t))  # type: ignore[union-attr]
    if quit_after_s is not None:
        QTimer.singleShot(int(quit_after_s * 1000), window.close)

    def cleanup() -> None:
        runtime.stop()
        window.timer.stop()
        window.plots.timer.stop()

    exec_until_closed(app, window.close, cleanup)
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
