"""The console's dialogs: decision entry (JDM), correction (reason required), dismissal reason.

Dialogs validate before accepting and expose the result as a plain draft (`command.drafts`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from command.drafts import CorrectionDraft, DecisionDraft
from command.fold import DecisionView
from ui.console.shortcuts import ok_cancel
from ui.labels import error_label, plain_label


def text_box(lines: int = 3) -> QPlainTextEdit:
    """A plain-text box `lines` high where Tab moves on (the dialogs' multi-line fields)."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


class DecisionDialog(QDialog):
    """New decision-log entry with the Joint Decision Model fields; with `correcting`, a correction.

    Decision and rationale are required; a correction also requires its reason.
    """

    def __init__(self, parent: QWidget | None = None, correcting: DecisionView | None = None):
        super().__init__(parent)
        self.setObjectName("decisionDialog")
        self.correcting = correcting
        self.information = text_box()
        self.risk = text_box()
        self.powers = text_box(2)
        self.options = text_box()
        self.decision = text_box(2)
        self.rationale = text_box()
        self.reason = QLineEdit()
        self.reason.setObjectName("correctionReason")
        self.error = error_label("dialogError")
        self.original = plain_label()
        self.original.setWordWrap(True)
        self.form = QFormLayout()
        self._labels = [plain_label() for _ in range(8)]
        rows: list[tuple[QLabel, QWidget]] = list(
            zip(
                self._labels,
                [
                    self.original,
                    self.reason,
                    self.information,
                    self.risk,
                    self.powers,
                    self.options,
                    self.decision,
                    self.rationale,
                ],
                strict=True,
            )
        )
        for label, field in rows:
            label.setBuddy(field)
            self.form.addRow(label, field)
        if correcting is None:
            self.form.setRowVisible(0, False)
            self.form.setRowVisible(1, False)
        else:
            d = correcting.decision
            for box, text in (
                (self.information, d.information),
                (self.risk, d.risk_assessment),
                (self.powers, d.powers_policy),
                (self.options, d.options),
                (self.decision, d.decision),
                (self.rationale, d.rationale),
            ):
                box.setPlainText(text)
            self.original.setText(d.decision)
        self.buttons, self.submit_keys = ok_cancel(self)  # Ctrl+Enter saves (validation applies)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.retranslate()

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        if self.correcting is None:
            self.setWindowTitle(self.tr("New decision"))
        else:
            self.setWindowTitle(self.tr("Correct decision"))
        titles = [
            self.tr("Entry corrected:"),
            self.tr("Reason for &correction:"),
            self.tr("&Information:"),
            self.tr("&Risk assessment:"),
            self.tr("&Powers and policy:"),
            self.tr("O&ptions:"),
            self.tr("&Decision:"),
            self.tr("Ra&tionale:"),
        ]
        for label, text in zip(self._labels, titles, strict=True):
            label.setText(text)
        self.decision.setPlaceholderText(self.tr("What was decided"))
        self.rationale.setPlaceholderText(self.tr("Why, given what was known"))
        self.reason.setPlaceholderText(self.tr("Why the earlier entry is corrected"))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def problem(self) -> str:
        """What stops the entry from being accepted ('' when nothing)."""
        if self.correcting is not None and not self.reason.text().strip():
            return self.tr("A correction needs a reason.")
        if not self.decision.toPlainText().strip():
            return self.tr("Write the decision.")
        if not self.rationale.toPlainText().strip():
            return self.tr("Write the rationale.")
        return ""

    def accept(self) -> None:
        """Accept only a complete entry; otherwise say what is missing."""
        problem = self.problem()
        self.error.setText(problem)
        if not problem:
            super().accept()

    def draft(self) -> DecisionDraft:
        """The entry as written."""
        return DecisionDraft(
            decision=self.decision.toPlainText().strip(),
            rationale=self.rationale.toPlainText().strip(),
            information=self.information.toPlainText().strip(),
            risk_assessment=self.risk.toPlainText().strip(),
            powers_policy=self.powers.toPlainText().strip(),
            options=self.options.toPlainText().strip(),
        )

    def correction(self) -> CorrectionDraft:
        """The correction as written (only with `correcting`)."""
        assert self.correcting is not None
        return CorrectionDraft(
            original_id=self.correcting.decision.id,
            entry=self.draft(),
            reason=self.reason.text().strip(),
        )


class ReasonDialog(QDialog):
    """Asks for a reason (dismissing a suggestion); refuses an empty one."""

    def __init__(self, parent: QWidget | None = None, subject: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.subject = plain_label(subject)
        self.subject.setWordWrap(True)
        self.reason = QLineEdit()
        self.error = error_label()
        self.label = plain_label()
        self.label.setBuddy(self.reason)
        buttons, self.submit_keys = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.subject)
        layout.addWidget(self.label)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
        self.retranslate()

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        self.setWindowTitle(self.tr("Dismiss suggestion"))
        self.label.setText(self.tr("&Reason:"))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def accept(self) -> None:
        """Accept only with a reason."""
        if not self.reason.text().strip():
            self.error.setText(self.tr("Give a reason."))
            return
        super().accept()

    def text(self) -> str:
        """The reason given."""
        return self.reason.text().strip()
