"""Suggestion editor: every order a playbook suggestion proposes, each kept, left out or edited.

A suggestion proposes one or more orders (hold entry *and* dim the show). The editor lists them
all: a check box per order says whether it is issued, "Edit…" opens the order composer on that
order alone (`OrderComposer(in_suggestion=True)`: no rationale of its own), and one "Why" box
explains the changes. An order the commander opened but did not change stays the proposed draft
itself, so an editor closed with nothing changed is an approval and is journaled as one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from command.drafts import EditedSuggestion, OrderDraft
from command.errors import ValidationError
from command.model import Station, Zone
from ui.console.composer import OrderComposer
from ui.console.dialogs import text_box
from ui.console.shortcuts import ok_cancel
from ui.i18n import kind_title, local, local_name, order_text, zone_name
from ui.labels import error_label, plain_label, plain_tip

MakeComposer = Callable[[Mapping[str, Any]], OrderComposer]
RunDialog = Callable[[QDialog], bool]


def order_summary(
    draft: OrderDraft, stations: Mapping[str, Station], zones: Mapping[str, Zone]
) -> str:
    """One line naming what `draft` orders, in the current language: "Station: kind · zone —
    text" (ids where the incident does not know the station, kind or zone)."""
    station = stations.get(draft.station)
    name = local_name(f"station:{draft.station}", station.name if station else draft.station)
    try:
        en = station.kind(draft.kind).title if station else draft.kind
    except ValidationError:  # a kind the station does not offer: its name
        en = draft.kind
    title = kind_title(draft.station, draft.kind, en)
    zone = zones.get(draft.zone)
    where = zone_name(draft.zone, zone.name if zone else draft.zone)
    line = f"{name}{local(': ', '：')}{title} · {where}"
    text = order_text(draft.station, draft.kind, draft.text)
    return f"{line} — {text}" if text else line


def _reading(composer: OrderComposer) -> OrderDraft | None:
    """The draft `composer` issues as it stands; None for a value it cannot show (then any
    accepted result is a change)."""
    try:
        return composer.draft().order
    except ValidationError:
        return None


class SuggestionEditor(QDialog):
    """Edit a playbook suggestion's orders; `edited(EditedSuggestion)` when confirmed."""

    edited = Signal(object)

    def __init__(
        self,
        suggestion_id: str,
        reason: str,
        orders: Sequence[OrderDraft],
        *,
        stations: Sequence[Station],
        zones: Sequence[Zone],
        make_composer: MakeComposer,
        run: RunDialog,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionEditor")
        self.suggestion_id = suggestion_id
        self.proposed = tuple(orders)
        self.drafts = list(orders)  # the draft to issue for each proposed order
        self._stations = {s.id: s for s in stations}
        self._zones = {z.id: z for z in zones}
        self._make_composer = make_composer
        self._run = run

        self.reason = plain_label(reason)
        self.reason.setWordWrap(True)
        self.orders_group = QGroupBox()
        grid = QGridLayout(self.orders_group)
        grid.setColumnStretch(1, 1)
        self.keep: list[QCheckBox] = []
        self.summaries: list[QLabel] = []
        self.marks: list[QLabel] = []
        self.edit_buttons: list[QPushButton] = []
        for i in range(len(self.proposed)):
            keep = QCheckBox()
            keep.setObjectName(f"keepOrder{i}")
            keep.setChecked(True)
            keep.toggled.connect(self._refresh)
            summary = plain_label()
            summary.setWordWrap(True)
            summary.setBuddy(keep)
            mark = plain_label()
            mark.setObjectName(f"orderMark{i}")
            button = QPushButton()
            button.setObjectName(f"editOrder{i}")
            button.clicked.connect(lambda _=False, at=i: self.edit_order(at))
            grid.addWidget(keep, i, 0)
            grid.addWidget(summary, i, 1)
            grid.addWidget(mark, i, 2)
            grid.addWidget(button, i, 3)
            self.keep.append(keep)
            self.summaries.append(summary)
            self.marks.append(mark)
            self.edit_buttons.append(button)
        self.why_label = plain_label()
        self.why_box = text_box(3)
        self.why_box.setObjectName("suggestionWhy")
        self.why_label.setBuddy(self.why_box)
        self.error = error_label("suggestionEditorError")
        self.buttons, self.submit_keys = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reason)
        layout.addWidget(self.orders_group)
        layout.addWidget(self.why_label)
        layout.addWidget(self.why_box)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)
        self.retranslate()

    # ---- state
    def edited_orders(self) -> list[int]:
        """Positions of the orders the commander changed."""
        return [i for i, d in enumerate(self.drafts) if d != self.proposed[i]]

    def left_out(self) -> list[int]:
        """Positions of the orders that will not be issued."""
        return [i for i, box in enumerate(self.keep) if not box.isChecked()]

    def changed(self) -> bool:
        """Whether anything differs from the proposal."""
        return bool(self.edited_orders() or self.left_out())

    def problem(self) -> str:
        """Why the suggestion cannot be issued as it stands ('' when it can)."""
        if len(self.left_out()) == len(self.proposed):
            return self.tr("Keep at least one order, or dismiss the suggestion instead.")
        if self.changed() and not self.why_box.toPlainText().strip():
            return self.tr("Write why you changed the suggestion: the change is logged with it.")
        return ""

    def result_edit(self) -> EditedSuggestion:
        """The suggestion as edited; raises ValidationError while `problem()` says why not."""
        problem = self.problem()
        if problem:
            raise ValidationError(problem)
        kept = tuple(d for i, d in enumerate(self.drafts) if self.keep[i].isChecked())
        return EditedSuggestion(
            self.suggestion_id, kept, self.why_box.toPlainText().strip(), self.changed()
        )

    # ---- actions
    def edit_order(self, at: int) -> bool:
        """Open the composer on order `at`; True when the commander changed it there. What the
        composer would issue unchanged is read before it opens: an OK without a change keeps
        the draft as it was (the proposed one, not the composer's reading of it)."""
        composer = self._make_composer(self.drafts[at].to_dict())
        before = _reading(composer)
        got: list[OrderDraft] = []
        composer.composed.connect(lambda composed: got.append(composed.order))
        if not self._run(composer) or not got or got[-1] == before:
            return False
        proposed = self.proposed[at]
        if self.drafts[at] != proposed and got[-1] == self._reading_of(proposed):
            self.drafts[at] = proposed  # changed back to what was proposed: that draft again
        else:
            self.drafts[at] = got[-1]
        self.keep[at].setChecked(True)
        self._refresh()
        return True

    def _reading_of(self, draft: OrderDraft) -> OrderDraft | None:
        """What a composer opened on `draft` would issue unchanged (a composer never shown)."""
        scratch = self._make_composer(draft.to_dict())
        try:
            return _reading(scratch)
        finally:
            scratch.deleteLater()

    def accept(self) -> None:
        """Accept when `problem()` allows (emitting `edited`), else show what is wrong."""
        problem = self.problem()
        self.error.setText(problem)
        if problem:
            return
        self.edited.emit(self.result_edit())
        super().accept()

    # ---- language
    def _refresh(self, *_: object) -> None:
        edited = set(self.edited_orders())
        for i, draft in enumerate(self.drafts):
            text = order_summary(draft, self._stations, self._zones)
            self.summaries[i].setText(text)
            self.summaries[i].setToolTip(plain_tip(text))
            self.summaries[i].setEnabled(self.keep[i].isChecked())  # left out reads greyed
            if not self.keep[i].isChecked():
                mark = self.tr("left out")
            elif i in edited:
                mark = self.tr("edited")
            else:
                mark = self.tr("as proposed")
            self.marks[i].setText(mark)
        if self.error.text():
            self.error.setText(self.problem())

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        self.setWindowTitle(self.tr("Edit suggestion"))
        self.orders_group.setTitle(self.tr("Orders proposed (ticked: issued)"))
        for i, button in enumerate(self.edit_buttons):
            button.setText(self.tr("Edit…"))
            self.keep[i].setText(self.tr("Issue"))
        self.why_label.setText(self.tr("&Why the changes:"))
        self.why_box.setPlaceholderText(self.tr("Needed when you change an order or leave one out"))
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
