"""The View menu's theme (light/dark) and language (English/简体中文) choices, built once for
the console and the station windows (strings in the console's translation context)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from ui import i18n, theme

CONTEXT = "ConsoleWindow"  # where these strings were first translated


def switch_theme(name: str) -> None:
    """Apply theme `name` to the running application."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply_theme(app, name)


def switch_language(code: str) -> None:
    """Switch the running application's language (widgets retranslate on LanguageChange)."""
    app = QApplication.instance()
    assert app is not None
    i18n.set_language(app, code)


def save_look(settings: QSettings) -> None:
    """Store the theme and language in use (`window/theme`, `window/language`)."""
    settings.setValue("window/theme", theme.current().name)
    settings.setValue("window/language", i18n.current_language())


def restore_look(
    settings: QSettings, set_theme: Callable[[str], None], set_language: Callable[[str], None]
) -> None:
    """Switch to the stored theme and language where they are known and not already in use."""
    name = settings.value("window/theme")
    if isinstance(name, str) and name in theme.THEMES and name != theme.current().name:
        set_theme(name)
    code = settings.value("window/language")
    if isinstance(code, str) and code in i18n.LANGUAGES and code != i18n.current_language():
        set_language(code)


class ViewMenu:
    """A View menu with Theme and Language submenus of checkable, exclusive actions."""

    def __init__(
        self,
        owner: QWidget,
        set_theme: Callable[[str], None],
        set_language: Callable[[str], None],
    ) -> None:
        self.theme_group = QActionGroup(owner)
        self.theme_actions: dict[str, QAction] = {}
        for name in theme.THEMES:
            action = QAction(owner, checkable=True)
            action.setChecked(name == theme.current().name)
            action.triggered.connect(lambda _=False, n=name: set_theme(n))
            self.theme_group.addAction(action)
            self.theme_actions[name] = action
        self.language_group = QActionGroup(owner)
        self.language_actions: dict[str, QAction] = {}
        for code, title in i18n.LANGUAGES.items():
            action = QAction(title, owner, checkable=True)
            action.setChecked(code == i18n.current_language())
            action.triggered.connect(lambda _=False, c=code: set_language(c))
            self.language_group.addAction(action)
            self.language_actions[code] = action
        self.menu = QMenu(owner)
        self.menu.setObjectName("viewMenu")
        self.theme_menu = self.menu.addMenu("")
        self.theme_menu.addActions(list(self.theme_actions.values()))
        self.language_menu = self.menu.addMenu("")
        self.language_menu.addActions(list(self.language_actions.values()))

    def checked(self, *, theme_name: str | None = None, language: str | None = None) -> None:
        """Tick the current theme or language."""
        if theme_name in self.theme_actions:
            self.theme_actions[theme_name].setChecked(True)
        if language in self.language_actions:
            self.language_actions[language].setChecked(True)

    def retranslate(self) -> None:
        """(Re)read the menu's strings."""
        # literal contexts, so that pyside6-lupdate finds these strings
        self.menu.setTitle(QCoreApplication.translate("ConsoleWindow", "&View"))
        self.theme_menu.setTitle(QCoreApplication.translate("ConsoleWindow", "&Theme"))
        self.language_menu.setTitle(QCoreApplication.translate("ConsoleWindow", "&Language"))
        self.theme_actions["light"].setText(QCoreApplication.translate("ConsoleWindow", "&Light"))
        self.theme_actions["dark"].setText(QCoreApplication.translate("ConsoleWindow", "&Dark"))
