"""The console's panels: incident header, escalation banner, stations, orders, suggestions, log.

Panels show the Qt table models and emit signals carrying ids or drafts; they never talk to the
engine themselves (the window routes the signals).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from command.fold import DelegationModel, EscalationsModel, OrdersModel
from command.fold.sitreps import SitrepAsk, SitrepsModel
from command.lifecycle import OrderState
from protocols.centre_commands import UplinkState
from ui import theme
from ui.console.dialogs import DecisionDialog, ReasonDialog
from ui.console.numbers import unbroken
from ui.console.qtmodels import (
    KEY_ROLE,
    SORT_ROLE,
    AlertsTableModel,
    DecisionsTableModel,
    OrdersFilterProxy,
    OrdersTableModel,
    StationsTableModel,
    SuggestionsTableModel,
    duration,
    state_text,
)
from ui.i18n import local_name
from ui.labels import plain_label, plain_tip


def make_table(
    model: QAbstractItemModel, name: str, *, stretch: int | tuple[int, ...] = -1
) -> QTableView:
    """A read-only, row-selecting, sortable table view over `model` (or a proxy)."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setHighlightSections(False)
    stretched = (stretch,) if isinstance(stretch, int) else stretch
    if stretched and stretched[0] >= 0:
        header.setStretchLastSection(False)
        for column in stretched:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return view


class EdgeElidingDelegate(QStyledItemDelegate):
    """Draws a cell that runs past the right edge of its view elided at that edge ('…'): the
    suggestions' Reason keeps its width (the other columns stay a scroll away) but no longer
    reads cut off mid-word at the dock edge; the whole text is in the cell's tooltip."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self._view = view

    def visible(self, rect: QRect) -> QRect:
        """The part of a cell's `rect` (viewport coordinates) inside the viewport's width."""
        room = self._view.viewport().width() - rect.left()
        if 0 < room < rect.width():
            return QRect(rect.left(), rect.top(), room, rect.height())
        return rect

    def shown(self, index: QModelIndex) -> str:
        """The text of the cell at `index` as drawn (elided to the visible part)."""
        option = QStyleOptionViewItem()
        option.initFrom(self._view)
        option.rect = self.visible(self._view.visualRect(index))
        self.initStyleOption(option, index)
        margin = self._view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
        return option.fontMetrics.elidedText(
            option.text, Qt.TextElideMode.ElideRight, option.rect.width() - 2 * margin
        )

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Paint the cell within the viewport, so the style elides its text at the edge."""
        clipped = QStyleOptionViewItem(option)
        clipped.rect = self.visible(option.rect)
        super().paint(painter, clipped, index)


def columns_cut(view: QTableView, columns: Iterable[int]) -> bool:
    """Whether any of `columns` is narrower than its widest text (so a cell is elided)."""
    return any(view.sizeHintForColumn(c) > view.columnWidth(c) for c in columns)


def selected_key(view: QTableView) -> str | None:
    """The key (id) of the selected row of `view`, or None."""
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    if not rows:
        return None
    key = rows[0].data(KEY_ROLE)
    return None if key is None else str(key)


def _utc_hhmm(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%H:%M")


class FittedLabel(QLabel):
    """A one-line label that shows `fit(metrics, width)` of its text when the whole text does
    not fit (default: elided at the right); `text()` stays the whole line."""

    def __init__(self, min_px: int = 0) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)  # the issuer's name, as the grant gives it
        self.fit: Callable[[QFontMetrics, int], str] | None = None
        self.min_px = min_px  # the layout may squeeze the label to this width, not further

    def shown_text(self) -> str:
        """The text as drawn at the label's current width."""
        width = self.contentsRect().width()
        metrics = self.fontMetrics()
        if metrics.horizontalAdvance(self.text()) <= width:
            return self.text()
        if self.fit is not None:
            return self.fit(metrics, width)
        return metrics.elidedText(self.text(), Qt.TextElideMode.ElideRight, width)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw `shown_text()` in the label's colours and alignment."""
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            self.shown_text(),
            self.foregroundRole(),
        )

    def minimumSizeHint(self) -> QSize:
        """One line, its whole text or `min_px` wide, whichever is narrower."""
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.min_px), hint.height())


def fit_delegation(
    template: str, issuer: str, scope: str, left: str
) -> Callable[[QFontMetrics, int], str]:
    """How the delegation line fits a narrow header: the scope's counts give way first (to
    "…", the whole scope is in the tooltip), then the issuer's name is elided, then the line at
    the left, so the time left (at the end, in every language) always shows."""

    def fill(name: str, counts: str = "…") -> str:
        return template.replace("%1", name).replace("%2", counts).replace("%3", left)

    def fit(metrics: QFontMetrics, width: int) -> str:
        if metrics.horizontalAdvance(fill(issuer)) <= width:
            return fill(issuer)
        room = width - metrics.horizontalAdvance(fill(""))
        if room >= metrics.horizontalAdvance(issuer[:4] + "…"):
            return fill(metrics.elidedText(issuer, Qt.TextElideMode.ElideRight, room))
        return metrics.elidedText(fill(issuer, scope), Qt.TextElideMode.ElideLeft, width)

    return fit


class IncidentHeader(QFrame):
    """Incident name, delegation (issuer, scope, time left), link state and outbox size; with a
    centre, the uplink ("Centre: connected · shipped #N of #M", red when offline) and the oldest
    unanswered SITREP request ("SITREP requested by X, due HH:MM", amber once overdue).

    Reads the fold's `DelegationModel` and `SitrepsModel`; the engine's live status (stations
    online, outbox size, the uplink's `UplinkState`) and the issuer's display name are shown over
    it (`set_live`, `set_uplink`, `names`), never folded in.
    """

    TITLE_MIN_PX = 300  # the incident's name at its narrowest ("Typhoon - ferry suspension…")

    def __init__(self, model: DelegationModel, clock: Callable[[], float]) -> None:
        super().__init__()
        self.setObjectName("incidentHeader")
        self.model = model
        self.clock = clock
        self.names: dict[str, str] = {}  # signer id → display name
        self.live_link: bool | None = None
        self.live_outbox: int | None = None
        self.waiting: Callable[[], int] | None = None  # orders waiting for a station's answer
        self.sitreps: SitrepsModel | None = None  # the fold's SITREP requests (window sets it)
        self.time_of: Callable[[float], str] = _utc_hhmm  # a due time as HH:MM
        self.uplink: UplinkState | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # a long incident name is elided (whole in its tooltip) before the map and the stations
        # dock give way to it
        self.incident = FittedLabel(self.TITLE_MIN_PX)
        self.incident.setObjectName("headerIncident")
        font = self.incident.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.incident.setFont(font)
        # one line, whatever the width: the issuer gives way before the time left does
        self.delegation = FittedLabel()
        self.delegation.setObjectName("headerDelegation")
        self.delegation.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.link = plain_label()
        self.link.setObjectName("headerLink")
        self.centre = plain_label()
        self.centre.setObjectName("headerCentre")
        self.sitrep = plain_label()
        self.sitrep.setObjectName("headerSitrep")
        layout = QGridLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setVerticalSpacing(2)
        layout.addWidget(self.incident, 0, 0)
        layout.addWidget(self.link, 0, 1, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.delegation, 1, 0, 1, 2)
        layout.addWidget(self.sitrep, 2, 0)
        layout.addWidget(self.centre, 2, 1, Qt.AlignmentFlag.AlignRight)
        layout.setColumnStretch(0, 1)
        theme.notifier().theme_changed.connect(self.refresh)
        self.refresh()

    def _scope_summary(self) -> str:
        """Counts per axis of the delegation scope ("all" for an axis given as "*")."""
        scope = self.model.scope

        def count(*keys: str) -> str:
            for key in keys:
                values = scope.get(key)
                if values:
                    return self.tr("all") if "*" in values else str(len(values))
            return self.tr("all")

        if not scope:
            return ""
        return (
            self.tr("%1 stations · %2 order kinds · %3 zones")
            .replace("%1", count("stations"))
            .replace("%2", count("order_kinds", "kinds"))
            .replace("%3", count("zones"))
        )

    def set_live(self, link_up: bool | None, outbox: int | None) -> None:
        """The engine's live link state and outbox size (None: read the journal's)."""
        self.live_link, self.live_outbox = link_up, outbox
        self.refresh()

    def set_uplink(self, state: UplinkState | None) -> None:
        """The engine's uplink state (None: this console has no centre)."""
        self.uplink = state
        self.refresh()

    def open_sitrep(self) -> SitrepAsk | None:
        """The oldest SITREP request not answered yet (None without one)."""
        asks = self.sitreps.open() if self.sitreps is not None else []
        return asks[0] if asks else None

    def _refresh_centre(self) -> None:
        th = theme.current()
        up = self.uplink
        self.centre.setVisible(up is not None and bool(up.centre))
        if up is not None and up.centre:
            if up.connected:
                text = (
                    self.tr("Centre: connected · shipped #%1 of #%2")
                    .replace("%1", str(up.shipped_through))
                    .replace("%2", str(up.head))
                )
                colour = th.risk[0]
            else:
                waiting = max(0, up.head - up.shipped_through)
                text = self.tr("Centre: offline · %1 events waiting").replace("%1", str(waiting))
                colour = th.risk[4]
            self.centre.setText(text)
            self.centre.setToolTip(plain_tip(up.centre))
            self.centre.setStyleSheet(f"color: {colour}; font-weight: bold;")
        ask = self.open_sitrep()
        self.sitrep.setVisible(ask is not None)
        if ask is not None:
            text = (
                self.tr("SITREP requested by %1, due %2")
                .replace("%1", ask.asked_by or "?")
                .replace("%2", self.time_of(ask.due_ts))
            )
            overdue = ask.overdue(self.clock())
            if overdue:
                text += " — " + self.tr("OVERDUE")
            self.sitrep.setText(text)
            self.sitrep.setToolTip(plain_tip(ask.note))
            self.sitrep.setProperty("overdue", overdue)
            weight = "font-weight: bold;"
            self.sitrep.setStyleSheet(f"color: {th.risk[3]}; {weight}" if overdue else weight)

    def refresh(self, *_: object) -> None:
        """Re-read the header model (also on every tick: time left changes)."""
        m = self.model
        issuer = local_name(f"signer:{m.issuer}", self.names.get(m.issuer, m.issuer))
        name = m.incident_name or m.incident
        self.incident.setText(local_name("incident", name) if name else self.tr("No incident"))
        self.incident.setToolTip(plain_tip(self.incident.text()))
        self.delegation.fit = None
        if m.revoked:
            deleg = self.tr("Delegation REVOKED by %1").replace("%1", issuer or "?")
        elif m.issuer:
            left = m.time_left(self.clock())
            template = self.tr("Delegated by %1 · scope %2 · %3 left")
            scope = self._scope_summary() or self.tr("all")
            # time left is never split ("1小时26|分") nor elided
            left_text = unbroken(duration(left)) if left is not None else "∞"
            deleg = template.replace("%1", issuer).replace("%2", scope).replace("%3", left_text)
            self.delegation.fit = fit_delegation(template, issuer, scope, left_text)
        else:
            deleg = self.tr("No delegation received")
        self.delegation.setText(deleg)
        # The header stays one short line; the full scope is one hover away.
        plain = deleg.replace("\u2060", "")
        self.delegation.setToolTip(plain_tip(f"{plain}\n{m.scope_text()}" if m.issuer else plain))
        th = theme.current()
        link_up = m.link_up if self.live_link is None else self.live_link
        outbox = m.outbox if self.live_outbox is None else self.live_outbox
        if link_up is None:
            link = self.tr("Link: —")
            colour = th.muted
        elif link_up:
            link = self.tr("Link: online")
            waiting = self.waiting() if self.waiting is not None else 0
            if waiting:
                link += " · " + self.tr("%1 waiting").replace("%1", str(waiting))
            colour = th.risk[0]
        else:
            link = self.tr("Link: OFFLINE")
            colour = th.risk[4]
        self.link.setText(f"{link}  ·  " + self.tr("Outbox: %1").replace("%1", str(outbox)))
        self.link.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self._refresh_centre()

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        super().changeEvent(event)


class EscalationBanner(QFrame):
    """A red banner, visible until the commander acknowledges every escalation (open or
    resolved) and every station's refusal: their count and the newest one, with an
    Acknowledge button (`acknowledge_requested(subject, id)` for the newest)."""

    acknowledge_requested = Signal(str, str)  # "escalation" | "order", its id

    def __init__(self, model: EscalationsModel, orders: OrdersModel | None = None) -> None:
        super().__init__()
        self.setObjectName("escalationBanner")
        self.model = model
        self.orders = orders
        self.label = plain_label()
        self.label.setObjectName("escalationText")
        self.label.setWordWrap(True)
        self.ack = QPushButton()
        self.ack.setObjectName("acknowledgeEscalation")
        self.ack.clicked.connect(self.acknowledge_newest)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.ack)
        theme.notifier().theme_changed.connect(self.refresh)
        self.refresh()

    def items(self) -> list[tuple[float, str, str, str]]:
        """What awaits acknowledgement, oldest first: (time, subject, id, line)."""
        items = [
            (e.raised_at, "escalation", e.id, f"{e.station}: {e.message}")
            for e in self.model.unacknowledged()
        ]
        if self.orders is not None:
            refused = self.tr("refused by station: %1")
            items += [
                (
                    o.updated_at,
                    "order",
                    o.order_id,
                    f"{o.station}: " + refused.replace("%1", o.refusal_reason or "?"),
                )
                for o in self.orders.needing_attention()
                if o.refused
            ]
        return sorted(items, key=lambda i: i[0])

    def acknowledge_newest(self) -> None:
        """Ask to acknowledge the newest item shown."""
        items = self.items()
        if items:
            _, subject, key, _ = items[-1]
            self.acknowledge_requested.emit(subject, key)

    def refresh(self, *_: object) -> None:
        """Show or hide from the models."""
        items = self.items()
        self.setVisible(bool(items))
        th = theme.current()
        self.setStyleSheet(
            f"#escalationBanner {{ background: {th.banner_bg}; }}"
            f"#escalationText {{ color: {th.banner_text}; font-weight: bold; }}"
        )
        self.ack.setText(self.tr("Acknowledge (Ctrl+K)"))
        if items:
            self.label.setText(
                self.tr("%n item(s) to acknowledge", "", len(items)) + f" — {items[-1][3]}"
            )

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        super().changeEvent(event)


class JournalFailedBanner(QFrame):
    """A red banner, shown once the console's journal could not be written: the engine's line
    (the file, the cause, the fix). Nothing can be issued after it."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("journalFailedBanner")
        self.label = plain_label()
        self.label.setObjectName("journalFailedText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(self.label)
        self.text = ""
        theme.notifier().theme_changed.connect(self.refresh)
        self.refresh()

    def show_failure(self, text: str) -> None:
        """Show the journal failure line."""
        self.text = " ".join(text.split())
        self.refresh()

    def refresh(self, *_: object) -> None:
        """Show the line (hidden until there is one)."""
        th = theme.current()
        self.setStyleSheet(
            f"#journalFailedBanner {{ background: {th.banner_bg}; }}"
            f"#journalFailedText {{ color: {th.banner_text}; font-weight: bold; }}"
        )
        self.setVisible(bool(self.text))
        if self.text:
            self.label.setText(
                self.tr("JOURNAL FAILED — nothing more can be issued: %1").replace("%1", self.text)
            )

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        super().changeEvent(event)


class AlertsPanel(QWidget):
    """The alert board: received CAP alerts and signals and issued alerts, newest first."""

    def __init__(self, model: AlertsTableModel) -> None:
        super().__init__()
        self.model = model
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setDynamicSortFilter(True)
        self.table = make_table(self.proxy, "alertsTable", stretch=3)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def sizeHint(self) -> QSize:
        """Room for headline, severity and area."""
        return QSize(600, 220)

    def ids(self) -> list[str]:
        """The alert ids in the order shown (newest first)."""
        return [str(self.proxy.index(i, 0).data(KEY_ROLE)) for i in range(self.proxy.rowCount())]


class StationsPanel(QWidget):
    """The stations list."""

    def __init__(self, model: StationsTableModel) -> None:
        super().__init__()
        self.model = model
        self.table = make_table(model, "stationsTable", stretch=-1)
        # names elided in the middle ("Huangpu…police"), the full name in the tooltip; the
        # other columns as wide as their contents, the name column sized to its names
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.horizontalHeader().setStretchLastSection(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        self.set_model(model)

    def set_model(self, model: StationsTableModel) -> None:
        """Show `model` (the replay window points the panel at its own fold's stations)."""
        self.model = model
        self.table.setModel(model)
        for signal in (model.rowsInserted, model.modelReset, model.layoutChanged):
            signal.connect(self.fit_columns)
        model.dataChanged.connect(self._grown)
        self.fit_columns()

    NAME_MAX_PX = 280  # a longer name is elided in the middle
    NAME_MIN_PX = 72  # in a narrow dock the name gives way (elided, full in its tooltip)
    # link state, last heard, open and late orders, needing attention: never cut off or
    # scrolled out of view
    KEEP_VISIBLE = (1, 2, 3, 4, 5)

    def fit_columns(self, *_: object) -> None:
        """Size every column to its contents; the station names up to `NAME_MAX_PX`, and in a
        narrow dock only as wide as leaves link, last heard, open and late whole and in view
        (at least `NAME_MIN_PX`; the panel is never narrower than that needs)."""
        table = self.table
        table.resizeColumnsToContents()
        keep = sum(table.columnWidth(c) for c in self.KEEP_VISIBLE)
        room = table.viewport().width() - keep
        cap = max(self.NAME_MIN_PX, min(self.NAME_MAX_PX, room))
        if table.columnWidth(0) > cap:
            table.setColumnWidth(0, cap)
        scroll = table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self.setMinimumWidth(self.NAME_MIN_PX + keep + 2 * table.frameWidth() + scroll)

    def _grown(self, *_: object) -> None:
        """Last heard grows ("just now" → "14:03:10 · 12 min ago"): refit when it would be cut."""
        if columns_cut(self.table, self.KEEP_VISIBLE):
            self.fit_columns()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Refit the name column to the dock's width."""
        super().resizeEvent(event)
        self.fit_columns()

    def changeEvent(self, event: QEvent) -> None:
        """Names and titles change width with the language."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.fit_columns()

    def sizeHint(self) -> QSize:
        """Wide enough for names and counts."""
        return QSize(460, 260)


class OrdersPanel(QWidget):
    """The orders table with a text filter, a state filter and an open-only switch."""

    def __init__(self, model: OrdersTableModel) -> None:
        super().__init__()
        self.model = model
        self.proxy = OrdersFilterProxy()
        self.proxy.setSourceModel(model)
        self.filter = QLineEdit()
        self.filter.setObjectName("ordersFilter")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.set_text)
        self.state = QComboBox()
        self.state.setObjectName("ordersState")
        self.state.addItem("", None)
        for s in OrderState:
            if s is not OrderState.DRAFT:
                self.state.addItem("", s.value)
        self.state.currentIndexChanged.connect(self._state_changed)
        self.open_only = QCheckBox()
        self.open_only.toggled.connect(self.proxy.set_open_only)
        self.table = make_table(self.proxy, "ordersTable", stretch=8)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
        bar = QHBoxLayout()
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.state)
        bar.addWidget(self.open_only)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.retranslate()

    def sizeHint(self) -> QSize:
        """A wide, low strip under the map."""
        return QSize(900, 230)

    def _state_changed(self) -> None:
        value = self.state.currentData()
        self.proxy.set_states(None if value is None else frozenset({OrderState(value)}))

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        self.filter.setPlaceholderText(self.tr("Filter orders: station, kind, zone, state…"))
        self.state.setItemText(0, self.tr("All states"))
        for i in range(1, self.state.count()):
            self.state.setItemText(i, state_text(OrderState(self.state.itemData(i))))
        self.open_only.setText(self.tr("Open only"))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class SuggestionsPanel(QWidget):
    """Playbook suggestions with approve / edit / dismiss (with reason) buttons."""

    AGE_COLUMN = 5  # the model's "Age" column, shown second
    STATUS_COLUMN = 4  # shown third
    REASON_COLUMN = 2  # shown fourth, REASON_WIDTH wide (the full reason in its tooltip)
    REASON_WIDTH = 260

    approve_requested = Signal(str)
    edit_requested = Signal(str)
    dismiss_requested = Signal(str, str)

    def __init__(self, model: SuggestionsTableModel) -> None:
        super().__init__()
        self.model = model
        self.table = make_table(model, "suggestionsTable")
        # What the commander weighs first reads first, even in a narrow dock: the time, how old
        # it is, its status and why (the reason gets room of its own; a stretched column was
        # squeezed to a few pixels), then the playbook and the orders it proposes.
        header = self.table.horizontalHeader()
        for logical, visual in (
            (self.AGE_COLUMN, 1),
            (self.STATUS_COLUMN, 2),
            (self.REASON_COLUMN, 3),
        ):
            header.moveSection(header.visualIndex(logical), visual)
        header.resizeSection(self.REASON_COLUMN, self.REASON_WIDTH)
        # a reason (or playbook) running past the dock edge reads '…' there (whole in its tooltip)
        self.reason_delegate = EdgeElidingDelegate(self.table)
        self.table.setItemDelegate(self.reason_delegate)
        self.approve = QPushButton()
        self.approve.setObjectName("approveSuggestion")
        self.edit = QPushButton()
        self.edit.setObjectName("editSuggestion")
        self.dismiss = QPushButton()
        self.dismiss.setObjectName("dismissSuggestion")
        self.approve.clicked.connect(self.approve_selected)
        self.edit.clicked.connect(self.edit_selected)
        self.dismiss.clicked.connect(self.dismiss_selected)
        self.ask_reason: Callable[[str], str | None] = self._ask_reason
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        model.dataChanged.connect(self._update_buttons)
        model.dataChanged.connect(self._grown)
        model.rowsInserted.connect(self._select_first_pending)
        model.rowsInserted.connect(self.fit_columns)
        bar = QHBoxLayout()
        bar.addWidget(self.approve)
        bar.addWidget(self.edit)
        bar.addWidget(self.dismiss)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(bar)
        self.retranslate()
        self._update_buttons()

    FIT_COLUMNS = (0, AGE_COLUMN, STATUS_COLUMN)  # always as wide as their widest text

    def fit_columns(self, *_: object) -> None:
        """Time, age and status as wide as their texts; the reason at least REASON_WIDTH."""
        for column in self.FIT_COLUMNS:
            self.table.resizeColumnToContents(column)
        if self.table.columnWidth(self.REASON_COLUMN) < self.REASON_WIDTH:
            self.table.setColumnWidth(self.REASON_COLUMN, self.REASON_WIDTH)

    def _grown(self, *_: object) -> None:
        """An age grows ("9 min ago" → "1 h 04 min ago"): refit when it would be cut."""
        if columns_cut(self.table, self.FIT_COLUMNS):
            self.fit_columns()

    def sizeHint(self) -> QSize:
        """Room for the reason column."""
        return QSize(400, 260)

    def selected(self) -> str | None:
        """The selected suggestion id when it is still pending."""
        key = selected_key(self.table)
        row = None if key is None else self.model.source.get(key)
        return key if row is not None and row.pending else None

    def select(self, suggestion_id: str) -> None:
        """Select the row of `suggestion_id`."""
        i = self.model.source.row_of(suggestion_id)
        if i is not None:
            self.table.selectionModel().select(
                self.model.index(i, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _select_first_pending(self) -> None:
        if self.selected() is None:
            for row in self.model.source.rows:
                if row.pending:
                    self.select(row.suggestion_id)
                    break

    def _update_buttons(self, *_: object) -> None:
        ok = self.selected() is not None
        for b in (self.approve, self.edit, self.dismiss):
            b.setEnabled(ok)

    def approve_selected(self) -> None:
        """Emit `approve_requested` for the selected pending suggestion."""
        key = self.selected()
        if key:
            self.approve_requested.emit(key)

    def edit_selected(self) -> None:
        """Emit `edit_requested` for the selected pending suggestion."""
        key = self.selected()
        if key:
            self.edit_requested.emit(key)

    def dismiss_selected(self) -> None:
        """Ask for a reason, then emit `dismiss_requested(id, reason)`."""
        key = self.selected()
        if not key:
            return
        reason = self.ask_reason(key)
        if reason:
            self.dismiss_requested.emit(key, reason)

    def _ask_reason(self, key: str) -> str | None:
        row = self.model.source.get(key)
        dialog = ReasonDialog(self, subject=getattr(row, "reason", ""))
        return dialog.text() if dialog.exec() else None

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        self.approve.setText(self.tr("&Approve"))
        self.approve.setToolTip(plain_tip(self.tr("Approve the selected suggestion (Ctrl+Enter)")))
        self.edit.setText(self.tr("&Edit…"))
        self.dismiss.setText(self.tr("Dis&miss…"))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change (texts change width with it: refit)."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.fit_columns()
        super().changeEvent(event)


class DecisionsPanel(QWidget):
    """The decision log with New entry and Correct buttons; emits the drafts written."""

    decision_written = Signal(object)  # DecisionDraft
    correction_written = Signal(object)  # CorrectionDraft

    def __init__(self, model: DecisionsTableModel) -> None:
        super().__init__()
        self.model = model
        self.table = make_table(model, "decisionsTable", stretch=(1, 2))
        self.table.setWordWrap(True)
        self.new = QPushButton()
        self.new.setObjectName("newDecision")
        self.correct = QPushButton()
        self.correct.setObjectName("correctDecision")
        self.new.clicked.connect(self.new_entry)
        self.correct.clicked.connect(self.correct_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        model.dataChanged.connect(self._update_buttons)
        self.open_dialog: Callable[[DecisionDialog], bool] = lambda d: bool(d.exec())
        bar = QHBoxLayout()
        bar.addWidget(self.new)
        bar.addWidget(self.correct)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(bar)
        self.retranslate()
        self._update_buttons()

    def sizeHint(self) -> QSize:
        """Room for decision and rationale."""
        return QSize(480, 400)

    def _update_buttons(self, *_: object) -> None:
        key = selected_key(self.table)
        row = None if key is None else self.model.source.get(key)
        self.correct.setEnabled(row is not None and not row.struck)

    def new_entry(self) -> None:
        """Open the decision dialog; emit `decision_written` when accepted."""
        dialog = DecisionDialog(self)
        if self.open_dialog(dialog):
            self.decision_written.emit(dialog.draft())

    def correct_selected(self) -> None:
        """Open the correction dialog for the selected entry; emit `correction_written`."""
        key = selected_key(self.table)
        row = None if key is None else self.model.source.get(key)
        if row is None or row.struck:
            return
        dialog = DecisionDialog(self, correcting=row)
        if self.open_dialog(dialog):
            self.correction_written.emit(dialog.correction())

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        self.new.setText(self.tr("&New entry…"))
        self.new.setToolTip(plain_tip(self.tr("New decision (Ctrl+D)")))
        self.correct.setText(self.tr("&Correct…"))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
