"""A small synthetic incident as journal-shaped events, for review tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

T0 = 1_760_000_000.0


@dataclass(frozen=True)
class Ev:
    """A journal-shaped event without the hash chain."""

    seq: int
    ts: float
    actor: str
    kind: str
    body: dict[str, Any] = field(default_factory=dict)
    incident: str = "bund-2026"


def order_body(oid: str, station: str, kind: str, ts: float) -> dict[str, Any]:
    return {
        "id": oid,
        "incident": "bund-2026",
        "station": station,
        "kind": kind,
        "params": {"gates": 3},
        "zone": "z-chenyi",
        "priority": 2,
        "issued_at": ts,
        "ack_deadline": ts + 120,
        "due": ts + 900,
        "text": f"{kind} now",
        "grant_chain": ["g1"],
        "decision_id": f"d-{oid}",
        "commander": "chief-li",
        "signature": "ab" * 32,
    }


def incident_events() -> list[Ev]:
    """Opened incident, a decision, two orders (one completed, one declined), an escalation."""
    raw: list[tuple[float, str, str, dict[str, Any]]] = [
        (
            T0,
            "chief-li",
            "incident.opened",
            {
                "incident": {
                    "id": "bund-2026",
                    "name": "Bund light show",
                    "timezone": "Asia/Shanghai",
                    "stations": [
                        {
                            "id": "security",
                            "name": "On-site security",
                            "agency": "Police",
                            "kinds": [{"name": "hold_entry", "title": "Hold entry at gates"}],
                        },
                        {"id": "lighting", "name": "Lighting control", "agency": "Culture"},
                    ],
                },
                "commander": "chief-li",
                "position": "Incident Commander",
                "agency": "Huangpu police station",
            },
        ),
        (
            T0 + 60,
            "chief-li",
            "decision.added",
            {
                "decision": {
                    "id": "d-o1",
                    "incident": "bund-2026",
                    "author": "chief-li",
                    "ts": T0 + 60,
                    "decision": "Hold entry at Chenyi gates",
                    "rationale": "density orange and rising",
                    "corrects": None,
                }
            },
        ),
        (
            T0 + 60,
            "chief-li",
            "order.issued",
            {"order": order_body("o1", "security", "hold_entry", T0 + 60), "msg_id": "m1"},
        ),
        (T0 + 61, "security", "order.deliver", {"order_id": "o1", "state": "delivered"}),
        (T0 + 70, "security", "order.accept", {"order_id": "o1", "state": "accepted"}),
        (T0 + 300, "security", "order.complete", {"order_id": "o1", "state": "completed"}),
        (
            T0 + 90,
            "chief-li",
            "order.issued",
            {"order": order_body("o2", "lighting", "dim_show", T0 + 90), "msg_id": "m2"},
        ),
        (
            T0 + 95,
            "lighting",
            "order.decline",
            {"order_id": "o2", "state": "declined", "detail": {"reason": "show in final act"}},
        ),
        (
            T0 + 130,
            "chief-li",
            "escalation.raised",
            {
                "escalation": {
                    "id": "e1",
                    "order_id": "o2",
                    "station": "lighting",
                    "kind": "not_accepted",
                    "raised_at": T0 + 130,
                    "message": "order o2 not accepted by lighting by its deadline",
                }
            },
        ),
        (
            T0 + 200,
            "chief-li",
            "decision.corrected",
            {
                "decision": {
                    "id": "d-c1",
                    "incident": "bund-2026",
                    "author": "chief-li",
                    "ts": T0 + 200,
                    "decision": "Hold entry at Chenyi and Jinling gates",
                    "rationale": "typo",
                    "corrects": "d-o1",
                },
                "corrects": "d-o1",
                "reason": "wrong gate named",
            },
        ),
    ]
    return [Ev(i + 1, ts, actor, kind, body) for i, (ts, actor, kind, body) in enumerate(raw)]


def without_text(events: list[Ev], order_id: str, params: dict[str, Any]) -> list[Ev]:
    """`events` with order `order_id` issued without a text, with `params` only."""
    return [
        Ev(
            e.seq,
            e.ts,
            e.actor,
            e.kind,
            {**e.body, "order": {**e.body["order"], "text": "", "params": params}},
        )
        if e.kind == "order.issued" and e.body["order"]["id"] == order_id
        else e
        for e in events
    ]
