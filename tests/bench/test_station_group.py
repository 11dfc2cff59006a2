"""bench.station_group: the stations of a bench process share one engine thread, each with its
own journal, key and socket, and every one of them is served."""

from __future__ import annotations

from pathlib import Path

import pytest
import zmq

from bench.orders import burst_processes
from bench.station_group import StationGroup


def test_three_stations_on_one_engine_each_journal_their_own_orders(tmp_path: Path) -> None:
    result = burst_processes(orders=30, stations=3, processes=1, runs=1, directory=tmp_path)
    assert result["processes"] == 2 and result["stations_per_process"] == 3
    assert result["rate"]["median"] > 0  # every order was delivered (the burst waits for all)


def test_a_group_of_no_stations_is_refused() -> None:
    context = zmq.Context()
    try:
        with pytest.raises(ValueError, match="at least one station"):
            StationGroup(context, [])
    finally:
        context.term()
