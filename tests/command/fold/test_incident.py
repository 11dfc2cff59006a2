"""The fold turns journal events into the state every view reads (no Qt)."""

from __future__ import annotations

import pytest

from command.fold import IncidentState, fold, fold_until
from command.lifecycle import OrderState

from .events import T0, EventMaker, decision, order


@pytest.fixture
def mk() -> EventMaker:
    """An event maker for incident 'inc'."""
    return EventMaker("inc")


def test_orders_fold_issue_steps_and_rejection(mk: EventMaker) -> None:
    state = IncidentState()
    state.apply(mk.ev("order.issued", {"order": order("O1").to_dict(), "msg_id": "m1"}, ts=T0))
    state.apply(mk.ev("order.issued", {"order": order("O2").to_dict(), "msg_id": "m2"}, ts=T0))
    state.apply(
        mk.ev("order.deliver", {"order_id": "O1", "state": "delivered", "detail": {}}, ts=T0 + 1)
    )
    state.apply(
        mk.ev(
            "order.progress",
            {
                "order_id": "O1",
                "state": "in_progress",
                "detail": {"note": "half done", "percent": 50},
            },
            ts=T0 + 60,
        )
    )
    state.apply(
        mk.ev(
            "order.rejected",
            {"order_id": "O2", "reason": "out_of_scope", "detail": "zone not granted"},
            ts=T0 + 2,
        )
    )
    o1, o2 = state.orders.get("O1"), state.orders.get("O2")
    assert o1 is not None and o2 is not None
    assert o1.state is OrderState.IN_PROGRESS
    assert o1.last_detail == "50% half done"
    assert o1.updated_at == T0 + 60
    assert o2.state is OrderState.REJECTED  # the station's refusal is its own state
    assert o2.last_detail == "out_of_scope"
    assert [r.order_id for r in state.orders.open_orders()] == ["O1"]
    assert [s.step.value for s in o1.history] == ["deliver", "progress"]


def test_duplicate_issue_and_unknown_order_are_ignored(mk: EventMaker) -> None:
    state = IncidentState()
    body = {"order": order("O1").to_dict(), "msg_id": "m1"}
    assert "orders" in state.apply(mk.ev("order.issued", body, ts=T0))
    assert "orders" not in state.apply(mk.ev("order.issued", body, ts=T0))
    assert "orders" not in state.apply(
        mk.ev("order.accept", {"order_id": "nope", "state": "accepted"}, ts=T0)
    )
    assert len(state.orders) == 1


def test_overdue_after_due_or_unaccepted_after_deadline(mk: EventMaker) -> None:
    state = IncidentState()
    state.apply(mk.ev("order.issued", {"order": order("O1").to_dict(), "msg_id": "m"}, ts=T0))
    row = state.orders.get("O1")
    assert row is not None
    assert not row.overdue(T0 + 60)
    assert row.overdue(T0 + 121)  # not accepted by its acknowledgement deadline
    state.apply(mk.ev("order.accept", {"order_id": "O1", "state": "accepted"}, ts=T0 + 30))
    row = state.orders.get("O1")
    assert row is not None
    assert not row.overdue(T0 + 121)
    assert row.overdue(T0 + 601)  # past due
    assert row.age(T0 + 90) == 90
    state.apply(mk.ev("order.complete", {"order_id": "O1", "state": "completed"}, ts=T0 + 700))
    row = state.orders.get("O1")
    assert row is not None and not row.overdue(T0 + 10_000)


def test_stations_presence_and_counts(mk: EventMaker) -> None:
    state = IncidentState()
    state.stations.add_station("metro", "Metro")
    state.apply(mk.ev("station.online", {"station": "police", "detail": ""}, ts=T0))
    state.apply(mk.ev("order.issued", {"order": order("O1").to_dict(), "msg_id": "m"}, ts=T0))
    deliver = {"order_id": "O1", "state": "delivered"}
    state.apply(mk.ev("order.deliver", deliver, ts=T0 + 5, actor="police"))  # heard from it
    state.apply(mk.ev("station.offline", {"station": "police", "detail": "silent"}, ts=T0 + 50))
    police = state.stations.get("police")
    assert police is not None
    assert not police.online and police.since == T0 + 50 and police.last_heard == T0 + 5
    assert state.stations.open_count("police") == 1
    assert state.stations.late_count("police", T0 + 60) == 0
    assert state.stations.late_count("police", T0 + 200) == 1
    assert state.stations.get("metro") is not None
    assert state.stations.open_count("metro") == 0
    assert state.stations.open_counts() == {"police": 1}  # one pass, the same counts


def test_decision_correction_strikes_the_original(mk: EventMaker) -> None:
    state = IncidentState()
    state.apply(mk.ev("decision.added", {"decision": decision("D1").to_dict()}, ts=T0))
    fixed = decision("D2", ts=T0 + 5, text="Close the other road")
    state.apply(
        mk.ev(
            "decision.corrected",
            {"decision": fixed.to_dict(), "corrects": "D1", "reason": "wrong road"},
            ts=T0 + 5,
        )
    )
    d1, d2 = state.decisions.get("D1"), state.decisions.get("D2")
    assert d1 is not None and d2 is not None
    assert d1.struck and d1.struck_by == "D2" and d1.struck_reason == "wrong road"
    assert not d2.struck
    assert len(state.decisions) == 2  # never erased


def test_escalations_and_suggestions(mk: EventMaker) -> None:
    state = IncidentState()
    esc = {
        "id": "E1",
        "order_id": "O1",
        "station": "police",
        "kind": "overdue",
        "raised_at": T0,
        "message": "late",
    }
    state.apply(mk.ev("escalation.raised", {"escalation": esc}, ts=T0))
    assert [e.id for e in state.escalations.open()] == ["E1"]
    state.apply(mk.ev("escalation.resolved", {"id": "E1"}, ts=T0 + 9))
    assert state.escalations.open() == []
    sug = {"suggestion_id": "S1", "playbook": "crowd", "reason": "dense", "orders": [{}]}
    state.apply(mk.ev("suggestion.proposed", sug, ts=T0))
    assert state.suggestions.get("S1").pending  # type: ignore[union-attr]
    state.apply(
        mk.ev(
            "suggestion.dismissed",
            {"suggestion_id": "S1", "by": "cmd", "why": "handled"},
            ts=T0 + 1,
        )
    )
    s1 = state.suggestions.get("S1")
    assert s1 is not None and s1.status == "dismissed" and s1.why == "handled"


def test_an_edited_suggestion_keeps_what_was_proposed_and_what_was_issued(
    mk: EventMaker,
) -> None:
    state = IncidentState()
    hold, dim = {"station": "security", "kind": "hold"}, {"station": "lighting", "kind": "dim"}
    sug = {"suggestion_id": "S1", "playbook": "p", "reason": "r", "orders": [hold, dim]}
    state.apply(mk.ev("suggestion.proposed", sug, ts=T0))
    body = {"suggestion_id": "S1", "orders": [hold], "original": [hold, dim], "why": "dimmed"}
    state.apply(mk.ev("suggestion.edited", body, ts=T0 + 1))
    s1 = state.suggestions.get("S1")
    assert s1 is not None and s1.status == "edited"
    assert [dict(o) for o in s1.orders] == [hold, dim]  # proposed
    assert [dict(o) for o in s1.issued] == [hold]  # what went out


def test_header_grant_revocation_link_and_outbox(mk: EventMaker) -> None:
    state = IncidentState()
    state.header.me = "cmd"
    grant = {
        "id": "G1",
        "issuer": "district",
        "delegate": "cmd",
        "not_after": T0 + 3600,
        "scope": {"stations": ["police"], "order_kinds": ["*"], "zones": ["north"]},
    }
    state.apply(mk.ev("grant.issued", {"grant": {**grant, "id": "G0", "delegate": "other"}}, ts=T0))
    assert state.header.issuer == ""  # someone else's grant
    state.apply(mk.ev("grant.issued", grant, ts=T0))
    h = state.header
    assert h.issuer == "district" and h.time_left(T0 + 600) == 3000
    assert h.allows("police", "close_road") and not h.allows("metro", "skip")
    assert h.allows_zone("north") and not h.allows_zone("south")
    assert "stations police" in h.scope_text()
    state.apply(mk.ev("link.down", {}, ts=T0))
    assert h.link_up is False
    state.apply(mk.ev("order.issued", {"order": order("O1").to_dict(), "msg_id": "m"}, ts=T0))
    assert h.outbox == 1
    state.apply(mk.ev("order.deliver", {"order_id": "O1", "state": "delivered"}, ts=T0 + 1))
    assert h.outbox == 0
    state.apply(mk.ev("grant.revoked", {"grant_id": "G1", "reason": "handover"}, ts=T0 + 2))
    assert h.revoked and not h.allows("police", "close_road") and h.time_left(T0) == 0


def test_fold_until_keeps_only_what_was_known(mk: EventMaker) -> None:
    events = [
        mk.ev("order.issued", {"order": order("O1").to_dict(), "msg_id": "m"}, ts=T0),
        mk.ev("order.deliver", {"order_id": "O1", "state": "delivered"}, ts=T0 + 10),
        mk.ev(
            "picture.level",
            {
                "zone": "north",
                "level": "orange",
                "previous": "green",
                "indicator": "density",
                "value": 3.2,
            },
            ts=T0 + 20,
        ),
    ]
    early = fold_until(events, T0 + 5)
    assert early.orders.get("O1").state is OrderState.ISSUED  # type: ignore[union-attr]
    assert early.zones.get("north") is None
    late = fold_until(events, T0 + 30)
    assert late.orders.get("O1").state is OrderState.DELIVERED  # type: ignore[union-attr]
    assert late.zones.get("north").level == 3  # type: ignore[union-attr]


def test_counts_are_read_from_the_folded_orders(mk: EventMaker) -> None:
    events = [
        mk.ev("order.issued", {"order": order("O1").to_dict(), "msg_id": "m1"}, ts=T0),
        mk.ev("order.issued", {"order": order("O2").to_dict(), "msg_id": "m2"}, ts=T0),
        mk.ev("order.accept", {"order_id": "O1", "state": "accepted"}, ts=T0 + 5),
        mk.ev("order.complete", {"order_id": "O1", "state": "completed"}, ts=T0 + 50),
        mk.ev("order.decline", {"order_id": "O2", "state": "declined"}, ts=T0 + 6),
        mk.ev("decision.added", {"decision": decision("D1").to_dict()}, ts=T0 + 7),
    ]
    counts = fold(events).counts()
    assert (counts.issued, counts.accepted, counts.completed, counts.declined) == (2, 1, 1, 1)
    assert (counts.open, counts.decisions, counts.escalations) == (0, 1, 0)
    assert fold_until(events, T0 + 5).counts().accepted == 1
