"""Panels in a narrow dock: the stations' name gives way, link state and last heard stay whole
and in view (in English and Chinese); a suggestion's age is shown beside its time."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command.fold import IncidentState
from command.vocabulary import SuggestionOutcome, SuggestionRecorded
from tests.ui.console.fake_events import EventMaker
from ui import i18n
from ui.console.panels import StationsPanel, SuggestionsPanel
from ui.console.qtmodels import StationsTableModel, SuggestionsTableModel
from ui.labels import tip_text

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
NOW = 1_760_000_000.0
NAMES = {
    "met": "Meteorological service duty forecaster",
    "ferry": "Ferry operations room",
    "police": "Huangpu traffic police detachment",
}


def panel(qtbot: QtBot) -> StationsPanel:
    state = IncidentState()
    for sid, name in NAMES.items():
        state.stations.add_station(sid, name)
    model = StationsTableModel(state.stations, lambda: NOW)
    model.set_heard({"met": NOW - 754, "ferry": NOW - 3, "police": NOW - 4000})
    view = StationsPanel(model)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def assert_link_and_last_heard_visible(view: StationsPanel) -> None:
    table = view.table
    right = table.viewport().width()
    for column in view.KEEP_VISIBLE:
        x = table.columnViewportPosition(column)
        assert x >= 0 and x + table.columnWidth(column) <= right, column
        # whole: the cell is as wide as its widest text, so nothing is elided
        assert table.columnWidth(column) >= table.sizeHintForColumn(column), column


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_narrow_dock_keeps_link_and_last_heard_and_elides_the_name(
    qtbot: QtBot, qapp: QApplication, language: str
) -> None:
    i18n.set_language(qapp, language)
    view = panel(qtbot)
    view.resize(900, 240)
    qtbot.waitUntil(lambda: view.width() == 900)
    view.fit_columns()
    assert_link_and_last_heard_visible(view)
    longest = max(view.table.fontMetrics().horizontalAdvance(n) for n in NAMES.values())
    assert view.table.columnWidth(0) >= min(longest, view.NAME_MAX_PX)  # wide: names whole
    view.resize(150, 240)  # narrower than the panel allows
    qtbot.waitUntil(lambda: view.width() == view.minimumWidth())
    view.fit_columns()
    assert_link_and_last_heard_visible(view)
    assert view.NAME_MIN_PX <= view.table.columnWidth(0) < longest  # the name gave way
    model = view.model
    assert tip_text(model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)) in NAMES.values()
    heard = str(model.index(2, 2).data())
    assert ("h" in heard) if language == "en" else ("小时" in heard)


def test_suggestion_age_is_shown_beside_its_time(qtbot: QtBot) -> None:
    state = IncidentState()
    view = SuggestionsPanel(SuggestionsTableModel(state.suggestions, lambda: NOW))
    qtbot.addWidget(view)
    header = view.table.horizontalHeader()
    age = view.table.model().headerData(view.AGE_COLUMN, Qt.Orientation.Horizontal)
    assert age == "Age"
    assert header.visualIndex(view.AGE_COLUMN) == 1


def test_a_suggestions_reason_keeps_its_room_in_a_narrow_dock(qtbot: QtBot) -> None:
    """Seen on a screenshot: the stretched Reason column was squeezed to "eas" at 450 px."""
    view = _suggestions_shown(qtbot, "dense")
    assert view.table.model().rowCount() == 1
    for column in view.FIT_COLUMNS:  # the time, "1 h 04 min ago" and "proposed" whole
        assert view.table.columnWidth(column) >= view.table.sizeHintForColumn(column) > 30
    header = view.table.horizontalHeader()
    model = view.table.model()
    titles = [
        model.headerData(header.logicalIndex(v), Qt.Orientation.Horizontal)
        for v in range(header.count())
    ]
    assert titles[:4] == ["Time", "Age", "Status", "Reason"]
    assert view.table.columnWidth(view.REASON_COLUMN) >= view.REASON_WIDTH
    assert header.sectionViewportPosition(view.REASON_COLUMN) < 450  # starts within the dock


def test_a_reason_past_the_dock_edge_is_elided_there_with_the_whole_in_its_tooltip(
    qtbot: QtBot,
) -> None:
    """Seen on a screenshot: at bund's first-run width the Chinese reason ran past the dock's
    edge, cut mid-word ('…人群密度达到橙') with no sign there was more."""
    reason = "Crowd density in Chenyi Square (Nanjing Road East end) reached orange; stop more."
    view = _suggestions_shown(qtbot, reason)
    table = view.table
    index = table.model().index(0, view.REASON_COLUMN)
    cell = table.visualRect(index)
    edge = table.viewport().width()
    assert cell.right() > edge  # the column keeps its width and runs past the edge
    assert table.columnWidth(view.REASON_COLUMN) >= view.REASON_WIDTH
    shown = view.reason_delegate.shown(index)
    assert shown.endswith("…") and reason.startswith(shown[:-1])
    assert cell.left() + table.fontMetrics().horizontalAdvance(shown) <= edge  # ends in view
    assert tip_text(index.data(Qt.ItemDataRole.ToolTipRole)) == reason
    assert not any(table.isColumnHidden(c) for c in range(table.model().columnCount()))
    table.horizontalScrollBar().setValue(table.horizontalScrollBar().maximum())
    assert view.reason_delegate.shown(index) != shown  # scrolled: more of it, or all, shows
    table.horizontalScrollBar().setValue(0)
    playbook = table.model().index(0, 1)  # seen in English: the Playbook column cut 'Crowd den'
    view.resize(table.visualRect(playbook).left() + 24, 240)  # room for "cr…" of "crowd"
    qtbot.waitUntil(lambda: table.visualRect(playbook).right() > table.viewport().width())
    assert table.itemDelegateForIndex(playbook) is view.reason_delegate  # drawn by it
    assert view.reason_delegate.shown(playbook).endswith("…")


def _suggestions_shown(qtbot: QtBot, reason: str) -> SuggestionsPanel:
    """The suggestions dock at 450 x 240 px, shown, with one suggestion proposed 64 min ago."""
    state = IncidentState()
    view = SuggestionsPanel(SuggestionsTableModel(state.suggestions, lambda: NOW))
    qtbot.addWidget(view)
    view.resize(450, 240)
    view.show()
    qtbot.waitExposed(view)
    body = SuggestionRecorded(
        SuggestionOutcome.PROPOSED, "S1", "crowd", reason, ({"station": "police"},)
    )
    state.apply(EventMaker("inc").ev(body.kind, body.to_body(), ts=NOW - 3840))
    return view
