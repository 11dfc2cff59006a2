"""Every keyboard shortcut of the console, in one table: the bindings and Help → Keyboard
shortcuts both read it, so the list shown cannot drift from the keys bound.

`keys(name)` gives a binding's key sequences (for `QAction.setShortcuts`); `submit_on_ctrl_enter`
binds a dialog's submit keys; `ShortcutsDialog` lists the table in the current language.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import marked


@dataclass(frozen=True, slots=True)
class Shortcut:
    """One binding: its name (in code), key sequences (portable text) and what it does."""

    name: str
    keys: tuple[str, ...]
    description: str  # translatable, context "Shortcuts"


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("new_order", ("Ctrl+N",), marked(QT_TRANSLATE_NOOP("Shortcuts", "New order"))),
    Shortcut("new_decision", ("Ctrl+D",), marked(QT_TRANSLATE_NOOP("Shortcuts", "New decision"))),
    Shortcut(
        "approve",
        ("Ctrl+Return", "Ctrl+Enter"),
        marked(QT_TRANSLATE_NOOP("Shortcuts", "Approve the selected suggestion")),
    ),
    Shortcut(
        "public_alert",
        ("Ctrl+Shift+A",),
        marked(QT_TRANSLATE_NOOP("Shortcuts", "Compose a public alert (CAP)")),
    ),
    Shortcut(
        "acknowledge",
        ("Ctrl+K",),
        marked(QT_TRANSLATE_NOOP("Shortcuts", "Acknowledge the escalation or selected order")),
    ),
    Shortcut(
        "submit",
        ("Ctrl+Return", "Ctrl+Enter"),
        marked(QT_TRANSLATE_NOOP("Shortcuts", "Send the order / save the decision (in a dialog)")),
    ),
    Shortcut(
        "next_panel",
        ("F6", "Ctrl+Tab"),
        marked(QT_TRANSLATE_NOOP("Shortcuts", "Next panel (orders, stations, suggestions, …)")),
    ),
    Shortcut(
        "previous_panel",
        ("Shift+F6", "Ctrl+Shift+Tab"),
        marked(QT_TRANSLATE_NOOP("Shortcuts", "Previous panel")),
    ),
    Shortcut(
        "focus_zone",
        tuple(f"Ctrl+{n}" for n in range(1, 10)),
        marked(QT_TRANSLATE_NOOP("Shortcuts", "Focus zone 1 … 9 on the map")),
    ),
    Shortcut("shortcuts", ("F1",), marked(QT_TRANSLATE_NOOP("Shortcuts", "Keyboard shortcuts"))),
    Shortcut(
        "quit",
        ("Ctrl+Q",),
        marked(QT_TRANSLATE_NOOP("Shortcuts", "Quit")),
    ),
)
BY_NAME = {s.name: s for s in SHORTCUTS}


def keys(name: str) -> list[QKeySequence]:
    """The key sequences bound to `name` (KeyError for a name not in the table)."""
    return [QKeySequence(k) for k in BY_NAME[name].keys]


def describe(shortcut: Shortcut) -> str:
    """What the shortcut does, in the current language."""
    return QCoreApplication.translate("Shortcuts", shortcut.description)


def key_text(shortcut: Shortcut) -> str:
    """The keys as the platform shows them ("Ctrl+Return, Ctrl+Enter")."""
    if shortcut.name == "focus_zone":
        first = QKeySequence(shortcut.keys[0]).toString(QKeySequence.SequenceFormat.NativeText)
        last = QKeySequence(shortcut.keys[-1]).toString(QKeySequence.SequenceFormat.NativeText)
        return f"{first} … {last}"
    shown = [
        QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in shortcut.keys
    ]
    # a language may name two keys alike (Chinese calls Return and Enter both 回车): list once
    return ", ".join(dict.fromkeys(shown))


def submit_on_ctrl_enter(dialog: QDialog) -> list[QShortcut]:
    """Ctrl+Enter (and Ctrl+Return) accept `dialog` (its own validation still applies)."""
    bound = []
    for seq in keys("submit"):
        shortcut = QShortcut(seq, dialog)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(dialog.accept)
        bound.append(shortcut)
    return bound


def ok_cancel(dialog: QDialog) -> tuple[QDialogButtonBox, list[QShortcut]]:
    """OK and Cancel wired to `dialog`'s accept and reject, and Ctrl+Enter as OK
    (`submit_on_ctrl_enter`; keep the shortcuts): how Baton's dialogs are confirmed."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, submit_on_ctrl_enter(dialog)


class ShortcutsDialog(QDialog):
    """Help → Keyboard shortcuts: the table above, one row per binding."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table = QTableWidget(len(SHORTCUTS), 2)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, shortcut in enumerate(SHORTCUTS):
            self.table.setItem(row, 0, QTableWidgetItem(key_text(shortcut)))
            self.table.setItem(row, 1, QTableWidgetItem(describe(shortcut)))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.setMinimumSize(520, 360)

    def rows(self) -> list[tuple[str, str]]:
        """(keys, action) per row, as shown."""
        shown = []
        for r in range(self.table.rowCount()):
            keys_item, action_item = self.table.item(r, 0), self.table.item(r, 1)
            assert keys_item is not None and action_item is not None
            shown.append((keys_item.text(), action_item.text()))
        return shown
