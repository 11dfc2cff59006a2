"""A language no installed font draws is named in one line with the package that fixes it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from ui import fonts, i18n
from ui.fonts import font_problem


def test_no_chinese_font_is_named_with_the_package_to_install() -> None:
    asked: list[QFontDatabase.WritingSystem] = []

    def none_here(system: QFontDatabase.WritingSystem) -> list[str]:
        asked.append(system)
        return []

    problem = font_problem("zh_CN", none_here)
    assert asked == [QFontDatabase.WritingSystem.SimplifiedChinese]
    assert problem is not None and "\n" not in problem
    assert "Chinese" in problem and "apt-get install -y fonts-noto-cjk" in problem


def test_a_font_that_draws_the_language_or_english_needs_nothing(qapp: QApplication) -> None:
    assert font_problem("zh_CN", lambda _: ["Noto Sans CJK SC"]) is None
    assert font_problem("en", lambda _: []) is None
    assert font_problem("en") is None  # the machine's own fonts: English is always drawn


def test_switching_to_chinese_says_it_once_on_stderr(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(fonts, "installed_families", lambda _: [])
    monkeypatch.setattr(i18n, "_fonts_checked", set())
    try:
        i18n.set_language(qapp, "zh_CN")
        i18n.set_language(qapp, "en")
        i18n.set_language(qapp, "zh_CN")
    finally:
        i18n.set_language(qapp, "en")
    monkeypatch.setattr(fonts, "installed_families", lambda _: ["Noto Sans CJK SC"])
    monkeypatch.setattr(i18n, "_fonts_checked", set())
    i18n.set_language(qapp, "zh_CN")  # a machine with the font: nothing said
    i18n.set_language(qapp, "en")
    lines = capsys.readouterr().err.splitlines()
    assert [line for line in lines if "fonts-noto-cjk" in line] == [lines[0]]
    assert lines[0].startswith("baton: no font on this machine draws Chinese")
