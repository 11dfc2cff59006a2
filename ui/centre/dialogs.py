"""The centre's authority and SITREP dialogs. Each validates before accepting and hands back the
typed command (`protocols.centre_commands`) the window sends to the engine.

- `GrantDialog`: issue (commander, key file, scope checklists from the incident's stations, kinds
  and zones, valid-until picker) or narrow (a subset of the current scope, an earlier end).
- `ExtendDialog`: a later valid-until.
- `RevokeDialog`: the reason (the window then asks for confirmation).
- `HandoverDialog`: the successor's name and key file.
- `SitrepDialog`: due in N minutes, with a note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QEvent, Qt, QTimeZone
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from command.authority.keys import load_public_key
from command.authority.scope import Scope
from command.errors import BatonError
from command.fold import IncidentState
from protocols.centre_commands import (
    ExtendSiteGrant,
    HandOverSite,
    IssueSiteGrant,
    NarrowSiteGrant,
    RequestSitrep,
    RevokeSiteGrant,
)
from ui.console.clock import zone_name, zone_of
from ui.console.shortcuts import ok_cancel
from ui.i18n import marked
from ui.labels import ERROR_COLOUR, plain_label, plain_tip

ERROR_STYLE = f"color: {ERROR_COLOUR}; font-weight: bold;"
Choice = tuple[str, str]  # id, display name


@dataclass(frozen=True, slots=True)
class IncidentChoices:
    """What a grant's scope can name for one incident: its stations, order kinds and zones."""

    stations: tuple[Choice, ...] = ()
    kinds: tuple[Choice, ...] = ()
    zones: tuple[Choice, ...] = ()
    timezone: str = "UTC"

    @classmethod
    def of(cls, state: IncidentState, scope: Mapping[str, Any] | None = None) -> IncidentChoices:
        """From the incident as its site opened it (`incident.opened`), plus anything the
        current scope names that the incident did not list."""
        info = state.info
        raw = info.raw.get("incident", {}) if isinstance(info.raw, Mapping) else {}
        kinds: dict[str, str] = {}
        for s in raw.get("stations", []) if isinstance(raw, Mapping) else []:
            for k in s.get("kinds", []) if isinstance(s, Mapping) else []:
                if isinstance(k, Mapping) and k.get("name"):
                    kinds.setdefault(str(k["name"]), str(k.get("title") or k["name"]))
        stations = dict(info.stations)
        zones = dict(info.zones)
        for key, into in (("stations", stations), ("order_kinds", kinds), ("zones", zones)):
            for value in (scope or {}).get(key, []) or []:
                into.setdefault(str(value), str(value))
        return cls(
            tuple(stations.items()), tuple(kinds.items()), tuple(zones.items()), info.timezone
        )


def _zone(name: str) -> QTimeZone:
    tz = QTimeZone(name.encode())
    return tz if tz.isValid() else QTimeZone.utc()


class TimePicker(QDateTimeEdit):
    """A date-time picker in an IANA zone, read and set as epoch seconds."""

    def __init__(self, ts: float, timezone: str = "UTC") -> None:
        super().__init__()
        self.tz = _zone(timezone)
        self.zone = timezone
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd HH:mm")  # the zone by name and offset beside it
        self.setTimeZone(self.tz)
        self.set_ts(ts)

    def set_ts(self, ts: float) -> None:
        """Show epoch `ts`."""
        self.setDateTime(QDateTime.fromSecsSinceEpoch(int(ts), self.tz))

    def ts(self) -> float:
        """The chosen time, epoch seconds."""
        return float(self.dateTime().toSecsSinceEpoch())

    def zone_text(self) -> str:
        """ "Asia/Shanghai (UTC+08:00)": the zone the picker shows (never "CST")."""
        return zone_name(zone_of(self.zone), self.ts())


class Checklist(QListWidget):
    """Checkable items (id → name); `checked()` the ids ticked."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setMinimumWidth(260)

    def set_items(self, items: Sequence[Choice], checked: Sequence[str] = ()) -> None:
        """Replace the items, ticking those in `checked`."""
        self.clear()
        for key, title in items:
            item = QListWidgetItem(title if title == key else f"{title} ({key})")
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(plain_tip(item.text()))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in checked else Qt.CheckState.Unchecked)
            self.addItem(item)

    def set_checked(self, keys: Sequence[str]) -> None:
        """Tick exactly `keys`."""
        for i in range(self.count()):
            item = self.item(i)
            key = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Checked if key in keys else Qt.CheckState.Unchecked)

    def checked(self) -> list[str]:
        """The ticked ids, in list order."""
        return [
            str(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]


class _Dialog(QDialog):
    """A form, an error line, OK/Cancel; Ctrl+Enter submits; `problem()` gates accepting."""

    def __init__(self, parent: QWidget | None, name: str, subject: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.subject = plain_label(subject)
        self.subject.setWordWrap(True)
        font = self.subject.font()
        font.setBold(True)
        self.subject.setFont(font)
        self.form = QFormLayout()
        self.error = plain_label()
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.buttons, self.submit_keys = ok_cancel(self)
        self._labels: list[tuple[QLabel, str]] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.subject)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def row(self, title: str, field: QWidget | QHBoxLayout) -> QLabel:
        """Add a labelled form row (`title` is re-translated on language change)."""
        label = plain_label()
        if isinstance(field, QWidget):
            label.setBuddy(field)
        if isinstance(field, TimePicker):
            box = QHBoxLayout()
            box.addWidget(field, 1)
            box.addWidget(plain_label(field.zone_text()))
            self.form.addRow(label, box)
        else:
            self.form.addRow(label, field)
        self._labels.append((label, title))
        return label

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        for label, title in self._labels:
            label.setText(QCoreApplication.translate("CentreDialogs", title))

    def changeEvent(self, event: QEvent) -> None:
        """Retranslate on language change."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def problem(self) -> str:
        """What stops the dialog from being accepted ('' when nothing)."""
        return ""

    def accept(self) -> None:
        """Accept only when nothing is missing; otherwise say what is."""
        problem = self.problem()
        self.error.setText(problem)
        if not problem:
            super().accept()


class KeyFileField(QWidget):
    """A public key file (`NAME.sign.pub`): path box and Browse…; `key()` the hex key."""

    def __init__(self) -> None:
        super().__init__()
        self.path = QLineEdit()
        self.path.setObjectName("keyFile")
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.path, 1)
        layout.addWidget(self.browse)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Public key"), "", self.tr("Public keys (*.sign.pub);;All files (*)")
        )
        if path:
            self.path.setText(path)

    def key(self) -> str:
        """The key as hex; raises `BatonError` naming the file and the fix."""
        text = self.path.text().strip()
        if not text:
            raise BatonError(self.tr("Choose the commander's public key file (NAME.sign.pub)."))
        return load_public_key(Path(text))


class GrantDialog(_Dialog):
    """Issue a grant for a site's incident, or narrow the current one (`narrowing`)."""

    def __init__(
        self,
        site: str,
        choices: IncidentChoices,
        *,
        now: float,
        parent: QWidget | None = None,
        narrowing: str = "",
        scope: Mapping[str, Any] | None = None,
        valid_until: float | None = None,
    ) -> None:
        super().__init__(parent, "narrowDialog" if narrowing else "grantDialog", site)
        self.site = site
        self.now = now
        self.narrowing = narrowing
        self.limit = valid_until if narrowing else None
        self.commander = QLineEdit()
        self.commander.setObjectName("commanderName")
        self.key_file = KeyFileField()
        current = scope or {}
        limit = current if narrowing else {}

        def allowed(items: tuple[Choice, ...], key: str) -> tuple[Choice, ...]:
            names = limit.get(key) if limit else None
            return tuple(c for c in items if not names or c[0] in names)

        self.stations = Checklist("scopeStations")
        self.stations.set_items(allowed(choices.stations, "stations"), current.get("stations", []))
        self.kinds = Checklist("scopeKinds")
        self.kinds.set_items(allowed(choices.kinds, "order_kinds"), current.get("order_kinds", []))
        self.zones = Checklist("scopeZones")
        self.zones.set_items(allowed(choices.zones, "zones"), current.get("zones", []))
        lists = QHBoxLayout()
        for box in (self.stations, self.kinds, self.zones):
            lists.addWidget(box)
        self.valid_until = TimePicker(valid_until or now + 8 * 3600, choices.timezone)
        self.valid_until.setObjectName("validUntil")
        self.note = QLineEdit()
        if not narrowing:
            self.row(marked(QT_TRANSLATE_NOOP("CentreDialogs", "&Commander:")), self.commander)
            self.row(marked(QT_TRANSLATE_NOOP("CentreDialogs", "Public &key file:")), self.key_file)
        self.row(
            marked(QT_TRANSLATE_NOOP("CentreDialogs", "Stations · order kinds · zones:")), lists
        )
        self.row(marked(QT_TRANSLATE_NOOP("CentreDialogs", "&Valid until:")), self.valid_until)
        self.row(marked(QT_TRANSLATE_NOOP("CentreDialogs", "&Note:")), self.note)
        self.setMinimumWidth(880)
        self.retranslate()

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        super().retranslate()
        self.setWindowTitle(
            self.tr("Narrow the grant") if self.narrowing else self.tr("Issue a grant")
        )
        self.key_file.browse.setText(self.tr("&Browse…"))
        self.commander.setPlaceholderText(self.tr("Who takes command on site"))

    def scope(self) -> Scope:
        """The ticked scope; raises `BatonError` when a list is empty."""
        return Scope.of(self.stations.checked(), self.kinds.checked(), self.zones.checked())

    def problem(self) -> str:
        """Missing commander, key, scope, or a time in the past (or, narrowing, later)."""
        if not self.narrowing and not self.commander.text().strip():
            return self.tr("Name the commander.")
        if not (self.stations.checked() and self.kinds.checked() and self.zones.checked()):
            return self.tr("Tick at least one station, one order kind and one zone.")
        if self.valid_until.ts() <= self.now:
            return self.tr("Valid until must be in the future.")
        if self.limit is not None and self.valid_until.ts() > self.limit:
            return self.tr("Narrowing cannot end later than the current grant.")
        if not self.narrowing:
            try:
                self.key_file.key()
            except BatonError as err:
                return str(err)
        return ""

    def command(self) -> IssueSiteGrant | NarrowSiteGrant:
        """The command to send (after the dialog was accepted)."""
        note = self.note.text().strip()
        if self.narrowing:
            return NarrowSiteGrant(
                self.site, self.narrowing, self.scope(), self.valid_until.ts(), note
            )
        return IssueSiteGrant(
            self.site,
            self.commander.text().strip(),
            self.key_file.key(),
            self.scope(),
            self.valid_until.ts(),
            note,
        )


class ExtendDialog(_Dialog):
    """A later end for the site's grant."""

    def __init__(
        self, site: str, grant_id: str, valid_until: float, timezone: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent, "extendDialog", f"{site} · {grant_id}")
        self.site, self.grant_id, self.current = site, grant_id, valid_until
        self.valid_until = TimePicker(valid_until + 2 * 3600, timezone)
        self.valid_until.setObjectName("validUntil")
        self.note = QLineEdit()
        self.row(marked(QT_TRANSLATE_NOOP("CentreDialogs", "&Valid until:")), self.valid_until)
        self.row(marked(QT_TRANSLATE_NOOP("CentreDialogs", "&Note:")), self.note)
        self.retranslate()

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        super().retranslate()
        self.setWindowTitle(self.tr("Extend the grant"))

    def problem(self) -> str:
        """Only a later end."""
        if self.valid_until.ts() <= self.current:
            return self.tr("Extending needs a later time than the current end.")
        return ""

    def command(self) -> ExtendSiteGrant:
        """The command to send."""
        return ExtendSiteGrant(
            self.site, self.grant_id, self.valid_until.ts(), self.note.text().strip()
        )


class RevokeDialog(_Dialog):
    """Why the site's grant is revoked (required)."""

    def __init__(self, site: str, grant_id: str, commander: str, parent: QWidget | None) -> None:
        super().__init__(parent, "revokeDialog", f"{site} · {commander} · {grant_id}")
        self.site, self.grant_id = site, grant_id
        self.reason = QLineEdit()
        self.reason.setObjectName("revokeReason")
        self.row(marked(QT_TRANSLATE_NOOP("CentreDialogs", "&Reason:")), self.reason)
        self.retranslate()

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        super().retranslate()
        self.setWindowTitle(self.tr("Revoke the grant"))
        self.reason.setPlaceholderText(self.tr("Required: why, in a few words"))

    def problem(self) -> str:
        """A reason is required."""
        return "" if self.reason.text().strip() else self.tr("Give a reason.")

    def command(self) -> RevokeSiteGrant:
        """The command to send."""
        return RevokeSiteGrant(self.site, self.grant_id, self.reason.text().strip())


class HandoverDialog(_Dialog):
    """The successor who takes the site's command."""

    def __init__(self, site: str, grant_id: str, commander: str, parent: QWidget | None) -> None:
        super().__init__(parent, "handoverDialog", f"{site} · {commander} · {grant_id}")
        self.site, self.grant_id = site, grant_id
        self.successor = QLineEdit()
        self.successor.setObjectName("successorName")
        self.key_file = KeyFileField()
        self.note = QLineEdit()
        self.row(marked(QT_TRANSLATE_NOOP("CentreDialogs", "&Successor:")), self.successor)
        self.row(marked(QT_TRANSLATE_NOOP("CentreDialogs", "Public &key file:")), self.key_file)
        self.row(marked(QT_TRANSLATE_NOOP("CentreDialogs", "&Note:")), self.note)
        self.retranslate()

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        super().retranslate()
        self.setWindowTitle(self.tr("Hand over command"))
        self.key_file.browse.setText(self.tr("&Browse…"))

    def problem(self) -> str:
        """A successor and a readable key file."""
        if not self.successor.text().strip():
            return self.tr("Name the successor.")
        try:
            self.key_file.key()
        except BatonError as err:
            return str(err)
        return ""

    def command(self) -> HandOverSite:
        """The command to send."""
        return HandOverSite(
            self.site,
            self.grant_id,
            self.successor.text().strip(),
            self.key_file.key(),
            self.note.text().strip(),
        )


class SitrepDialog(_Dialog):
    """Ask the site for a situation report, due in some minutes."""

    def __init__(self, site: str, now: float, parent: QWidget | None) -> None:
        super().__init__(parent, "sitrepDialog", site)
        self.site, self.now = site, now
        self.due_min = QSpinBox()
        self.due_min.setObjectName("sitrepDueMinutes")
        self.due_min.setRange(1, 24 * 60)
        self.due_min.setValue(15)
        self.note = QLineEdit()
        self.note.setObjectName("sitrepNote")
        self.row(marked(QT_TRANSLATE_NOOP("CentreDialogs", "&Due in (minutes):")), self.due_min)
        self.row(marked(QT_TRANSLATE_NOOP("CentreDialogs", "&Note:")), self.note)
        self.retranslate()

    def retranslate(self) -> None:
        """(Re)read every visible string."""
        super().retranslate()
        self.setWindowTitle(self.tr("Request a SITREP"))
        self.note.setPlaceholderText(self.tr("What the centre needs to know"))

    def command(self) -> RequestSitrep:
        """The command to send."""
        return RequestSitrep(
            self.site, self.now + self.due_min.value() * 60.0, self.note.text().strip()
        )
