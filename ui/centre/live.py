"""`baton centre` with its window: the centre engine (`protocols.runtime.centre.CentreRuntime`)
and `CentreWindow`, joined by an `EngineBridge` (journal events queued to the GUI thread)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from protocols.engine import EngineBatch
from protocols.runtime.centre import CentreOptions, CentreRuntime
from ui import theme
from ui.bridge import EngineBridge
from ui.centre.window import CentreWindow
from ui.qtapp import apply_look, exec_until_closed

FIRST_SIZE = (1600, 960)


def run_window(
    options: CentreOptions,
    *,
    timezone: str = "UTC",
    screenshot: Path | None = None,
    quit_after_s: float | None = None,
    language: str | None = None,
    theme_name: str | None = None,
) -> int:
    """Open the centre window on a live centre engine until it is closed (or SIGTERM);
    `language` and `theme_name` (`--lang`, `--theme`) as View would set them."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    theme.apply_theme(app, theme.current().name)
    bridge = EngineBridge()

    def on_batch(batch: EngineBatch) -> None:
        bridge.post_events(batch.events)

    runtime = CentreRuntime(options, on_batch=on_batch)
    window = CentreWindow(
        runtime.engine, clock=runtime.clock.now, me=options.files.name, timezone=timezone
    )
    bridge.events.connect(window.apply_events)
    if screenshot is not None or not window.restore_layout():
        window.resize(*FIRST_SIZE)
    apply_look(window, theme_name, language)
    runtime.start()
    window.load_sites()
    window.show()
    if screenshot is not None:

        def shoot() -> None:
            window.fit_columns()
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(screenshot))
            window.close()

        QTimer.singleShot(int((quit_after_s or 3.0) * 1000), shoot)
    elif quit_after_s is not None:
        QTimer.singleShot(int(quit_after_s * 1000), window.close)

    def cleanup() -> None:
        runtime.stop()
        window.timer.stop()

    exec_until_closed(app, window.close, cleanup)
    if runtime.failure is not None:
        print(f"baton centre: {runtime.failure.text}", file=sys.stderr)
        return 1
    return 0
