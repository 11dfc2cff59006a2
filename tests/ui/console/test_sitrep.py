"""The console's side of the centre (issue #16): a SITREP request in the header (amber once
overdue) answered through Command → Answer SITREP…, and the uplink's state in the header."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from command.model import Incident
from command.vocabulary import Kind, SitrepRequested, SitrepSent
from protocols.centre_commands import SendSitrep, UplinkState
from protocols.commands import UplinkChanged
from tests.ui.console.conftest import T0
from tests.ui.console.fake_events import EventMaker
from tests.ui.console.recording_engine import RecordingEngine
from ui import theme
from ui.console.controller import ConsoleController
from ui.console.sitrep import SitrepDialog
from ui.console.window import ConsoleWindow
from ui.labels import tip_text

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

DUE = T0 + 600  # 08:10 in Shanghai when T0 is 00:00 UTC


@pytest.fixture
def now() -> list[float]:
    return [T0 + 30]


@pytest.fixture
def window(qtbot: QtBot, incident: Incident, now: list[float]) -> ConsoleWindow:
    w = ConsoleWindow(incident, clock=lambda: now[0], commander="cmd", settings_org="BatonTest")
    qtbot.addWidget(w)
    return w


def test_a_sitrep_request_is_shown_turns_amber_when_overdue_and_is_answered(
    window: ConsoleWindow, mk: EventMaker, now: list[float]
) -> None:
    engine = RecordingEngine()
    controller = ConsoleController(window, engine)  # type: ignore[arg-type]
    header = window.header
    assert header.sitrep.isHidden() and not window.answer_sitrep_action.isEnabled()
    ask = SitrepRequested("sr-1", "bund", DUE, "huangpu", "before the show")
    window.apply_events([mk.ev(Kind.SITREP_REQUESTED, ask.to_body(), ts=T0 + 20)])
    due = window.time_of_day(DUE)
    assert header.sitrep.text() == f"SITREP requested by huangpu, due {due}"
    assert not header.sitrep.isHidden() and window.answer_sitrep_action.isEnabled()
    assert header.sitrep.property("overdue") is False
    assert theme.current().risk[3] not in header.sitrep.styleSheet()

    now[0] = DUE + 60
    window.tick()
    assert header.sitrep.text().endswith("OVERDUE")
    assert header.sitrep.property("overdue") is True
    assert theme.current().risk[3] in header.sitrep.styleSheet()

    shown: list[SitrepDialog] = []

    def answer(dialog: SitrepDialog) -> bool:
        shown.append(dialog)
        dialog.remarks_edit.setPlainText("  all calm, crowd easing  ")
        return True

    window.exec_dialog = answer  # type: ignore[method-assign]
    window.answer_sitrep_action.trigger()
    assert engine.commands == [SendSitrep("sr-1", "all calm, crowd easing")]
    summary = shown[0].summary_view.toPlainText()
    assert "North terrace" in summary and "issued 0" in summary
    assert shown[0].summary["zones"][0]["zone"] == "north"  # what compose_sitrep builds

    sent = SitrepSent("sr-1", shown[0].summary, "all calm, crowd easing", "cmd")
    window.apply_events([mk.ev(Kind.SITREP_SENT, sent.to_body(), ts=DUE + 70)])
    assert header.sitrep.isHidden() and not window.answer_sitrep_action.isEnabled()
    assert window.state.sitreps.get("sr-1") is not None
    assert window.state.sitreps.open() == []
    controller.deleteLater()


def test_cancel_sends_nothing(window: ConsoleWindow, mk: EventMaker) -> None:
    engine = RecordingEngine()
    controller = ConsoleController(window, engine)  # type: ignore[arg-type]
    ask = SitrepRequested("sr-2", "bund", DUE, "huangpu")
    window.apply_events([mk.ev(Kind.SITREP_REQUESTED, ask.to_body(), ts=T0 + 20)])
    window.exec_dialog = lambda dialog: False  # type: ignore[method-assign]
    window.answer_sitrep_action.trigger()
    assert engine.commands == []
    controller.deleteLater()


def test_the_uplink_state_is_shown_in_the_header(window: ConsoleWindow) -> None:
    controller = ConsoleController(window, RecordingEngine())  # type: ignore[arg-type]
    header = window.header
    assert header.centre.isHidden()  # no centre: nothing said
    th = theme.current()
    controller.on_updates([UplinkChanged(UplinkState("huangpu", True, 5, 8))])
    assert not header.centre.isHidden()
    assert header.centre.text() == "Centre: connected · shipped #5 of #8"
    assert th.risk[0] in header.centre.styleSheet()
    controller.on_updates([UplinkChanged(UplinkState("huangpu", False, 5, 12))])
    assert header.centre.text() == "Centre: offline · 7 events waiting"
    assert th.risk[4] in header.centre.styleSheet()
    controller.deleteLater()


def test_a_centres_note_with_markup_reads_as_text_in_the_header_tooltip(
    window: ConsoleWindow, mk: EventMaker
) -> None:
    """The note comes from the centre's journal: markup in it must not draw on hover."""
    spoof = "<span style='color:green'>✔ stand down</span><img src='/etc/passwd'>"
    ask = SitrepRequested("sr-3", "bund", DUE, "huangpu", spoof)
    window.apply_events([mk.ev(Kind.SITREP_REQUESTED, ask.to_body(), ts=T0 + 20)])
    tip = window.header.sitrep.toolTip()
    assert tip_text(tip) == spoof
    assert "<span" not in tip and "<img" not in tip
