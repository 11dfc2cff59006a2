"""Items that need a person stay highlighted until the commander acknowledges them (no Qt)."""

from __future__ import annotations

import pytest

from command.fold import IncidentState
from command.lifecycle import OrderState, Step
from command.model import Escalation, EscalationKind
from command.vocabulary import (
    AttentionAcknowledged,
    AttentionSubject,
    EscalationRaised,
    EscalationResolved,
    EventBody,
    Kind,
    OrderIssued,
    OrderRejected,
    OrderStepped,
    decode_body,
)

from .events import T0, Ev, EventMaker, order


@pytest.fixture
def mk() -> EventMaker:
    """An event maker for incident 'inc'."""
    return EventMaker("inc")


def ev(mk: EventMaker, body: EventBody, ts: float, actor: str = "") -> Ev:
    """The journal event a writer would record for `body`."""
    return mk.ev(body.kind, body.to_body(), ts=ts, actor=actor)


def escalation(eid: str = "E1", oid: str = "O1") -> EscalationRaised:
    """A not-accepted escalation for `oid`."""
    return EscalationRaised(
        Escalation(eid, oid, "police", EscalationKind.NOT_ACCEPTED, T0 + 121, "not accepted")
    )


def test_body_round_trips() -> None:
    body = AttentionAcknowledged(AttentionSubject.ESCALATION.value, "E1", "cmd", "called them")
    assert body.kind is Kind.ATTENTION_ACKNOWLEDGED
    assert decode_body(body.kind, body.to_body()) == body


def test_escalation_stays_until_acknowledged(mk: EventMaker) -> None:
    state = IncidentState()
    state.apply(ev(mk, OrderIssued(order("O1")), T0))
    state.apply(ev(mk, escalation(), T0 + 121))
    # the order expires: the escalation is resolved, but nobody has looked at it yet
    state.apply(ev(mk, EscalationResolved("E1"), T0 + 600))
    state.apply(ev(mk, OrderStepped(Step.EXPIRE, "O1", OrderState.EXPIRED), T0 + 600))
    o1 = state.orders.get("O1")
    assert o1 is not None and o1.needs_attention and not o1.state.open
    assert state.escalations.open() == []
    assert [e.id for e in state.escalations.unacknowledged()] == ["E1"]
    assert state.stations.attention_count("police") == 1
    assert state.stations.open_count("police") == 0

    changed = state.apply(
        ev(mk, AttentionAcknowledged(AttentionSubject.ESCALATION.value, "E1", "cmd"), T0 + 700)
    )
    assert changed == {"escalations"}
    assert state.escalations.unacknowledged() == []
    assert state.stations.attention_count("police") == 1  # the expired order itself still does

    changed = state.apply(
        ev(mk, AttentionAcknowledged(AttentionSubject.ORDER.value, "O1", "cmd", "seen"), T0 + 701)
    )
    assert {"orders", "stations"} <= changed
    o1 = state.orders.get("O1")
    assert o1 is not None and o1.acknowledged and not o1.needs_attention
    assert state.stations.attention_count("police") == 0


def test_acknowledging_an_order_acknowledges_its_escalations(mk: EventMaker) -> None:
    state = IncidentState()
    state.apply(ev(mk, OrderIssued(order("O1")), T0))
    state.apply(ev(mk, escalation("E1"), T0 + 121))
    state.apply(ev(mk, AttentionAcknowledged(AttentionSubject.ORDER.value, "O1", "cmd"), T0 + 130))
    assert state.escalations.unacknowledged() == []
    assert not state.orders.get("O1").needs_attention  # type: ignore[union-attr]
    # a new escalation, or a step into an attention state, asks again
    state.apply(ev(mk, escalation("E2"), T0 + 200))
    assert state.orders.get("O1").needs_attention  # type: ignore[union-attr]
    assert [e.id for e in state.escalations.unacknowledged()] == ["E2"]
    state.apply(ev(mk, AttentionAcknowledged(AttentionSubject.ORDER.value, "O1", "cmd"), T0 + 210))
    state.apply(
        ev(
            mk,
            OrderStepped(Step.DECLINE, "O1", OrderState.DECLINED, {"reason": "no crew"}),
            T0 + 220,
            actor="police",
        )
    )
    assert state.orders.get("O1").needs_attention  # type: ignore[union-attr]


def test_rejected_order_is_a_refusal_needing_attention(mk: EventMaker) -> None:
    state = IncidentState()
    state.apply(ev(mk, OrderIssued(order("O1")), T0))
    state.apply(ev(mk, OrderRejected("O1", "out_of_scope", "zone not granted"), T0 + 2))
    o1 = state.orders.get("O1")
    assert o1 is not None and o1.refused and o1.needs_attention
    assert o1.refusal_reason == "out_of_scope: zone not granted"
    assert [r.order_id for r in state.orders.needing_attention("police")] == ["O1"]


def test_acknowledging_unknown_or_twice_changes_nothing(mk: EventMaker) -> None:
    state = IncidentState()
    state.apply(ev(mk, OrderIssued(order("O1")), T0))
    ack = AttentionAcknowledged(AttentionSubject.ORDER.value, "nope", "cmd")
    assert state.apply(ev(mk, ack, T0 + 1)) == set()
    ack = AttentionAcknowledged(AttentionSubject.ORDER.value, "O1", "cmd")
    assert "orders" in state.apply(ev(mk, ack, T0 + 2))
    assert "orders" not in state.apply(ev(mk, ack, T0 + 3))
