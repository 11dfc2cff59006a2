"""The suggestion editor: every proposed order shown, each kept, left out or edited; an edit
that changes nothing is an approval, down to the command the engine receives.

Found by trying it: "Edit" opened the composer on the first proposed order only and issued just
that one (the density playbook's "dim the show" vanished without a word), and OK without a
change was journaled as "edited"."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from command.drafts import EditedSuggestion, OrderDraft
from command.model import Incident, Priority
from protocols.commands import ApproveSuggestion, EditSuggestion
from tests.ui.console.conftest import T0
from tests.ui.console.fake_events import EventMaker
from tests.ui.console.recording_engine import RecordingEngine
from ui.console.composer import OrderComposer
from ui.console.controller import ConsoleController
from ui.console.suggestion_editor import SuggestionEditor, order_summary
from ui.console.window import ConsoleWindow
from ui.i18n import proposed_orders
from ui.labels import tip_text

SKIP = OrderDraft("metro", "skip", "plaza", {"minutes": 20}, Priority.URGENT, "Skip Plaza")
CLOSE = OrderDraft(
    "police",
    "close_road",
    "north",
    {"road": "Bund", "lanes": 2, "speed": 20.0, "side": "east", "escort": False},
    Priority.IMMEDIATE,
    "Close the Bund <b>now</b>",
)


@pytest.fixture
def window(qtbot: QtBot, incident: Incident, mk: EventMaker) -> ConsoleWindow:
    w = ConsoleWindow(incident, clock=lambda: T0 + 30, commander="cmd", settings_org="BatonTest")
    qtbot.addWidget(w)
    w.apply_events(
        [
            mk.open_grant(ts=T0),
            mk.ev(
                "suggestion.proposed",
                {
                    "suggestion_id": "S1",
                    "playbook": "crowd",
                    "reason": "Plaza dense",
                    "orders": [SKIP.to_dict(), CLOSE.to_dict()],
                },
                ts=T0,
            ),
        ]
    )
    return w


def drive(
    window: ConsoleWindow, on_editor: Any, on_composer: Any = None
) -> tuple[list[SuggestionEditor], list[OrderComposer]]:
    """Replace the window's modal runs: `on_editor(editor)` and `on_composer(composer, i)`
    act as the commander would; each returns whether the dialog was accepted."""
    editors: list[SuggestionEditor] = []
    composers: list[OrderComposer] = []

    def run(dialog: Any) -> bool:
        if isinstance(dialog, SuggestionEditor):
            editors.append(dialog)
            return bool(on_editor(dialog))
        assert isinstance(dialog, OrderComposer) and on_composer is not None
        composers.append(dialog)
        return bool(on_composer(dialog, len(composers) - 1))

    window.exec_dialog = run  # type: ignore[method-assign]
    return editors, composers


def ok(dialog: Any) -> bool:
    dialog.accept()
    return dialog.result() == 1


def edit_then_ok(at: int, why: str = "") -> Any:
    def act(editor: SuggestionEditor) -> bool:
        editor.edit_buttons[at].click()
        if why:
            editor.why_box.setPlainText(why)
        return ok(editor)

    return act


def test_the_editor_lists_every_proposed_order_as_text(qtbot: QtBot, window: ConsoleWindow) -> None:
    editors, _ = drive(window, lambda editor: False)
    window.suggestions_panel.edit.click()
    editor = editors[0]
    assert len(editor.summaries) == 2  # both orders, not the first one alone
    first, second = (label.text() for label in editor.summaries)
    assert first == "Metro: Skip station · Plaza — Skip Plaza"
    assert second.startswith("Traffic police: Close road · North terrace")
    assert "<b>now</b>" in second and "<b>now</b>" in tip_text(editor.summaries[1].toolTip())
    assert [m.text() for m in editor.marks] == ["as proposed", "as proposed"]
    assert editor.reason.text() == "Plaza dense"


def test_ok_without_a_change_approves_the_proposed_orders(
    qtbot: QtBot, window: ConsoleWindow
) -> None:
    engine = RecordingEngine([])
    controller = ConsoleController(window, engine)  # type: ignore[arg-type]  # noqa: F841
    # the commander opens the first order, looks, presses OK in the composer, then OK
    _, composers = drive(window, edit_then_ok(0), lambda composer, i: ok(composer))
    with qtbot.wait_signal(window.suggestion_edited) as sig:
        window.suggestions_panel.edit.click()
    assert composers[0].result() == 1  # the composer's OK was taken, with nothing changed
    edited = sig.args[0]
    assert isinstance(edited, EditedSuggestion) and not edited.changed
    assert edited.orders == (SKIP, CLOSE)  # the proposed drafts themselves, not re-read
    assert engine.commands == [ApproveSuggestion("S1", "")]


def test_a_changed_order_keeps_the_other_and_needs_a_reason(
    qtbot: QtBot, window: ConsoleWindow
) -> None:
    engine = RecordingEngine([])
    controller = ConsoleController(window, engine)  # type: ignore[arg-type]  # noqa: F841

    def longer(composer: OrderComposer, i: int) -> bool:
        assert composer.in_suggestion and not composer.rationale_box.isVisibleTo(composer)
        assert composer.windowTitle() == "Edit a suggested order"
        composer.editors["minutes"].setValue(45)  # type: ignore[union-attr]
        return ok(composer)

    def act(editor: SuggestionEditor) -> bool:
        assert editor.edit_order(0)
        assert [m.text() for m in editor.marks] == ["edited", "as proposed"]
        assert not ok(editor)  # no reason yet: refused, and it says why
        assert "Write why" in editor.error.text()
        editor.why_box.setPlainText("the platforms need longer")
        return ok(editor)

    drive(window, act, longer)
    window.suggestions_panel.edit.click()
    (command,) = engine.commands
    assert isinstance(command, EditSuggestion) and command.why == "the platforms need longer"
    skip, close = command.orders
    assert skip.params == {"minutes": 45} and skip.station == "metro"
    assert close == CLOSE  # the order not touched goes as proposed


def test_leaving_an_order_out_is_a_change_and_all_out_is_refused(
    qtbot: QtBot, window: ConsoleWindow
) -> None:
    engine = RecordingEngine([])
    controller = ConsoleController(window, engine)  # type: ignore[arg-type]  # noqa: F841

    def act(editor: SuggestionEditor) -> bool:
        editor.keep[1].setChecked(False)
        assert editor.marks[1].text() == "left out" and editor.changed()
        assert not editor.summaries[1].isEnabled() and editor.summaries[0].isEnabled()
        editor.keep[0].setChecked(False)
        assert not ok(editor) and "Keep at least one order" in editor.error.text()
        editor.keep[0].setChecked(True)
        editor.why_box.setPlainText("the road is closed already")
        return ok(editor)

    drive(window, act)
    window.suggestions_panel.edit.click()
    assert engine.commands == [EditSuggestion("S1", (SKIP,), "the road is closed already")]


def test_changing_an_order_back_is_no_change(qtbot: QtBot, window: ConsoleWindow) -> None:
    values = iter([45, 20])

    def set_minutes(composer: OrderComposer, i: int) -> bool:
        composer.editors["minutes"].setValue(next(values))  # type: ignore[union-attr]
        return ok(composer)

    def act(editor: SuggestionEditor) -> bool:
        assert editor.edit_order(0)
        assert not editor.changed() or editor.drafts[0] != SKIP
        editor.edit_order(0)  # back to 20 minutes: the proposed draft again
        assert editor.drafts[0] == SKIP and not editor.changed()
        return ok(editor)

    drive(window, act, set_minutes)
    with qtbot.wait_signal(window.suggestion_edited) as sig:
        window.suggestions_panel.edit.click()
    assert not sig.args[0].changed


def test_cancel_in_the_composer_or_the_editor_changes_and_sends_nothing(
    qtbot: QtBot, window: ConsoleWindow
) -> None:
    engine = RecordingEngine([])
    controller = ConsoleController(window, engine)  # type: ignore[arg-type]  # noqa: F841

    def cancel_composer(composer: OrderComposer, i: int) -> bool:
        composer.editors["minutes"].setValue(45)  # type: ignore[union-attr]
        composer.reject()
        return False

    def act(editor: SuggestionEditor) -> bool:
        assert not editor.edit_order(0) and not editor.changed()
        editor.reject()
        return False

    drive(window, act, cancel_composer)
    window.suggestions_panel.edit.click()
    assert engine.commands == []


def test_order_summary_names_unknown_things_by_id(incident: Incident) -> None:
    stray = OrderDraft("ferry", "halt", "pier")
    assert order_summary(stray, {}, {}) == "ferry: halt · pier"


def test_the_table_shows_what_went_after_an_edit(
    qtbot: QtBot, window: ConsoleWindow, mk: EventMaker
) -> None:
    model = window.suggestions_model
    column = 3  # Orders
    both, one = (
        proposed_orders([SKIP.to_dict(), CLOSE.to_dict()]),
        proposed_orders([SKIP.to_dict()]),
    )
    assert model.index(0, column).data() == both  # proposed
    window.apply_events(
        [
            mk.ev(
                "suggestion.edited",
                {
                    "suggestion_id": "S1",
                    "orders": [SKIP.to_dict()],
                    "original": [SKIP.to_dict(), CLOSE.to_dict()],
                    "by": "cmd",
                    "why": "road closed already",
                },
                ts=T0 + 5,
            )
        ]
    )
    assert model.index(0, column).data() == one  # what was issued, not the proposal
    tip = tip_text(model.index(0, column).data(Qt.ItemDataRole.ToolTipRole))
    assert tip == f"Proposed: {both}\nIssued after the edit: {one}"
