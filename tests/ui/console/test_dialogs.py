"""Decision dialogs: JDM fields, required decision/rationale, corrections require a reason."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from command.fold import DecisionView
from ui.console.dialogs import DecisionDialog, ReasonDialog

from .conftest import decision


def test_new_entry_needs_decision_and_rationale(qtbot: QtBot) -> None:
    d = DecisionDialog()
    qtbot.addWidget(d)
    d.accept()
    assert d.result() == 0 and d.error.text() == "Write the decision."
    d.decision.setPlainText("Open overflow area")
    assert d.problem() == "Write the rationale."
    d.rationale.setPlainText("count above plan")
    d.information.setPlainText("41k on the promenade")
    d.risk.setPlainText("crush risk")
    d.powers.setPlainText("event safety plan §4")
    d.options.setPlainText("hold entry / open overflow")
    d.accept()
    assert d.result() == 1
    draft = d.draft()
    assert (
        draft.decision,
        draft.rationale,
        draft.information,
        draft.risk_assessment,
        draft.powers_policy,
        draft.options,
    ) == (
        "Open overflow area",
        "count above plan",
        "41k on the promenade",
        "crush risk",
        "event safety plan §4",
        "hold entry / open overflow",
    )


def test_correction_requires_a_reason(qtbot: QtBot) -> None:
    original = DecisionView(decision("D1"))
    d = DecisionDialog(correcting=original)
    qtbot.addWidget(d)
    assert d.decision.toPlainText() == "Close the road"  # starts from the original
    assert d.windowTitle() == "Correct decision"
    d.accept()
    assert d.result() == 0 and d.error.text() == "A correction needs a reason."
    qtbot.keyClicks(d.reason, "wrong road named")
    d.decision.setPlainText("Close the other road")
    d.accept()
    assert d.result() == 1
    c = d.correction()
    assert (c.original_id, c.reason, c.entry.decision) == (
        "D1",
        "wrong road named",
        "Close the other road",
    )


def test_reason_dialog_refuses_an_empty_reason(qtbot: QtBot) -> None:
    d = ReasonDialog(subject="density high")
    qtbot.addWidget(d)
    d.accept()
    assert d.result() == 0 and d.error.text() == "Give a reason."
    qtbot.keyClicks(d.reason, "  handled by police  ")
    d.accept()
    assert d.result() == 1 and d.text() == "handled by police"
