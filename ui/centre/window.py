"""The operations centre window: the incidents board above, the selected incident below.

Fed by `apply_events(batch)`: the centre journal's events folded into one `CentreBoard`
(`command.centre`), which every view reads: the board table through a thin adapter and a
sort/filter proxy, the detail pane (zone map, orders, decisions, timeline, SITREPs) from the
selected site's fold. Authority actions (issue, narrow, extend, revoke, hand over) and SITREP
requests open a dialog, then go to the engine as typed commands (`protocols.centre_commands`)
through `engine.call(command) -> Future`; the outcome is one status-bar line. Revoking asks for
confirmation. Theme, language and layout as in the console (View menu, QSettings).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QModelIndex,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from command.centre import BoardRow, CentreBoard, SiteFold
from command.fold import zone_reading
from command.fold.incident import IncidentInfo
from command.scenarios.loader import shipped_scenario
from command.vocabulary import EventLike
from protocols.centre_commands import (
    CentreSites,
    ExtendSiteGrant,
    HandOverSite,
    IssueSiteGrant,
    NarrowSiteGrant,
    RequestSitrep,
    RevokeSiteGrant,
)
from protocols.commands import Command
from ui import theme
from ui.centre.dialogs import (
    ExtendDialog,
    GrantDialog,
    HandoverDialog,
    IncidentChoices,
    RevokeDialog,
    SitrepDialog,
)
from ui.centre.qtmodels import (
    BoardFilterProxy,
    BoardTableModel,
    KeepColoursDelegate,
    TimelineTableModel,
    left_text,
    set_board_zone,
    sitrep_text,
    timeline_text,
)
from ui.console.clock import IncidentClock, clock_time, zone_of
from ui.console.mapview import ZoneMap, ZoneShape, grid_zones, read_zones
from ui.console.numbers import MetricFormat, journal_formats, metric_formats, set_metric_formats
from ui.console.panels import make_table
from ui.console.qtmodels import (
    KEY_ROLE,
    SORT_ROLE,
    DecisionsTableModel,
    OrdersTableModel,
    set_display_zone,
)
from ui.console.sitrep import summary_lines
from ui.labels import plain_label
from ui.viewmenu import ViewMenu, restore_look, save_look, switch_language, switch_theme

R = TypeVar("R")
SETTINGS_ORG = "Baton"
SETTINGS_APP = "centre"
LAYOUT_VERSION = 1
ZONES_DIR = Path(__file__).resolve().parent.parent.parent / "data" / "zones"


class CommandSink(Protocol):
    """What the window sends commands to: the engine (`protocols.engine.Engine.call`)."""

    def call(self, command: Command[R]) -> Future[R]:
        """Run `command` in the engine thread; the future holds its result or error."""
        ...


def command_name(command: Command[Any]) -> str:
    """`RequestSitrep(...)` → "request sitrep" (for the status bar)."""
    name = type(command).__name__
    return "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()


class CentreWindow(QMainWindow):
    """The centre's main window (see the module doc)."""

    command_done = Signal(object, object)  # the Command, its result (GUI thread)
    command_failed = Signal(str, str)  # command name, one-line message (GUI thread)
    _done_in = Signal(object, object, object)  # from the engine thread: command, result, error

    def __init__(
        self,
        engine: CommandSink | None = None,
        *,
        clock: Callable[[], float] | None = None,
        me: str = "",
        timezone: str = "UTC",
        settings_org: str = SETTINGS_ORG,
        settings_app: str = SETTINGS_APP,
        tick_ms: int = 1000,
    ) -> None:
        super().__init__()
        self.setObjectName("centreWindow")
        self.engine = engine
        self.clock = clock or time.time
        self.me = me
        self.settings_org, self.settings_app = settings_org, settings_app
        self.tz = zone_of(timezone)
        set_board_zone(self.tz)
        set_display_zone(self.tz)  # the orders and decisions tables' times too
        self.board = CentreBoard(me)
        self.board_model = BoardTableModel(self.board, self.clock)
        self.proxy = BoardFilterProxy(self.board_model)
        self.selected: str | None = None
        self.shapes: dict[str, list[ZoneShape]] = {}  # scenario name → outlines
        self.formats: dict[str, dict[tuple[str, str], MetricFormat]] = {}  # units, state words
        self.failures: list[str] = []
        self._done_in.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

        # header: centre, summary, clock
        self.header = QFrame()
        self.header.setObjectName("centreHeader")
        self.header.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = plain_label()
        self.title.setObjectName("centreTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.summary = plain_label()
        self.summary.setObjectName("centreSummary")
        self.centre_clock = IncidentClock(self.clock, self.tz)
        grid = QGridLayout(self.header)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.summary, 1, 0)
        grid.addWidget(self.centre_clock, 0, 1, 2, 1, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(0, 1)

        # the board
        self.filter = QLineEdit()
        self.filter.setObjectName("boardFilter")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = make_table(self.proxy, "boardTable", stretch=-1)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setItemDelegate(KeepColoursDelegate(self.table))
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        board_box = QWidget()
        board_layout = QVBoxLayout(board_box)
        board_layout.setContentsMargins(0, 0, 0, 0)
        board_layout.addWidget(self.filter)
        board_layout.addWidget(self.table, 1)

        # the detail pane
        self.detail_title = plain_label()
        self.detail_title.setObjectName("detailTitle")
        dfont = self.detail_title.font()
        dfont.setBold(True)
        self.detail_title.setFont(dfont)
        self.detail_authority = plain_label()
        self.detail_authority.setObjectName("detailAuthority")
        self.detail_authority.setWordWrap(True)
        self.map = ZoneMap()
        self.map.setMinimumWidth(320)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailTabs")
        self.orders_view = make_table(OrdersTableModel(_empty_site().state.orders), "siteOrders")
        self.decisions_view = make_table(
            DecisionsTableModel(_empty_site().state.decisions), "siteDecisions"
        )
        self.timeline_proxy = QSortFilterProxyModel(self)
        self.timeline_proxy.setSortRole(SORT_ROLE)
        self.timeline_proxy.setSourceModel(TimelineTableModel(_empty_site().timeline))
        self.timeline_view = make_table(self.timeline_proxy, "siteTimeline", stretch=3)
        self.timeline_view.setSortingEnabled(True)  # newest first
        self.sitreps_view = QPlainTextEdit()
        self.sitreps_view.setObjectName("siteSitreps")
        self.sitreps_view.setReadOnly(True)
        for view in (self.orders_view, self.decisions_view, self.timeline_view, self.sitreps_view):
            self.tabs.addTab(view, "")
        self._adapters: list[Any] = []
        self.buttons: dict[str, QPushButton] = {}
        actions_row = QHBoxLayout()
        for name in ("grant", "narrow", "extend", "revoke", "hand_over", "sitrep"):
            button = QPushButton()
            button.setObjectName(f"{name}Button")
            self.buttons[name] = button
            actions_row.addWidget(button)
        actions_row.addStretch(1)
        self.buttons["grant"].clicked.connect(self.issue_grant)
        self.buttons["narrow"].clicked.connect(self.narrow_grant)
        self.buttons["extend"].clicked.connect(self.extend_grant)
        self.buttons["revoke"].clicked.connect(self.revoke_grant)
        self.buttons["hand_over"].clicked.connect(self.hand_over)
        self.buttons["sitrep"].clicked.connect(self.request_sitrep)
        self.detail_split = detail_split = QSplitter(Qt.Orientation.Horizontal)
        detail_split.setObjectName("detailSplit")
        detail_split.addWidget(self.map)
        detail_split.addWidget(self.tabs)
        detail_split.setStretchFactor(0, 2)
        detail_split.setStretchFactor(1, 3)
        self._sized = False
        self._fitted = False  # board columns sized to their first rows (or restored)
        self.detail = QWidget()
        self.detail.setObjectName("detailPane")
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.setContentsMargins(0, 4, 0, 0)
        detail_layout.addWidget(self.detail_title)
        detail_layout.addWidget(self.detail_authority)
        detail_layout.addLayout(actions_row)
        detail_layout.addWidget(detail_split, 1)

        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setObjectName("centreSplit")
        self.split.addWidget(board_box)
        self.split.addWidget(self.detail)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 3)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.split, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(tick_ms)
        theme.notifier().theme_changed.connect(self._restyle)
        self.retranslate()
        self._show_detail()
        self.resize(1500, 940)

    # ---- structure
    def showEvent(self, event: QShowEvent) -> None:
        """Give the board, map and tabs useful sizes the first time (unless restored)."""
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            QTimer.singleShot(0, self.default_sizes)

    def default_sizes(self) -> None:
        """Board a third of the height; map and tabs share the detail pane's width."""
        h, w = max(1, self.split.height()), max(1, self.detail_split.width())
        self.split.setSizes([h * 2 // 5, h - h * 2 // 5])
        self.detail_split.setSizes([w * 9 // 20, w - w * 9 // 20])

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        keys = {
            "grant": "Ctrl+G",
            "narrow": "",
            "extend": "Ctrl+E",
            "revoke": "",
            "hand_over": "",
            "sitrep": "Ctrl+R",
        }
        slots = {
            "grant": self.issue_grant,
            "narrow": self.narrow_grant,
            "extend": self.extend_grant,
            "revoke": self.revoke_grant,
            "hand_over": self.hand_over,
            "sitrep": self.request_sitrep,
        }
        self.authority_menu = QMenu(self)
        for name, key in keys.items():
            action = QAction(self)
            action.setObjectName(f"{name}Action")
            if key:
                action.setShortcut(key)
            action.triggered.connect(slots[name])
            self.actions_by_name[name] = action
            self.authority_menu.addAction(action)
            if name == "hand_over":
                self.authority_menu.addSeparator()
        self.addActions(list(self.actions_by_name.values()))
        self.find_action = QAction(self)
        self.find_action.setShortcut("Ctrl+F")
        self.find_action.triggered.connect(lambda: self.filter.setFocus())
        self.quit_action = QAction(self)
        self.quit_action.setShortcut("Ctrl+Q")
        self.quit_action.triggered.connect(self.close)
        self.addActions([self.find_action, self.quit_action])
        self.file_menu = QMenu(self)
        self.file_menu.addAction(self.quit_action)
        self.view = ViewMenu(self, self.set_theme, self.set_language)
        self.view.menu.addSeparator()
        self.view.menu.addAction(self.find_action)
        bar = self.menuBar()
        for menu in (self.file_menu, self.authority_menu, self.view.menu):
            bar.addMenu(menu)

    def retranslate(self) -> None:
        """(Re)read every visible string of the window's own widgets."""
        self.setWindowTitle(self.tr("Baton — operations centre"))
        self.file_menu.setTitle(self.tr("&File"))
        self.authority_menu.setTitle(self.tr("&Authority"))
        self.quit_action.setText(self.tr("&Quit"))
        self.find_action.setText(self.tr("&Find incident"))
        self.view.retranslate()
        texts = {
            "grant": self.tr("&Issue grant…"),
            "narrow": self.tr("&Narrow…"),
            "extend": self.tr("&Extend…"),
            "revoke": self.tr("&Revoke…"),
            "hand_over": self.tr("&Hand over…"),
            "sitrep": self.tr("Request &SITREP…"),
        }
        for name, text in texts.items():
            self.actions_by_name[name].setText(text)
            self.buttons[name].setText(text)
        self.filter.setPlaceholderText(self.tr("Filter incidents (Ctrl+F)"))
        for i, title in enumerate(
            (self.tr("Orders"), self.tr("Decisions"), self.tr("Timeline"), self.tr("SITREPs"))
        ):
            self.tabs.setTabText(i, title)
        self._show_header()
        self._show_detail()

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            for model in [self.board_model, *self._adapters]:
                model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
                model.tick()
        super().changeEvent(event)

    # ---- feeding
    def apply_events(self, batch: Sequence[EventLike]) -> set[str]:
        """Fold a batch of centre-journal events into the board; the keys of changed rows."""
        changed = self.board.apply_all(batch)
        if not self._fitted and self.proxy.rowCount() > 0:
            self._fitted = True
            self.fit_columns()
        if self.selected is None and self.proxy.rowCount() > 0:
            self.table.selectRow(0)
        elif self.selected in changed:
            self._show_detail()
        self._show_header()
        return changed

    def add_sites(self, names: Iterable[str]) -> None:
        """Rows for the centre's allow-listed sites, before any of their events arrive."""
        for name in names:
            self.board.add_site(name)
        self._show_header()

    def set_zone_shapes(self, scenario: str, shapes: Iterable[ZoneShape]) -> None:
        """Zone outlines for incidents of `scenario` (else read from data/zones, else a grid)."""
        self.shapes[scenario] = list(shapes)
        self._show_detail(reload_map=True)

    def tick(self) -> None:
        """Once a second: countdowns, ages, SITREP due times."""
        self.board_model.tick()
        self.centre_clock.refresh()
        self._show_header()
        self._show_authority()

    # ---- selection and detail
    def row(self, key: str | None = None) -> BoardRow | None:
        """The board row of `key` (default: the selected incident)."""
        key = self.selected if key is None else key
        return None if key is None else self.board.get(key)

    def site(self) -> SiteFold | None:
        """The selected incident's fold."""
        return None if self.selected is None else self.board.site(self.selected)

    def select(self, key: str) -> bool:
        """Select the incident `key` on the board (False when it has no visible row)."""
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(KEY_ROLE) == key:
                self.table.selectRow(r)
                return True
        return False

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, current: QModelIndex, _: QModelIndex) -> None:
        key = current.data(KEY_ROLE) if current.isValid() else None
        if key is None or str(key) == self.selected:
            return
        self.selected = str(key)
        fold = self.board.site(self.selected)
        for adapter in self._adapters:
            adapter.source.listener = None  # the previous incident's models stop notifying
        self._adapters = []
        if fold is not None:
            orders = OrdersTableModel(fold.state.orders, self.clock)
            decisions = DecisionsTableModel(fold.state.decisions, self.clock)
            timeline = TimelineTableModel(fold.timeline, self.clock)
            self.orders_view.setModel(orders)
            self.decisions_view.setModel(decisions)
            self.timeline_proxy.setSourceModel(timeline)
            self.timeline_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
            self._adapters = [orders, decisions, timeline]
        self._show_detail(reload_map=True)

    def _shapes_for(self, fold: SiteFold) -> list[ZoneShape]:
        info = fold.state.info
        scenario = info.scenario
        shapes = self.shapes.get(scenario)
        if shapes is None and scenario and (ZONES_DIR / f"{scenario}.geojson").is_file():
            shapes = self.shapes[scenario] = read_zones(ZONES_DIR / f"{scenario}.geojson")
        names = dict(info.zones) or {z.zone: z.name for z in fold.state.zones.rows}
        if shapes:
            return [ZoneShape(s.zone, names.get(s.zone, s.name), s.rings) for s in shapes]
        return grid_zones(list(names.items()))

    def _formats_for(self, info: IncidentInfo) -> dict[tuple[str, str], MetricFormat]:
        """The site's units and state words from its journal's `incident.opened`, what that
        does not say from its scenario when that is shipped here."""
        base = self.formats.get(info.scenario)
        if base is None:
            shipped = shipped_scenario(info.scenario)
            base = self.formats[info.scenario] = metric_formats(shipped) if shipped else {}
        return journal_formats(info.feeds, base)

    def _show_detail(self, *, reload_map: bool = False) -> None:
        fold = self.site()
        row = self.row()
        has = fold is not None and row is not None
        self.detail.setEnabled(has)
        if fold is None or row is None:
            self.detail_title.setText(self.tr("Select an incident on the board"))
            self.detail_authority.setText("")
            self.sitreps_view.setPlainText("")
            self._enable_actions(None)
            return
        self.detail_title.setText(
            f"{row.key} — {row.title}" if row.title and row.title != row.key else row.key
        )
        if reload_map or not self.map.zones():
            self.map.load(self._shapes_for(fold))
            # the selected site's units and state words ("open to riders", never "1"), as its
            # console reads them
            set_metric_formats(self._formats_for(fold.state.info))
        # the site's zones read as its own console draws them (no data, not rated, stale,
        # units), from the key metrics and feeds its journal opened with
        info = fold.state.info
        for z in fold.state.zones.rows:
            self.map.show_reading(z.zone, zone_reading(z, info.key_metrics, feeds=info.feeds))
        self.sitreps_view.setPlainText(self._sitreps_text(row))
        self._show_authority()
        self._enable_actions(row)

    def _show_authority(self) -> None:
        row = self.row()
        if row is None:
            return
        now = self.clock()
        if row.commander:
            text = (
                self.tr("Commander %1 · grant %2 · scope %3 · authority left %4")
                .replace("%1", f"{row.commander} ({row.key_id})" if row.key_id else row.commander)
                .replace("%2", row.grant_id or "—")
                .replace("%3", self._scope_line(row) or "—")
                .replace("%4", left_text(row, now))
            )
        else:
            text = self.tr("No grant known for this incident yet")
        if row.alarm:
            why = timeline_text(row.alarm_template, row.alarm_args)
            text += "\n" + self.tr("INTEGRITY ALARM: %1").replace("%1", why)
        self.detail_authority.setText(text)
        th = theme.current()
        self.detail_authority.setStyleSheet(
            f"color: {th.banner_text}; background: {th.banner_bg}; padding: 4px;"
            if row.alarm
            else ""
        )

    def _scope_line(self, row: BoardRow) -> str:
        """The scope in the current language: "stations a, b; kinds x; zones z1"."""
        labels = {
            "stations": self.tr("stations %1"),
            "order_kinds": self.tr("kinds %1"),
            "zones": self.tr("zones %1"),
        }
        parts = []
        for key, label in labels.items():
            values = row.scope.get(key)
            if isinstance(values, list | tuple) and values:
                parts.append(label.replace("%1", ", ".join(map(str, values))))
        return "; ".join(parts)

    def _sitreps_text(self, row: BoardRow) -> str:
        now = self.clock()
        if not row.sitreps:
            return self.tr("No SITREP requested yet.")
        lines: list[str] = []
        for s in sorted(row.sitreps, key=lambda s: s.asked_at, reverse=True):
            state = sitrep_text(BoardRow(row.key, row.path, sitreps=(s,)), now)
            lines.append(
                self.tr("%1 · asked %2 by %3 · due %4 · %5")
                .replace("%1", s.sitrep_id)
                .replace("%2", clock_time(s.asked_at, self.tz))
                .replace("%3", s.asked_by or "—")
                .replace("%4", clock_time(s.due_ts, self.tz))
                .replace("%5", state)
            )
            if s.note:
                lines.append("    " + self.tr("Asked: %1").replace("%1", s.note))
            if s.answered:
                lines.append(
                    "    "
                    + self.tr("Answer by %1: %2")
                    .replace("%1", s.by or "—")
                    .replace("%2", s.remarks or "—")
                )
                lines.extend("      " + line for line in summary_lines(s.summary))
        return "\n".join(lines)

    def _enable_actions(self, row: BoardRow | None) -> None:
        has_row = row is not None
        has_grant = row is not None and bool(row.grant_id) and not row.revoked
        enabled = {
            "grant": has_row,
            "narrow": has_grant,
            "extend": has_grant,
            "revoke": has_grant,
            "hand_over": has_grant,
            "sitrep": has_row and row is not None and len(row.path) == 1,
        }
        for name, on in enabled.items():
            self.actions_by_name[name].setEnabled(on)
            self.buttons[name].setEnabled(on)

    def _show_header(self) -> None:
        rows = self.board.incidents()
        now = self.clock()
        alarms = sum(1 for r in rows if r.alarm)
        overdue = sum(len(r.overdue_sitreps(now)) for r in rows)
        self.title.setText(
            self.tr("Operations centre %1").replace("%1", self.me)
            if self.me
            else self.tr("Operations centre")
        )
        self.summary.setText(
            self.tr("%1 incidents · %2 integrity alarms · %3 SITREPs overdue")
            .replace("%1", str(len(rows)))
            .replace("%2", str(alarms))
            .replace("%3", str(overdue))
        )
        th = theme.current()
        colour = th.risk[4] if alarms or overdue else th.text
        self.summary.setStyleSheet(f"color: {colour}; font-weight: bold;")

    def _restyle(self, *_: object) -> None:
        self.board_model.tick()
        self._show_header()
        self._show_authority()

    # ---- authority and SITREPs
    def _choices(self) -> IncidentChoices:
        fold, row = self.site(), self.row()
        if fold is None:
            return IncidentChoices(timezone=str(getattr(self.tz, "key", "UTC")))
        return IncidentChoices.of(fold.state, row.scope if row is not None else None)

    def issue_grant(self) -> IssueSiteGrant | None:
        """Authority → Issue grant (Ctrl+G) for the selected incident."""
        row = self.row()
        if row is None:
            return None
        dialog = GrantDialog(
            row.site, self._choices(), now=self.clock(), parent=self, scope=row.scope or None
        )
        if not self.exec_dialog(dialog):
            return None
        command = dialog.command()
        assert isinstance(command, IssueSiteGrant)
        self.send(command)
        return command

    def narrow_grant(self) -> NarrowSiteGrant | None:
        """Authority → Narrow: a subset of the current scope, no later end."""
        row = self.row()
        if row is None or not row.grant_id:
            return None
        dialog = GrantDialog(
            row.site,
            self._choices(),
            now=self.clock(),
            parent=self,
            narrowing=row.grant_id,
            scope=row.scope,
            valid_until=row.valid_until,
        )
        if not self.exec_dialog(dialog):
            return None
        command = dialog.command()
        assert isinstance(command, NarrowSiteGrant)
        self.send(command)
        return command

    def extend_grant(self) -> ExtendSiteGrant | None:
        """Authority → Extend (Ctrl+E): a later end."""
        row = self.row()
        if row is None or not row.grant_id:
            return None
        dialog = ExtendDialog(
            row.site,
            row.grant_id,
            row.valid_until or self.clock(),
            self._choices().timezone,
            self,
        )
        if not self.exec_dialog(dialog):
            return None
        command = dialog.command()
        self.send(command)
        return command

    def revoke_grant(self) -> RevokeSiteGrant | None:
        """Authority → Revoke: a reason, then a confirmation."""
        row = self.row()
        if row is None or not row.grant_id:
            return None
        dialog = RevokeDialog(row.site, row.grant_id, row.commander, self)
        if not self.exec_dialog(dialog):
            return None
        question = (
            self.tr(
                "Revoke %1's authority over %2 now? Its stations will refuse every later order."
            )
            .replace("%1", row.commander or "?")
            .replace("%2", row.key)
        )
        if not self.confirm(self.tr("Revoke the grant?"), question):
            return None
        command = dialog.command()
        self.send(command)
        return command

    def hand_over(self) -> HandOverSite | None:
        """Authority → Hand over: the successor takes command, open orders carry on."""
        row = self.row()
        if row is None or not row.grant_id:
            return None
        dialog = HandoverDialog(row.site, row.grant_id, row.commander, self)
        if not self.exec_dialog(dialog):
            return None
        command = dialog.command()
        self.send(command)
        return command

    def request_sitrep(self) -> RequestSitrep | None:
        """Authority → Request SITREP (Ctrl+R): due in N minutes, with a note."""
        row = self.row()
        if row is None or len(row.path) != 1:
            return None
        dialog = SitrepDialog(row.site, self.clock(), self)
        if not self.exec_dialog(dialog):
            return None
        command = dialog.command()
        self.send(command)
        return command

    # ---- engine
    def send(self, command: Command[R]) -> Future[R] | None:
        """Send `command` to the engine; its outcome becomes a status-bar line."""
        if self.engine is None:
            self._fail(command_name(command), self.tr("no engine: the window is read-only"))
            return None
        future = self.engine.call(command)

        def done(f: Future[R]) -> None:
            err = f.exception()
            self._done_in.emit(command, None if err else f.result(), err)

        future.add_done_callback(done)
        return future

    def load_sites(self) -> Future[tuple[str, ...]] | None:
        """Ask the engine for the allow-listed sites (rows appear when it answers)."""
        return self.send(CentreSites())

    @Slot(object, object, object)
    def _on_done(self, command: Command[Any], result: object, err: BaseException | None) -> None:
        name = command_name(command)
        if err is not None:
            self._fail(name, str(err) or type(err).__name__)
            return
        if isinstance(command, CentreSites) and isinstance(result, tuple | list):
            self.add_sites(str(s) for s in result)
        else:
            self.statusBar().showMessage(
                self.tr("Done: %1 %2").replace("%1", name).replace("%2", str(result or "")),
                10_000,
            )
        self.command_done.emit(command, result)

    def _fail(self, name: str, text: str) -> None:
        line = " ".join(text.split())
        self.failures.append(f"{name}: {line}")
        self.statusBar().showMessage(
            self.tr("Could not %1: %2").replace("%1", name).replace("%2", line), 15_000
        )
        self.command_failed.emit(name, line)

    # ---- seams for tests
    def exec_dialog(self, dialog: Any) -> bool:
        """Run a modal dialog (tests replace this to drive dialogs without blocking)."""
        return bool(dialog.exec())

    def confirm(self, title: str, question: str) -> bool:
        """Ask a yes/no question (tests replace this to answer)."""
        answer = QMessageBox.question(self, title, question)
        return answer == QMessageBox.StandardButton.Yes

    # ---- look, language, layout
    def set_theme(self, name: str) -> None:
        """Switch theme at runtime."""
        switch_theme(name)
        self.view.checked(theme_name=name)

    def set_language(self, code: str) -> None:
        """Switch language at runtime (widgets retranslate on LanguageChange)."""
        switch_language(code)
        self.view.checked(language=code)

    def settings(self) -> QSettings:
        """The QSettings this window uses (organisation/application injectable for tests)."""
        return QSettings(self.settings_org, self.settings_app)

    def save_layout(self) -> None:
        """Remember geometry, splitters, theme and language."""
        s = self.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/split", self.split.saveState())
        s.setValue("window/detail", self.detail_split.saveState())
        s.setValue("window/board", self.table.horizontalHeader().saveState())
        save_look(s)
        s.sync()

    def restore_layout(self) -> bool:
        """Restore what `save_layout` stored; False when nothing was stored."""
        s = self.settings()
        ok = False
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            ok = self.restoreGeometry(QByteArray(geometry))
        for key, widget in (("window/split", self.split), ("window/detail", self.detail_split)):
            value = s.value(key)
            if isinstance(value, QByteArray | bytes):
                self._sized = widget.restoreState(QByteArray(value)) or self._sized
        board = s.value("window/board")
        if isinstance(board, QByteArray | bytes):
            self._fitted = self.table.horizontalHeader().restoreState(QByteArray(board))
        restore_look(s, self.set_theme, self.set_language)
        return ok

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the layout on close."""
        self.save_layout()
        self.timer.stop()
        super().closeEvent(event)

    def fit_columns(self) -> None:
        """Size the board's columns to their contents (first show, screenshots)."""
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for col in range(self.board_model.columnCount()):
            header.resizeSection(col, min(header.sectionSize(col), 250))


def _empty_site() -> SiteFold:
    """An empty fold for the detail tables before an incident is selected."""
    return SiteFold(("",))
