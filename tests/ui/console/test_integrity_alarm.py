"""The console's integrity alarm (issue #14): a witness's journaled refusal shows red under the
header until the commander acknowledges it; otherwise a quiet signed/witnessed line."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from command.journal import Event
from command.journal.checkpoints import Origin, sign_checkpoint
from command.model import Incident, Station, Zone
from command.signing import Signer
from command.vocabulary import (
    AttentionAcknowledged,
    AttentionSubject,
    EventBody,
    RefusalReason,
    StationPresence,
    WitnessRefused,
)
from protocols.commands import Acknowledge
from tests.command.review.witnessed import POLICY, START, STATIONS, Witnessed, write_witnessed
from tests.ui.console.fake_events import DemoEvent
from tests.ui.console.recording_engine import RecordingEngine
from ui import theme
from ui.console.controller import ConsoleController
from ui.console.window import ConsoleWindow
from ui.labels import tip_text

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def run(tmp_path: Path) -> Witnessed:
    """The signed, witnessed journal with metro's refusal (seq 11), not acknowledged."""
    return write_witnessed(tmp_path / "console.sqlite")


@pytest.fixture
def window(qtbot: QtBot) -> ConsoleWindow:
    incident = Incident(
        "bund",
        "Bund light show",
        "Asia/Shanghai",
        (Zone("chenyi", "Chenyi Square", 12000),),
        tuple(Station(s, n, n, ()) for s, n in STATIONS),
    )
    w = ConsoleWindow(
        incident, clock=lambda: START + 200, commander="chief-li", settings_org="BatonTest"
    )
    qtbot.addWidget(w)
    return w


def test_refusal_shows_red_until_acknowledged(
    qtbot: QtBot, window: ConsoleWindow, run: Witnessed
) -> None:
    engine = RecordingEngine()
    controller = ConsoleController(window, engine)  # type: ignore[arg-type]
    banner = window.integrity_banner
    before = [e for e in run.events if e.seq < run.refusal_seq]
    window.apply_events(before)
    assert not banner.alarmed and banner.ack.isHidden()
    assert banner.label.text() == "Signed to #8 · witnessed by 2/2 stations to #3"

    window.apply_events([e for e in run.events if e.seq >= run.refusal_seq])
    assert banner.alarmed and not banner.isHidden() and not banner.ack.isHidden()
    assert banner.label.text() == "Integrity: station Metro refused checkpoint 8 — fork"
    red = theme.current().banner_bg
    assert f"background: {red}" in banner.styleSheet()
    assert "a different head at #8" in tip_text(banner.toolTip())

    # later events do not clear it; only the journaled acknowledgement does
    last = run.events[-1]
    window.apply_events([_next(last, StationPresence("police", False), 1)])
    assert banner.alarmed

    qtbot.mouseClick(banner.ack, Qt.MouseButton.LeftButton)
    assert engine.commands == [Acknowledge("integrity", str(run.refusal_seq), "")]
    assert banner.alarmed  # not until the node journals it and the fold reads it

    ack = AttentionAcknowledged(AttentionSubject.INTEGRITY.value, str(run.refusal_seq), "chief")
    window.apply_events([_next(last, ack, 2)])
    assert not banner.alarmed and banner.ack.isHidden()
    assert "background" not in banner.styleSheet()
    assert banner.label.text().startswith("Signed to #12")
    controller.deleteLater()


def test_ctrl_k_acknowledges_the_alarm_when_no_escalation_waits(
    window: ConsoleWindow, run: Witnessed
) -> None:
    got: list[tuple[str, str, str]] = []
    window.attention_acknowledged.connect(lambda *a: got.append(a))
    window.apply_events(run.events)
    window.acknowledge_action.trigger()
    assert got == [("integrity", str(run.refusal_seq), "")]


def test_journal_without_checkpoints_says_so(window: ConsoleWindow) -> None:
    assert window.integrity_banner.label.text() == "Integrity: journal not signed yet"
    assert not window.integrity_banner.alarmed


def _next(last: Event, body: EventBody, n: int) -> DemoEvent:
    """A journal-shaped event after `last` (as the engine would hand the next batch)."""
    return DemoEvent(last.seq + n, last.ts + n, "chief-li", body.kind, "bund", body.to_body())


def test_refusing_a_stations_checkpoint_names_that_station(
    window: ConsoleWindow, run: Witnessed
) -> None:
    police = Signer.generate("police")
    theirs = sign_checkpoint(
        police,
        Origin.of("bund", "station", "police", police),
        40,
        "01" * 32,
        ts=START,
        policy=POLICY,
        reason="events",
    )
    refusal = WitnessRefused("chief-li", RefusalReason.SMALLER, theirs, theirs, None, "")
    window.apply_events([*run.events[:5], _next(run.events[4], refusal, 1)])
    text = window.integrity_banner.label.text()
    assert text == "Integrity: chief-li refused checkpoint 40 of Traffic police — smaller"
