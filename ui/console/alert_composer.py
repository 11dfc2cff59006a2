"""The public-alert composer: the commander writes a CAP alert to the public, or an Update or a
Cancel of one already issued.

The area is picked from the incident's zones (their outlines become the CAP polygons); urgency,
severity, certainty, response type, instruction, web, contact and expiry are CAP's own fields; a
Chinese version can be written beside the English one (a second `<info>`). The dialog only builds
the `PublicAlert`; the engine validates it as CAP 1.2 and journals it with its decision entry
(`command.public_alerts`), so an invalid alert comes back as a one-line error and nothing is
journaled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from command.cap.export import RESPONSE_TYPES, AlertText, PublicAlert
from command.cap.model import CATEGORIES, CERTAINTIES, SEVERITIES, STATUSES, URGENCIES
from command.public_alerts import alert_identifier
from ui.console.dialogs import text_box
from ui.console.shortcuts import ok_cancel
from ui.labels import error_label, plain_label

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class AlertZone:
    """A zone the alert's area can be made of: id, display name and outline rings (lon, lat)."""

    id: str
    name: str
    rings: tuple[Ring, ...]


@dataclass(frozen=True, slots=True)
class ComposedAlert:
    """What the commander composed: the alert and why it is sent (the decision's rationale)."""

    alert: PublicAlert
    rationale: str


def _combo(values: Sequence[str], current: str) -> QComboBox:
    box = QComboBox()
    box.addItems(list(values))
    box.setCurrentText(current)
    return box


class PublicAlertDialog(QDialog):
    """Compose a public alert (or, with `following`, an Update or Cancel of an issued one)."""

    def __init__(
        self,
        zones: Sequence[AlertZone],
        *,
        incident_id: str,
        sender: str,
        timezone: str,
        now: float,
        following: PublicAlert | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("publicAlertDialog")
        self.zones = {z.id: z for z in zones}
        self.incident_id, self.alert_sender = incident_id, sender
        self.timezone, self.now = timezone, now
        self.following = following
        base = following
        self.msg_type = _combo(("Update", "Cancel") if following else ("Alert",), "")
        self.status = _combo(STATUSES[:3], base.status if base else "Actual")
        self.area = QListWidget()
        self.area.setObjectName("alertArea")
        chosen = set(base.area_desc.split("; ")) if base else set()
        for z in zones:
            item = QListWidgetItem(z.name or z.id)
            item.setData(Qt.ItemDataRole.UserRole, z.id)
            item.setCheckState(
                Qt.CheckState.Checked if (z.name or z.id) in chosen else Qt.CheckState.Unchecked
            )
            self.area.addItem(item)
        self.area.setMaximumHeight(self.area.sizeHintForRow(0) * min(6, len(zones)) + 8)
        self.event_edit = QLineEdit(base.event if base else "")
        self.headline = QLineEdit(base.headline if base else "")
        self.description = text_box()
        self.instruction = text_box(2)
        if base:
            self.description.setPlainText(base.description)
            self.instruction.setPlainText(base.instruction)
        self.category = _combo(CATEGORIES, base.category if base else "Safety")
        self.urgency = _combo(URGENCIES, base.urgency if base else "Immediate")
        self.severity = _combo(SEVERITIES, base.severity if base else "Severe")
        self.certainty = _combo(CERTAINTIES, base.certainty if base else "Observed")
        response = base.response_types[0] if base and base.response_types else "Avoid"
        self.response = _combo(RESPONSE_TYPES, response)
        self.web = QLineEdit(base.web if base else "")
        self.contact = QLineEdit(base.contact if base else "")
        self.expires = QSpinBox()
        self.expires.setRange(5, 24 * 60)
        self.expires.setSingleStep(15)
        self.expires.setValue(120)
        zh = next((t for t in base.translations if t.language == "zh-CN"), None) if base else None
        self.zh_event = QLineEdit(zh.event if zh else "")
        self.zh_headline = QLineEdit(zh.headline if zh else "")
        self.zh_description = text_box(2)
        self.zh_instruction = text_box(2)
        if zh:
            self.zh_description.setPlainText(zh.description)
            self.zh_instruction.setPlainText(zh.instruction)
        self.rationale = text_box(2)
        self.error = error_label("dialogError")

        self.form = QFormLayout()
        self._labels: list[QLabel] = []
        for field in (
            self.msg_type,
            self.status,
            self.area,
            self.event_edit,
            self.headline,
            self.description,
            self.instruction,
            self.category,
            self.urgency,
            self.severity,
            self.certainty,
            self.response,
            self.web,
            self.contact,
            self.expires,
            self.rationale,
        ):
            label = plain_label()
            label.setBuddy(field)
            self._labels.append(label)
            self.form.addRow(label, field)
        self.zh_box = QGroupBox()
        zh_form = QFormLayout(self.zh_box)
        self._zh_labels: list[QLabel] = []
        for field in (self.zh_event, self.zh_headline, self.zh_description, self.zh_instruction):
            label = plain_label()
            label.setBuddy(field)
            self._zh_labels.append(label)
            zh_form.addRow(label, field)
        self.buttons, self.submit_keys = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.zh_box)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)
        self.retranslate()

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        if self.following is None:
            self.setWindowTitle(self.tr("Public alert"))
        else:
            self.setWindowTitle(
                self.tr("Update or cancel public alert %1").replace(
                    "%1", self.following.headline or self.following.identifier
                )
            )
        titles = [
            self.tr("Message &type:"),
            self.tr("&Status:"),
            self.tr("&Area (zones):"),
            self.tr("&Event:"),
            self.tr("&Headline:"),
            self.tr("&Description:"),
            self.tr("&Instruction:"),
            self.tr("Cate&gory:"),
            self.tr("&Urgency:"),
            self.tr("Se&verity:"),
            self.tr("&Certainty:"),
            self.tr("&Response:"),
            self.tr("&Web:"),
            self.tr("C&ontact:"),
            self.tr("E&xpires in (minutes):"),
            self.tr("Ra&tionale:"),
        ]
        for label, text in zip(self._labels, titles, strict=True):
            label.setText(text)
        self.zh_box.setTitle(self.tr("Chinese version (optional)"))
        for label, text in zip(
            self._zh_labels,
            [
                self.tr("Event:"),
                self.tr("Headline:"),
                self.tr("Description:"),
                self.tr("Instruction:"),
            ],
            strict=True,
        ):
            label.setText(text)
        self.headline.setPlaceholderText(self.tr("What the public must know, in one line"))
        self.rationale.setPlaceholderText(self.tr("Why the public is alerted (decision log)"))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def chosen_zones(self) -> list[AlertZone]:
        """The zones ticked for the area, in list order."""
        out = []
        for row in range(self.area.count()):
            item = self.area.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(self.zones[str(item.data(Qt.ItemDataRole.UserRole))])
        return out

    def problem(self) -> str:
        """What stops the alert from being sent ('' when nothing)."""
        if not self.chosen_zones():
            return self.tr("Pick at least one zone for the area.")
        if not self.event_edit.text().strip():
            return self.tr("Name the event.")
        if not self.headline.text().strip():
            return self.tr("Write the headline.")
        zh = (self.zh_headline.text().strip(), self.zh_description.toPlainText().strip())
        if any(zh) and not all(zh):
            return self.tr("The Chinese version needs both a headline and a description.")
        if not self.rationale.toPlainText().strip():
            return self.tr("Write the rationale.")
        return ""

    def accept(self) -> None:
        """Accept only a complete alert; otherwise say what is missing."""
        problem = self.problem()
        self.error.setText(problem)
        if not problem:
            super().accept()

    def show_error(self, text: str) -> None:
        """Show the engine's refusal (e.g. a CAP rule) and keep the dialog open."""
        self.error.setText(text)

    def composed(self) -> ComposedAlert:
        """The alert as composed (call after `accept`)."""
        zones = self.chosen_zones()
        rings = tuple(r for z in zones for r in z.rings)
        translations: tuple[AlertText, ...] = ()
        if self.zh_headline.text().strip():
            translations = (
                AlertText(
                    "zh-CN",
                    self.zh_event.text().strip() or self.event_edit.text().strip(),
                    self.zh_headline.text().strip(),
                    self.zh_description.toPlainText().strip(),
                    self.zh_instruction.toPlainText().strip(),
                ),
            )
        msg_type = self.msg_type.currentText() if self.following else "Alert"
        references = ""
        if self.following is not None:
            earlier = self.following
            references = " ".join(r for r in (earlier.references, earlier.reference()) if r)
        alert = PublicAlert(
            identifier=alert_identifier(self.incident_id, self.now),
            sender=self.alert_sender,
            sent=self.now,
            event=self.event_edit.text().strip(),
            headline=self.headline.text().strip(),
            description=self.description.toPlainText().strip() or self.headline.text().strip(),
            area_desc="; ".join(z.name or z.id for z in zones),
            instruction=self.instruction.toPlainText().strip(),
            category=self.category.currentText(),
            urgency=self.urgency.currentText(),
            severity=self.severity.currentText(),
            certainty=self.certainty.currentText(),
            status=self.status.currentText(),
            msg_type=msg_type,
            language="en-US",
            expires=self.now + self.expires.value() * 60.0,
            references=references,
            timezone=self.timezone,
            polygons=rings,
            response_types=(self.response.currentText(),),
            web=self.web.text().strip(),
            contact=self.contact.text().strip(),
            translations=translations,
        )
        return ComposedAlert(alert, self.rationale.toPlainText().strip())


def alert_zones(
    shapes: Sequence[tuple[str, str, tuple[Ring, ...]]], names: Mapping[str, str]
) -> list[AlertZone]:
    """Alert zones from the map's zone shapes (id, name, rings), named as the incident names
    them when it does."""
    return [AlertZone(zone, names.get(zone) or name or zone, rings) for zone, name, rings in shapes]
