"""The station operator's window: inbox (most urgent first), verification badge, answers.

A thin Qt view over the fold of the station's journal (`command.fold.IncidentState`: its orders
as the inbox, its link status). It never talks to the network: every answer is
emitted as `action_requested(order_id, step, detail)` for the station's engine to journal and send.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from command.fold import IncidentState, OrdersModel, OrderView
from command.lifecycle import OrderState, Step
from command.vocabulary import KIND_STEP, EventLike, Kind
from ui import i18n, theme
from ui.console.clock import utc_offset
from ui.console.qtmodels import (
    PRIORITY_NAMES,
    SORT_ROLE,
    Column,
    RowTableModel,
    duration,
    state_text,
)
from ui.console.shortcuts import ok_cancel
from ui.labels import plain_label, plain_tip
from ui.viewmenu import ViewMenu, switch_language, switch_theme

Index = QModelIndex | QPersistentModelIndex
CTX = "StationColumns"
ORDER_COLUMN = 2
ZONE_COLUMN = 3
JOURNAL_LINES = 300


def _col(title: object, display: Callable[[OrderView, float], str], **kw: Any) -> Column[OrderView]:
    return Column(str(title), display, **kw)


class InboxTableModel(RowTableModel[OrderView]):
    """The inbox table: priority, received, kind, zone, state, time left, authority."""

    def __init__(
        self,
        rows: OrdersModel,
        clock: Callable[[], float] | None = None,
        tz: ZoneInfo | None = None,
        kind_titles: dict[str, str] | None = None,
        zone_names: dict[str, str] | None = None,
    ) -> None:
        self.tz = tz or ZoneInfo("UTC")
        titles = kind_titles or {}
        zones = zone_names or {}
        columns = [
            _col(
                QT_TRANSLATE_NOOP("StationColumns", "Priority"),
                lambda r, n: QCoreApplication.translate("Priority", PRIORITY_NAMES[r.priority]),
                sort=lambda r, n: int(r.priority),
            ),
            _col(
                QT_TRANSLATE_NOOP("StationColumns", "Received"),
                lambda r, n: local_hms(r.received_at, self.tz),
            ),
            _col(
                QT_TRANSLATE_NOOP("StationColumns", "Order"),
                lambda r, n: i18n.kind_title(r.station, r.kind, titles.get(r.kind, "")),
            ),
            _col(
                QT_TRANSLATE_NOOP("StationColumns", "Zone"),
                lambda r, n: i18n.zone_name(r.zone, zones.get(r.zone, "")),
            ),
            _col(QT_TRANSLATE_NOOP("StationColumns", "State"), lambda r, n: shown_state(r)),
            _col(
                QT_TRANSLATE_NOOP("StationColumns", "Time left"),
                lambda r, n: time_left(r, n),
                timed=True,
            ),
            _col(
                QT_TRANSLATE_NOOP("StationColumns", "Authority"),
                lambda r, n: "✔" if r.authority.ok else "✘ " + r.authority.reason,
            ),
        ]
        super().__init__(rows, columns, clock, key=lambda r: r.order_id)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Translated column titles (context StationColumns)."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate(CTX, self.columns[section].title)
        return None

    def style(self, row: OrderView, now: float, role: int) -> Any:
        """Rejected orders in the warning colours; open urgent orders in bold."""
        th = theme.current()
        if not row.authority.ok:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(th.color("overdue_bg"))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(th.color("overdue_text"))
        if role == Qt.ItemDataRole.FontRole and row.state.open and int(row.priority) >= 2:
            font = QFont()
            font.setBold(True)
            return font
        return None


def time_left(row: OrderView, now: float) -> str:
    """Time to the order's next deadline (answer, then done), "overdue" past it, "" if closed."""
    if not _open(row):
        return ""
    left = _deadline(row) - now
    if left < 0:
        return "⚠ " + QCoreApplication.translate("StationColumns", "overdue")
    return duration(left)


def _open(row: OrderView) -> bool:
    return row.state.open and row.authority.ok


def shown_state(row: OrderView) -> str:
    """The state as the operator reads it: a rejected order is "rejected", whatever came before."""
    if not row.authority.ok:
        return QCoreApplication.translate("StationColumns", "rejected")
    if row.withdrawn:  # the console expired or cancelled it: nothing is asked of the station
        return QCoreApplication.translate("StationColumns", "withdrawn (%1)").replace(
            "%1", state_text(row.state)
        )
    return state_text(row.state)


def local_hms(ts: float, tz: ZoneInfo) -> str:
    """Time of day in the incident's zone."""
    return datetime.fromtimestamp(ts, UTC).astimezone(tz).strftime("%H:%M:%S")


def _deadline(row: OrderView) -> float:
    if row.state in (OrderState.ACCEPTED, OrderState.IN_PROGRESS):
        return row.due
    return row.ack_deadline


class UrgencyProxy(QSortFilterProxyModel):
    """Sorts the inbox most urgent first: open, higher priority, nearest deadline, newest."""

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__()
        self._clock = clock
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def lessThan(self, left: Index, right: Index) -> bool:
        """Compare whole rows by urgency, then by time received."""
        src = self.sourceModel()
        assert isinstance(src, InboxTableModel)
        a, b = src.row_at(left.row()), src.row_at(right.row())
        now = self._clock()
        return (a.urgency(now), a.received_at) < (b.urgency(now), b.received_at)


class AnswerDialog(QDialog):
    """Asks for a reason (decline, fail) or a progress report (percent and note)."""

    def __init__(self, title: str, *, with_percent: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.text = QLineEdit()
        self.percent = QSpinBox()
        self.percent.setRange(0, 100)
        self.percent.setSuffix(" %")
        if with_percent:
            form.addRow(self.tr("Done"), self.percent)
            form.addRow(self.tr("Note"), self.text)
        else:
            self.text.setPlaceholderText(self.tr("Required: why, in a few words"))
            form.addRow(self.tr("Reason"), self.text)
        buttons, self.submit_keys = ok_cancel(self)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        if not with_percent:
            self._ok.setEnabled(False)
            self.text.textChanged.connect(lambda t: self._ok.setEnabled(bool(t.strip())))
        form.addRow(buttons)
        # room for a reason in a few words (it was 200×74 px)
        self.text.setMinimumWidth(self.fontMetrics().averageCharWidth() * 48)
        self.setMinimumSize(440, 130)

    def accept(self) -> None:
        """Accept only with what the dialog requires (a reason, unless it asks for progress)."""
        if self._ok.isEnabled():
            super().accept()


class StationWindow(QMainWindow):
    """The station operator's window."""

    action_requested = Signal(str, str, object)  # order id, step, detail dict

    def __init__(
        self,
        station_id: str,
        station_name: str = "",
        agency: str = "",
        clock: Callable[[], float] | None = None,
        parent: QWidget | None = None,
        *,
        timezone: str = "UTC",
        kind_titles: dict[str, str] | None = None,
        zone_names: dict[str, str] | None = None,
        param_titles: dict[str, dict[str, str]] | None = None,
        param_units: dict[str, dict[str, str]] | None = None,
        signer_names: dict[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("StationWindow")
        self.station_id = station_id
        self.station_name = station_name or station_id
        self.agency = agency
        self.clock = clock or time.time
        self.state = IncidentState(me=station_id)
        self.inbox = self.state.orders
        self.link = self.state.link
        self.outbox = 0  # reports waiting to be delivered (the engine's live count)
        self.tz = ZoneInfo(timezone)
        self.kind_titles = dict(kind_titles or {})
        self.zone_names = dict(zone_names or {})
        self.param_titles = {k: dict(v) for k, v in (param_titles or {}).items()}
        self.param_units = {k: dict(v) for k, v in (param_units or {}).items()}
        self.signer_names = dict(signer_names or {})  # the commander's name, by signer id
        self.table_model = InboxTableModel(
            self.inbox, self.clock, self.tz, self.kind_titles, self.zone_names
        )
        self.proxy = UrgencyProxy(self.clock)
        self.proxy.setSourceModel(self.table_model)
        self._build()
        self.retranslate()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        head = QHBoxLayout()
        self.title_label = plain_label()
        font = self.title_label.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.title_label.setFont(font)
        self.link_label = plain_label()
        self.link_label.setObjectName("linkState")
        self.link_label.setMargin(4)
        head.addWidget(self.title_label, 1)
        head.addWidget(self.link_label)
        outer.addLayout(head)
        # View: language and theme, the console's menu
        self.view = ViewMenu(self, self.set_theme, self.set_language)
        self.view_menu = self.view.menu
        self.menuBar().addMenu(self.view_menu)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableView()
        self.table.setObjectName("inbox")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The order title takes what is left (elided), so state, time left and authority always
        # show without scrolling sideways.
        header.setSectionResizeMode(ORDER_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ZONE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.table)
        journal_box = QWidget()
        jl = QVBoxLayout(journal_box)
        jl.setContentsMargins(0, 4, 0, 0)
        self.journal_title = plain_label()
        self.journal_title.setObjectName("journalTitle")
        bold = self.journal_title.font()
        bold.setBold(True)
        self.journal_title.setFont(bold)
        self.journal_list = QListWidget()
        self.journal_list.setObjectName("journal")
        self.journal_list.setWordWrap(True)
        self.journal_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        jl.addWidget(self.journal_title)
        jl.addWidget(self.journal_list, 1)
        left.addWidget(journal_box)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        split.addWidget(left)

        detail = QWidget()
        dl = QVBoxLayout(detail)
        self.order_title = plain_label()  # kind and zone names, as given
        self.order_title.setWordWrap(True)
        tfont = self.order_title.font()
        tfont.setPointSize(tfont.pointSize() + 2)
        tfont.setBold(True)
        self.order_title.setFont(tfont)
        self.badge = plain_label()
        self.badge.setTextFormat(Qt.TextFormat.RichText)  # every value in it is escaped
        self.badge.setObjectName("badge")
        self.badge.setWordWrap(True)
        self.badge.setMargin(6)
        self.body = plain_label()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop)
        dl.addWidget(self.order_title)
        dl.addWidget(self.badge)
        dl.addWidget(self.body, 1)
        buttons = QHBoxLayout()
        self.buttons: dict[Step, QPushButton] = {}
        for step, key in (
            (Step.ACCEPT, "A"),
            (Step.DECLINE, "D"),
            (Step.PROGRESS, "P"),
            (Step.COMPLETE, "C"),
            (Step.FAIL, "F"),
        ):
            button = QPushButton()
            button.setObjectName(f"button_{step.value}")
            button.clicked.connect(lambda _=False, s=step: self.answer(s))
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda s=step: self.answer(s))
            self.buttons[step] = button
            buttons.addWidget(button)
        dl.addLayout(buttons)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        outer.addWidget(split, 1)
        self.setCentralWidget(central)
        self.statusBar()  # made now, so the first error message does not shift the layout
        self.resize(1100, 600)
        self._show_detail(None)

    def retranslate(self) -> None:
        """Set every visible string in the current language."""
        self.setWindowTitle(self.tr("Baton station — %1").replace("%1", self.station_name))
        agency = (
            f" · {i18n.local_name(f'agency:{self.station_id}', self.agency)}" if self.agency else ""
        )
        name = i18n.local_name(f"station:{self.station_id}", self.station_name)
        self.title_label.setText(f"{name}{agency}")
        names = {
            Step.ACCEPT: self.tr("&Accept"),
            Step.DECLINE: self.tr("&Decline…"),
            Step.PROGRESS: self.tr("&Progress…"),
            Step.COMPLETE: self.tr("&Complete"),
            Step.FAIL: self.tr("&Fail…"),
        }
        for step, button in self.buttons.items():
            button.setText(names[step])
        self.journal_title.setText(self.tr("Station journal"))
        self.view.retranslate()
        self._show_link()
        self._show_detail(self.current())

    def set_theme(self, name: str) -> None:
        """Switch theme at runtime (View → Theme)."""
        switch_theme(name)
        self.view.checked(theme_name=name)
        self.table_model.tick()
        self._show_link()
        self._show_detail(self.current())

    def set_language(self, code: str) -> None:
        """Switch language at runtime (View → Language)."""
        switch_language(code)
        self.view.checked(language=code)

    def changeEvent(self, event: Any) -> None:
        """Re-translate on a language change."""
        if event.type() == event.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ feeding
    def apply_events(self, batch: Sequence[EventLike]) -> None:
        """Fold a batch of the station journal's events into the window."""
        link_changed = False
        lines: list[str] = []
        for ev in batch:
            link_changed |= "link" in self.state.apply(ev)
            line = self.journal_line(ev)
            if line:
                lines.append(f"{local_hms(ev.ts, self.tz)}  {line}")
        if lines:
            self.journal_list.insertItems(0, lines[::-1][:JOURNAL_LINES])  # newest first
            while self.journal_list.count() > JOURNAL_LINES:
                self.journal_list.takeItem(self.journal_list.count() - 1)
        if link_changed:
            self._show_link()
        self.proxy.sort(0, Qt.SortOrder.DescendingOrder)
        self._show_detail(self.current())

    def journal_line(self, ev: EventLike) -> str:
        """One line of the station journal panel for `ev` ("" for events not shown there)."""
        body = ev.body
        if ev.kind == Kind.ORDER_RECEIVED:
            order = body.get("order", {})
            return (
                self.tr("Order received: %1 (%2), authority verified")
                .replace("%1", self._title(str(order.get("kind", ""))))
                .replace(
                    "%2",
                    self._zone(str(order.get("zone", ""))),
                )
            )
        if ev.kind == Kind.ORDER_REJECTED:
            return self.tr("Order refused: %1").replace("%1", str(body.get("reason", "")))
        if ev.kind == Kind.LINK_UP:
            return self.tr("Connected to the console")
        if ev.kind == Kind.LINK_DOWN:
            return self.tr("Lost the console")
        if ev.kind == Kind.GRANTS_RECEIVED:
            return self.tr("Delegation documents received: %1").replace(
                "%1", str(len(body.get("documents", [])))
            )
        if ev.kind == Kind.ORDER_CROSSED:
            row = self.inbox.get(str(body.get("order_id", "")))
            what = self._title(row.kind) if row is not None else str(body.get("order_id", ""))
            return self.tr(
                "%1: the console's withdrawal came after this station finished it"
            ).replace("%1", what)
        if ev.kind in KIND_STEP and "state" in body:
            row = self.inbox.get(str(body.get("order_id", "")))
            what = self._title(row.kind) if row is not None else str(body.get("order_id", ""))
            detail = body.get("detail") or {}
            note = str(detail.get("reason") or detail.get("note") or "")
            text = f"{what}: {state_text(OrderState(str(body['state'])))}"
            return f"{text} — {note}" if note else text
        return ""

    def _zone(self, zone: str) -> str:
        """The zone's name in the UI language."""
        return i18n.zone_name(zone, self.zone_names.get(zone, ""))

    def _title(self, kind: str) -> str:
        """The title of this station's order kind `kind` in the UI language."""
        return i18n.kind_title(self.station_id, kind, self.kind_titles.get(kind, ""))

    def _signer(self, signer: str) -> str:
        """The name of signer `signer` (the commander) in the UI language, else its id."""
        return i18n.local_name(f"signer:{signer}", self.signer_names.get(signer, signer))

    def _param(self, kind: str, param: str, en: str) -> str:
        """The title of parameter `param` of order kind `kind` in the UI language."""
        return i18n.param_title(self.station_id, kind, param, en)

    def set_outbox(self, pending: int) -> None:
        """Show how many reports wait to be delivered."""
        if pending != self.outbox:
            self.outbox = pending
            self._show_link()

    def show_error(self, text: str) -> None:
        """Show why an answer was refused, in one line of the status bar."""
        self.statusBar().showMessage("✘ " + text, 15_000)

    # ------------------------------------------------------------------ selection
    def current(self) -> OrderView | None:
        """The order selected in the inbox."""
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.table_model.row_at(self.proxy.mapToSource(index).row())

    def select(self, order_id: str) -> None:
        """Select an order by id."""
        row = self.inbox.row_of(order_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.table_model.index(row, 0))
        self.table.setCurrentIndex(index)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.current()
        self._show_detail(row)
        # Opening an order is the operator seeing it: acknowledge it.
        if row is not None and row.authority.ok and row.state is OrderState.DELIVERED:
            self.action_requested.emit(row.order_id, Step.ACKNOWLEDGE.value, {})

    # ------------------------------------------------------------------ answers
    def ask(self, step: Step) -> dict[str, Any] | None:
        """Ask the operator for what `step` needs; None when they cancel."""
        if step in (Step.ACCEPT, Step.COMPLETE):
            return {}
        title = {
            Step.DECLINE: self.tr("Decline order"),
            Step.FAIL: self.tr("Report failure"),
            Step.PROGRESS: self.tr("Report progress"),
        }[step]
        dialog = AnswerDialog(title, with_percent=step is Step.PROGRESS, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        text = dialog.text.text().strip()
        if step is Step.PROGRESS:
            return {"percent": dialog.percent.value(), "note": text}
        return {"reason": text}

    def answer(self, step: Step) -> None:
        """Answer the selected order with `step`, if it may take it now."""
        row = self.current()
        if row is None:
            return
        steps = row.actionable
        effective = step
        if step is Step.ACCEPT and Step.ACKNOWLEDGE in steps:
            steps = (*steps, Step.ACCEPT)  # accepting implies having seen it
        if step is Step.DECLINE and Step.ACKNOWLEDGE in steps:
            steps = (*steps, Step.DECLINE)
        if effective not in steps:
            return
        detail = self.ask(step)
        if detail is None:
            return
        self.action_requested.emit(row.order_id, step.value, detail)

    # ------------------------------------------------------------------ drawing
    def _show_link(self) -> None:
        th = theme.current()
        online = self.link.online
        text = self.tr("connected to console") if online else self.tr("console unreachable")
        if self.outbox:
            text += " · " + self.tr("reports waiting: %1").replace("%1", str(self.outbox))
        bg = th.risk[0] if online else th.risk[4]
        fg = th.risk_text[0] if online else th.risk_text[4]
        self.link_label.setText(text)
        self.link_label.setStyleSheet(
            f"background:{bg};color:{fg};border-radius:4px;font-weight:bold"
        )

    def _show_detail(self, row: OrderView | None) -> None:
        th = theme.current()
        if row is None:
            self.order_title.setText(self.tr("No order selected"))
            self.badge.setText("")
            self.badge.setStyleSheet("")
            self.body.setText(
                self.tr(
                    "Orders from the commander appear on the left, most urgent "
                    "first. Select one to answer it."
                )
            )
            for button in self.buttons.values():
                button.setEnabled(False)
            return
        zone = self._zone(row.zone)
        self.order_title.setText(f"{self._title(row.kind)} — {zone}")
        auth = row.authority
        # Everything below that came with the order or from its sender (texts, values, names,
        # the verifier's reasons, which quote the order) is escaped: an order is never markup.
        if auth.ok:
            chain = escape(" → ".join(auth.chain) if auth.chain else row.commander)
            until = ""
            if auth.valid_until is not None:
                left = duration(max(0.0, auth.valid_until - self.clock()))
                until = " · " + self.tr("valid until %1 (%2 left)").replace(
                    "%1", self._when(auth.valid_until)
                ).replace("%2", left)
            scope = ""
            if auth.scope:
                # The whole scope can be long: the badge says what of it this order uses (the
                # book checked it is inside); the tooltip holds the scope and each grant.
                scope = (
                    "<br/><small>"
                    + self.tr("Within the delegated scope: %1 in %2 (hover for the whole scope)")
                    .replace("%1", escape(self._title(row.kind)))
                    .replace("%2", escape(zone))
                    + "</small>"
                )
            verified = self.tr("Authority verified")
            self.badge.setText(f"✔ <b>{verified}</b>: {chain}{until}{scope}")
            self.badge.setToolTip(plain_tip("\n".join([*auth.links, auth.scope])))
            bg, fg = th.risk[0], th.risk_text[0]
        else:
            self.badge.setToolTip(plain_tip(auth.detail))
            rejected = self.tr("Rejected: not executed")
            self.badge.setText(
                f"✘ <b>{rejected}</b> — {escape(auth.reason)}"
                + (f"<br/>{escape(auth.detail)}" if auth.detail else "")
            )
            bg, fg = th.risk[4], th.risk_text[4]
        self.badge.setStyleSheet(f"background:{bg};color:{fg};border-radius:4px")
        names = self.param_titles.get(row.kind, {})
        units = self.param_units.get(row.kind, {})
        items, signed = [], []  # signed: the values shown in other words, as signed
        for k, v in sorted(row.params.items()):
            title = self._param(row.kind, k, names.get(k, ""))
            shown = i18n.param_value(row.station, row.kind, k, v)
            if shown != str(v) and not isinstance(v, bool):
                signed.append(f"{title}: {v}")
            unit = f" {escape(units[k])}" if units.get(k) else ""
            items.append(f"<li>{escape(title)}: <b>{escape(shown)}</b>{unit}</li>")
        params = "".join(items)
        report = ""
        for key in ("reason", "note"):
            if row.detail.get(key):
                last = self.tr("Last report: %1").replace("%1", escape(str(row.detail[key])))
                report = f"<p><i>{last}</i></p>"
        note = row.withdrawal_note(lambda ts: local_hms(ts, self.tz)[:5])
        if note:  # the crossing rule: the console's decision stands, said in one line
            report = f"<p class='withdrawn'><b>{escape(note)}</b></p>{report}"
        text = i18n.order_text(row.station, row.kind, row.text)
        # a translated playbook text or value: the words as signed stay one hover away
        self.body.setToolTip(
            plain_tip("\n".join(([row.text] if text != row.text else []) + signed))
        )
        fields = (
            self.tr("From: %1 · State: %2")
            .replace("%1", escape(self._signer(row.commander)))
            .replace("%2", f"<b>{escape(shown_state(row))}</b>")
            + "<br/>"
            + self.tr("Accept by: %1 · Due: %2")
            .replace("%1", self._when(row.ack_deadline))
            .replace("%2", self._when(row.due))
        )
        self.body.setText(
            f"<p style='font-size:larger'>{escape(text)}</p><ul>{params}</ul><p>{fields}</p>"
            f"{report}"
        )
        allowed = set(row.actionable)
        if Step.ACKNOWLEDGE in allowed:
            allowed |= {Step.ACCEPT, Step.DECLINE}
        for step, button in self.buttons.items():
            button.setEnabled(step in allowed)

    def _when(self, ts: float) -> str:
        # the offset ("UTC+08:00"), never the ambiguous abbreviation ("CST")
        return f"{local_hms(ts, self.tz)} {utc_offset(self.tz, ts)}"

    def _tick(self) -> None:
        self.table_model.tick()
