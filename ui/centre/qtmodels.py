"""Thin Qt adapters over the centre board fold (`command.centre`): the board table, its filter
proxy and an incident's timeline.

Like the console's tables (`ui.console.qtmodels.RowTableModel`), each adapter listens to its
`RowModel` and turns inserts into `beginInsertRows` and changes into `dataChanged`; the board's
time-dependent columns (authority left, last heard, checkpoint age, SITREP due) refresh on
`tick()`. Cell colours: an integrity alarm paints the whole row red; per cell, an offline link is
red, authority under 30 min amber (red when gone), a SITREP amber once overdue and red after
`SITREP_RED_S` more, the worst zone in its risk colour.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, tzinfo
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from command.centre import BoardRow, CentreBoard, TimelineEntry, TimelineModel
from command.centre.timeline import Category, fill
from ui import theme
from ui.console.clock import clock_time
from ui.console.mapview import level_text
from ui.console.qtmodels import SORT_ROLE, Column, RowTableModel, duration
from ui.i18n import marked
from ui.labels import plain_tip

Index = QModelIndex | QPersistentModelIndex
STATUS_ROLE = Qt.ItemDataRole.UserRole + 10  # "alarm" | "red" | "amber" | "" (tests, a11y)
CTX = "CentreBoard"
AMBER_LEFT_S = 30 * 60.0  # authority left under this: amber
SITREP_RED_S = 15 * 60.0  # a SITREP this long overdue: red (amber before)
SILENT_S = 300.0  # no link event journaled and nothing heard for this long: "silent", amber


def _t(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


TITLES = {
    "incident": marked(QT_TRANSLATE_NOOP("CentreBoard", "Incident")),
    "integrity": marked(QT_TRANSLATE_NOOP("CentreBoard", "Integrity")),
    "sitrep": marked(QT_TRANSLATE_NOOP("CentreBoard", "SITREP")),
    "left": marked(QT_TRANSLATE_NOOP("CentreBoard", "Authority left")),
    "link": marked(QT_TRANSLATE_NOOP("CentreBoard", "Link · last heard")),
    "zone": marked(QT_TRANSLATE_NOOP("CentreBoard", "Worst zone")),
    "open": marked(QT_TRANSLATE_NOOP("CentreBoard", "Open")),
    "late": marked(QT_TRANSLATE_NOOP("CentreBoard", "Late")),
    "declined": marked(QT_TRANSLATE_NOOP("CentreBoard", "Declined")),
    "escalations": marked(QT_TRANSLATE_NOOP("CentreBoard", "Escalations")),
    "witnessed": marked(QT_TRANSLATE_NOOP("CentreBoard", "Witnessed")),
    "commander": marked(QT_TRANSLATE_NOOP("CentreBoard", "Commander (key)")),
    "scope": marked(QT_TRANSLATE_NOOP("CentreBoard", "Scope")),
}
WORDS = (
    QT_TRANSLATE_NOOP("CentreBoard", "online"),
    QT_TRANSLATE_NOOP("CentreBoard", "offline"),
    QT_TRANSLATE_NOOP("CentreBoard", "silent"),
    QT_TRANSLATE_NOOP("CentreBoard", "revoked"),
    QT_TRANSLATE_NOOP("CentreBoard", "expired"),
    QT_TRANSLATE_NOOP("CentreBoard", "OK"),
    QT_TRANSLATE_NOOP("CentreBoard", "ALARM: %1"),
    QT_TRANSLATE_NOOP("CentreBoard", "overdue by %1"),
    QT_TRANSLATE_NOOP("CentreBoard", "due in %1"),
    QT_TRANSLATE_NOOP("CentreBoard", "answered %1"),
    QT_TRANSLATE_NOOP("CentreBoard", "#%1 · %2 · %3 cosigned"),
    QT_TRANSLATE_NOOP("CentreBoard", "cosigned by %1"),
    QT_TRANSLATE_NOOP("CentreBoard", "%1 stations · %2 kinds · %3 zones"),
)
"""Cell words marked for translation (the cells translate them in the CentreBoard context)."""
AGO = (
    QT_TRANSLATE_NOOP("CentreBoard", "just now"),
    QT_TRANSLATE_NOOP("CentreBoard", "%1 s ago"),
    QT_TRANSLATE_NOOP("CentreBoard", "%1 min ago"),
    QT_TRANSLATE_NOOP("CentreBoard", "%1 h %2 min ago"),
)
"""The board's ages, marked for translation (see `ago`)."""
COLUMNS = tuple(TITLES)


def ago(seconds: float | None) -> str:
    """An age on the board: "just now", "40 s ago", "12 min ago", "2 h 05 min ago"."""
    if seconds is None:
        return "—"
    s = max(0, int(seconds))
    if s < 5:
        return _t("just now")
    if s < 60:
        return _t("%1 s ago").replace("%1", str(s))
    if s < 3600:
        return _t("%1 min ago").replace("%1", str(s // 60))
    return (
        _t("%1 h %2 min ago").replace("%1", str(s // 3600)).replace("%2", f"{s % 3600 // 60:02d}")
    )


_zone: list[tzinfo] = [UTC]


def set_board_zone(tz: tzinfo) -> None:
    """Show the board's clock times in `tz` (the centre's zone; default UTC)."""
    _zone[0] = tz


def left_text(r: BoardRow, now: float) -> str:
    """Authority left: "1h05m", "revoked", "expired" or "—"."""
    if r.valid_until is None:
        return "—"
    if r.revoked:
        return _t("revoked")
    left = r.time_left(now) or 0.0
    return duration(left) if left > 0 else _t("expired")


def link_down(r: BoardRow, now: float) -> bool:
    """Offline by the journal, or (no link event journaled) silent for `SILENT_S`."""
    if r.link_up is not None:
        return not r.link_up
    return r.last_heard is not None and now - r.last_heard > SILENT_S


def link_text(r: BoardRow, now: float) -> str:
    """The link word ("online", "offline", "silent"), then when last heard."""
    if r.link_up is None:
        if not link_down(r, now):  # no link event journaled: when it was last heard says it
            return ago(now - r.last_heard) if r.last_heard else "—"
        word = _t("silent")
    else:
        word = _t("online" if r.link_up else "offline")
    return f"{word} · {ago(now - r.last_heard)}" if r.last_heard else word


def checkpoint_text(r: BoardRow, now: float) -> str:
    """The checkpoint cell: "#120 · 2 min ago · 3 cosigned" or "—" (names in the tooltip)."""
    cp = r.checkpoint
    if cp is None:
        return "—"
    return (
        _t("#%1 · %2 · %3 cosigned")
        .replace("%1", str(cp.head_seq))
        .replace("%2", ago(cp.age(now)))
        .replace("%3", str(len(cp.witnesses)))
    )


def sitrep_text(r: BoardRow, now: float) -> str:
    """The soonest open SITREP ("due in 4m10s", "overdue by 3m00s"), else the last answer."""
    open_ = r.open_sitreps()
    if open_:
        s = open_[0]
        if s.overdue(now):
            return _t("overdue by %1").replace("%1", duration(now - s.due_ts))
        return _t("due in %1").replace("%1", duration(s.due_ts - now))
    answer = r.last_answer()
    if answer is not None and answer.answered_at is not None:
        return _t("answered %1").replace("%1", clock_time(answer.answered_at, _zone[0]))
    return "—"


def sitrep_status(r: BoardRow, now: float) -> str:
    """red" (overdue by `SITREP_RED_S` or more), "amber" (overdue) or ""."""
    overdue = r.overdue_sitreps(now)
    if not overdue:
        return ""
    return "red" if now - overdue[0].due_ts >= SITREP_RED_S else "amber"


def left_status(r: BoardRow, now: float) -> str:
    """red" (revoked or expired), "amber" (under 30 min) or ""."""
    left = r.time_left(now)
    if left is None:
        return ""
    if left <= 0:
        return "red"
    return "amber" if left < AMBER_LEFT_S else ""


def integrity_text(r: BoardRow, now: float) -> str:
    """The integrity cell: "OK" or "ALARM: <why>"."""
    if not r.alarm:
        return _t("OK")
    return _t("ALARM: %1").replace("%1", timeline_text(r.alarm_template, r.alarm_args))


def _num(attr: str) -> Callable[[BoardRow, float], str]:
    return lambda r, n: str(getattr(r, attr))


def _commander(r: BoardRow, n: float) -> str:
    if not r.commander:
        return "—"
    short = ":".join(r.key_id.split(":")[:2])  # the full fingerprint is in the tooltip
    return f"{r.commander} ({short})" if r.key_id else r.commander


def scope_counts(r: BoardRow, n: float) -> str:
    """ "4 stations · 5 kinds · 5 zones" (the full scope is the cell's tooltip)."""
    if not r.scope:
        return "—"

    def count(key: str) -> int:
        values = r.scope.get(key)
        return len(values) if isinstance(values, list | tuple) else 0

    return (
        _t("%1 stations · %2 kinds · %3 zones")
        .replace("%1", str(count("stations")))
        .replace("%2", str(count("order_kinds")))
        .replace("%3", str(count("zones")))
    )


def _incident(r: BoardRow, n: float) -> str:
    return f"{r.key} — {r.title}" if r.title and r.title != r.key else r.key


_DISPLAY: dict[str, Column[BoardRow]] = {
    "incident": Column(TITLES["incident"], _incident, context=CTX),
    "commander": Column(TITLES["commander"], _commander, context=CTX),
    "scope": Column(TITLES["scope"], scope_counts, context=CTX),
    "left": Column(
        TITLES["left"],
        left_text,
        sort=lambda r, n: -1.0 if r.time_left(n) is None else r.time_left(n),
        timed=True,
        context=CTX,
    ),
    "link": Column(
        TITLES["link"],
        link_text,
        sort=lambda r, n: (r.link_up is True, r.last_heard or 0.0),
        timed=True,
        context=CTX,
    ),
    "zone": Column(
        TITLES["zone"],
        lambda r, n: level_text(r.worst_level),
        sort=lambda r, n: -1 if r.worst_level is None else r.worst_level,
        context=CTX,
    ),
    "open": Column(TITLES["open"], _num("open"), sort=lambda r, n: r.open, context=CTX),
    "late": Column(TITLES["late"], _num("late"), sort=lambda r, n: r.late, context=CTX),
    "declined": Column(
        TITLES["declined"], _num("declined"), sort=lambda r, n: r.declined, context=CTX
    ),
    "escalations": Column(
        TITLES["escalations"],
        _num("escalations_open"),
        sort=lambda r, n: r.escalations_open,
        context=CTX,
    ),
    "witnessed": Column(
        TITLES["witnessed"],
        checkpoint_text,
        sort=lambda r, n: r.checkpoint.head_seq if r.checkpoint else -1,
        timed=True,
        context=CTX,
    ),
    "sitrep": Column(
        TITLES["sitrep"],
        sitrep_text,
        sort=lambda r, n: {"red": 2, "amber": 1}.get(sitrep_status(r, n), 0),
        timed=True,
        context=CTX,
    ),
    "integrity": Column(
        TITLES["integrity"], integrity_text, sort=lambda r, n: int(bool(r.alarm)), context=CTX
    ),
}


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class BoardTableModel(RowTableModel[BoardRow]):
    """The incidents board: one row per incident the centre (or a centre below) delegated."""

    def __init__(self, board: CentreBoard, clock: Callable[[], float] | None = None) -> None:
        super().__init__(board, [_DISPLAY[c] for c in COLUMNS], clock, key=lambda r: r.key)
        self.board = board

    def column(self, name: str) -> int:
        """The column number of `name` (see `COLUMNS`)."""
        return COLUMNS.index(name)

    def status(self, row: BoardRow, name: str, now: float) -> str:
        """A cell's warning: "alarm" (the whole row), "red", "amber" or ""."""
        if row.alarm:
            return "alarm"
        if name == "link" and link_down(row, now):
            return "red" if row.link_up is False else "amber"  # journaled offline, or silent
        if name == "left":
            return left_status(row, now)
        if name == "sitrep":
            return sitrep_status(row, now)
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell values, sort keys and per-cell colours."""
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(self._tooltip(self.source.rows[index.row()], COLUMNS[index.column()]))
        if role not in (
            STATUS_ROLE,
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.FontRole,
        ):
            return super().data(index, role)
        row = self.source.rows[index.row()]
        name = COLUMNS[index.column()]
        now = self.clock()
        status = self.status(row, name, now)
        if role == STATUS_ROLE:
            return status
        th = theme.current()
        if status == "alarm":
            colours: tuple[QColor, QColor] | None = (
                th.color("banner_bg"),
                th.color("banner_text"),
            )
        elif status == "red":
            colours = th.risk_color(4), th.risk_text_color(4)
        elif status == "amber":
            colours = th.risk_color(3), th.risk_text_color(3)
        elif name == "zone" and row.worst_level is not None:
            colours = th.risk_color(row.worst_level), th.risk_text_color(row.worst_level)
        elif name in ("late", "declined", "escalations") and self._count(row, name):
            colours = None
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(th.color("overdue_text"))
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(th.color("overdue_bg"))
        else:
            colours = None
        if colours is None:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(colours[0])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(colours[1])
        return _bold() if status else None

    @staticmethod
    def _count(row: BoardRow, name: str) -> int:
        return {"late": row.late, "declined": row.declined, "escalations": row.escalations_open}[
            name
        ]

    def _tooltip(self, row: BoardRow, name: str) -> str:
        now = self.clock()
        if name == "scope":
            return row.scope_text() or "—"
        if name == "witnessed" and row.checkpoint is not None:
            return (
                checkpoint_text(row, now)
                + "\n"
                + _t("cosigned by %1").replace("%1", ", ".join(row.checkpoint.witnesses))
            )
        if name == "link" and row.last_heard:
            return f"{clock_time(row.last_heard, _zone[0])} · {ago(now - row.last_heard)}"
        if name == "commander" and row.key_id:
            return f"{row.commander}\n{row.key_id}"
        if name == "integrity" and row.alarm:
            return row.alarm
        if name == "sitrep":
            lines = [
                f"{s.sitrep_id}: {sitrep_text(BoardRow(row.key, row.path, sitreps=(s,)), now)}"
                for s in row.sitreps
            ]
            return "\n".join(lines) or "—"
        return str(_DISPLAY[name].display(row, now))


class BoardFilterProxy(QSortFilterProxyModel):
    """Sorts by each column's sort key; hides district centres that only relay (their
    incidents have rows of their own) and rows not matching the filter text."""

    def __init__(self, model: BoardTableModel) -> None:
        super().__init__()
        self.setSourceModel(model)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.board_model = model

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        """Incidents only, matching the filter text in any column."""
        if self.board_model.row_at(source_row).is_centre:
            return False
        return super().filterAcceptsRow(source_row, source_parent)

    def lessThan(self, left: Index, right: Index) -> bool:
        """Compare sort keys (mixed types compare as text)."""
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)


CATEGORY_NAMES = {
    Category.ORDER: marked(QT_TRANSLATE_NOOP("CentreTimeline", "order")),
    Category.DECISION: marked(QT_TRANSLATE_NOOP("CentreTimeline", "decision")),
    Category.ESCALATION: marked(QT_TRANSLATE_NOOP("CentreTimeline", "escalation")),
    Category.ZONE: marked(QT_TRANSLATE_NOOP("CentreTimeline", "zone level")),
    Category.AUTHORITY: marked(QT_TRANSLATE_NOOP("CentreTimeline", "authority")),
    Category.SITREP: marked(QT_TRANSLATE_NOOP("CentreTimeline", "SITREP")),
    Category.LINK: marked(QT_TRANSLATE_NOOP("CentreTimeline", "link")),
    Category.INTEGRITY: marked(QT_TRANSLATE_NOOP("CentreTimeline", "integrity")),
}


TIMELINE_TEMPLATES = (
    QT_TRANSLATE_NOOP("CentreTimeline", "issued: %1 → %2 (%3)"),
    QT_TRANSLATE_NOOP("CentreTimeline", "declined"),
    QT_TRANSLATE_NOOP("CentreTimeline", "rejected"),
    QT_TRANSLATE_NOOP("CentreTimeline", "completed"),
    QT_TRANSLATE_NOOP("CentreTimeline", "failed"),
    QT_TRANSLATE_NOOP("CentreTimeline", "cancelled"),
    QT_TRANSLATE_NOOP("CentreTimeline", "expired"),
    QT_TRANSLATE_NOOP("CentreTimeline", "declined: %1"),
    QT_TRANSLATE_NOOP("CentreTimeline", "rejected: %1"),
    QT_TRANSLATE_NOOP("CentreTimeline", "completed: %1"),
    QT_TRANSLATE_NOOP("CentreTimeline", "failed: %1"),
    QT_TRANSLATE_NOOP("CentreTimeline", "cancelled: %1"),
    QT_TRANSLATE_NOOP("CentreTimeline", "expired: %1"),
    QT_TRANSLATE_NOOP("CentreTimeline", "corrects %1: %2"),
    QT_TRANSLATE_NOOP("CentreTimeline", "green"),
    QT_TRANSLATE_NOOP("CentreTimeline", "blue"),
    QT_TRANSLATE_NOOP("CentreTimeline", "yellow"),
    QT_TRANSLATE_NOOP("CentreTimeline", "orange"),
    QT_TRANSLATE_NOOP("CentreTimeline", "red"),
    QT_TRANSLATE_NOOP("CentreTimeline", "grant to %1"),
    QT_TRANSLATE_NOOP("CentreTimeline", "handed over to %1"),
    QT_TRANSLATE_NOOP("CentreTimeline", "revoked: %1"),
    QT_TRANSLATE_NOOP("CentreTimeline", "sent by %1"),
    QT_TRANSLATE_NOOP("CentreTimeline", "sent by %1: %2"),
    QT_TRANSLATE_NOOP("CentreTimeline", "requested"),
    QT_TRANSLATE_NOOP("CentreTimeline", "up"),
    QT_TRANSLATE_NOOP("CentreTimeline", "down"),
    QT_TRANSLATE_NOOP("CentreTimeline", "%1 refused: %2"),
    QT_TRANSLATE_NOOP("CentreTimeline", "witnesses disagree at seq %1: %2"),
    QT_TRANSLATE_NOOP("CentreTimeline", "mirrored seq %1 differs from the witnessed head"),
)
"""`command.centre.timeline.TEMPLATES` ("%1" aside), marked for translation."""


def timeline_text(template: str, args: tuple[str, ...]) -> str:
    """A timeline or alarm template in the current language, filled."""
    return fill(QCoreApplication.translate("CentreTimeline", template), args)


class TimelineTableModel(RowTableModel[TimelineEntry]):
    """An incident's significant events: time, what, subject, detail (centre-side in italics,
    integrity in red)."""

    def __init__(self, rows: TimelineModel, clock: Callable[[], float] | None = None) -> None:
        columns: list[Column[TimelineEntry]] = [
            Column(
                marked(QT_TRANSLATE_NOOP("CentreTimeline", "Time")),
                lambda r, n: clock_time(r.ts, _zone[0]),
                sort=lambda r, n: r.ts,
                context="CentreTimeline",
            ),
            Column(
                marked(QT_TRANSLATE_NOOP("CentreTimeline", "What")),
                lambda r, n: QCoreApplication.translate(
                    "CentreTimeline", CATEGORY_NAMES[r.category]
                ),
                context="CentreTimeline",
            ),
            Column(
                marked(QT_TRANSLATE_NOOP("CentreTimeline", "Subject")),
                lambda r, n: r.subject,
                context="CentreTimeline",
            ),
            Column(
                marked(QT_TRANSLATE_NOOP("CentreTimeline", "Detail")),
                lambda r, n: timeline_text(r.template, r.args),
                context="CentreTimeline",
            ),
        ]
        super().__init__(rows, columns, clock)

    def style(self, row: TimelineEntry, now: float, role: int) -> Any:
        """Integrity entries in red, centre-side ones in italics."""
        th = theme.current()
        if row.category is Category.INTEGRITY:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(th.color("banner_bg"))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(th.color("banner_text"))
        if role == Qt.ItemDataRole.FontRole and row.centre:
            font = QFont()
            font.setItalic(True)
            return font
        return None


class KeepColoursDelegate(QStyledItemDelegate):
    """Draws a selected cell that has a warning colour in that colour, framed in the selection
    colour, so selecting an incident never hides its alarm, overdue SITREP or countdown."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """Paint the cell (see the class doc)."""
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if not selected or index.data(Qt.ItemDataRole.BackgroundRole) is None:
            super().paint(painter, option, index)
            return
        plain = QStyleOptionViewItem(option)
        plain.state &= ~QStyle.StateFlag.State_Selected
        super().paint(painter, plain, index)
        painter.save()
        painter.setPen(QPen(option.palette.highlight().color(), 3))
        rect = option.rect.adjusted(1, 1, -2, -2)
        painter.drawLine(rect.topLeft(), rect.topRight())
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.restore()
