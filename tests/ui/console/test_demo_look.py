"""`baton demo --lang/--theme`: the console window opens in the language and theme asked for,
as its View menu would set them (over what the settings saved), screenshots included; the
station windows get the same options on their command line."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication

from command.scenarios.loader import load_scenario
from protocols.runtime.demo import DemoArgs, Ports, WindowRun, plan_demo, station_argv, window_run
from protocols.runtime.provision import provision
from ui import i18n, theme
from ui.cli import build_parser
from ui.commands.look import LANGUAGE_CHOICES, THEME_CHOICES
from ui.console import controller, launch
from ui.console.window import SETTINGS_APP, SETTINGS_ORG, ConsoleWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


class _Runtime:
    """Stands in for the console runtime: a clock, no engine."""

    def __init__(self, options: Any, on_batch: Any) -> None:
        self.clock = SimpleNamespace(now=lambda: 0.0)
        self.engine = None

    def start(self) -> None:
        """Nothing to start."""

    def stop(self) -> None:
        """Nothing to stop."""


def test_the_choices_are_the_view_menus() -> None:
    assert tuple(i18n.LANGUAGES) == LANGUAGE_CHOICES
    assert tuple(theme.THEMES) == THEME_CHOICES
    args = build_parser().parse_args(["demo", "typhoon", "--lang", "zh_CN", "--theme", "dark"])
    assert (args.lang, args.theme) == ("zh_CN", "dark")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "--theme", "pink"])


@pytest.mark.parametrize("shots", [False, True])
def test_run_window_opens_in_the_asked_language_and_theme(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shots: bool
) -> None:
    saved = QSettings(SETTINGS_ORG, SETTINGS_APP)  # the View menu's last choice: light, English
    saved.setValue("window/theme", "light")
    saved.setValue("window/language", "en")
    saved.sync()
    seen: list[tuple[str, str, str]] = []
    monkeypatch.setattr(controller, "ConsoleRuntime", _Runtime)
    opened: list[ConsoleWindow] = []
    monkeypatch.setattr(controller, "ConsoleController", lambda w, *a, **k: opened.append(w))

    def exec_(*_: object) -> int:
        (window,) = opened
        qapp.processEvents()  # the language change reaches the widgets
        seen.append((theme.current().name, i18n.current_language(), window.windowTitle()))
        assert window.view.theme_actions["dark"].isChecked()
        assert window.view.language_actions["zh_CN"].isChecked()
        window.hide()
        window.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_)
    options: Any = SimpleNamespace(
        scenario=load_scenario("typhoon"), provisioned=SimpleNamespace(commander="cmdr")
    )
    run = WindowRun(
        None,
        screenshot_dir=tmp_path / "shots" if shots else None,
        language="zh_CN",
        theme="dark",
    )
    assert launch.QtConsoleWindow().open(options, run) == 0
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the window is gone
    assert len(seen) == 1 and seen[0][:2] == ("dark", "zh_CN")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in seen[0][2]), seen  # a Chinese title


def test_the_plan_hands_the_look_to_the_window_and_the_station_windows(tmp_path: Path) -> None:
    args = DemoArgs("bund", data_dir=tmp_path, station_windows=1, language="zh_CN", theme="dark")
    plan = plan_demo(args, env={"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"})
    assert (window_run(plan).language, window_run(plan).theme) == ("zh_CN", "dark")
    provisioned = provision(plan.scenario, tmp_path, now_scenario=plan.scenario.start)
    files = provisioned.stations[0]
    argv = station_argv(plan, files, Ports(1, 2, 3), 0.0, window=True)
    back = build_parser().parse_args(argv[argv.index("station") :])
    assert (back.lang, back.theme) == ("zh_CN", "dark")
    headless = station_argv(plan, files, Ports(1, 2, 3), 0.0, window=False)
    assert "--lang" not in headless and "--theme" not in headless
