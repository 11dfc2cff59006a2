"""Order composer: station → order kinds the delegation allows → one typed editor per parameter.

Editors follow the catalogue's `ParamSpec`: QSpinBox / QDoubleSpinBox with the spec's range,
QComboBox for choices, QCheckBox for flags, QLineEdit for text. The draft is checked with
`OrderKind.validate_params` before the dialog accepts; a prefilled value the editor cannot show
(e.g. out of range in a playbook suggestion) is kept as is and refused until the user changes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from command.drafts import ComposedOrder, OrderDraft
from command.errors import ValidationError
from command.model import OrderKind, ParamSpec, Priority, Station, Zone
from ui.console.dialogs import text_box
from ui.console.qtmodels import PRIORITY_NAMES
from ui.console.shortcuts import ok_cancel
from ui.i18n import kind_title, local_name, order_text, param_title, param_value, zone_name
from ui.labels import error_label, plain_label, plain_tip

BIG = 1_000_000_000
Editor = QSpinBox | QDoubleSpinBox | QComboBox | QCheckBox | QLineEdit


def make_editor(spec: ParamSpec) -> Editor:
    """The typed editor widget for one parameter, initialised to its default."""
    if spec.type == "int":
        spin = QSpinBox()
        spin.setRange(
            int(spec.minimum) if spec.minimum is not None else -BIG,
            int(spec.maximum) if spec.maximum is not None else BIG,
        )
        if spec.unit:
            spin.setSuffix(f" {spec.unit}")
        if spec.default is not None:
            spin.setValue(int(spec.default))
        return spin
    if spec.type == "float":
        dspin = QDoubleSpinBox()
        dspin.setDecimals(2)
        dspin.setRange(
            spec.minimum if spec.minimum is not None else -float(BIG),
            spec.maximum if spec.maximum is not None else float(BIG),
        )
        if spec.unit:
            dspin.setSuffix(f" {spec.unit}")
        if spec.default is not None:
            dspin.setValue(float(spec.default))
        return dspin
    if spec.type == "choice":
        combo = QComboBox()
        for choice in spec.choices:  # the choice itself is the data (what is signed)
            combo.addItem(choice, choice)
        if spec.default in spec.choices:
            combo.setCurrentIndex(combo.findData(spec.default))
        return combo
    if spec.type == "bool":
        check = QCheckBox()
        check.setChecked(bool(spec.default))
        return check
    line = QLineEdit()
    if spec.default is not None:
        line.setText(str(spec.default))
    return line


def editor_value(editor: Editor) -> Any:
    """The value an editor holds, typed."""
    if isinstance(editor, QSpinBox | QDoubleSpinBox):
        return editor.value()
    if isinstance(editor, QComboBox):
        data = editor.currentData()
        return editor.currentText() if data is None else data
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    text = editor.text().strip()
    return text or None


def set_editor_value(editor: Editor, value: Any) -> bool:
    """Show `value` in the editor; False when the editor cannot hold it exactly."""
    try:
        if isinstance(editor, QSpinBox):
            if isinstance(value, bool) or int(value) != value:
                return False
            editor.setValue(int(value))
            return bool(editor.value() == value)
        if isinstance(editor, QDoubleSpinBox):
            editor.setValue(float(value))
            return abs(editor.value() - float(value)) < 1e-9
        if isinstance(editor, QComboBox):
            i = editor.findData(str(value))
            editor.setCurrentIndex(i)
            return i >= 0
        if isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
            return isinstance(value, bool)
        editor.setText("" if value is None else str(value))
        return True
    except (TypeError, ValueError):
        return False


def _changed_signal(editor: Editor) -> Any:
    if isinstance(editor, QSpinBox | QDoubleSpinBox):
        return editor.valueChanged
    if isinstance(editor, QComboBox):
        return editor.currentIndexChanged
    if isinstance(editor, QCheckBox):
        return editor.toggled
    return editor.textEdited


class OrderComposer(QDialog):
    """Compose one order; `composed(ComposedOrder)` is emitted when the commander confirms."""

    composed = Signal(object)

    def __init__(
        self,
        stations: Sequence[Station],
        zones: Sequence[Zone],
        *,
        allows: Callable[[str, str], bool] | None = None,
        allows_zone: Callable[[str], bool] | None = None,
        in_suggestion: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # One order of a playbook suggestion (`SuggestionEditor`): the editor asks why once,
        # for the whole suggestion, so this dialog has no rationale of its own.
        self.in_suggestion = in_suggestion
        self.setObjectName("orderComposer")
        self.stations = {s.id: s for s in stations}
        self.allows = allows or (lambda station, kind: True)
        self.editors: dict[str, Editor] = {}
        self.param_labels: dict[str, QLabel] = {}
        self._raw: dict[str, Any] = {}  # prefilled values the editors could not show

        self.station_box = QComboBox()
        self.station_box.setObjectName("composerStation")
        for s in stations:
            self.station_box.addItem("", s.id)  # named in retranslate
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("composerKind")
        for box in (self.station_box, self.kind_box):
            # long agency names must not squeeze the labels
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(24)
        self.kind_help = plain_label()
        self.kind_help.setWordWrap(True)
        self.zone_box = QComboBox()
        self.zones = {z.id: z for z in zones}
        for z in zones:
            if allows_zone is None or allows_zone(z.id):
                self.zone_box.addItem("", z.id)  # named in retranslate
        self.priority_box = QComboBox()
        for p in Priority:
            self.priority_box.addItem("", int(p))
        self.due_box = QSpinBox()
        self.due_box.setRange(1, 24 * 60)
        self.text_box = QLineEdit()
        self.rationale_box = text_box(3)
        self.params_group = QGroupBox()
        self.params_form = QFormLayout(self.params_group)
        self.error = error_label("composerError")

        self._labels = [plain_label() for _ in range(7)]
        fields: list[QWidget] = [
            self.station_box,
            self.kind_box,
            self.zone_box,
            self.priority_box,
            self.due_box,
            self.text_box,
            self.rationale_box,
        ]
        for label, field in zip(self._labels, fields, strict=True):
            label.setBuddy(field)
        # what to do (station, kind, its parameters), then where, how urgent and why
        top = QFormLayout()
        for i in (0, 1):
            top.addRow(self._labels[i], fields[i])
        top.addRow("", self.kind_help)
        bottom = QFormLayout()
        for i in range(2, 7):
            bottom.addRow(self._labels[i], fields[i])
        bottom.setRowVisible(self.rationale_box, not in_suggestion)
        self.buttons, self.submit_keys = ok_cancel(self)  # Ctrl+Enter sends (validation applies)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.params_group)
        layout.addLayout(bottom)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(540)

        self.station_box.currentIndexChanged.connect(self._fill_kinds)
        self.kind_box.currentIndexChanged.connect(self._fill_params)
        self.retranslate()
        self._fill_kinds()

    # ---- structure
    def station(self) -> Station | None:
        """The station chosen."""
        return self.stations.get(self.station_box.currentData())

    def kind(self) -> OrderKind | None:
        """The order kind chosen."""
        station = self.station()
        name = self.kind_box.currentData()
        if station is None or name is None:
            return None
        return station.kind(name)

    def offered_kinds(self) -> list[str]:
        """Kinds listed for the chosen station (its catalogue filtered by the delegation)."""
        return [self.kind_box.itemData(i) for i in range(self.kind_box.count())]

    def _fill_kinds(self) -> None:
        station = self.station()
        self.kind_box.blockSignals(True)
        self.kind_box.clear()
        if station is not None:
            for kind in station.catalogue:
                if self.allows(station.id, kind.name):
                    self.kind_box.addItem(kind_title(station.id, kind.name, kind.title), kind.name)
        self.kind_box.blockSignals(False)
        self._fill_params()

    def _fill_params(self) -> None:
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self.editors.clear()
        self.param_labels.clear()
        self._raw.clear()
        kind = self.kind()
        self.params_group.setVisible(bool(kind and kind.params))
        self.kind_help.setText(kind.description if kind else "")
        self.kind_help.setVisible(bool(kind and kind.description))
        if kind is None:
            self.error.setText(self.tr("This station offers nothing the delegation allows."))
            return
        self.error.clear()
        self.due_box.setValue(max(1, round(kind.due_s / 60)))
        for spec in kind.params:
            editor = make_editor(spec)
            editor.setObjectName(f"param_{spec.name}")
            _changed_signal(editor).connect(lambda *_, n=spec.name: self._raw.pop(n, None))
            if spec.minimum is not None or spec.maximum is not None:
                lo = "" if spec.minimum is None else f"{spec.minimum:g}"
                hi = "" if spec.maximum is None else f"{spec.maximum:g}"
                editor.setToolTip(plain_tip(f"{lo} … {hi} {spec.unit}".strip()))
            label = plain_label(self._param_label(kind, spec))
            label.setBuddy(editor)
            self.params_form.addRow(label, editor)
            self.editors[spec.name] = editor
            self.param_labels[spec.name] = label
        self._name_choices()

    def _param_label(self, kind: OrderKind, spec: ParamSpec) -> str:
        station = self.station()
        sid = station.id if station is not None else ""
        title = param_title(sid, kind.name, spec.name, spec.title)
        return title + ("" if spec.required else " (?)")

    def _rename_items(self) -> None:
        """Stations, kinds, zones and parameters named in the current language, in place (the
        choices and the values entered stay)."""
        for i in range(self.station_box.count()):
            s = self.stations[self.station_box.itemData(i)]
            name = local_name(f"station:{s.id}", s.name)
            agency = local_name(f"agency:{s.id}", s.agency) if s.agency else ""
            self.station_box.setItemText(i, f"{name} ({agency})" if agency else name)
        station = self.station()
        if station is not None:
            for i in range(self.kind_box.count()):
                kind = station.kind(self.kind_box.itemData(i))
                self.kind_box.setItemText(i, kind_title(station.id, kind.name, kind.title))
        for i in range(self.zone_box.count()):
            zone = self.zones[self.zone_box.itemData(i)]
            self.zone_box.setItemText(i, zone_name(zone.id, zone.name))
        chosen = self.kind()
        if chosen is not None:
            for spec in chosen.params:
                if spec.name in self.param_labels:
                    self.param_labels[spec.name].setText(self._param_label(chosen, spec))
        self._name_choices()

    def _name_choices(self) -> None:
        """The choices of the parameters in the current language (their data stays the choice
        itself, which is what is signed)."""
        station, kind = self.station(), self.kind()
        if station is None or kind is None:
            return
        for spec in kind.params:
            editor = self.editors.get(spec.name)
            if isinstance(editor, QComboBox):
                for i in range(editor.count()):
                    choice = editor.itemData(i)
                    editor.setItemText(i, param_value(station.id, kind.name, spec.name, choice))

    # ---- values
    def prefill(self, values: Mapping[str, Any]) -> None:
        """Fill from a suggested order: station, kind, zone, priority, text, params."""
        if "station" in values:
            i = self.station_box.findData(values["station"])
            if i >= 0:
                self.station_box.setCurrentIndex(i)
        if "kind" in values:
            i = self.kind_box.findData(values["kind"])
            if i >= 0:
                self.kind_box.setCurrentIndex(i)
        if "zone" in values:
            i = self.zone_box.findData(values["zone"])
            if i >= 0:
                self.zone_box.setCurrentIndex(i)
        if "priority" in values:
            i = self.priority_box.findData(int(values["priority"]))
            if i >= 0:
                self.priority_box.setCurrentIndex(i)
        # a playbook's words in the UI language (its text_zh / params_zh in the Chinese UI):
        # the order is signed as the commander sees it here
        station, kind = str(values.get("station", "")), str(values.get("kind", ""))
        if values.get("text"):
            self.text_box.setText(order_text(station, kind, str(values["text"])))
        for name, value in dict(values.get("params") or {}).items():
            editor = self.editors.get(name)
            if editor is None:
                self._raw[name] = value  # unknown parameter: validation will name it
                continue
            if isinstance(editor, QLineEdit) and isinstance(value, str):
                value = param_value(station, kind, name, value)
            editor.blockSignals(True)
            ok = set_editor_value(editor, value)
            editor.blockSignals(False)
            if not ok:
                self._raw[name] = value

    def values(self) -> dict[str, Any]:
        """The parameter values as entered (not yet validated)."""
        out = {name: editor_value(ed) for name, ed in self.editors.items()}
        out.update(self._raw)
        return out

    def problem(self) -> str:
        """Why the order cannot be issued as it stands ('' when it can)."""
        kind = self.kind()
        station = self.station()
        if kind is None or station is None:
            return self.tr("Choose a station and an order kind.")
        if not self.allows(station.id, kind.name):
            return self.tr("The delegation does not allow this order.")
        try:
            kind.validate_params(self.values())
        except ValidationError as err:
            return str(err)
        if self.zone_box.count() and self.zone_box.currentData() is None:
            return self.tr("Choose a zone.")
        if not self.in_suggestion and not self.rationale_box.toPlainText().strip():
            return self.tr("Write the rationale: every order is logged with why it was given.")
        return ""

    def draft(self) -> ComposedOrder:
        """The validated draft; raises ValidationError when it is not valid."""
        problem = self.problem()
        if problem:
            raise ValidationError(problem)
        kind = self.kind()
        station = self.station()
        assert kind is not None and station is not None
        order = OrderDraft(
            station=station.id,
            kind=kind.name,
            zone=str(self.zone_box.currentData() or ""),
            params=kind.validate_params(self.values()),
            priority=Priority(int(self.priority_box.currentData())),
            text=self.text_box.text().strip(),
            due_s=self.due_box.value() * 60.0,
        )
        return ComposedOrder(order, self.rationale_box.toPlainText().strip())

    def accept(self) -> None:
        """Accept a valid order (emitting `composed`), else show what is wrong."""
        problem = self.problem()
        self.error.setText(problem)
        if problem:
            return
        self.composed.emit(self.draft())
        super().accept()

    # ---- language
    def retranslate(self) -> None:
        """(Re)read every visible string."""
        if self.in_suggestion:
            self.setWindowTitle(self.tr("Edit a suggested order"))
        else:
            self.setWindowTitle(self.tr("New order"))
        for label, text in zip(
            self._labels,
            [
                self.tr("&Station:"),
                self.tr("&Order:"),
                self.tr("&Zone:"),
                self.tr("&Priority:"),
                self.tr("D&ue in (min):"),
                self.tr("&Text:"),
                self.tr("&Rationale:"),
            ],
            strict=True,
        ):
            label.setText(text)
        width = max(label.sizeHint().width() for label in self._labels)
        for label in self._labels:  # one label column across both forms
            label.setMinimumWidth(width)
        self.params_group.setTitle(self.tr("Parameters"))
        self.rationale_box.setPlaceholderText(self.tr("Why this order, given what is known"))
        for i in range(self.priority_box.count()):
            name = PRIORITY_NAMES[int(self.priority_box.itemData(i))]
            self.priority_box.setItemText(i, QCoreApplication.translate("Priority", name))
        self._rename_items()

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
