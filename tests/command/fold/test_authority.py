"""A station's fold: the verification badge reads what `AuthorityBook.summary` writes (and plain
name lists), and the inbox folds received, refused and unknown orders."""

from __future__ import annotations

from typing import Any

from command.fold import Authority, IncidentState, chain_names
from command.lifecycle import OrderState, Step

from .events import T0, EventMaker, order


def test_links_from_the_book_become_names_root_first() -> None:
    body: dict[str, Any] = {
        "ok": True,
        "chain": [
            "Shanghai EOC [1a2b3c4d5e6f7a8b] → Huangpu district [99aa88bb77cc66dd]",
            "Huangpu district [99aa88bb77cc66dd] → chief-wang [0011223344556677]",
        ],
        "scope": "stations traffic_police; kinds close_lane; zones tunnel",
        "valid_until": 1_760_000_000.0,
    }
    auth = Authority.from_body(body)
    assert auth.chain == ("Shanghai EOC", "Huangpu district", "chief-wang")
    assert auth.links == tuple(body["chain"])  # kept for the tooltip
    assert auth.valid_until == 1_760_000_000.0


def test_plain_names_and_gaps() -> None:
    assert chain_names(("City EOC", "Pudong centre", "chief-wang")) == (
        "City EOC",
        "Pudong centre",
        "chief-wang",
    )
    assert chain_names(()) == ()
    assert chain_names(("a [x] → b [y]", "b → c")) == ("a", "b", "c")
    assert Authority.from_body(None).ok
    refused = Authority.from_body({"ok": False, "reason": "expired", "chain": []})
    assert not refused.ok and refused.reason == "expired" and refused.valid_until is None


def test_the_station_inbox_folds_received_refused_and_unknown_orders() -> None:
    mk = EventMaker("inc", actor="police")
    state = IncidentState(me="police")
    verified = {"ok": True, "chain": ["City EOC", "chief-wang"], "scope": "police"}
    body = {"order": order("O1").to_dict(), "msg_id": "m1", "verification": verified}
    state.apply(mk.ev("order.received", body, ts=T0))
    o1 = state.orders.get("O1")
    assert o1 is not None and o1.state is OrderState.DELIVERED
    assert o1.authority.chain == ("City EOC", "chief-wang")
    assert Step.ACKNOWLEDGE in o1.actionable
    refused = {"order_id": "O2", "order": order("O2").to_dict(), "reason": "expired"}
    state.apply(mk.ev("order.rejected", refused, ts=T0 + 1))
    o2 = state.orders.get("O2")
    assert o2 is not None and o2.state is OrderState.REJECTED and not o2.authority.ok
    assert o2.actionable == () and o2.urgency(T0)[0] == 0  # never on top, nothing to do
    unknown = mk.ev("order.accept", {"order_id": "nope", "state": "accepted"}, ts=T0 + 2)
    assert "orders" not in state.apply(unknown)
    assert len(state.orders) == 2
