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

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from command.drafts import ComposedOrder
from command.fold import IncidentState, ZoneView
from command.model import Incident
from command.picture.samples import number
from command.vocabulary import EventLike
from ui import i18n, theme
from ui.console.composer import OrderComposer
from ui.console.mapview import ZoneMap, ZoneShape
from ui.console.panels import (
    DecisionsPanel,
    EscalationBanner,
    IncidentHeader,
    OrdersPanel,
    StationsPanel,
    SuggestionsPanel,
)
from ui.console.plots import LivePlots
from ui.console.qtmodels import (
    DecisionsTableModel,
    OrdersTableModel,
    StationsTableModel,
    SuggestionsTableModel,
)

SETTINGS_ORG = "Baton"
SETTINGS_APP = "console"
LAYOUT_VERSION = 1


class ConsoleWindow(QMainWindow):
    """The console main window: header, banner, map and five docks."""

    order_composed = Signal(object)  # ComposedOrder
    decision_written = Signal(object)  # DecisionDraft
    correction_written = Signal(object)  # CorrectionDraft
    suggestion_approved = Signal(str)
    suggestion_edited = Signal(str, object)  # suggestion id, ComposedOrder
    suggestion_dismissed = Signal(str, str)  # suggestion id, reason

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
        self.banner = EscalationBanner(self.state.escalations)
        self.map = ZoneMap()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.header)
        layout.addWidget(self.banner)
        layout.addWidget(self.map, 1)
        self.setCentralWidget(central)

        # docks
        self.stations_panel = StationsPanel(self.stations_model)
        self.orders_panel = OrdersPanel(self.orders_model)
        self.suggestions_panel = SuggestionsPanel(self.suggestions_model)
        self.decisions_panel = DecisionsPanel(self.decisions_model)
        self.plots = LivePlots(fps=plot_fps, columns=1)
        self.docks: dict[str, QDockWidget] = {}
        area = Qt.DockWidgetArea
        self._dock("stationsDock", self.stations_panel, area.LeftDockWidgetArea)
        self._dock("suggestionsDock", self.suggestions_panel, area.LeftDockWidgetArea)
        self._dock("plotsDock", self.plots, area.RightDockWidgetArea)
        self._dock("decisionsDock", self.decisions_panel, area.RightDockWidgetArea)
        self._dock("ordersDock", self.orders_panel, area.BottomDockWidgetArea)
        self.tabifyDockWidget(self.docks["plotsDock"], self.docks["decisionsDock"])
        self.docks["plotsDock"].raise_()
        self._sized = False

        # routing of panel signals
        self.decisions_panel.decision_written.connect(self.decision_written)
        self.decisions_panel.correction_written.connect(self.correction_written)
        self.suggestions_panel.approve_requested.connect(self.suggestion_approved)
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

    def default_dock_sizes(self) -> None:
        """Give the docks useful sizes (the first time the window is shown without a layout)."""
        w, h = self.width(), self.height()
        self.resizeDocks(
            [self.docks["stationsDock"], self.docks["plotsDock"]],
            [max(340, w // 4), max(420, w // 3)],
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
        self.new_order_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_order_action.triggered.connect(self.compose_order)
        self.new_decision_action = QAction(self)
        self.new_decision_action.setObjectName("newDecisionAction")
        self.new_decision_action.setShortcut(QKeySequence("Ctrl+D"))
        self.new_decision_action.triggered.connect(self.decisions_panel.new_entry)
        self.approve_action = QAction(self)
        self.approve_action.setObjectName("approveAction")
        self.approve_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.approve_action.triggered.connect(self.suggestions_panel.approve_selected)
        self.focus_actions: list[QAction] = []
        for n in range(1, 10):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{n}"))
            action.triggered.connect(lambda _=False, i=n - 1: self.map.focus_zone(i))
            self.addAction(action)
            self.focus_actions.append(action)
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        # on the window itself too, so shortcuts work with the menu bar hidden or native
        self.addActions([self.new_order_action, self.new_decision_action, self.approve_action])

        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for name in theme.THEMES:
            action = QAction(self, checkable=True)
            action.setChecked(name == theme.current().name)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            self.theme_group.addAction(action)
            self.theme_actions[name] = action
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, title in i18n.LANGUAGES.items():
            action = QAction(title, self, checkable=True)
            action.setChecked(code == i18n.current_language())
            action.triggered.connect(lambda _=False, c=code: self.set_language(c))
            self.language_group.addAction(action)
            self.language_actions[code] = action

        bar = self.menuBar()
        self.file_menu = QMenu(self)
        self.file_menu.addAction(self.quit_action)
        self.command_menu = QMenu(self)
        for a in (self.new_order_action, self.new_decision_action, self.approve_action):
            self.command_menu.addAction(a)
        self.view_menu = QMenu(self)
        self.theme_menu = self.view_menu.addMenu("")
        self.theme_menu.addActions(list(self.theme_actions.values()))
        self.language_menu = self.view_menu.addMenu("")
        self.language_menu.addActions(list(self.language_actions.values()))
        self.view_menu.addSeparator()
        for dock in self.docks.values():
            self.view_menu.addAction(dock.toggleViewAction())
        for menu in (self.file_menu, self.command_menu, self.view_menu):
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
        }
        for name, title in titles.items():
            self.docks[name].setWindowTitle(title)
        self.file_menu.setTitle(self.tr("&File"))
        self.command_menu.setTitle(self.tr("&Command"))
        self.view_menu.setTitle(self.tr("&View"))
        self.theme_menu.setTitle(self.tr("&Theme"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.theme_actions["light"].setText(self.tr("&Light"))
        self.theme_actions["dark"].setText(self.tr("&Dark"))
        self.new_order_action.setText(self.tr("New &order…"))
        self.new_decision_action.setText(self.tr("New &decision…"))
        self.approve_action.setText(self.tr("&Approve selected suggestion"))
        self.quit_action.setText(self.tr("&Quit"))
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
        if "escalations" in changed:
            self.banner.refresh()
        return changed

    def _show_zones(self) -> None:
        """Map colours and figures from the fold's zones ("no data" until a zone has some)."""
        for row in self.state.zones.rows:
            self.map.set_level(row.zone, row.level if row.has_data else None)
            self.map.set_figure(row.zone, self.figure(row))

    def figure(self, row: ZoneView) -> str:
        """A zone's key figure ("3.1 p/m²"): the indicator that set its level, else the first
        key metric it has, else its first indicator ("" with no values)."""
        if not row.values:
            return ""
        names = [row.indicator, *self.key_metrics, *sorted(row.values)]
        indicator = next(n for n in names if n in row.values)
        unit = next(
            (
                str(km.get("unit") or "")
                for km in self.state.info.key_metrics
                if km.get("metric") == indicator and km.get("zone") in (row.zone, None)
            ),
            "",
        )
        return f"{number(row.values[indicator])} {unit}".strip()

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
        """Once a second: ages, overdue colours, last-heard and the delegation's time left."""
        self.orders_model.tick()
        self.stations_model.tick()
        self.header.refresh()

    # ---- commands
    def composer(self, prefill: Mapping[str, Any] | None = None) -> OrderComposer:
        """A composer over the incident's stations and zones, limited by the delegation scope."""
        stations = self.incident.stations if self.incident else ()
        zones = self.incident.zones if self.incident else ()
        dialog = OrderComposer(
            stations,
            zones,
            allows=self.state.header.allows,
            allows_zone=self.state.header.allows_zone,
            parent=self,
        )
        if prefill:
            dialog.prefill(prefill)
        return dialog

    def compose_order(self) -> ComposedOrder | None:
        """Open the composer (Ctrl+N); emits `order_composed` with the draft when confirmed."""
        dialog = self.composer()
        dialog.composed.connect(self.order_composed)
        return dialog.draft() if self.exec_dialog(dialog) else None

    def edit_suggestion(self, suggestion_id: str) -> None:
        """Open the composer prefilled from a suggestion; emits `suggestion_edited`."""
        row = self.state.suggestions.get(suggestion_id)
        if row is None or not row.pending:
            return
        dialog = self.composer(row.orders[0] if row.orders else None)
        dialog.suggestion_id = suggestion_id
        dialog.composed.connect(lambda draft: self.suggestion_edited.emit(suggestion_id, draft))
        self.exec_dialog(dialog)

    def exec_dialog(self, dialog: Any) -> bool:
        """Run a modal dialog (tests replace this to drive dialogs without blocking)."""
        return bool(dialog.exec())

    # ---- look and language
    def set_theme(self, name: str) -> None:
        """Switch theme at runtime."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        theme.apply_theme(app, name)
        self.theme_actions[name].setChecked(True)
        for model in (self.orders_model, self.stations_model, self.decisions_model):
            model.tick()

    def set_language(self, code: str) -> None:
        """Switch language at runtime (widgets retranslate on LanguageChange)."""
        app = QApplication.instance()
        assert app is not None
        i18n.set_language(app, code)
        self.language_actions[code].setChecked(True)

    # ---- settings
    def settings(self) -> QSettings:
        """The QSettings this window uses (organisation/application injectable for tests)."""
        return QSettings(self.settings_org, self.settings_app)

    def save_layout(self) -> None:
        """Remember geometry, dock layout, theme and language."""
        s = self.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState(LAYOUT_VERSION))
        s.setValue("window/theme", theme.current().name)
        s.setValue("window/language", i18n.current_language())
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
        name = s.value("window/theme")
        if isinstance(name, str) and name in theme.THEMES and name != theme.current().name:
            self.set_theme(name)
        code = s.value("window/language")
        if isinstance(code, str) and code in i18n.LANGUAGES and code != i18n.current_language():
            self.set_language(code)
        return ok

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout on close."""
        self.save_layout()
        super().closeEvent(event)
