"""`Replayer` and `IncidentState.copy`: a seek gives what a fresh fold gives, and no copy shares
mutable state with the state it was copied from (real console, station and witnessed journals)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from command.fold import IncidentState, Replayer, fold, fold_until, journal_times
from command.fold.incident import MODEL_NAMES
from command.journal import Event, Journal
from tests.command.review.journals import build_console_journal, build_station_journal
from tests.command.review.witnessed import write_witnessed

MUTABLE = (list, dict, set)


def _read(path: Path) -> list[Event]:
    journal = Journal.open_readonly(path)
    try:
        return list(journal.events())
    finally:
        journal.close()


@pytest.fixture(scope="module", params=["console", "station", "witnessed"])
def events(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[Event]:
    """The events of one real journal of each shape."""
    path = tmp_path_factory.mktemp(request.param) / "j.journal"
    if request.param == "console":
        return _read(build_console_journal(path))
    if request.param == "station":
        return _read(build_station_journal(path))
    return write_witnessed(path, acknowledged=True).events


def _fields(obj: object) -> dict[str, Any]:
    if dataclasses.is_dataclass(obj):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return {k: v for k, v in vars(obj).items() if k != "listener"}


def views(state: IncidentState) -> dict[str, Any]:
    """Every model's rows and fields, and the state's own counters, as comparable values."""
    out: dict[str, Any] = {}
    for name in MODEL_NAMES:
        model = getattr(state, name)
        fields = _fields(model)
        if "rows" in fields:
            fields["rows"] = model.copy_rows()
            del fields["_index"]
        fields.pop("orders", None)  # the stations' view of the orders is compared as "orders"
        if name == "zones":
            fields["series"] = {k: (s.times, s.values) for k, s in model.series.items()}
        if name == "sitreps":
            fields = {"asks": model.all()}
        out[name] = fields
    out["info"] = _fields(state.info)
    out["state"] = (
        state.first_ts,
        state.last_ts,
        state.last_seq,
        state.events,
        state.actors,
        state.undecodable,
        state.counts(),
    )
    return out


def _instants(events: list[Event]) -> list[float]:
    times = sorted({ev.ts for ev in events})
    return [times[0] - 1.0, *times, *(t + 0.5 for t in times), times[-1] + 1.0]


@pytest.mark.parametrize("stride", [1, 3, 7, 250])
def test_state_at_equals_a_fresh_fold_at_every_instant(events: list[Event], stride: int) -> None:
    replayer = Replayer(events, stride=stride)
    instants = _instants(events)
    for t in [*instants, *reversed(instants)]:  # forwards, then seeking back
        assert views(replayer.state_at(t)) == views(fold_until(events, t)), f"at {t}"


def test_folding_into_a_seek_leaves_the_kept_states_as_they_were(events: list[Event]) -> None:
    replayer = Replayer(events, stride=2)
    replayer.state_at(float("inf"))  # keep every state
    kept = {k: views(s) for k, s in replayer._kept.items()}
    half = events[len(events) // 2].ts
    seek = replayer.state_at(half)
    seek.apply_all(events[replayer.count_until(half) :])
    seek.apply_all(events)  # again: duplicates and all, whatever they do to the copy
    assert {k: views(s) for k, s in replayer._kept.items()} == kept
    assert views(replayer.state_at(half)) == views(fold_until(events, half))


def test_a_copy_and_its_original_fold_apart(events: list[Event]) -> None:
    half = len(events) // 2
    original = fold(events[:half])
    copied = original.copy()
    assert views(copied) == views(original)
    copied.apply_all(events[half:])
    assert views(original) == views(fold(events[:half]))
    assert views(copied) == views(fold(events))
    original.apply_all(events[half:])
    original.apply_all(events[half:])
    assert views(copied) == views(fold(events))


def test_a_copy_owns_every_container_and_reads_its_own_orders(events: list[Event]) -> None:
    original = fold(events)
    copied = original.copy()
    assert set(vars(copied)) == set(vars(original))
    assert copied.stations.orders is copied.orders
    for name in (*MODEL_NAMES, "info"):
        mine, theirs = getattr(original, name), getattr(copied, name)
        assert theirs is not mine and type(theirs) is type(mine)
        assert _fields(theirs).keys() == _fields(mine).keys()
        for key, value in _fields(mine).items():
            if isinstance(value, MUTABLE):
                assert _fields(theirs)[key] is not value, f"{name}.{key} is shared"
    for zkey, series in original.zones.series.items():
        other = copied.zones.series[zkey]
        assert other is not series and other.times is not series.times
        assert other.values is not series.values
    for value in vars(original).values():
        if isinstance(value, MUTABLE):
            assert all(v is not value for v in vars(copied).values())


def test_a_copy_has_no_listener() -> None:
    state = IncidentState()

    class Listener:
        def rows_about_to_be_inserted(self, first: int, last: int) -> None: ...
        def rows_inserted(self) -> None: ...
        def row_changed(self, row: int) -> None: ...
        def about_to_reset(self) -> None: ...
        def reset_done(self) -> None: ...

    state.orders.listener = Listener()
    copied = state.copy()
    assert copied.orders.listener is None
    assert state.orders.listener is not None


def test_times_that_step_back_seek_the_prefix_the_fold_gives(events: list[Event]) -> None:
    """A journal written before times were clamped (or holding a sender's time) can step back:
    every seek still folds a prefix, the one `fold_until` folds, never a set the journal never
    held (a plain search over the raw times folded events past a later one)."""
    stepped = [
        dataclasses.replace(ev, ts=ev.ts - 30.0) if i % 7 == 3 else ev
        for i, ev in enumerate(events)
    ]
    replayer = Replayer(stepped, stride=5)
    assert replayer.times == journal_times(stepped)
    assert replayer.end == max(ev.ts for ev in stepped)
    for t in _instants(stepped):
        n = replayer.count_until(t)
        assert all(ev.ts <= t for ev in stepped[:n]), f"at {t}"
        assert n == len(stepped) or stepped[n].ts > t or replayer.times[n] > t
        assert views(replayer.state_at(t)) == views(fold_until(stepped, t)), f"at {t}"


def test_journal_times_is_the_running_maximum() -> None:
    """Each time is the latest so far, in seq order."""

    def at(ts: float) -> Event:
        return Event(0, ts, "a", "k", "", {}, "", "")

    assert journal_times([at(t) for t in (5.0, 3.0, 7.0, 7.0, 1.0, 9.0)]) == [
        5.0,
        5.0,
        7.0,
        7.0,
        7.0,
        9.0,
    ]
    assert journal_times([]) == []
