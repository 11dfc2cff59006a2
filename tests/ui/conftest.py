"""Fixtures shared by the Qt test folders: `isolated_look`, isolated QSettings, light theme
and English (the console and review folders make it autouse in their own conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ui import i18n, theme


@pytest.fixture
def isolated_look(qapp: QApplication, tmp_path: Path) -> Iterator[None]:
    """The test starts light, in English, with settings under tmp_path, and ends light and
    in English."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    theme.apply_theme(qapp, "light")
    i18n.set_language(qapp, "en")
    yield
    theme.apply_theme(qapp, "light")
    i18n.set_language(qapp, "en")
