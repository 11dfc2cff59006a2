"""The commander's console window: header, escalation banner, zone map and dockable panels.

Fed by `apply_events(batch)`: journal events (e.g. from `EngineBridge.events`) folded into one
`command.fold.IncidentState`, which every panel reads: the tables through thin Qt adapters, the
map's colours and figures from the fold's zones (journaled `picture.level` and `picture.values`;
a zone with no data yet is drawn as "no data"), the plots from the fold's fused series. So the
live window shows exactly what a replay of the journal shows. The commander's intentions leave as
signals carrying plain drafts or ids (`order_composed`, `decision_written`, `correction_written`,
`suggestion_approved`, `suggestion_edited`, `suggestion_dismissed`); the composition root routes
them to the engine. Layout is kept in QSettings under an injectable organisation/application.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QGridLayout,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from command.cap.export import PublicAlert
from command.drafts import ComposedOrder, OrderDraft
from command.errors import ValidationError
from command.fold import EscalationView, IncidentState, OrderView, zone_reading
from command.lifecycle import Step
from command.model import Incident
from command.vocabulary import EventLike
from protocols.uplink import compose_sitrep
from ui import i18n
from ui.console import shortcuts
from ui.console.alert_composer import AlertZone, ComposedAlert, PublicAlertDialog
from ui.console.clock import IncidentClock, clock_time, zone_of
from ui.console.composer import OrderComposer
from ui.console.integrity import IntegrityBanner
from ui.console.mapview import ZoneMap, ZoneShape
from ui.console.panels import (
    AlertsPanel,
    DecisionsPanel,
    EscalationBanner,
    IncidentHeader,
    JournalFailedBanner,
    OrdersPanel,
    StationsPanel,
    SuggestionsPanel,
)
from ui.console.plots import LivePlots
from ui.console.qtmodels import (
    KEY_ROLE,
    AlertsTableModel,
    DecisionsTableModel,
    OrdersTableModel,
    StationsTableModel,
    SuggestionsTableModel,
    ago,
)
from ui.console.shortcuts import ShortcutsDialog
from ui.console.sitrep import SitrepDialog
from ui.console.suggestion_editor import SuggestionEditor
from ui.viewmenu import ViewMenu, restore_look, save_look, switch_language, switch_theme

SETTINGS_ORG = "Baton"
SETTINGS_APP = "console"
LAYOUT_VERSION = 1
ACKNOWLEDGE_KEY = "Ctrl+K"  # on the focused order row, else the banner's newest item
# first-run widths (px): the map's share at least, whatever the docks want; the plots and
# stations docks at least; what the docks' separators and margins take
MAP_FIRST_MIN_W = 560
PLOTS_FIRST_MIN_W = 290  # legends elide long names: the stations dock keeps Open and Late
STATIONS_FIRST_MIN_W = 340
DOCK_MARGINS_W = 16
STALE_SUGGESTION_S = 600.0  # approving a suggestion older than this (incident clock) asks again


class ConsoleWindow(QMainWindow):
    """The console main window: header, banner, map and five docks."""

    order_composed = Signal(object)  # ComposedOrder
    decision_written = Signal(object)  # DecisionDraft
    correction_written = Signal(object)  # CorrectionDraft
    suggestion_approved = Signal(str)
    suggestion_edited = Signal(object)  # EditedSuggestion
    suggestion_dismissed = Signal(str, str)  # suggestion id, reason
    attention_acknowledged = Signal(str, str, str)  # "order" | "escalation", id, note
    public_alert_composed = Signal(object)  # ComposedAlert
    sitrep_answered = Signal(str, str)  # sitrep id, remarks

    def __init__(
        self,
        incident: Incident | None = None,
        *,
        clock: Callable[[], float] | None = None,
        commander: str = "",
        settings_org: str = SETTINGS_ORG,
        settings_app: str = SETTINGS_APP,
        plot_fps: float = 30.0,
        tick_ms: int = 1000,
    ) -> None:
        super().__init__()
        self.setObjectName("consoleWindow")
        self.incident = incident
        self.clock = clock or time.time
        self.settings_org = settings_org
        self.settings_app = settings_app
        self.state = IncidentState(me=commander)
        self.commander = commander
        self._plotted: dict[tuple[str, str], int] = {}  # series → points handed to the plots
        self.key_metrics: list[str] = []
        if incident is not None:
            self.state.header.incident = incident.id
            self.state.header.incident_name = incident.name
            for z in incident.zones:
                self.state.zones.add_zone(z.id, z.name)

        # Qt adapters over the plain models
        self.orders_model = OrdersTableModel(self.state.orders, self.clock)
        self.stations_model = StationsTableModel(self.state.stations, self.clock)
        self.decisions_model = DecisionsTableModel(self.state.decisions, self.clock)
        self.suggestions_model = SuggestionsTableModel(self.state.suggestions, self.clock)
        if incident is not None:
            for s in incident.stations:
                self.state.stations.add_station(s.id, s.name)

        # central area: header, banner, map
        self.header = IncidentHeader(self.state.header, self.clock)
        # the incident clock, in the incident's zone by IANA name and offset (never "CST")
        self.incident_clock = IncidentClock(
            self.clock, zone_of(incident.timezone if incident is not None else None)
        )
        self.header.sitreps = self.state.sitreps
        self.header.time_of = self.time_of_day
        header_grid = self.header.layout()
        if isinstance(header_grid, QGridLayout):
            header_grid.addWidget(self.incident_clock, 0, 2, 2, 1, Qt.AlignmentFlag.AlignRight)
        self.banner = EscalationBanner(self.state.escalations, self.state.orders)
        self.banner.acknowledge_requested.connect(self.acknowledge)
        self.journal_banner = JournalFailedBanner()
        self.integrity_banner = IntegrityBanner(
            self.state.integrity,
            lambda: [s.station for s in self.state.stations.rows],
            lambda: {s.station: s.name or s.station for s in self.state.stations.rows},
        )
        self.integrity_banner.acknowledge_requested.connect(self.acknowledge)
        self.header.waiting = lambda: sum(
            1 for r in self.state.orders.open_orders() if not r.reached(Step.ACCEPT)
        )
        self.journal_failure = ""
        self.map = ZoneMap()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.header)
        layout.addWidget(self.journal_banner)
        layout.addWidget(self.integrity_banner)
        layout.addWidget(self.banner)
        layout.addWidget(self.map, 1)
        self.setCentralWidget(central)

        # docks
        self.stations_panel = StationsPanel(self.stations_model)
        self.orders_panel = OrdersPanel(self.orders_model)
        self.suggestions_panel = SuggestionsPanel(self.suggestions_model)
        self.alerts_model = AlertsTableModel(self.state.alerts, self.clock)
        self.alerts_panel = AlertsPanel(self.alerts_model)
        self.decisions_panel = DecisionsPanel(self.decisions_model)
        self.plots = LivePlots(  # the legend names zones as the incident does, in the UI language
            fps=plot_fps,
            columns=1,
            label_of=lambda z: i18n.zone_name(z, getattr(self.state.zones.get(z), "name", z)),
        )
        if incident is not None:
            self.plots.set_zones([z.id for z in incident.zones])  # fixed colours across runs
        self.docks: dict[str, QDockWidget] = {}
        area = Qt.DockWidgetArea
        self._dock("stationsDock", self.stations_panel, area.LeftDockWidgetArea)
        self._dock("suggestionsDock", self.suggestions_panel, area.LeftDockWidgetArea)
        self._dock("plotsDock", self.plots, area.RightDockWidgetArea)
        self._dock("decisionsDock", self.decisions_panel, area.RightDockWidgetArea)
        self._dock("ordersDock", self.orders_panel, area.BottomDockWidgetArea)
        self._dock("alertsDock", self.alerts_panel, area.BottomDockWidgetArea)
        self.tabifyDockWidget(self.docks["ordersDock"], self.docks["alertsDock"])
        self.docks["ordersDock"].raise_()
        self.tabifyDockWidget(self.docks["plotsDock"], self.docks["decisionsDock"])
        self.docks["plotsDock"].raise_()
        self._sized = False

        # routing of panel signals
        self.decisions_panel.decision_written.connect(self.decision_written)
        self.decisions_panel.correction_written.connect(self.correction_written)
        self.suggestions_panel.approve_requested.connect(self.approve_suggestion)
        self.suggestions_panel.dismiss_requested.connect(self.suggestion_dismissed)
        self.suggestions_panel.edit_requested.connect(self.edit_suggestion)

        self._build_actions()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(tick_ms)
        self.retranslate()
        self.resize(1400, 880)

    # ---- structure
    def _dock(self, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        return dock

    def central_first_width(self) -> int:
        """What the map and the header above it need of a first-run window's width: the
        header's one line (title, link, clock) and at least `MAP_FIRST_MIN_W` for the map."""
        central = self.centralWidget()
        return max(MAP_FIRST_MIN_W, central.minimumSizeHint().width() if central else 0)

    def stations_first_width(self) -> int:
        """The stations dock's first-run width: every column whole, names up to the panel's
        `NAME_MAX_PX`, "last heard" as wide as it grows ("06:50:00 · 59 min ago"), as far as
        the window leaves room beside the map (`central_first_width`) and the plots
        (`PLOTS_FIRST_MIN_W`)."""
        table = self.stations_panel.table
        model = table.model()
        header = table.horizontalHeader()
        style = table.style()
        pad = 2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) + 8
        heard = table.fontMetrics().horizontalAdvance(f"00:00:00 · {ago(59 * 60)}") + pad
        widths = [
            max(table.sizeHintForColumn(c), header.sectionSizeHint(c))
            for c in range(model.columnCount())
        ]
        if len(widths) > 2:
            widths[2] = max(widths[2], heard)  # last heard, before any station is heard
        widths[0] = min(widths[0], StationsPanel.NAME_MAX_PX)
        scroll = style.pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        wanted = sum(widths) + 2 * table.frameWidth() + scroll + DOCK_MARGINS_W
        room = self.width() - self.central_first_width() - PLOTS_FIRST_MIN_W - DOCK_MARGINS_W
        return max(STATIONS_FIRST_MIN_W, min(wanted, room))

    def default_dock_sizes(self) -> None:
        """Give the docks useful sizes (the first time the window is shown without a layout):
        the stations dock wide enough for typical names (`stations_first_width`), the plots up
        to a third of the window, the map what it needs (`central_first_width`) or more."""
        w, h = self.width(), self.height()
        stations = self.stations_first_width()
        beside = w - stations - self.central_first_width() - DOCK_MARGINS_W
        plots = max(PLOTS_FIRST_MIN_W, min(w // 3, beside))
        self.resizeDocks(
            [self.docks["stationsDock"], self.docks["plotsDock"]],
            [stations, plots],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks(
            [self.docks["stationsDock"], self.docks["suggestionsDock"]],
            [h // 3, h // 3],
            Qt.Orientation.Vertical,
        )
        self.resizeDocks([self.docks["ordersDock"]], [max(200, h // 4)], Qt.Orientation.Vertical)

    def showEvent(self, event: QShowEvent) -> None:
        """Size the docks once, unless a saved layout was restored."""
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            # after the first layout pass, when the docks have real sizes to trade
            QTimer.singleShot(0, self.default_dock_sizes)

    def _build_actions(self) -> None:
        self.new_order_action = QAction(self)
        self.new_order_action.setObjectName("newOrderAction")
        self.new_order_action.setShortcuts(shortcuts.keys("new_order"))
        self.new_order_action.triggered.connect(self.compose_order)
        self.new_decision_action = QAction(self)
        self.new_decision_action.setObjectName("newDecisionAction")
        self.new_decision_action.setShortcuts(shortcuts.keys("new_decision"))
        self.new_decision_action.triggered.connect(self.decisions_panel.new_entry)
        self.approve_action = QAction(self)
        self.approve_action.setObjectName("approveAction")
        self.approve_action.setShortcuts(shortcuts.keys("approve"))
        self.approve_action.triggered.connect(self.suggestions_panel.approve_selected)
        self.public_alert_action = QAction(self)
        self.public_alert_action.setObjectName("publicAlertAction")
        self.public_alert_action.setShortcuts(shortcuts.keys("public_alert"))
        self.public_alert_action.triggered.connect(lambda: self.compose_public_alert())
        self.follow_up_alert_action = QAction(self)
        self.follow_up_alert_action.setObjectName("followUpAlertAction")
        self.follow_up_alert_action.triggered.connect(self.follow_up_selected_alert)
        self.alerts_panel.table.addAction(self.follow_up_alert_action)
        self.alerts_panel.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.acknowledge_action = QAction(self)
        self.acknowledge_action.setObjectName("acknowledgeAction")
        self.acknowledge_action.setShortcut(ACKNOWLEDGE_KEY)
        self.answer_sitrep_action = QAction(self)
        self.answer_sitrep_action.setObjectName("answerSitrepAction")
        self.answer_sitrep_action.setEnabled(False)
        self.answer_sitrep_action.triggered.connect(lambda: self.answer_sitrep())
        self.acknowledge_action.triggered.connect(self.acknowledge_selected)
        self.addAction(self.acknowledge_action)
        self.orders_panel.table.addAction(self.acknowledge_action)
        self.orders_panel.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.focus_actions: list[QAction] = []
        for n, seq in enumerate(shortcuts.keys("focus_zone"), start=1):
            action = QAction(self)
            action.setShortcut(seq)
            action.triggered.connect(lambda _=False, i=n - 1: self.map.focus_zone(i))
            self.addAction(action)
            self.focus_actions.append(action)
        self.quit_action = QAction(self)
        self.quit_action.setShortcuts(shortcuts.keys("quit"))
        self.quit_action.triggered.connect(self.close)
        # F6 / Ctrl+Tab: focus the next main panel (Shift: the previous one)
        self.next_panel_action = QAction(self)
        self.next_panel_action.setObjectName("nextPanelAction")
        self.next_panel_action.setShortcuts(shortcuts.keys("next_panel"))
        self.next_panel_action.triggered.connect(lambda: self.focus_panel(+1))
        self.previous_panel_action = QAction(self)
        self.previous_panel_action.setObjectName("previousPanelAction")
        self.previous_panel_action.setShortcuts(shortcuts.keys("previous_panel"))
        self.previous_panel_action.triggered.connect(lambda: self.focus_panel(-1))
        self.shortcuts_action = QAction(self)
        self.shortcuts_action.setObjectName("shortcutsAction")
        self.shortcuts_action.setShortcuts(shortcuts.keys("shortcuts"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.addActions([self.next_panel_action, self.previous_panel_action])
        # on the window itself too, so shortcuts work with the menu bar hidden or native
        self.addActions(
            [
                self.new_order_action,
                self.new_decision_action,
                self.approve_action,
                self.public_alert_action,
            ]
        )

        self.view = ViewMenu(self, self.set_theme, self.set_language)  # shared with stations
        self.theme_actions = self.view.theme_actions
        self.language_actions = self.view.language_actions

        bar = self.menuBar()
        self.file_menu = QMenu(self)
        self.file_menu.addAction(self.quit_action)
        self.command_menu = QMenu(self)
        for a in (
            self.new_order_action,
            self.new_decision_action,
            self.approve_action,
            self.public_alert_action,
            self.follow_up_alert_action,
        ):
            self.command_menu.addAction(a)
        self.command_menu.addAction(self.acknowledge_action)
        self.command_menu.addAction(self.answer_sitrep_action)
        self.view_menu = self.view.menu
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.next_panel_action)
        self.view_menu.addAction(self.previous_panel_action)
        self.view_menu.addSeparator()
        for dock in self.docks.values():
            self.view_menu.addAction(dock.toggleViewAction())
        self.help_menu = QMenu(self)
        self.help_menu.addAction(self.shortcuts_action)
        for menu in (self.file_menu, self.command_menu, self.view_menu, self.help_menu):
            bar.addMenu(menu)

    def retranslate(self) -> None:
        """(Re)read every visible string of the window's own widgets."""
        self.setWindowTitle(self.tr("Baton — command console"))
        titles = {
            "stationsDock": self.tr("Stations"),
            "ordersDock": self.tr("Orders"),
            "suggestionsDock": self.tr("Suggestions"),
            "decisionsDock": self.tr("Decision log"),
            "plotsDock": self.tr("Live metrics"),
            "alertsDock": self.tr("Alert board"),
        }
        for name, title in titles.items():
            self.docks[name].setWindowTitle(title)
        self.file_menu.setTitle(self.tr("&File"))
        self.command_menu.setTitle(self.tr("&Command"))
        self.view.retranslate()
        self.help_menu.setTitle(self.tr("&Help"))
        self.shortcuts_action.setText(self.tr("&Keyboard shortcuts…"))
        self.next_panel_action.setText(self.tr("Next panel"))
        self.previous_panel_action.setText(self.tr("Previous panel"))
        self.new_order_action.setText(self.tr("New &order…"))
        self.new_decision_action.setText(self.tr("New &decision…"))
        self.approve_action.setText(self.tr("&Approve selected suggestion"))
        self.quit_action.setText(self.tr("&Quit"))
        self.acknowledge_action.setText(self.tr("Ac&knowledge (escalation or order)"))
        self.public_alert_action.setText(self.tr("&Public alert…"))
        self.follow_up_alert_action.setText(self.tr("&Update or cancel the selected alert…"))
        self.answer_sitrep_action.setText(self.tr("Answer &SITREP…"))
        for i, action in enumerate(self.focus_actions, start=1):
            action.setText(self.tr("Focus zone %1").replace("%1", str(i)))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            for model in (
                self.orders_model,
                self.stations_model,
                self.decisions_model,
                self.suggestions_model,
            ):
                model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
                model.tick()
        super().changeEvent(event)

    # ---- feeding
    def set_zone_shapes(self, shapes: Iterable[ZoneShape]) -> None:
        """Draw these zone outlines (from GeoJSON) on the map."""
        shapes = list(shapes)
        self.zone_shapes = shapes  # also the areas a public alert can cover
        self.map.load(shapes)
        self._show_zones()

    def set_thresholds(self, metric: str, thresholds: Iterable[tuple[float, int]]) -> None:
        """Threshold lines for `metric` on the plots: (value, level) pairs.

        Metrics with thresholds are the key metrics: once any is set, only they are plotted.
        """
        self.plots.set_thresholds(metric, thresholds)
        if metric not in self.key_metrics:
            self.key_metrics.append(metric)

    def apply_events(self, batch: Sequence[EventLike]) -> set[str]:
        """Fold a batch of journal events into every view; return the models changed."""
        changed = self.state.apply_all(batch)
        if "zones" in changed:
            self._show_zones()
            self._plot_new_points()
        if "header" in changed or "orders" in changed:
            self.header.refresh()
        if "escalations" in changed or "orders" in changed:
            self.banner.refresh()
        if "integrity" in changed or "stations" in changed:
            self.integrity_banner.refresh()
        if "sitreps" in changed:
            self.header.refresh()
            self.answer_sitrep_action.setEnabled(
                self.header.open_sitrep() is not None and not self.journal_failure
            )
        return changed

    def time_of_day(self, ts: float) -> str:
        """`ts` as HH:MM in the incident's time zone."""
        return clock_time(ts, self.incident_clock.tz, "%H:%M")

    def answer_sitrep(self) -> SitrepDialog | None:
        """Command → Answer SITREP…: the oldest open request, the summary that will be sent
        (from this window's fold) and a remarks box; OK emits `sitrep_answered`."""
        ask = self.header.open_sitrep()
        if ask is None:
            return None
        dialog = SitrepDialog(ask, compose_sitrep(self.state, self.clock()), self.time_of_day, self)
        if self.exec_dialog(dialog):
            self.sitrep_answered.emit(ask.sitrep_id, dialog.remarks())
        return dialog

    def _show_zones(self) -> None:
        """The map from the fold's zones, read by `zone_reading` (the one rule of every view:
        no data, not rated, stale, the figure with its unit or state word)."""
        info = self.state.info
        for row in self.state.zones.rows:
            reading = zone_reading(row, info.key_metrics, self.key_metrics, info.feeds)
            self.map.show_reading(row.zone, reading)

    def _plot_new_points(self) -> None:
        """Hand the fold's new series points to the plots (key metrics only, once any is set)."""
        for key, series in self.state.zones.series.items():
            done = self._plotted.get(key, 0)
            if len(series.times) <= done:
                continue
            self._plotted[key] = len(series.times)
            zone, metric = key
            if self.key_metrics and metric not in self.key_metrics:
                continue
            self.plots.extend(zone, metric, series.times[done:], series.values[done:])

    def tick(self) -> None:
        """Once a second: ages (orders, suggestions), overdue colours, last-heard and the
        delegation's time left."""
        self.orders_model.tick()
        self.stations_model.tick()
        self.suggestions_model.tick()
        self.header.refresh()
        self.incident_clock.refresh()

    # ---- commands
    def composer(
        self, prefill: Mapping[str, Any] | None = None, *, in_suggestion: bool = False
    ) -> OrderComposer:
        """A composer over the incident's stations and zones, limited by the delegation scope
        (`in_suggestion`: one order of a suggestion being edited, without a rationale)."""
        stations = self.incident.stations if self.incident else ()
        zones = self.incident.zones if self.incident else ()
        dialog = OrderComposer(
            stations,
            zones,
            allows=self.state.header.allows,
            allows_zone=self.state.header.allows_zone,
            in_suggestion=in_suggestion,
            parent=self,
        )
        if prefill:
            dialog.prefill(prefill)
        return dialog

    def compose_order(self) -> ComposedOrder | None:
        """Open the composer (Ctrl+N); emits `order_composed` with the draft when confirmed."""
        if self.journal_failure:
            return None
        dialog = self.composer()
        dialog.composed.connect(self.order_composed)
        return dialog.draft() if self.exec_dialog(dialog) else None

    def compose_public_alert(self, following: PublicAlert | None = None) -> ComposedAlert | None:
        """Open the public-alert composer (Ctrl+Shift+A), or with `following` an Update or
        Cancel of an issued alert; emits `public_alert_composed` when confirmed."""
        if self.journal_failure:
            return None
        incident = self.incident
        names = {z.id: z.name for z in incident.zones} if incident else {}
        zones = [
            AlertZone(s.zone, names.get(s.zone) or s.name, s.rings)
            for s in getattr(self, "zone_shapes", [])
        ]
        me = re.sub(r"[^A-Za-z0-9._-]+", "_", self.commander or "commander").strip("_")
        dialog = PublicAlertDialog(
            zones,
            incident_id=incident.id if incident else "incident",
            sender=f"{me or 'commander'}@baton",
            timezone=incident.timezone if incident else "UTC",
            now=self.clock(),
            following=following,
            parent=self,
        )
        if not self.exec_dialog(dialog):
            return None
        composed = dialog.composed()
        self.public_alert_composed.emit(composed)
        return composed

    def follow_up_selected_alert(self) -> ComposedAlert | None:
        """Update or cancel the issued alert selected on the alert board."""
        index = self.alerts_panel.table.currentIndex()
        key = index.siblingAtColumn(0).data(KEY_ROLE) if index.isValid() else None
        row = self.state.alerts.get(str(key)) if key else None
        if row is None or not row.issued:
            self.statusBar().showMessage(
                self.tr("Select one of your own issued alerts on the alert board first."), 8000
            )
            return None
        return self.compose_public_alert(PublicAlert.from_dict(row.body))

    def edit_suggestion(self, suggestion_id: str) -> None:
        """Open the suggestion editor on every order the suggestion proposes; emits
        `suggestion_edited` with what the commander made of it."""
        row = self.state.suggestions.get(suggestion_id)
        if row is None or not row.pending or not row.orders:
            return
        try:
            drafts = [OrderDraft.from_dict(o) for o in row.orders]
        except ValidationError as err:
            self.statusBar().showMessage(str(err), 15_000)
            return
        reason = i18n.playbook_reason(row.playbook, row.reason, row.zone)
        dialog = SuggestionEditor(
            suggestion_id,
            reason,
            drafts,
            stations=self.incident.stations if self.incident else (),
            zones=self.incident.zones if self.incident else (),
            make_composer=lambda prefill: self.composer(prefill, in_suggestion=True),
            run=self.exec_dialog,
            parent=self,
        )
        dialog.edited.connect(self.suggestion_edited)
        self.exec_dialog(dialog)

    # ---- keyboard
    def panels(self) -> list[QWidget]:
        """The main panels in F6 order: orders, stations, suggestions, decisions, plots, map."""
        return [
            self.orders_panel,
            self.stations_panel,
            self.suggestions_panel,
            self.decisions_panel,
            self.plots,
            self.map,
        ]

    def focus_panel(self, step: int) -> QWidget:
        """Move the keyboard focus to the next (+1) or previous (-1) visible main panel."""
        panels = self.panels()
        focus = QApplication.focusWidget()
        at = next(
            (
                i
                for i, p in enumerate(panels)
                if focus is not None and (focus is p or p.isAncestorOf(focus))
            ),
            -1 if step > 0 else 0,
        )
        for n in range(1, len(panels) + 1):
            panel = panels[(at + step * n) % len(panels)]
            dock = next((d for d in self.docks.values() if d.widget() is panel), None)
            if dock is not None and dock.isHidden():
                continue
            if dock is not None:
                dock.raise_()
            target = _focus_target(panel)
            target.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return panel
        return panels[0]

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help → Keyboard shortcuts: every binding, from the one table."""
        dialog = ShortcutsDialog(self)
        self.exec_dialog(dialog)
        return dialog

    # ---- attention
    def acknowledge(self, subject: str, key: str, note: str = "") -> None:
        """Emit `attention_acknowledged` (the controller journals it; the fold un-highlights)."""
        self.attention_acknowledged.emit(subject, key, note)

    def acknowledge_selected(self) -> None:
        """Ctrl+K: acknowledge the selected order row when it needs attention (its escalations
        with it), else the newest item on the banner."""
        rows = self.orders_panel.table.selectionModel().selectedRows()
        key = rows[0].data(KEY_ROLE) if rows else None
        row = None if key is None else self.state.orders.get(str(key))
        if row is not None and (
            row.needs_attention or any(not e.acknowledged for e in self._escalations_of(row))
        ):
            self.acknowledge("order", row.order_id)
            return
        if not self.banner.items() and self.integrity_banner.alarmed:
            self.integrity_banner.acknowledge_newest()
            return
        self.banner.acknowledge_newest()

    def _escalations_of(self, row: OrderView) -> list[EscalationView]:
        return [e for e in self.state.escalations.rows if e.order_id == row.order_id]

    def approve_suggestion(self, suggestion_id: str) -> None:
        """Approve a suggestion; one older than `STALE_SUGGESTION_S` asks again, naming its age."""
        row = self.state.suggestions.get(suggestion_id)
        if row is None or not row.pending:
            return
        age = row.age(self.clock())
        if age > STALE_SUGGESTION_S:
            question = self.tr(
                "This suggestion was made %1. The picture may have changed. Approve it?"
            ).replace("%1", ago(age))
            if not self.confirm(question):
                return
        self.suggestion_approved.emit(suggestion_id)

    def confirm(self, question: str) -> bool:
        """Ask a yes/no question (tests replace this to answer)."""
        answer = QMessageBox.question(self, self.tr("Approve a stale suggestion?"), question)
        return answer == QMessageBox.StandardButton.Yes

    def show_journal_failed(self, text: str) -> None:
        """The journal could not be written: a red banner with the line; issuing is disabled."""
        self.journal_failure = text
        self.journal_banner.show_failure(text)
        for action in (
            self.new_order_action,
            self.approve_action,
            self.acknowledge_action,
            self.answer_sitrep_action,
        ):
            action.setEnabled(False)
        for widget in (
            self.suggestions_panel.approve,
            self.suggestions_panel.edit,
            self.suggestions_panel.dismiss,
            self.decisions_panel.new,
            self.decisions_panel.correct,
            self.banner.ack,
            self.integrity_banner.ack,
        ):
            widget.setEnabled(False)
        self.suggestions_panel.setEnabled(False)
        self.decisions_panel.new.setEnabled(False)

    def exec_dialog(self, dialog: Any) -> bool:
        """Run a modal dialog (tests replace this to drive dialogs without blocking)."""
        return bool(dialog.exec())

    # ---- look and language
    def set_theme(self, name: str) -> None:
        """Switch theme at runtime."""
        switch_theme(name)
        self.view.checked(theme_name=name)
        for model in (self.orders_model, self.stations_model, self.decisions_model):
            model.tick()

    def set_language(self, code: str) -> None:
        """Switch language at runtime (widgets retranslate on LanguageChange)."""
        switch_language(code)
        self.view.checked(language=code)

    # ---- settings
    def settings(self) -> QSettings:
        """The QSettings this window uses (organisation/application injectable for tests)."""
        return QSettings(self.settings_org, self.settings_app)

    def save_layout(self) -> None:
        """Remember geometry, dock layout, theme and language."""
        s = self.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState(LAYOUT_VERSION))
        save_look(s)
        s.sync()

    def restore_layout(self) -> bool:
        """Restore what `save_layout` stored; False when nothing (or an old layout) was stored."""
        s = self.settings()
        geometry = s.value("window/geometry")
        state = s.value("window/state")
        ok = False
        if isinstance(geometry, QByteArray | bytes):
            ok = self.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes):
            ok = self.restoreState(QByteArray(state), LAYOUT_VERSION) and ok
            self._sized = self._sized or ok
        restore_look(s, self.set_theme, self.set_language)
        return ok

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout on close."""
        self.save_layout()
        super().closeEvent(event)


def _focus_target(panel: QWidget) -> QWidget:
    """The widget in `panel` that takes the keyboard focus (its first focusable child)."""
    if panel.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return panel
    for child in panel.findChildren(QWidget):
        if child.isVisibleTo(panel) and child.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return child
    panel.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return panel
