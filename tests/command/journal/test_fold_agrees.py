"""The journal's stored projections agree with `command.fold`: orders (state, open), stations
online, escalations open and decisions struck through are the same whichever one reads them."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from command.clock import ManualClock
from command.fold import fold
from command.journal import Journal
from command.lifecycle import OrderState, Step
from command.signing import Signer
from command.station_desk import AcceptAll, StationDesk
from command.vocabulary import OrderRejected
from tests.command.journal.helpers import build_file_journal, issue, make_order
from tests.command.journal.test_properties import OPS, run

_files = itertools.count()


def stored(journal: Journal) -> dict[str, Any]:
    """What the projection tables say."""
    tables = journal.projection_tables()
    return {
        "orders": {k: (r["state"], r["open"]) for k, r in tables["orders"].items()},
        "online": {k for k, r in tables["stations"].items() if r["online"]},
        "stations": {k: r["online"] for k, r in tables["stations"].items()},
        "escalations": {k: r["open"] for k, r in tables["escalations"].items()},
        "struck_by": {k: r["struck_by"] for k, r in tables["decisions"].items()},
    }


def folded(journal: Journal) -> dict[str, Any]:
    """What the one fold says about the same events."""
    state = fold(journal.events())
    projected = journal.projection_tables()["stations"]
    return {
        "orders": {r.order_id: (r.state.value, r.state.open) for r in state.orders.rows},
        "online": {r.station for r in state.stations.rows if r.online},
        # The fold also knows stations only from their orders; compare those with presence.
        "stations": {r.station: r.online for r in state.stations.rows if r.station in projected},
        "escalations": {r.id: r.open for r in state.escalations.rows},
        "struck_by": {r.decision.id: r.struck_by for r in state.decisions.rows},
    }


def test_the_file_journal_helper_agrees(tmp_path: Path) -> None:
    clock = ManualClock()
    build_file_journal(tmp_path / "j.journal", clock, Signer.generate("cmd"))
    journal = Journal.open_readonly(tmp_path / "j.journal")
    try:
        assert stored(journal) == folded(journal)
        assert stored(journal)["orders"]  # not vacuous
    finally:
        journal.close()


def test_rejections_and_old_authority_declines_agree(journal: Journal, clock: ManualClock) -> None:
    refused = issue(journal, clock).order.id
    journal.record_step(refused, Step.REJECT, actor="traffic", detail={"reason": "expired"})
    old = issue(journal, clock).order.id
    journal.record_step(old, Step.DELIVER, actor="traffic")
    # A console before the reject step journaled the station's refusal as an authority decline.
    body = {"order_id": old, "state": "declined", "detail": {"reason": "authority:revoked"}}
    journal.append("order.decline", body, actor="traffic")
    assert stored(journal) == folded(journal)
    assert stored(journal)["orders"][refused] == ("rejected", False)
    assert stored(journal)["orders"][old] == ("rejected", False)


def test_a_station_journal_agrees_on_refusals_and_replays(
    station_journal: Journal, clock: ManualClock
) -> None:
    desk = StationDesk(station_journal, clock, "traffic", AcceptAll())
    held = make_order(clock)
    desk.receive_order(held.to_dict(), msg_id="m1", peer="console")
    desk.accept(held.id)
    desk.receive_order(held.to_dict(), msg_id="m2", peer="console")  # a replay
    unsigned = make_order(clock, signed=False)
    desk.receive_order(unsigned.to_dict(), msg_id="m3", peer="console")
    desk.receive_order({"id": "garbled"}, msg_id="m4", peer="console")
    elsewhere = make_order(clock, station="metro")
    desk.receive_order(elsewhere.to_dict(), msg_id="m5", peer="console")
    # An old station journaled a replay as a refusal of the held order's id: it stays held.
    replay = OrderRejected(held.id, "replayed", "already received")
    station_journal.record(replay, actor="console")
    orders = stored(station_journal)["orders"]
    assert orders[held.id] == ("accepted", True)
    assert orders[unsigned.id] == orders[elsewhere.id] == ("rejected", False)
    assert "garbled" not in orders
    assert stored(station_journal) == folded(station_journal)


def test_a_refusal_of_a_held_order_goes_through_the_transition_table(
    station_journal: Journal, clock: ManualClock
) -> None:
    delivered, started = make_order(clock), make_order(clock)
    for i, order in enumerate((delivered, started)):
        station_journal.receive_order(order, msg_id=f"m{i}", peer="console")
    station_journal.record_step(started.id, Step.ACKNOWLEDGE, actor="traffic")
    station_journal.record_step(started.id, Step.ACCEPT, actor="traffic")
    for order in (delivered, started):
        station_journal.record(OrderRejected(order.id, "revoked", "grant g1 revoked"))
    orders = stored(station_journal)["orders"]
    assert orders[delivered.id] == (OrderState.REJECTED.value, False)
    assert orders[started.id] == (OrderState.ACCEPTED.value, True)  # REJECT is illegal there
    assert stored(station_journal) == folded(station_journal)


@pytest.mark.parametrize("store", ["sqlite", "memory"])
@settings(max_examples=30, deadline=None)
@given(ops=st.lists(OPS, max_size=40))
def test_stored_projections_equal_the_fold(
    store: str, ops: list[tuple[Any, ...]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    clock = ManualClock()
    path: Path | None = None
    if store == "sqlite":
        path = tmp_path_factory.getbasetemp() / f"agree-{next(_files)}.journal"
        journal = Journal.open(path, clock=clock, owner="cmd", role="console")
    else:
        journal = Journal.in_memory(clock=clock, owner="cmd", role="console")
    try:
        run(journal, clock, ops)
        assert stored(journal) == folded(journal)
    finally:
        journal.close()
    if path is not None:
        path.unlink()
