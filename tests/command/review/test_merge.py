"""Merging a console journal with station journals, and the discrepancies it flags."""

from __future__ import annotations

from typing import Any

from command.review.merge import merge
from tests.command.review.events import T0, Ev, incident_events, order_body


def _station(events: list[tuple[float, str, dict[str, Any]]], actor: str) -> list[Ev]:
    return [Ev(i + 1, ts, actor, kind, body) for i, (ts, kind, body) in enumerate(events)]


def _console() -> list[Ev]:
    return incident_events()


ISSUED = {"o1": ("security", "hold_entry", T0 + 60), "o2": ("lighting", "dim_show", T0 + 90)}


def _received(oid: str, ts: float) -> tuple[float, str, dict[str, Any]]:
    """The station journaling the order the console issued (the whole signed order)."""
    station, kind, issued = ISSUED.get(oid, ("security", "hold_entry", ts))
    order = order_body(oid, station, kind, issued)
    return (ts, "order.received", {"order": order, "msg_id": f"m-{oid}", "peer": "console"})


def test_consistent_journals_merge_without_discrepancies() -> None:
    security = _station(
        [
            _received("o1", T0 + 60.5),
            (T0 + 69.9, "order.accept", {"order_id": "o1"}),
            (T0 + 299.9, "order.complete", {"order_id": "o1"}),
        ],
        "security",
    )
    lighting = _station(
        [_received("o2", T0 + 90.2), (T0 + 94.9, "order.decline", {"order_id": "o2"})],
        "lighting",
    )
    merged = merge(_console(), {"security": security, "lighting": lighting})
    assert merged.discrepancies == []
    assert len(merged.entries) == len(_console()) + 5
    assert [e.ts for e in merged.entries] == sorted(e.ts for e in merged.entries)
    assert merged.skew == {"security": 0.0, "lighting": 0.0}


def test_an_order_the_station_never_received_is_flagged_by_id() -> None:
    security = _station([_received("o1", T0 + 60.5)], "security")
    merged = merge(_console(), {"security": security, "lighting": []})
    flagged = [(d.kind, d.order_id, d.station) for d in merged.discrepancies]
    assert ("not_received", "o2", "lighting") in flagged


def test_execution_the_console_never_heard_of_is_flagged() -> None:
    lighting = _station(
        [_received("o2", T0 + 90.2), (T0 + 100, "order.accept", {"order_id": "o2"})], "lighting"
    )
    merged = merge(_console(), {"lighting": lighting})
    assert [(d.kind, d.order_id) for d in merged.discrepancies] == [
        ("unacknowledged_execution", "o2")
    ]


def test_a_station_clock_running_behind_is_flagged() -> None:
    # Received 30 s "before" it was issued: the station clock is at least 29.5 s behind.
    security = _station([_received("o1", T0 + 30.5)], "security")
    merged = merge(_console(), {"security": security})
    assert merged.skew["security"] == -29.5
    assert [d.kind for d in merged.discrepancies] == ["clock_skew"]
    assert "behind" in merged.discrepancies[0].detail
