"""Light and dark themes: the Qt palette, pyqtgraph colours and Baton's semantic colours.

`apply_theme(app, "dark")` switches at runtime: it sets the application palette and the pyqtgraph
defaults, records the current theme (read by models and widgets through `current()`), and emits
`theme_changed` on the notifier so open widgets (plots, map) can repaint.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from command.errors import BatonError


@dataclass(frozen=True, slots=True)
class Theme:
    """The colours of one theme, as #rrggbb strings."""

    name: str
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    button: str
    highlight: str
    highlight_text: str
    # five-level risk fills (green, blue, yellow, orange, red) and the text drawn on them
    risk: tuple[str, str, str, str, str]
    risk_text: tuple[str, str, str, str, str]
    overdue_bg: str
    overdue_text: str
    banner_bg: str
    banner_text: str
    zone_outline: str
    plot_bg: str
    plot_fg: str

    def color(self, attr: str) -> QColor:
        """The named colour as a QColor."""
        return QColor(getattr(self, attr))

    def risk_color(self, level: int) -> QColor:
        """The fill for risk level 0..4."""
        return QColor(self.risk[min(4, max(0, level))])

    def risk_text_color(self, level: int) -> QColor:
        """A readable text colour on the fill of risk level 0..4."""
        return QColor(self.risk_text[min(4, max(0, level))])


LIGHT = Theme(
    name="light",
    window="#f3f4f6",
    base="#ffffff",
    alt_base="#eef1f5",
    text="#1b1f24",
    muted="#5b6470",
    button="#e6e9ee",
    highlight="#2f6fdb",
    highlight_text="#ffffff",
    risk=("#5cb85c", "#4a90d9", "#f2d024", "#f0883e", "#d9363e"),
    risk_text=("#0b2b0b", "#ffffff", "#2b2300", "#2b1300", "#ffffff"),
    overdue_bg="#fde2e1",
    overdue_text="#8a1111",
    banner_bg="#d9363e",
    banner_text="#ffffff",
    zone_outline="#2b2f36",
    plot_bg="#ffffff",
    plot_fg="#1b1f24",
)

DARK = Theme(
    name="dark",
    window="#1e2227",
    base="#16191d",
    alt_base="#22262c",
    text="#e6e8eb",
    muted="#9aa3ad",
    button="#2b3038",
    highlight="#3d7be0",
    highlight_text="#ffffff",
    risk=("#2e8b57", "#2f6db5", "#c9a800", "#d4731f", "#c62f36"),
    risk_text=("#ffffff", "#ffffff", "#1a1600", "#1a0c00", "#ffffff"),
    overdue_bg="#5a1e22",
    overdue_text="#ffd7d7",
    banner_bg="#b3262d",
    banner_text="#ffffff",
    zone_outline="#d0d4da",
    plot_bg="#16191d",
    plot_fg="#d0d4da",
)

THEMES = {"light": LIGHT, "dark": DARK}
_current: list[Theme] = [LIGHT]


class ThemeNotifier(QObject):
    """Emits `theme_changed(name)` after `apply_theme`."""

    theme_changed = Signal(str)


_notifier: list[ThemeNotifier] = []


def notifier() -> ThemeNotifier:
    """The process-wide theme notifier (created on first use, in the GUI thread)."""
    if not _notifier:
        _notifier.append(ThemeNotifier())
    return _notifier[0]


def current() -> Theme:
    """The theme in use."""
    return _current[0]


def palette(theme: Theme) -> QPalette:
    """The Qt palette of `theme`."""
    pal = QPalette()
    role = QPalette.ColorRole
    pal.setColor(role.Window, QColor(theme.window))
    pal.setColor(role.WindowText, QColor(theme.text))
    pal.setColor(role.Base, QColor(theme.base))
    pal.setColor(role.AlternateBase, QColor(theme.alt_base))
    pal.setColor(role.Text, QColor(theme.text))
    pal.setColor(role.Button, QColor(theme.button))
    pal.setColor(role.ButtonText, QColor(theme.text))
    pal.setColor(role.ToolTipBase, QColor(theme.base))
    pal.setColor(role.ToolTipText, QColor(theme.text))
    pal.setColor(role.PlaceholderText, QColor(theme.muted))
    pal.setColor(role.Highlight, QColor(theme.highlight))
    pal.setColor(role.HighlightedText, QColor(theme.highlight_text))
    pal.setColor(role.Link, QColor(theme.highlight))
    pal.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(theme.muted))
    pal.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor(theme.muted))
    pal.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor(theme.muted))
    return pal


def apply_theme(app: QApplication, name: str) -> Theme:
    """Switch the whole application to the theme called `name` ("light" or "dark")."""
    theme = THEMES.get(name)
    if theme is None:
        raise BatonError(f"unknown theme {name!r}: use one of {', '.join(THEMES)}")
    _current[0] = theme
    app.setStyle("Fusion")  # the platform style may ignore palettes (e.g. Windows, GTK)
    app.setPalette(palette(theme))
    pg.setConfigOptions(background=theme.plot_bg, foreground=theme.plot_fg, antialias=False)
    notifier().theme_changed.emit(theme.name)
    return theme
