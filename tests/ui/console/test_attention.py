"""Things stay visible until a person handles them (issue #15): acknowledgement, refusals,
suggestion age, the alert board, offline stations, a failed journal."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from command.lifecycle import OrderState, Step
from command.model import Escalation, EscalationKind, Incident
from command.vocabulary import (
    AttentionAcknowledged,
    EscalationRaised,
    EscalationResolved,
    EventBody,
    OrderIssued,
    OrderRejected,
    OrderStepped,
    SignalReceived,
    StationPresence,
    SuggestionOutcome,
    SuggestionRecorded,
)
from protocols.commands import Acknowledge, JournalFailed
from tests.ui.console.fake_events import EventMaker
from tests.ui.console.recording_engine import RecordingEngine
from ui import theme
from ui.console.controller import ConsoleController
from ui.console.qtmodels import ATTENTION_ROLE
from ui.console.window import ConsoleWindow
from ui.labels import tip_text

from .conftest import T0, order

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


class Now:
    """A settable incident clock."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def now() -> Now:
    return Now(T0 + 30)


@pytest.fixture
def window(qtbot: QtBot, incident: Incident, now: Now) -> ConsoleWindow:
    w = ConsoleWindow(
        incident, clock=now, commander="cmd", settings_org="BatonTest", settings_app="console"
    )
    qtbot.addWidget(w)
    return w


def ev(mk: EventMaker, body: EventBody, ts: float, actor: str = "") -> Any:
    return mk.ev(body.kind, body.to_body(), ts=ts, actor=actor)


def test_escalation_stays_highlighted_until_acknowledged(
    qtbot: QtBot, window: ConsoleWindow, mk: EventMaker
) -> None:
    engine = RecordingEngine()
    controller = ConsoleController(window, engine)  # type: ignore[arg-type]
    esc = Escalation("E1", "O1", "police", EscalationKind.NOT_ACCEPTED, T0 + 121, "not accepted")
    window.apply_events(
        [
            ev(mk, StationPresence("police", True), T0),
            ev(mk, OrderIssued(order("O1")), T0),
            ev(mk, EscalationRaised(esc), T0 + 121),
            ev(mk, EscalationResolved("E1"), T0 + 600),
            ev(mk, OrderStepped(Step.EXPIRE, "O1", OrderState.EXPIRED), T0 + 600),
        ]
    )
    # expired and resolved, but nobody acknowledged it: banner, colour and count stay
    assert not window.banner.isHidden()
    assert "police: not accepted" in window.banner.label.text()
    cell = window.orders_model.index(0, 0)
    assert cell.data(ATTENTION_ROLE) == "attention"
    assert cell.data(Qt.ItemDataRole.BackgroundRole).color() == QColor(theme.LIGHT.overdue_bg)
    assert window.stations_model.index(0, 5).data() == "1"  # police needs attention

    # Ctrl+K on the focused order row sends Acknowledge to the engine
    view = window.orders_panel.table
    view.selectionModel().select(
        view.model().index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    window.acknowledge_action.trigger()
    assert engine.commands == [Acknowledge("order", "O1", "")]

    # the node journals it; folded back, the highlight goes
    window.apply_events([ev(mk, AttentionAcknowledged("order", "O1", "cmd"), T0 + 700)])
    assert window.banner.isHidden()
    assert cell.data(ATTENTION_ROLE) == ""
    assert cell.data(Qt.ItemDataRole.BackgroundRole) is None
    assert window.stations_model.index(0, 5).data() == "0"
    row = window.state.orders.get("O1")
    assert row is not None and row.acknowledged
    assert all(e.acknowledged for e in window.state.escalations.rows)
    controller.deleteLater()


def test_rejected_order_is_shown_as_refused(window: ConsoleWindow, mk: EventMaker) -> None:
    window.apply_events(
        [
            ev(mk, OrderIssued(order("O1")), T0),
            ev(mk, OrderRejected("O1", "out_of_scope", "zone not granted"), T0 + 2),
        ]
    )
    state = window.orders_model.index(0, 4)
    assert state.data() == "refused by station: out_of_scope: zone not granted"
    assert state.data(ATTENTION_ROLE) == "refused"
    assert state.data(Qt.ItemDataRole.BackgroundRole).color() == QColor(theme.LIGHT.banner_bg)
    assert not window.banner.isHidden()
    assert "refused by station: out_of_scope" in window.banner.label.text()
    got: list[tuple[str, str, str]] = []
    window.attention_acknowledged.connect(lambda *a: got.append(a))
    window.banner.ack.click()
    assert got == [("order", "O1", "")]


def test_suggestion_age_and_stale_confirmation(
    window: ConsoleWindow, mk: EventMaker, now: Now
) -> None:
    body = SuggestionRecorded(
        SuggestionOutcome.PROPOSED, "S1", "crowd", "dense", ({"station": "police"},)
    )
    window.apply_events([ev(mk, body, T0)])
    now.t = T0 + 12 * 60
    window.suggestions_model.tick()
    assert window.suggestions_model.index(0, 5).data() == "12 min ago"
    approved: list[str] = []
    window.suggestion_approved.connect(approved.append)
    asked: list[str] = []

    def answer(no: bool) -> Any:
        def confirm(question: str) -> bool:
            asked.append(question)
            return not no

        return confirm

    window.confirm = answer(no=True)  # type: ignore[method-assign]
    window.suggestions_panel.select("S1")
    window.suggestions_panel.approve_selected()
    assert approved == [] and "12 min ago" in asked[0]
    window.confirm = answer(no=False)  # type: ignore[method-assign]
    window.suggestions_panel.approve_selected()
    assert approved == ["S1"] and len(asked) == 2
    now.t = T0 + 60  # a fresh one is approved without asking
    window.approve_suggestion("S1")
    assert approved == ["S1", "S1"] and len(asked) == 2


def test_alert_board_lists_a_received_signal(window: ConsoleWindow, mk: EventMaker) -> None:
    cap = {
        "status": "Actual",
        "msgType": "Alert",
        "severity": "Severe",
        "areas": [{"areaDesc": "North terrace"}],
        "expires": "2025-07-01T14:00:00+00:00",
    }
    signal = {"id": "SIG1", "kind": "flood", "headline": "River rising", "source": "met"}
    signal["cap"] = cap
    window.apply_events(
        [
            ev(mk, SignalReceived({"id": "SIG0", "kind": "wind", "headline": "Gusts"}), T0),
            ev(mk, SignalReceived(signal), T0 + 60),
        ]
    )
    assert window.alerts_panel.ids() == ["SIG1", "SIG0"]  # newest first
    proxy = window.alerts_panel.proxy
    cells = [proxy.index(0, c).data() for c in range(proxy.columnCount())]
    assert "River rising" in cells and "Severe" in cells and "North terrace" in cells
    assert "2025-07-01T14:00:00+00:00" in cells and "Actual" in cells


def test_offline_station_is_red_and_header_counts_waiting(
    window: ConsoleWindow, mk: EventMaker
) -> None:
    window.apply_events(
        [
            ev(mk, StationPresence("police", True), T0),
            ev(mk, StationPresence("metro", False), T0),
            ev(mk, OrderIssued(order("O1")), T0),
            ev(mk, OrderIssued(order("O2")), T0),
        ]
    )
    rows = {window.stations_model.row_at(i).station: i for i in range(2)}
    red = window.stations_model.index(rows["metro"], 0).data(Qt.ItemDataRole.ForegroundRole)
    assert red.color() == QColor(theme.LIGHT.risk[4])
    window.header.set_live(True, 0)
    assert "online · 2 waiting" in window.header.link.text()


def test_journal_failed_shows_a_banner_and_stops_issuing(
    window: ConsoleWindow,
) -> None:
    controller = ConsoleController(window, RecordingEngine())  # type: ignore[arg-type]
    assert window.journal_banner.isHidden()
    line = "cannot write journal x.db: the disk is full (SQLITE_FULL)"
    controller.on_updates([JournalFailed(None, line)])
    assert not window.journal_banner.isHidden()
    assert line in window.journal_banner.label.text()
    assert not window.new_order_action.isEnabled()
    assert window.compose_order() is None
    controller.deleteLater()


def test_the_once_a_second_tick_ages_suggestions(
    qtbot: QtBot, window: ConsoleWindow, mk: EventMaker, now: Now
) -> None:
    """Seen on a screenshot: a suggestion's age only moved when something else repainted, so
    its column was never refitted and read "1 h 27 mi…"."""
    body = SuggestionRecorded(
        SuggestionOutcome.PROPOSED, "S1", "crowd", "dense", ({"station": "police"},)
    )
    window.apply_events([ev(mk, body, T0)])
    now.t = T0 + 87 * 60
    with qtbot.wait_signal(window.suggestions_model.dataChanged, timeout=1000):
        window.tick()
    table = window.suggestions_panel.table
    age = window.suggestions_panel.AGE_COLUMN
    assert table.columnWidth(age) >= table.sizeHintForColumn(age)


def test_a_station_refusal_reason_is_shown_as_text(window: ConsoleWindow, mk: EventMaker) -> None:
    """A hostile station's reason with markup must not draw in the commander's banner."""
    spoof = "<span style='background:green'>all clear</span>"
    window.apply_events(
        [
            ev(mk, StationPresence("police", True), T0),
            ev(mk, OrderIssued(order("O1")), T0),
            ev(mk, OrderRejected("O1", "invalid", spoof), T0 + 1, actor="police"),
        ]
    )
    assert not window.banner.isHidden()
    assert window.banner.label.text().endswith(f"police: refused by station: invalid: {spoof}")
    assert window.banner.label.textFormat() == Qt.TextFormat.PlainText
    # and in the orders table's tooltips, which Qt would render as HTML if they might be
    model = window.orders_model
    tips = [
        model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
        for row in range(model.rowCount())
        for column in range(model.columnCount())
    ]
    assert any(spoof in tip_text(tip) for tip in tips)  # the reason reads whole on hover
    assert not any("<span" in tip for tip in tips)  # escaped, never drawn
