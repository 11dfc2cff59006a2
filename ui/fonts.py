"""Whether this machine has a font that draws the chosen language.

Qt draws characters no installed font covers as boxes, so on a fresh Debian machine (DejaVu
only) the Chinese window is unreadable. `font_problem` says so in one line with the fix;
`i18n.set_language` prints it once per language on stderr.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QFontDatabase

# language -> the writing system its text needs, its name, a Debian package with a font for it
NEEDS: dict[str, tuple[QFontDatabase.WritingSystem, str, str]] = {
    "zh_CN": (QFontDatabase.WritingSystem.SimplifiedChinese, "Chinese", "fonts-noto-cjk"),
}


def installed_families(system: QFontDatabase.WritingSystem) -> Sequence[str]:
    """The font families Qt finds here that cover `system` (needs a QGuiApplication)."""
    return QFontDatabase.families(system)


def font_problem(
    language: str,
    families: Callable[[QFontDatabase.WritingSystem], Sequence[str]] | None = None,
) -> str | None:
    """One line when no font here draws `language` (naming the package to install), else None;
    `families` lists the fonts for a writing system (default: the installed ones)."""
    need = NEEDS.get(language)
    if need is None or (families or installed_families)(need[0]):
        return None
    _, words, package = need
    return (
        f"no font on this machine draws {words}, so the {language} window shows boxes "
        f"instead of characters: install one, e.g. sudo apt-get install -y {package}"
    )
