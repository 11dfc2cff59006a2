"""The replay window (`baton replay JOURNAL`): the console's panels showing a journal at time T.

`ReplayWindow` is a read-only `ConsoleWindow` (the same map, plots, tables and view models) with a
timeline at the bottom. Seeking forward folds only the events between the old and the new T into
the live models (incremental row updates); seeking back folds the prefix into a fresh
`IncidentState` (the one fold, `command.fold`) aside and hands its rows to the models in one
reset. Plots show the key metrics' observations up to T. Selecting a decision shows the fused
picture it stored beside the replayed state at its time. The integrity badge comes from
`baton verify`, computed off the GUI thread.
"""

from __future__ import annotations

import bisect
import copy
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QSizePolicy,
    QTabBar,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from command.fold import IncidentState, IntegrityModel, journal_times
from command.fold.zones import level_index
from command.picture.samples import number
from command.review.replay import ReplayIndex
from command.review.series import latest_values, plot_series, series_points
from command.review.timefmt import local_time, zone_or_utc
from command.scenarios.loader import shipped_scenario
from command.vocabulary import EventLike, Kind
from ui import i18n, theme
from ui.console.controller import delegation_names
from ui.console.mapdata import scenario_context, scenario_zones
from ui.console.mapview import ZoneShape, grid_zones, level_text, read_zones
from ui.console.numbers import (
    format_metric,
    journal_formats,
    metric_formats,
    metric_title,
    set_metric_formats,
    title_plots,
)
from ui.console.qtmodels import StationsTableModel, hhmm, set_display_zone
from ui.console.window import ConsoleWindow
from ui.labels import plain_label, plain_tip
from ui.review.timeline import TimelineBar, marker_kind

LEVEL_KEYS = ("blue", "yellow", "orange", "red")
FOLD_MODELS = ("orders", "stations", "decisions", "escalations", "suggestions", "alerts", "zones")
SAVE_EVERY = 500  # events between two saved states (seeking back folds at most this many)
BULK_EVENTS = 300  # a forward jump longer than this folds without row signals
PLOT_WINDOW_S = 2 * 3600.0  # the plots show the two hours before T
Verdict = tuple[bool, str]


class _VerdictRelay(QObject):
    """Carries the verify verdict from the worker thread to the GUI thread."""

    done = Signal(bool, str)


class ReplayWindow(ConsoleWindow):
    """A journal replayed: every console panel at time T, a timeline, snapshots, integrity."""

    def __init__(
        self,
        events: Sequence[EventLike],
        index: ReplayIndex,
        *,
        source: str = "",
        verdict: Callable[[], Verdict] | Verdict | None = None,
        settings_org: str = "Baton",
        settings_app: str = "replay",
        plot_fps: float = 10.0,
    ) -> None:
        self.events = list(events)
        self.index = index
        self.opened: Mapping[str, Any] = next(
            (e.body for e in self.events if e.kind == Kind.INCIDENT_OPENED), {}
        )
        inc = dict(self.opened.get("incident") or {})
        self.tz = zone_or_utc(inc.get("timezone"))
        set_display_zone(self.tz)
        self._times = journal_times(self.events)  # seek on prefixes, as the fold does
        self.start_ts = self._times[0] if self._times else time.time()
        self.end_ts = self._times[-1] if self._times else self.start_ts
        self._now = [self.start_ts]
        self._pos = 0
        self._plot_t: float | None = None
        self._sized_columns = False
        self._shown_once = False
        self.last_seek_ms = 0.0
        self.source = source
        super().__init__(
            None,
            clock=lambda: self._now[0],
            commander=str(self.opened.get("commander", "")),
            settings_org=settings_org,
            settings_app=settings_app,
            plot_fps=plot_fps,
        )
        self.setObjectName("replayWindow")
        self.incident_clock.set_zone(self.tz)  # T in the incident's zone, as the console shows
        self._incident = inc
        self._bind_fold()
        self._reset_header(self.state)
        for s in inc.get("stations", []):
            self.state.stations.add_station(str(s["id"]), str(s.get("name") or s["id"]))
        self._saved: dict[int, IncidentState] = {0: clone_state(self._initial_state())}
        self._saved_at: list[int] = [0]
        # fold the whole journal once, aside, keeping a state every SAVE_EVERY events
        self._fold_aside(self._initial_state(), 0, len(self.events))
        self._read_only()
        self._build_timeline()  # before the docks: a later toolbar orphans a dock tab bar
        self._build_replay_docks()
        self._load_map()
        self._load_plots()
        self._verdict_relay = _VerdictRelay(self)
        self._verdict_relay.done.connect(self.set_verdict)
        self._verify_thread: threading.Thread | None = None
        self.on_close: Callable[[], None] | None = None  # e.g. release the journal
        self.verdict: Verdict | None = None
        if callable(verdict):
            self.start_verify(verdict)
        elif verdict is not None:
            self.set_verdict(*verdict)
        self.retranslate()
        self.seek(self.start_ts)

    # ---------------------------------------------------------------- structure
    def _bind_fold(self) -> None:
        """Every panel reads the one fold: the console's adapters are pointed at an
        `IncidentState` (its models keep the console's row shape)."""
        state = IncidentState()
        for adapter, model in (
            (self.orders_model, state.orders),
            (self.decisions_model, state.decisions),
            (self.suggestions_model, state.suggestions),
        ):
            adapter.beginResetModel()
            adapter.source = model
            model.listener = adapter
            adapter.endResetModel()
        stations = StationsTableModel(state.stations, self.clock, journal_only=True)
        self.stations_model = stations
        self.stations_panel.set_model(stations)
        self.header.model = state.header
        self.banner.model = state.escalations
        self.integrity_banner.model = state.integrity
        self.integrity_banner.read_only = True
        self.state = state

    def _read_only(self) -> None:
        """No editing in replay: composer, approve and new decision are absent."""
        for action in (self.new_order_action, self.new_decision_action, self.approve_action):
            action.setEnabled(False)
            self.removeAction(action)
        self.menuBar().removeAction(self.command_menu.menuAction())
        for button in (
            self.suggestions_panel.approve,
            self.suggestions_panel.edit,
            self.suggestions_panel.dismiss,
            self.decisions_panel.new,
            self.decisions_panel.correct,
        ):
            button.setEnabled(False)
            button.hide()

    def compose_order(self) -> None:
        """Never in replay."""
        return None

    def edit_suggestion(self, suggestion_id: str) -> None:
        """Never in replay."""

    def _build_replay_docks(self) -> None:
        area = Qt.DockWidgetArea
        self.escalations_table = _table("escalationsTable", 5, stretch=3)
        self.snapshot_title = plain_label()
        self.snapshot_title.setObjectName("snapshotTitle")
        self.snapshot_title.setWordWrap(True)
        self.snapshot_table = _table("snapshotTable", 5, stretch=(3, 4))
        zone_col = self.snapshot_table.horizontalHeader()
        zone_col.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.snapshot_table.setColumnWidth(0, 130)
        self.snapshot_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.snapshot_table.setWordWrap(True)
        snapshot = QWidget()
        lay = QVBoxLayout(snapshot)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.snapshot_title)
        lay.addWidget(self.snapshot_table, 1)
        self._dock("escalationsDock", self.escalations_table, area.LeftDockWidgetArea)
        self._dock("snapshotDock", snapshot, area.RightDockWidgetArea)
        # replay layout: stations over plots on the left; the log (tabbed with suggestions) over
        # the snapshot on the right; orders and escalations tabbed along the bottom
        self.docks["escalationsDock"].setWindowTitle(self.tr("Escalations"))
        self.docks["snapshotDock"].setWindowTitle(self.tr("Decision snapshot"))
        for name in ("plotsDock", "decisionsDock"):
            self.removeDockWidget(self.docks[name])
        self.splitDockWidget(
            self.docks["stationsDock"], self.docks["plotsDock"], Qt.Orientation.Vertical
        )
        self.addDockWidget(area.RightDockWidgetArea, self.docks["decisionsDock"])
        self.splitDockWidget(
            self.docks["decisionsDock"], self.docks["snapshotDock"], Qt.Orientation.Vertical
        )
        self.tabifyDockWidget(self.docks["ordersDock"], self.docks["escalationsDock"])
        self.tabifyDockWidget(self.docks["decisionsDock"], self.docks["suggestionsDock"])
        for name in ("plotsDock", "decisionsDock"):
            self.docks[name].show()
        self.view_menu.addAction(self.docks["escalationsDock"].toggleViewAction())
        self.view_menu.addAction(self.docks["snapshotDock"].toggleViewAction())
        rows = self.decisions_panel.table.verticalHeader()
        rows.setDefaultSectionSize(2 * self.fontMetrics().lineSpacing() + 8)
        self.decisions_panel.table.selectionModel().selectionChanged.connect(
            self._decision_selected
        )
        self.selected_decision: str | None = None

    def default_dock_sizes(self) -> None:
        """Useful first sizes for the replay layout."""
        w, h = self.width(), self.height()
        self.resizeDocks(
            [self.docks["stationsDock"], self.docks["decisionsDock"]],
            [max(360, w // 4), max(480, w * 34 // 100)],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks(
            [self.docks["stationsDock"], self.docks["plotsDock"]],
            [h // 4, h // 2],
            Qt.Orientation.Vertical,
        )
        self.resizeDocks(
            [self.docks["decisionsDock"], self.docks["snapshotDock"]],
            [h // 3, h // 3],
            Qt.Orientation.Vertical,
        )
        self.resizeDocks([self.docks["ordersDock"]], [max(180, h // 5)], Qt.Orientation.Vertical)

    def showEvent(self, event: QShowEvent) -> None:
        """As the console; then drop dock tab bars Qt left behind from the first layout."""
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(0, self._first_layout)

    def _first_layout(self) -> None:
        self._hide_orphan_tab_bars()
        self.docks["ordersDock"].raise_()
        self.docks["decisionsDock"].raise_()

    def _hide_orphan_tab_bars(self) -> None:
        """Hide dock tab bars that duplicate a newer one (children come oldest first).

        Re-arranging the console's docks before the window is shown makes Qt create the bottom
        tab bar twice; the stale copy keeps painting over the dock area.
        """
        bars = [
            b
            for b in self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if b.isVisible() and b.count() and b.x() >= 0
        ]
        for i, bar in enumerate(bars):
            if any(_tabs(newer) == _tabs(bar) for newer in bars[i + 1 :]):
                bar.hide()

    def _build_timeline(self) -> None:
        markers = [
            (self._times[i], k) for i, e in enumerate(self.events) if (k := marker_kind(e.kind))
        ]
        self.timeline = TimelineBar(self.start_ts, self.end_ts, timezone=self.tz, markers=markers)
        self.timeline.time_changed.connect(self.seek)
        self.badge = plain_label()
        self.badge.setObjectName("integrityBadge")
        self.badge.setMargin(4)
        # long verdicts (many witnesses) wrap instead of widening the window past the screen
        self.badge.setWordWrap(True)
        self.badge.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.badge.setMinimumWidth(240)
        bar = QToolBar(self)
        bar.setObjectName("timelineToolBar")
        bar.setMovable(False)
        bar.addWidget(self.timeline)
        self.timeline_bar = bar
        # the badge on its own row by the timeline: two lines (overall, at T), never cut off
        self.integrity_bar = QToolBar(self)
        self.integrity_bar.setObjectName("integrityToolBar")
        self.integrity_bar.setMovable(False)
        self.integrity_bar.addWidget(self.badge)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, bar)
        self.addToolBarBreak(Qt.ToolBarArea.BottomToolBarArea)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.integrity_bar)
        self.play_action = QAction(self)
        self.play_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.play_action.triggered.connect(self.timeline.play_button.toggle)
        self.addAction(self.play_action)
        theme.notifier().theme_changed.connect(self._style_badge)

    def _load_map(self) -> None:
        """The console's map of the journal's scenario when it is shipped here (outlines,
        context layers, Chinese names, units and state words: the replay looks like the run),
        else outlines from the journal alone."""
        self.scenario = scenario = shipped_scenario(self.opened.get("scenario"))
        feeds = self.opened.get("feeds")
        feeds = [f for f in feeds if isinstance(f, dict)] if isinstance(feeds, list) else []
        # units and state words as the journal recorded them, the rest from the scenario
        set_metric_formats(journal_formats(feeds, metric_formats(scenario) if scenario else {}))
        if scenario is None:
            self.set_zone_shapes(zone_shapes(self.opened))
            return
        i18n.use_scenario_names(scenario)  # Chinese names, playbook titles
        self.header.names = delegation_names(scenario)  # "Delegated by <name>", not its key id
        ids = [str(z["id"]) for z in self._incident.get("zones", [])]
        self.set_zone_shapes(scenario_zones(scenario, ids or None) or zone_shapes(self.opened))
        self.map.set_context(scenario_context(scenario))

    def _load_plots(self) -> None:
        self._plot_units: dict[str, str] = {}  # titles: metric_title in the current language
        for km in self.opened.get("key_metrics", []):
            metric = str(km["metric"])
            unit = str(km.get("unit") or "")
            if metric not in self.plots.metrics():
                self._plot_units[metric] = unit
                self.plots.plot(metric, metric_title(metric, unit))
                self._zone_axis(metric)
            th = km.get("thresholds") or {}
            lines = [(float(th[k]), i) for i, k in enumerate(LEVEL_KEYS, 1) if k in th]
            if lines:
                self.set_thresholds(metric, lines)
        # derived indicators ({name: observed metric}); without the scenario density from crowd
        derived = (
            None if self.scenario is None else {d.name: d.metric for d in self.scenario.derived}
        )
        self.plot_series = plot_series(self.opened, derived)
        for s in self.plot_series:
            if s.metric not in self.plots.metrics():
                self._plot_units[s.metric] = ""
                self.plots.plot(s.metric, metric_title(s.metric))
                self._zone_axis(s.metric)

    def _zone_axis(self, metric: str) -> None:
        """Plot times in the incident's zone."""
        offset = self.tz.utcoffset(datetime.fromtimestamp(self.start_ts, UTC))
        axis = self.plots.plot(metric).getAxis("bottom")
        axis.utcOffset = -int(offset.total_seconds()) if offset is not None else 0

    # ---------------------------------------------------------------- seeking
    def time(self) -> float:
        """The replay time T."""
        return self._now[0]

    def seek(self, t: float) -> None:
        """Show every panel as it was at `t` (forward: apply new events; back: rebuild)."""
        began = time.perf_counter()
        k = bisect.bisect_right(self._times, t)
        self._now[0] = t
        rebuilt = k < self._pos or k - self._pos > SAVE_EVERY
        if rebuilt:
            # back, or far ahead: the nearest saved state at or before k, plus the events after
            base = bisect.bisect_right(self._saved_at, k) - 1
            at = self._saved_at[base]
            fresh = self._fold_aside(clone_state(self._saved[at]), at, k)
            self._adopt(fresh)
            changed = {"escalations", "decisions", "zones"}
        elif k - self._pos > BULK_EVENTS:
            # a long jump forward: fold without row signals, then one reset per table
            changed = self._fold_detached(self._pos, k)
        else:
            changed = self.apply_events(self.events[self._pos : k])
        self._pos = k
        self._seek_plots(t)
        self._show_figures(t)
        if "escalations" in changed:
            self._fill_escalations()
        gone = self.selected_decision is not None and (
            self.state.decisions.get(self.selected_decision) is None
        )
        if "decisions" in changed and gone:
            self.show_snapshot(None)
        if self.timeline.t != t and self.timeline.start <= t <= self.timeline.end:
            self.timeline.seek(t)  # keeps the slider in step when seeking from code
        self.tick()
        self._style_badge()
        if not self._sized_columns:
            table = self.stations_panel.table
            for column in range(1, table.model().columnCount()):
                table.resizeColumnToContents(column)
            self._sized_columns = True
        self.last_seek_ms = (time.perf_counter() - began) * 1000

    def _initial_state(self) -> IncidentState:
        state = IncidentState()
        self._reset_header(state)
        for s in self._incident.get("stations", []):
            state.stations.add_station(str(s["id"]), str(s.get("name") or s["id"]))
        return state

    def _fold_aside(self, state: IncidentState, start: int, end: int) -> IncidentState:
        """Fold events[start:end] into `state` (no listeners), saving a copy every SAVE_EVERY."""
        i = start
        while i < end:
            stop = min(end, (i // SAVE_EVERY + 1) * SAVE_EVERY)
            state.apply_all(self.events[i:stop])
            i = stop
            if i % SAVE_EVERY == 0 and i not in self._saved:
                self._saved[i] = clone_state(state)
                bisect.insort(self._saved_at, i)
        return state

    def _fold_detached(self, start: int, end: int) -> set[str]:
        """Fold events[start:end] into the live models with their Qt listeners off, then reset."""
        models = [getattr(self.state, n) for n in FOLD_MODELS]
        listeners = [m.listener for m in models]
        for m in models:
            m.listener = None
        try:
            changed = self.state.apply_all(self.events[start:end])
        finally:
            for m, listener in zip(models, listeners, strict=True):
                m.listener = listener
        for listener in listeners:
            if listener is not None:
                listener.about_to_reset()
                listener.reset_done()
        self._show_levels()
        self.header.refresh()
        self.banner.refresh()
        self.integrity_banner.refresh()
        return changed

    def _reset_header(self, state: IncidentState) -> None:
        h = state.header
        h.me = ""  # the replay shows the last grant journaled: the commander's own
        h.incident = str(self._incident_dict().get("id", ""))
        h.incident_name = str(self._incident_dict().get("name", ""))

    def _incident_dict(self) -> Mapping[str, Any]:
        return dict(self.opened.get("incident") or {})

    def _adopt(self, fresh: IncidentState) -> None:
        """Take a state folded aside: models reset once each, header copied field by field."""
        s = self.state
        for name in FOLD_MODELS:
            getattr(s, name).adopt(getattr(fresh, name))
        for f in fields(fresh.header):
            setattr(s.header, f.name, getattr(fresh.header, f.name))
        s.zones.series = dict(fresh.zones.series)
        s.link, s.info = fresh.link, fresh.info
        s.integrity = fresh.integrity  # a state folded aside for this seek only
        self.integrity_banner.model = s.integrity
        self.integrity_banner.refresh()
        s.first_ts, s.last_ts, s.last_seq = fresh.first_ts, fresh.last_ts, fresh.last_seq
        s.events, s.actors = fresh.events, set(fresh.actors)
        self._show_levels()
        self.header.refresh()
        self.banner.refresh()

    def _seek_plots(self, t: float) -> None:
        """Key metrics over the PLOT_WINDOW_S before T: new intervals only when moving ahead a
        little, the whole window again otherwise (one observations query either way)."""
        source = self.index.observations
        if source is None or not self.plot_series:
            return
        last = self._plot_t
        fresh = last is None or t < last or t - last > PLOT_WINDOW_S
        if fresh:
            self.plots.clear_data()
        for s, (ts, values) in zip(
            self.plot_series,
            series_points(self.plot_series, source, None if fresh else last, t, PLOT_WINDOW_S),
            strict=True,
        ):
            if ts:
                self.plots.extend(s.zone, s.metric, ts, values)
        self._plot_t = t

    def _show_levels(self) -> None:
        """Each zone's level at T, "no data" for a zone nothing was journaled for yet (never
        green by default); `_show_figures` then draws the whole reading where it can."""
        levels = {row.zone: row.level for row in self.state.zones.rows if row.has_data}
        for zone in self.map.zones():
            self.map.set_level(zone, levels.get(zone))

    def _show_figures(self, t: float) -> None:
        """The map at T: from the fold's fused values as the console draws them (no data,
        not rated, state words, counts), else from the stored observations."""
        if self.index.fused:
            self._show_zones()
            return
        values = latest_values(self.index, t)
        units = {
            (str(k["zone"]), str(k["metric"])): str(k.get("unit") or "")
            for k in self.opened.get("key_metrics", [])
        }
        for zone in self.map.zones():
            shown = ""
            for metric, value in sorted(values.get(zone, {}).items()):
                if (zone, metric) in units or not shown:
                    shown = format_metric(zone, metric, value, units.get((zone, metric), ""))
            self.map.set_figure(zone, shown)

    def _fill_escalations(self) -> None:
        rows = sorted(self.state.escalations.rows, key=lambda r: r.raised_at, reverse=True)
        table = self.escalations_table
        table.setRowCount(len(rows))
        muted = theme.current().color("muted")
        for i, r in enumerate(rows):
            resolved = hhmm(r.resolved_at) if r.resolved_at is not None else self.tr("open")
            for j, text in enumerate((hhmm(r.raised_at), r.station, r.kind, r.message, resolved)):
                item = QTableWidgetItem(text)
                if r.resolved_at is not None:
                    item.setForeground(muted)
                table.setItem(i, j, item)

    # ---------------------------------------------------------------- decisions and snapshots
    def _decision_selected(self, *_: object) -> None:
        rows = self.decisions_panel.table.selectionModel().selectedRows()
        key = rows[0].data(Qt.ItemDataRole.UserRole + 2) if rows else None
        self.show_snapshot(None if key is None else str(key))

    def select_decision(self, decision_id: str) -> bool:
        """Select a decision in the log (as a click would); False when it is not shown at T."""
        i = self.state.decisions.row_of(decision_id)
        if i is None:
            return False
        self.decisions_panel.table.selectRow(i)
        return True

    def show_snapshot(self, decision_id: str | None) -> None:
        """Fill the snapshot panel: what the decision stored beside the replay at its time."""
        self.selected_decision = decision_id
        row = None if decision_id is None else self.state.decisions.get(decision_id)
        table = self.snapshot_table
        if row is None:
            self.selected_decision = None
            self.snapshot_title.setText(self.tr("Select a decision to see the picture it stored."))
            table.setRowCount(0)
            return
        d = row.decision
        self.snapshot_title.setText(
            self.tr("“%1” at %2 by %3")
            .replace("%1", d.decision)
            .replace("%2", local_time(d.ts, self.tz, "%H:%M:%S"))
            .replace("%3", d.author)
        )
        stored = snapshot_zones(d.snapshot)
        replayed = {z["zone"]: z for z in self.index.state_at(d.ts).zones}
        order = list(replayed) + [z for z in stored if z not in replayed]
        table.setRowCount(len(order))
        th = theme.current()
        for i, zone in enumerate(order):
            seen = stored.get(zone)
            live = replayed.get(zone, {})
            seen_level = (
                None if seen is None or seen.get("level") is None else level_index(seen["level"])
            )
            live_level = level_index(live["level"]) if live.get("level") is not None else None
            name = str(live.get("name") or (seen or {}).get("name") or zone)
            cells = (
                name,
                level_text(seen_level) if seen_level is not None else self.tr("not stored"),
                level_text(live_level) if live_level is not None else "—",
                indicators_text(seen or {}),
                values_text(live.get("values") or {}),
            )
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(plain_tip(text))
                if j in (1, 2):
                    level = seen_level if j == 1 else live_level
                    if level is not None:
                        item.setBackground(th.risk_color(level))
                        item.setForeground(th.risk_text_color(level))
                if j == 2 and seen_level is not None and live_level not in (None, seen_level):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(i, j, item)
        _fit_rows(table, lines=4)

    # ---------------------------------------------------------------- integrity
    def start_verify(self, fn: Callable[[], Verdict]) -> None:
        """Run `fn` (the journal's verify) on a worker thread; the badge shows its verdict."""
        self.badge.setText(self.tr("Integrity: checking…"))

        def work() -> None:
            try:
                ok, line = fn()
            except Exception as err:  # a broken file is a verdict too, not a crash
                ok, line = False, str(err)
            self._verdict_relay.done.emit(ok, line)

        self._verify_thread = threading.Thread(target=work, name="replay-verify", daemon=True)
        self._verify_thread.start()

    def set_verdict(self, ok: bool, line: str) -> None:
        """Show a verify verdict on the badge."""
        self.verdict = (ok, line)
        self._style_badge()

    def _style_badge(self, *_: object) -> None:
        """Verify's verdict and the journal's integrity overall, then at the replay position
        (both from the one fold: `IntegrityModel`); red on a bad verdict or any refusal."""
        if not hasattr(self, "badge"):
            return
        th = theme.current()
        overall = self.index.final.integrity
        if self.verdict is None:
            verdict, ok = self.tr("checking…"), True
        elif self.verdict[0]:
            verdict, ok = self.tr("intact"), True
        else:
            detail = self.verdict[1].removeprefix("NOT intact: ")
            verdict, ok = self.tr("NOT intact — %1").replace("%1", detail), False
        refusals = overall.alarms
        if refusals:
            newest = refusals[-1]
            verdict = (
                self.tr("%n witness refusal(s), newest: %1 refused #%2 (%3)", "", len(refusals))
                .replace("%1", self._witness_name(newest.witness))
                .replace("%2", str(newest.offered_seq))
                .replace("%3", newest.reason)
                + " · "
                + self.tr("verify: %1").replace("%1", verdict)
            )
            ok = False
        verdict = ("✔ " if ok else "✖ ") + self.tr("Integrity: %1").replace("%1", verdict)
        lines = [
            verdict + " · " + self.tr("overall: %1").replace("%1", self._signed(overall)),
            self.tr("At %1: %2")
            .replace("%1", hhmm(self.time()))
            .replace("%2", self._signed(self.state.integrity)),
        ]
        self.badge.setText("\n".join(lines))
        self._fit_badge()
        tips = [self.verdict[1]] if self.verdict is not None else []
        witnesses = ", ".join(
            f"{self._witness_name(w.name)} #{w.head_seq}"
            for w in sorted(overall.witnesses.values(), key=lambda w: w.name)
        )
        if witnesses:
            tips.append(self.tr("witnessed: %1").replace("%1", witnesses))
        tips += [f"{hhmm(a.ts)} {a.line()} ({a.evidence()})" for a in refusals]
        self.badge.setToolTip(plain_tip("\n".join(tips)))
        colour = th.risk[0] if ok else th.risk[4]
        self.badge.setStyleSheet(
            f"#integrityBadge {{ background: {colour}; color: white; font-weight: bold;"
            " border-radius: 4px; }"
        )

    def _fit_badge(self) -> None:
        """The badge as tall as its wrapped lines at the window's width (a word-wrapped label
        in a tool bar would otherwise be laid out for its narrowest width, dozens of lines)."""
        width = max(self.badge.minimumWidth(), self.width() - 24)
        self.badge.setFixedHeight(self.badge.heightForWidth(width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Refit the integrity badge to the new width."""
        super().resizeEvent(event)
        if hasattr(self, "badge"):
            self._fit_badge()

    def _witness_name(self, witness: str) -> str:
        row = self.state.stations.get(witness)
        return (row.name if row is not None and row.name else witness) or "?"

    def _signed(self, m: IntegrityModel) -> str:
        """ "signed to #N (K checkpoints) · unsigned tail T · witnessed: police #8, metro #3"."""
        if m.last is None:
            return self.tr("not signed")
        text = (
            self.tr("signed to #%1 (%2 checkpoints) · unsigned tail %3")
            .replace("%1", str(m.signed_to))
            .replace("%2", str(m.checkpoints))
            .replace("%3", str(m.tail))
        )
        if m.closed:
            text += " · " + self.tr("closed")
        marks = ", ".join(
            f"{self._witness_name(w.name)} #{w.head_seq}"
            for w in sorted(m.witnesses.values(), key=lambda w: w.name)
        )
        heads = {w.head_seq for w in m.witnesses.values()}
        if len(heads) == 1 and len(m.witnesses) > 3:  # many at one head: counted (names: tooltip)
            text += " · " + (
                self.tr("witnessed by %1 to #%2")
                .replace("%1", str(len(m.witnesses)))
                .replace("%2", str(heads.pop()))
            )
        else:
            text += " · " + (
                self.tr("witnessed: %1").replace("%1", marks) if marks else self.tr("not witnessed")
            )
        return text

    # ---------------------------------------------------------------- text and lifetime
    def retranslate(self) -> None:
        """The console's strings, then the replay's own."""
        super().retranslate()
        if not hasattr(self, "timeline"):
            return
        name = self._incident_dict().get("name") or self.source
        self.setWindowTitle(self.tr("Baton — replay of %1").replace("%1", str(name)))
        self.docks["escalationsDock"].setWindowTitle(self.tr("Escalations"))
        self.docks["snapshotDock"].setWindowTitle(self.tr("Decision snapshot"))
        self.docks["plotsDock"].setWindowTitle(self.tr("Key metrics"))
        self.timeline_bar.setWindowTitle(self.tr("Timeline"))
        self.integrity_bar.setWindowTitle(self.tr("Integrity"))
        self.play_action.setText(self.tr("Play / pause"))
        self.escalations_table.setHorizontalHeaderLabels(
            [
                self.tr("Raised"),
                self.tr("Station"),
                self.tr("Kind"),
                self.tr("Message"),
                self.tr("Resolved"),
            ]
        )
        self.snapshot_table.setHorizontalHeaderLabels(
            [
                self.tr("Zone"),
                self.tr("Seen"),
                self.tr("Replay"),
                self.tr("Indicators seen"),
                self.tr("Values in replay"),
            ]
        )
        title_plots(self.plots, getattr(self, "_plot_units", {}))
        self._style_badge()
        if hasattr(self, "selected_decision"):
            self.show_snapshot(self.selected_decision)
            self._fill_escalations()

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop playing; wait briefly for the verify worker."""
        self.timeline.pause()
        if self._verify_thread is not None:
            self._verify_thread.join(timeout=5.0)
        super().closeEvent(event)
        if self.on_close is not None:
            done, self.on_close = self.on_close, None
            done()


# ---------------------------------------------------------------- helpers


def clone_state(state: IncidentState) -> IncidentState:
    """An independent copy of a state folded aside (no listeners: it is never shown)."""
    return copy.deepcopy(state)


def _fit_rows(table: QTableView, lines: int) -> None:
    """Rows as tall as their wrapped text, up to `lines` lines (the tooltip has the rest)."""
    table.resizeRowsToContents()
    cap = lines * table.fontMetrics().lineSpacing() + 8
    for row in range(table.model().rowCount()):
        if table.rowHeight(row) > cap:
            table.setRowHeight(row, cap)


def _tabs(bar: QTabBar) -> list[str]:
    return [bar.tabText(i) for i in range(bar.count())]


def _table(name: str, columns: int, *, stretch: int | tuple[int, ...]) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in (stretch,) if isinstance(stretch, int) else stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table


def zone_shapes(opened: Mapping[str, Any]) -> list[ZoneShape]:
    """Zone outlines for an incident.opened body: the scenario's GeoJSON, else a made-up grid."""
    from command.scenarios.loader import ZONES_DIR

    inc = dict(opened.get("incident") or {})
    zones = [(str(z["id"]), str(z.get("name") or z["id"])) for z in inc.get("zones", [])]
    ids = {z for z, _ in zones}
    scenario = str(opened.get("scenario") or inc.get("id") or "")
    shapes: list[ZoneShape] = []
    if scenario:
        geo = ZONES_DIR / f"{Path(scenario).stem}.geojson"
        if geo.exists():
            names = dict(zones)
            shapes = [
                ZoneShape(s.zone, names.get(s.zone, s.name), s.rings)
                for s in read_zones(geo)
                if s.zone in ids
            ]
    have = {s.zone for s in shapes}
    missing = [(z, n) for z, n in zones if z not in have]
    if missing and not shapes:
        shapes = grid_zones(missing)
    return shapes


def snapshot_zones(snapshot: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Per zone of a decision's stored picture: {level, indicators: {name: value or entry}}.

    Accepts `picture_snapshot` output ({ts, zones: {id: {...}}}) and a bare {zone: {...}} map.
    """
    zones = snapshot.get("zones", snapshot)
    out: dict[str, dict[str, Any]] = {}
    if isinstance(zones, Mapping):
        for zone, body in zones.items():
            if isinstance(body, Mapping):
                out[str(zone)] = dict(body)
    elif isinstance(zones, list):
        for body in zones:
            if isinstance(body, Mapping) and "zone" in body:
                out[str(body["zone"])] = dict(body)
    return out


def indicators_text(zone: Mapping[str, Any]) -> str:
    """'density 3.10 p/m² (yellow) · flow 120' from a stored zone entry."""
    entries = zone.get("indicators", zone.get("metrics"))
    if not isinstance(entries, Mapping):
        entries = {k: v for k, v in zone.items() if isinstance(v, int | float) and k != "level"}
    parts = []
    for name, e in sorted(entries.items()):
        if isinstance(e, int | float):
            parts.append(f"{name} {number(float(e))}")
        elif isinstance(e, Mapping) and e.get("value") is not None:
            text = f"{name} {number(float(e['value']))} {e.get('unit') or ''}".strip()
            if e.get("stale"):
                text += " ⏸"
            parts.append(text)
    return " · ".join(parts) or "—"


def values_text(values: Mapping[str, float]) -> str:
    """'density 3.10 · flow 120' from the replay's values at T."""
    return " · ".join(f"{k} {number(float(v))}" for k, v in sorted(values.items())) or "—"


def open_replay_window(path: Path) -> ReplayWindow:
    """Load `path` read-only and show its replay window (verify runs on a worker thread).

    Raises `JournalError` (one line) when the file is not a journal. The journal is released
    when the window closes.
    """
    from command.review.loading import load_journal

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    loaded = load_journal(path)
    try:
        theme.apply_theme(app, theme.current().name)
        i18n.set_language(app, i18n.current_language())
        window = ReplayWindow(
            loaded.events, loaded.replay(), source=path.name, verdict=loaded.verdict
        )
    except BaseException:
        loaded.close()
        raise
    window.on_close = loaded.close
    window.restore_layout()
    window.show()
    return window


def run_replay_window(path: Path) -> int:
    """`baton replay JOURNAL`: the replay window until it is closed; the exit code."""
    window = open_replay_window(path)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        return int(app.exec())
    finally:
        window.close()
