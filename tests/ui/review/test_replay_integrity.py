"""The replay window's integrity (issue #14): the badge says signed-up-to, witnesses and the
unsigned tail at the replay position and overall, red on a refusal; the header's alarm shows the
refusal from its seq on, read-only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from command.review.loading import LoadedJournal, load_journal
from command.review.replay import ReplayIndex
from tests.command.review.witnessed import Witnessed, write_witnessed
from ui import theme
from ui.labels import tip_text
from ui.review.window import ReplayWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def run(tmp_path: Path) -> Witnessed:
    return write_witnessed(tmp_path / "console.sqlite")


@pytest.fixture
def loaded(run: Witnessed) -> Iterator[LoadedJournal]:
    journal = load_journal(run.path)
    yield journal
    journal.close()


@pytest.fixture
def window(qtbot: QtBot, loaded: LoadedJournal) -> ReplayWindow:
    w = ReplayWindow(
        loaded.events, loaded.replay(), source="console.sqlite", plot_fps=1.0, verdict=(True, "ok")
    )
    qtbot.addWidget(w)
    w.timeline.pause()
    return w


def test_badge_at_position_and_overall(window: ReplayWindow, run: Witnessed) -> None:
    red = theme.current().risk[4]
    window.seek(run.events[6].ts)  # seq 7: signed to 3, tail 3 (5–7), both witnessed #3
    overall, here = window.badge.text().split("\n")
    assert overall.startswith(
        "✖ Integrity: 1 witness refusal(s), newest: Metro refused #8 (fork) · verify: intact · "
    )
    assert "overall: signed to #12 (3 checkpoints) · unsigned tail 0 · closed" in overall
    assert "witnessed: Metro #3, Traffic police #8" in overall
    assert here.endswith(
        "signed to #3 (1 checkpoints) · unsigned tail 3 · witnessed: Metro #3, Traffic police #3"
    )
    assert f"background: {red}" in window.badge.styleSheet()  # the journal holds a refusal
    assert "a different head at #8" in tip_text(window.badge.toolTip())
    assert not window.integrity_banner.alarmed  # not refused yet at this position

    window.seek(run.refusal_ts)
    here = window.badge.text().split("\n")[1]
    assert "signed to #8 (2 checkpoints) · unsigned tail 2" in here  # police's and metro's
    banner = window.integrity_banner
    assert banner.alarmed and not banner.isHidden()
    assert banner.label.text() == "Integrity: station Metro refused checkpoint 8 — fork"
    assert banner.ack.isHidden()  # replay is read-only

    window.seek(run.before_refusal_ts)  # back: the state folded aside, the alarm gone again
    assert not window.integrity_banner.alarmed
    assert "signed to #8 (2 checkpoints) · unsigned tail 0" in window.badge.text()


def test_badge_green_without_refusal(qtbot: QtBot, tmp_path: Path) -> None:
    run = write_witnessed(tmp_path / "quiet.sqlite")
    events = [e for e in run.events if e.seq < run.refusal_seq]
    loaded = load_journal(run.path)
    try:
        w = ReplayWindow(
            events, ReplayIndex(events, loaded.journal), plot_fps=1.0, verdict=(True, "ok")
        )
        qtbot.addWidget(w)
        w.timeline.pause()
        w.seek(w.end_ts)
        assert "refusal" not in w.badge.text()
        assert w.badge.text().startswith("✔ Integrity: intact · overall: signed to #8")
        assert f"background: {theme.current().risk[0]}" in w.badge.styleSheet()
    finally:
        loaded.close()
