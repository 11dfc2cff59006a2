"""The fold reads what the real journal writes, not just fixtures."""

from __future__ import annotations

from dataclasses import replace

from command.canonical import canonical_bytes
from command.clock import ManualClock
from command.fold import IncidentState, fold_until
from command.journal import Journal
from command.lifecycle import OrderState, Step
from command.model import Escalation, EscalationKind
from command.signing import Signer

from .events import decision, order


def test_models_fold_a_real_journal() -> None:
    clock = ManualClock(start=1_751_371_200.0)
    j = Journal.in_memory(clock=clock, owner="cmd", role="console")
    signer = Signer.generate("cmd")
    t0 = clock.now()
    o = order("O1", issued=t0)
    o = replace(o, signature=signer.sign(canonical_bytes(o.signing_payload())))
    j.set_station_status("police", True, ts=t0)
    j.issue_order(o, replace(decision("D-O1", ts=t0), order_ids=("O1",)))
    j.record_step("O1", Step.DELIVER, actor="police", ts=t0 + 5)
    j.record_step("O1", Step.ACKNOWLEDGE, actor="police", ts=t0 + 6)
    j.add_decision(decision("D2", ts=t0 + 7))
    j.correct_decision("D2", decision("D3", ts=t0 + 8, text="fixed"), "wrong road")
    j.raise_escalation(
        Escalation("E1", "O1", "police", EscalationKind.NOT_ACCEPTED, t0 + 9, "not accepted")
    )
    events = list(j.events())
    state = IncidentState()
    state.apply_all(events)
    row = state.orders.get("O1")
    assert row is not None and row.state is OrderState.ACKNOWLEDGED
    assert row.escalation == "not_accepted"
    assert state.stations.get("police").online  # type: ignore[union-attr]
    assert state.stations.open_count("police") == 1
    d2 = state.decisions.get("D2")
    assert d2 is not None and d2.struck and d2.struck_reason == "wrong road"
    assert [e.id for e in state.escalations.open()] == ["E1"]
    assert state.header.outbox == 0
    assert fold_until(events, t0 + 5.5).orders.get("O1").state is OrderState.DELIVERED  # type: ignore[union-attr]
