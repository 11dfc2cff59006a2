"""Opens the commander's window on a live console runtime, loading Qt only when it is called.

`run_console_window(options)` is what `baton console` runs without `--headless`;
`QtConsoleWindow` is the window `baton demo` hands to `protocols.runtime.demo.run_demo`.
Importing this module loads no Qt, so the headless runs of both commands never do.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from protocols.runtime.console import ConsoleOptions
from protocols.runtime.demo import WindowRun


def run_console_window(
    options: ConsoleOptions,
    *,
    screenshot_dir: Path | None = None,
    screenshot_times_s: Sequence[float] = (),
    quit_after_s: float | None = None,
    units_file: Path | None = None,
    language: str | None = None,
    theme_name: str | None = None,
) -> int:
    """Open the commander's window on a live runtime; returns the exit code.

    `screenshot_times_s` are wall seconds after start at which the window is saved as
    `screenshot_dir/console-NN-TTs.png`; `quit_after_s` closes the window after that long;
    `units_file` is the TAK units GeoJSON (`baton tak --units-out`) the map follows;
    `language` and `theme_name` switch the window as its View menu would (None: as saved).
    """
    from ui.console.controller import run_window

    return run_window(
        options,
        screenshot_dir=screenshot_dir,
        screenshot_times_s=screenshot_times_s,
        quit_after_s=quit_after_s,
        units_file=units_file,
        language=language,
        theme_name=theme_name,
    )


class QtConsoleWindow:
    """The console window for `baton demo` (a `protocols.runtime.demo.ConsoleWindowOpener`)."""

    def open(self, options: ConsoleOptions, run: WindowRun) -> int:
        """Run the window on a runtime made from `options` until it closes; the exit code."""
        return run_console_window(
            options,
            screenshot_dir=run.screenshot_dir,
            screenshot_times_s=run.screenshot_times_s,
            quit_after_s=run.quit_after_s,
            language=run.language,
            theme_name=run.theme,
        )

    def quit(self) -> None:
        """Quit the Qt application if one runs (safe from a signal handler)."""
        from PySide6.QtCore import QCoreApplication

        app = QCoreApplication.instance()
        if app is not None:
            app.quit()
