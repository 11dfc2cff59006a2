"""Thin Qt adapters over the fold's models (`command.fold`): table models and the orders filter.

Each adapter listens to its `RowModel` and turns its notifications into `beginInsertRows` /
`endInsertRows` and `dataChanged` (never a reset for incremental updates). Time-dependent columns
(age, overdue) refresh on `tick()` with one `dataChanged` over those columns.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QFont

from command.cap.localize import AlertWords, alert_words
from command.fold import (
    AlertsModel,
    AlertView,
    DecisionsModel,
    DecisionView,
    OrdersModel,
    OrderView,
    RowModel,
    StationsModel,
    StationView,
    SuggestionsModel,
    SuggestionView,
)
from command.lifecycle import OrderState
from command.vocabulary import SuggestionOutcome
from ui import theme
from ui.console.clock import heard_text
from ui.console.numbers import duration as duration  # tables, header and banners
from ui.console.numbers import short_id
from ui.i18n import (
    current_language,
    kind_title,
    local_name,
    marked,
    playbook_reason,
    proposed_orders,
)
from ui.labels import plain_tip

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 3
ATTENTION_ROLE = Qt.ItemDataRole.UserRole + 4  # "refused" | "attention" | "" (acknowledged)

STATE_NAMES = {
    OrderState.DRAFT: marked(QT_TRANSLATE_NOOP("OrderState", "draft")),
    OrderState.ISSUED: marked(QT_TRANSLATE_NOOP("OrderState", "issued")),
    OrderState.DELIVERED: marked(QT_TRANSLATE_NOOP("OrderState", "delivered")),
    OrderState.ACKNOWLEDGED: marked(QT_TRANSLATE_NOOP("OrderState", "acknowledged")),
    OrderState.ACCEPTED: marked(QT_TRANSLATE_NOOP("OrderState", "accepted")),
    OrderState.DECLINED: marked(QT_TRANSLATE_NOOP("OrderState", "declined")),
    OrderState.REJECTED: marked(QT_TRANSLATE_NOOP("OrderState", "rejected")),
    OrderState.IN_PROGRESS: marked(QT_TRANSLATE_NOOP("OrderState", "in progress")),
    OrderState.COMPLETED: marked(QT_TRANSLATE_NOOP("OrderState", "completed")),
    OrderState.FAILED: marked(QT_TRANSLATE_NOOP("OrderState", "failed")),
    OrderState.CANCELLED: marked(QT_TRANSLATE_NOOP("OrderState", "cancelled")),
    OrderState.EXPIRED: marked(QT_TRANSLATE_NOOP("OrderState", "expired")),
}
SUGGESTION_STATUS = {
    "proposed": marked(QT_TRANSLATE_NOOP("SuggestionStatus", "proposed")),
    "approved": marked(QT_TRANSLATE_NOOP("SuggestionStatus", "approved")),
    "edited": marked(QT_TRANSLATE_NOOP("SuggestionStatus", "edited")),
    "dismissed": marked(QT_TRANSLATE_NOOP("SuggestionStatus", "dismissed")),
}
PRIORITY_NAMES = {
    1: marked(QT_TRANSLATE_NOOP("Priority", "routine")),
    2: marked(QT_TRANSLATE_NOOP("Priority", "urgent")),
    3: marked(QT_TRANSLATE_NOOP("Priority", "immediate")),
}


def state_text(state: OrderState) -> str:
    """The order state in the current language."""
    return QCoreApplication.translate("OrderState", STATE_NAMES[state])


_display_zone: tzinfo = UTC


def set_display_zone(zone: tzinfo) -> None:
    """Show table times in `zone` (the replay window uses the incident's zone; default UTC)."""
    global _display_zone
    _display_zone = zone


def hhmm(ts: float | None) -> str:
    """A time of day for tables (UTC unless `set_display_zone` was called), '—' when unknown."""
    if ts is None:
        return "—"
    return datetime.fromtimestamp(ts, UTC).astimezone(_display_zone).strftime("%H:%M:%S")


def ago(seconds: float | None) -> str:
    """How long ago by the incident clock: "just now", "45 s ago", "12 min ago", "2 h 03 min ago"
    ("—" when unknown)."""
    if seconds is None:
        return "—"
    s = int(seconds)
    if s < 5:
        return QCoreApplication.translate("Ago", "just now")
    if s < 60:
        text = QCoreApplication.translate("Ago", "%1 s ago").replace("%1", str(s))
    elif s < 3600:
        text = QCoreApplication.translate("Ago", "%1 min ago").replace("%1", str(s // 60))
    else:
        text = (
            QCoreApplication.translate("Ago", "%1 h %2 min ago")
            .replace("%1", str(s // 3600))
            .replace("%2", f"{(s % 3600) // 60:02d}")
        )
    return text


REFUSED_TEXT = marked(QT_TRANSLATE_NOOP("OrderState", "refused by station: %1"))


def order_state_text(row: OrderView) -> str:
    """The state column: a station's refusal reads "refused by station: <reason>"."""
    if row.refused:
        return QCoreApplication.translate("OrderState", REFUSED_TEXT).replace(
            "%1", row.refusal_reason or "?"
        )
    return state_text(row.state)


R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    """One column: a translatable title (in translation `context`) and how to read a row."""

    title: str
    display: Callable[[R, float], str]
    sort: Callable[[R, float], Any] | None = None
    timed: bool = False  # changes with time alone (refreshed by tick)
    context: str = "ConsoleColumns"
    tip: Callable[[R, float], str] | None = None  # the tooltip, when not the text shown
    header_tip: str = ""  # the title's tooltip (translatable in `context`), for a short title


class RowTableModel(QAbstractTableModel, Generic[R]):
    """A QAbstractTableModel over a plain `RowModel`, notified incrementally."""

    def __init__(
        self,
        rows: RowModel[R],
        columns: list[Column[R]],
        clock: Callable[[], float] | None = None,
        key: Callable[[R], str] | None = None,
    ) -> None:
        super().__init__()
        self.source = rows
        self.columns = columns
        self.clock = clock or time.time
        self._key = key
        rows.listener = self

    # --- RowListener
    def rows_about_to_be_inserted(self, first: int, last: int) -> None:
        """Announce appended rows."""
        self.beginInsertRows(QModelIndex(), first, last)

    def rows_inserted(self) -> None:
        """Finish the announced insert."""
        self.endInsertRows()

    def row_changed(self, row: int) -> None:
        """Signal one changed row."""
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def about_to_reset(self) -> None:
        """Begin a reset (replay seeking back only)."""
        self.beginResetModel()

    def reset_done(self) -> None:
        """End a reset."""
        self.endResetModel()

    # --- time
    def tick(self) -> None:
        """Refresh time-dependent columns (age, overdue colouring) of every row."""
        if not self.source.rows:
            return
        last = len(self.source.rows) - 1
        timed = [i for i, c in enumerate(self.columns) if c.timed]
        first_col = min(timed) if timed else 0
        self.dataChanged.emit(self.index(0, first_col), self.index(last, len(self.columns) - 1))

    # --- QAbstractTableModel
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of rows."""
        return 0 if parent.isValid() else len(self.source.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Translated column titles (and their tooltips, where a column has one)."""
        if orientation != Qt.Orientation.Horizontal:
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate(column.context, column.title)
        if role == Qt.ItemDataRole.ToolTipRole and column.header_tip:
            return plain_tip(QCoreApplication.translate(column.context, column.header_tip))
        return None

    def row_at(self, row: int) -> R:
        """The plain row object at `row`."""
        return self.source.rows[row]

    def style(self, row: R, now: float, role: int) -> Any:
        """Per-row styling (background, foreground, font); overridden by subclasses."""
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell values, sort keys and styling."""
        if not index.isValid():
            return None
        row = self.source.rows[index.row()]
        col = self.columns[index.column()]
        now = self.clock()
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip((col.tip or col.display)(row, now))
        if role == Qt.ItemDataRole.DisplayRole:
            return col.display(row, now)
        if role == SORT_ROLE:
            return (col.sort or col.display)(row, now)
        if role == KEY_ROLE and self._key is not None:
            return self._key(row)
        return self.style(row, now, role)


def _c(title: str, display: Callable[[Any, float], str], **kw: Any) -> Column[Any]:
    return Column(title, display, **kw)


class OrdersTableModel(RowTableModel[OrderView]):
    """The orders table: id, station, kind, zone, state (translated), issued, age, detail."""

    def __init__(self, rows: OrdersModel, clock: Callable[[], float] | None = None) -> None:
        columns = [
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Order")),
                lambda r, n: short_id(r.order_id),
                tip=lambda r, n: r.order_id,  # the full id
            ),
            _c(marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Station")), lambda r, n: r.station),
            _c(  # the kind's Chinese title in the Chinese UI, else its name as ordered
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Kind")),
                lambda r, n: kind_title(r.station, r.kind),
                tip=lambda r, n: r.kind,
            ),
            _c(marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Zone")), lambda r, n: r.zone),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "State")),
                lambda r, n: order_state_text(r),
                sort=lambda r, n: list(OrderState).index(r.state),
            ),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Issued")),
                lambda r, n: hhmm(r.issued_at),
                sort=lambda r, n: r.issued_at,
            ),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Age")),
                lambda r, n: duration(r.age(n)),
                sort=lambda r, n: r.age(n),
                timed=True,
            ),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Overdue")),
                lambda r, n: "⚠" if r.overdue(n) else "",
                sort=lambda r, n: int(r.overdue(n)),
                timed=True,
            ),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Last report")),
                lambda r, n: r.last_detail,
            ),
        ]
        super().__init__(rows, columns, clock, key=lambda r: r.order_id)

    def style(self, row: OrderView, now: float, role: int) -> Any:
        """Refusals in the banner colours and unacknowledged late, expired or declined rows in
        the warning colours, until the commander acknowledges them; overdue rows in warning
        colours too."""
        if role == OVERDUE_ROLE:
            return row.overdue(now)
        if role == ATTENTION_ROLE:
            if not row.needs_attention:
                return ""
            return "refused" if row.refused else "attention"
        th = theme.current()
        if row.needs_attention and row.refused:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(th.color("banner_bg"))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(th.color("banner_text"))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if row.needs_attention and not row.state.open:
            # expired or declined: the warning background, in bold, until acknowledged
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(th.color("overdue_bg"))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(th.color("overdue_text"))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if row.overdue(now) or row.needs_attention:
            th = theme.current()
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(th.color("overdue_bg"))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(th.color("overdue_text"))
        return None


class StationsTableModel(RowTableModel[StationView]):
    """The stations list: name, online, last heard, open and late orders.

    "Last heard" is the later of the journal's last contact (the fold) and the engine's live
    heartbeat times (`set_heard`: heartbeats are not journaled, so they never enter the fold).
    A replay (`journal_only`) has only the journal: the column is "Last contact (journal)", its
    cells say so in their tooltip.
    """

    def __init__(
        self,
        rows: StationsModel,
        clock: Callable[[], float] | None = None,
        *,
        journal_only: bool = False,
    ) -> None:
        self.live_heard: dict[str, float] = {}
        self.journal_only = journal_only

        def heard(r: StationView) -> float | None:
            live = self.live_heard.get(r.station)
            if live is None or (r.last_heard is not None and r.last_heard >= live):
                return r.last_heard
            return live

        yes = marked(QT_TRANSLATE_NOOP("ConsoleColumns", "online"))
        no = marked(QT_TRANSLATE_NOOP("ConsoleColumns", "offline"))
        journal_tip = marked(
            QT_TRANSLATE_NOOP(
                "ConsoleColumns",
                "The station's last journaled message (heartbeats are not journaled, so a "
                "replay cannot tell when the station was last heard)",
            )
        )

        def online(r: StationView, n: float) -> str:
            return QCoreApplication.translate("ConsoleColumns", yes if r.online else no)

        columns = [
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Station")),
                lambda r, n: local_name(f"station:{r.station}", r.name or r.station),
            ),
            _c(marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Link")), online),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Last contact (journal)"))
                if journal_only
                else marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Last heard")),
                lambda r, n: heard_text(heard(r), n, _display_zone),
                sort=lambda r, n: heard(r) or 0.0,
                timed=True,
                tip=(lambda r, n: QCoreApplication.translate("ConsoleColumns", journal_tip))
                if journal_only
                else None,
            ),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Open")),
                lambda r, n: str(rows.open_count(r.station)),
                sort=lambda r, n: rows.open_count(r.station),
                timed=True,
            ),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Late")),
                lambda r, n: str(rows.late_count(r.station, n)),
                sort=lambda r, n: rows.late_count(r.station, n),
                timed=True,
            ),
            _c(  # a short title, so the column fits beside link, last heard, open and late
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Attention")),
                lambda r, n: str(rows.attention_count(r.station)),
                sort=lambda r, n: rows.attention_count(r.station),
                timed=True,
                header_tip=marked(
                    QT_TRANSLATE_NOOP(
                        "ConsoleColumns",
                        "Needs attention: the station's late, expired, declined or rejected "
                        "orders not acknowledged yet",
                    )
                ),
            ),
        ]
        super().__init__(rows, columns, clock, key=lambda r: r.station)
        self.stations = rows

    def set_heard(self, heard: Mapping[str, float | None]) -> None:
        """The engine's live last-heard times per station (shown, never folded)."""
        for station, ts in heard.items():
            if ts is None or self.live_heard.get(station) == ts:
                continue
            self.live_heard[station] = float(ts)
            row = self.stations.row_of(station)
            if row is not None:
                self.row_changed(row)

    def style(self, row: StationView, now: float, role: int) -> Any:
        """Offline stations in red (the highest risk colour, bold); stations with late orders or
        orders needing attention in the warning colours."""
        th = theme.current()
        warn = bool(
            self.stations.late_count(row.station, now) or self.stations.attention_count(row.station)
        )
        if role == Qt.ItemDataRole.ForegroundRole:
            if not row.online:
                return QBrush(th.risk_color(4))
            if warn:
                return QBrush(th.color("overdue_text"))
        if role == Qt.ItemDataRole.FontRole and not row.online:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and warn:
            return QBrush(th.color("overdue_bg"))
        return None


class DecisionsTableModel(RowTableModel[DecisionView]):
    """The decision log: time, decision, rationale, author; struck entries drawn struck through."""

    def __init__(self, rows: DecisionsModel, clock: Callable[[], float] | None = None) -> None:
        columns = [
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Time")),
                lambda r, n: hhmm(r.decision.ts),
                sort=lambda r, n: r.decision.ts,
            ),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Decision")),
                lambda r, n: r.decision.decision,
            ),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Rationale")),
                lambda r, n: r.decision.rationale,
            ),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Author")),
                lambda r, n: r.decision.author,
            ),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Correction")),
                lambda r, n: r.struck_reason or r.decision.correction_reason,
            ),
        ]
        super().__init__(rows, columns, clock, key=lambda r: r.decision.id)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """As the base, with the whole Joint Decision Model entry as the tooltip."""
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return plain_tip(jdm_text(self.row_at(index.row())))
        return super().data(index, role)

    def style(self, row: DecisionView, now: float, role: int) -> Any:
        """Struck-through font and muted colour for corrected entries."""
        if not row.struck:
            return None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(theme.current().color("muted"))
        return None


JDM_FIELDS = (
    ("information", marked(QT_TRANSLATE_NOOP("DecisionFields", "Information"))),
    ("risk_assessment", marked(QT_TRANSLATE_NOOP("DecisionFields", "Risk assessment"))),
    ("powers_policy", marked(QT_TRANSLATE_NOOP("DecisionFields", "Powers and policy"))),
    ("options", marked(QT_TRANSLATE_NOOP("DecisionFields", "Options"))),
    ("decision", marked(QT_TRANSLATE_NOOP("DecisionFields", "Decision"))),
    ("rationale", marked(QT_TRANSLATE_NOOP("DecisionFields", "Rationale"))),
)


def jdm_text(row: DecisionView) -> str:
    """The entry's Joint Decision Model fields, one per line (empty ones left out)."""
    lines = []
    for name, title in JDM_FIELDS:
        value = getattr(row.decision, name)
        if value:
            lines.append(f"{QCoreApplication.translate('DecisionFields', title)}: {value}")
    if row.struck:
        reason = QCoreApplication.translate("DecisionFields", "Struck through")
        lines.append(f"{reason}: {row.struck_reason}")
    return "\n".join(lines)


_ISSUED_OUTCOMES = (SuggestionOutcome.APPROVED.value, SuggestionOutcome.EDITED.value)


class SuggestionsTableModel(RowTableModel[SuggestionView]):
    """Playbook suggestions: time, playbook, reason, orders (proposed; once approved or edited,
    the ones issued, an edited one's tooltip naming both), status."""

    def __init__(self, rows: SuggestionsModel, clock: Callable[[], float] | None = None) -> None:
        def status(r: SuggestionView, n: float) -> str:
            return QCoreApplication.translate("SuggestionStatus", SUGGESTION_STATUS[r.status])

        def orders(r: SuggestionView, n: float) -> str:
            """What was issued once it was approved or edited; else what was proposed."""
            return proposed_orders(r.issued if r.status in _ISSUED_OUTCOMES else r.orders)

        def orders_tip(r: SuggestionView, n: float) -> str:
            if r.status != SuggestionOutcome.EDITED.value:
                return orders(r, n)
            proposed = QCoreApplication.translate("SuggestionStatus", "Proposed")
            issued = QCoreApplication.translate("SuggestionStatus", "Issued after the edit")
            return f"{proposed}: {proposed_orders(r.orders)}\n{issued}: {proposed_orders(r.issued)}"

        columns = [
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Time")),
                lambda r, n: hhmm(r.proposed_at),
                sort=lambda r, n: r.proposed_at,
            ),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Playbook")),
                lambda r, n: local_name(f"playbook:{r.playbook}", r.playbook),
            ),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Reason")),
                lambda r, n: playbook_reason(r.playbook, r.reason, r.zone),
            ),
            _c(marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Orders")), orders, tip=orders_tip),
            _c(marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Status")), status),
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Age")),
                lambda r, n: ago(r.age(n)) if r.pending else "",
                sort=lambda r, n: r.age(n),
                timed=True,
            ),
        ]
        super().__init__(rows, columns, clock, key=lambda r: r.suggestion_id)

    def style(self, row: SuggestionView, now: float, role: int) -> Any:
        """Answered suggestions in the muted colour."""
        if role == Qt.ItemDataRole.ForegroundRole and not row.pending:
            return QBrush(theme.current().color("muted"))
        if role == Qt.ItemDataRole.FontRole and row.pending:
            font = QFont()
            font.setBold(True)
            return font
        return None


def _words(row: AlertView) -> AlertWords | None:
    """The alert's words in the UI language (received CAP infos, issued language versions)."""
    return alert_words(row.body, current_language())


def _cap(row: AlertView, key: str) -> str:
    """A CAP field of an alert: the signal's "cap" dict, then the body itself."""
    cap = row.body.get("cap")
    for source in (cap if isinstance(cap, Mapping) else {}, row.body):
        value = source.get(key)
        if value not in (None, "", [], {}):
            if isinstance(value, list | tuple):
                return ", ".join(
                    str(v.get("areaDesc") or v.get("name") or v.get("id") or v)
                    if isinstance(v, Mapping)
                    else str(v)
                    for v in value
                )
            return str(value)
    return ""


class AlertsTableModel(RowTableModel[AlertView]):
    """The alert board: received signals (CAP alerts) and issued alerts, with what the body
    carries of status, type, severity, area and expiry (the view sorts it newest first)."""

    def __init__(self, rows: AlertsModel, clock: Callable[[], float] | None = None) -> None:
        received = marked(QT_TRANSLATE_NOOP("ConsoleColumns", "received"))
        issued = marked(QT_TRANSLATE_NOOP("ConsoleColumns", "issued"))

        def direction(r: AlertView, n: float) -> str:
            return QCoreApplication.translate("ConsoleColumns", issued if r.issued else received)

        def status(r: AlertView, n: float) -> str:
            text = r.status
            if r.msg_type and r.msg_type != "Alert":
                text = f"{text} · {r.msg_type}"
            if r.cancelled_by:
                text += " · " + QCoreApplication.translate("ConsoleColumns", "cancelled")
            elif r.updated_by:
                text += " · " + QCoreApplication.translate("ConsoleColumns", "updated")
            return text

        def area(r: AlertView, n: float) -> str:
            words = _words(r)
            if words is not None and words.area:
                return words.area
            return _cap(r, "areas") or _cap(r, "area") or _cap(r, "areaDesc") or (r.zone or "")

        def headline(r: AlertView, n: float) -> str:
            words = _words(r)
            return words.headline if words is not None and words.headline else r.headline

        def severity(r: AlertView, n: float) -> str:
            words = _words(r)
            return words.severity if words is not None and words.severity else _cap(r, "severity")

        def expires(r: AlertView, n: float) -> str:
            words = _words(r)
            value = words.expires if words is not None and words.expires else _cap(r, "expires")
            try:
                return hhmm(float(value)) if value else ""
            except ValueError:
                return value  # an ISO time as the CAP message gave it

        columns = [
            _c(
                marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Time")),
                lambda r, n: hhmm(r.ts),
                sort=lambda r, n: r.ts,
            ),
            _c(marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Direction")), direction),
            _c(marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Kind")), lambda r, n: r.kind),
            _c(marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Headline")), headline),
            _c(marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Status")), status),
            _c(marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Severity")), severity),
            _c(marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Area")), area),
            _c(marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Expires")), expires),
            _c(marked(QT_TRANSLATE_NOOP("ConsoleColumns", "Source")), lambda r, n: r.source),
        ]
        super().__init__(rows, columns, clock, key=lambda r: r.id)

    def style(self, row: AlertView, now: float, role: int) -> Any:
        """Non-Actual, cancelled or superseded alerts in the muted colour."""
        if role == Qt.ItemDataRole.ForegroundRole and (
            row.status != "Actual" or row.cancelled_by or row.updated_by
        ):
            return QBrush(theme.current().color("muted"))
        return None


class OrdersFilterProxy(QSortFilterProxyModel):
    """Filters orders by free text (station, kind, zone, id…), state and open-only; sorts by key."""

    def __init__(self) -> None:
        super().__init__()
        self._text = ""
        self._states: frozenset[OrderState] | None = None
        self._open_only = False
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_text(self, text: str) -> None:
        """Keep rows whose station, kind, zone, id, state or detail contains `text`."""
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange()

    def set_states(self, states: frozenset[OrderState] | None) -> None:
        """Keep only rows in these states (None: all)."""
        self.beginFilterChange()
        self._states = states
        self.endFilterChange()

    def set_open_only(self, open_only: bool) -> None:
        """Keep only open orders."""
        self.beginFilterChange()
        self._open_only = open_only
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        """Apply the text, state and open-only filters."""
        model = self.sourceModel()
        assert isinstance(model, OrdersTableModel)
        row = model.row_at(source_row)
        if self._open_only and not row.state.open:
            return False
        if self._states is not None and row.state not in self._states:
            return False
        if not self._text:
            return True
        hay = " ".join(
            (row.order_id, row.station, row.kind, row.zone, row.state.value, state_text(row.state))
        ).casefold()
        return all(word in hay for word in self._text.split())
