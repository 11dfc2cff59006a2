"""The Answer SITREP dialog: the summary the console will send (the one
`protocols.uplink.compose_sitrep` builds from the fold) and the commander's remarks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QDialog,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from command.fold.sitreps import SitrepAsk
from ui.console.shortcuts import ok_cancel
from ui.labels import plain_label

JSON = Any


def summary_lines(summary: Mapping[str, JSON]) -> list[str]:
    """The summary as plain lines: one per zone (name and level, "stale" when its feeds went
    silent), the order counts, each open escalation. The console shows them before sending and
    the centre when it receives them: one rendering for both ends."""
    lines = []
    for z in summary.get("zones", []):
        line = f"{z.get('name') or z.get('zone')}: {z.get('level')}"
        if z.get("stale"):
            line += ", stale"  # its feeds went silent: the level is the last known one
        lines.append(line)
    orders = summary.get("orders")
    if isinstance(orders, Mapping):  # never zeros for counts a summary does not hold
        keys = ("issued", "open", "late", "completed", "declined", "rejected", "failed")
        lines.append(" · ".join(f"{k} {orders.get(k, 0)}" for k in keys))
    for e in summary.get("open_escalations", []):
        lines.append(f"! {e.get('station')}: {e.get('kind')} ({e.get('order_id')})")
    return lines


class SitrepDialog(QDialog):
    """Shows what will be sent in answer to `ask` and takes remarks; OK answers it."""

    def __init__(
        self,
        ask: SitrepAsk,
        summary: Mapping[str, JSON],
        time_of: Callable[[float], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sitrepDialog")
        self.ask = ask
        self.summary = dict(summary)
        self._time_of = time_of
        self.heading = plain_label()
        self.heading.setWordWrap(True)
        self.summary_view = QPlainTextEdit("\n".join(summary_lines(summary)))
        self.summary_view.setObjectName("sitrepSummary")
        self.summary_view.setReadOnly(True)
        self.remarks_label = plain_label()
        self.remarks_edit = QPlainTextEdit()
        self.remarks_edit.setObjectName("sitrepRemarks")
        self.remarks_label.setBuddy(self.remarks_edit)
        buttons, self.submit_keys = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary_view, 1)
        layout.addWidget(self.remarks_label)
        layout.addWidget(self.remarks_edit)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self.retranslate()

    def remarks(self) -> str:
        """The commander's remarks, trimmed."""
        return self.remarks_edit.toPlainText().strip()

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        self.setWindowTitle(self.tr("Answer SITREP"))
        heading = (
            self.tr("SITREP requested by %1, due %2")
            .replace("%1", self.ask.asked_by or "?")
            .replace("%2", self._time_of(self.ask.due_ts))
        )
        if self.ask.note:
            heading += f" — {self.ask.note}"
        self.heading.setText(heading + "\n" + self.tr("This summary will be sent:"))
        self.remarks_label.setText(self.tr("&Remarks:"))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
