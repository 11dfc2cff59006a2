"""The picture engine journals what it sees and never sends anything itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from command.clock import ManualClock
from command.journal import Journal
from command.model import Observation, Signal
from command.picture.engine import ColumnsSink, PictureEngine
from command.scenarios.loader import load_scenario
from command.vocabulary import EventBody, Kind, PictureValues


class Recorder:
    """A journal stand-in: record + add_observations."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.observations: list[Observation] = []

    def record(
        self,
        event: EventBody,
        *,
        actor: str | None = None,
        incident: str | None = None,
        ts: float | None = None,
    ) -> None:
        kind, body = event.kind.value, event.to_body()
        self.events.append((kind, body))

    def add_observations(self, batch: Sequence[Observation]) -> None:
        assert batch
        self.observations.extend(batch)


def test_engine_rates_zones_and_proposes_without_sending() -> None:
    sc = load_scenario("bund")
    rec = Recorder()
    clock = ManualClock(sc.start)
    eng = PictureEngine(sc, clock=clock, journal=rec)
    now = sc.ts(60)
    crowd = [
        Observation(now, "chenyi.crowd", "chenyi", "crowd", 50_000.0, s)
        for s in ("video", "wifi", "carrier")
    ]
    bad = Observation(now, "chenyi.crowd", "chenyi", "crowd", float("nan"), "video")
    assert eng.ingest([*crowd, bad]) == 3
    assert len(rec.observations) == 3  # the non-finite value is not journaled
    update = eng.tick(now)
    assert [(c.zone, c.level.label) for c in update.level_changes] == [("chenyi", "orange")]
    assert [s.playbook for s in update.suggestions] == ["density_orange_hold_entry"]
    kinds = [k for k, _ in rec.events]
    assert kinds == ["picture.values", "picture.level", "suggestion.proposed"]
    rec.events.clear()
    assert eng.tick(now + 10).suggestions == ()  # same episode: not proposed again
    snap = eng.snapshot(now)
    assert snap["zones"]["chenyi"]["level"] == "orange"
    assert snap["zones"]["huangpu_park"]["indicators"]["crowd"]["stale"] is True
    # only journaling, no order anywhere
    assert not any(k.startswith("order.") for k, _ in rec.events)


def test_values_are_journaled_when_they_change_and_before_each_snapshot() -> None:
    sc = load_scenario("bund")
    rec = Recorder()
    eng = PictureEngine(sc, clock=ManualClock(sc.start), journal=rec)
    now = sc.ts(60)
    crowd = [
        Observation(now, "chenyi.crowd", "chenyi", "crowd", v, s)
        for v, s in ((50_000.0, "video"), (51_000.0, "wifi"), (52_000.0, "carrier"))
    ]
    eng.ingest(crowd)
    eng.tick(now)
    values = [PictureValues.from_body(b) for k, b in rec.events if k == "picture.values"]
    assert len(values) == 1
    first = values[0]
    assert first.values["chenyi"]["crowd"] == 51_000.0  # the fused (median) estimate
    assert "density" in first.values["chenyi"]  # derived indicators too
    assert "huangpu_park/crowd" in first.stale  # never fed: stale, with no value
    assert "huangpu_park" not in first.values
    rec.events.clear()
    eng.tick(now + 1)  # nothing changed: nothing journaled
    assert [k for k, _ in rec.events if k == "picture.values"] == []
    eng.ingest([Observation(now + 2, "chenyi.crowd", "chenyi", "crowd", 60_000.0, "video")])
    snap = eng.snapshot(now + 2)
    kinds = [k for k, _ in rec.events]
    assert kinds == ["picture.values"]  # journaled before the snapshot was taken
    changed = PictureValues.from_body(rec.events[0][1])
    assert set(changed.values["chenyi"]) <= set(first.values["chenyi"])
    for zone, metrics in changed.values.items():
        for indicator, value in metrics.items():
            assert snap["zones"][zone]["indicators"][indicator]["value"] == value
    rec.events.clear()
    eng.snapshot(now + 2)  # the same picture again: nothing new to journal
    assert rec.events == []


def test_engine_hands_a_real_journal_the_columns_it_fused() -> None:
    sc = load_scenario("bund")
    clock = ManualClock(sc.start)
    journal = Journal.in_memory(clock=clock, owner="cmd", role="console")
    eng = PictureEngine(sc, clock=clock, journal=journal)
    now = sc.ts(60)
    crowd = [
        Observation(now + i, "chenyi.crowd", "chenyi", "crowd", 50_000.0 + i, s)
        for i, s in enumerate(("video", "wifi", "carrier"))
    ]
    assert isinstance(journal, ColumnsSink)
    assert eng.ingest(crowd) == 3
    bad = Observation(now, "chenyi.crowd", "chenyi", "crowd", float("nan"), "video")
    assert eng.ingest([bad, crowd[0]]) == 1  # the non-finite value is not journaled
    assert journal.observations() == sorted([*crowd, crowd[0]], key=lambda o: o.ts)
    assert eng.fusion.get("chenyi", "crowd", now + 2).sources == 3


def test_a_signal_is_journaled_when_received_with_its_own_time_in_the_body() -> None:
    """The sender's time (an alert sent an hour ago, or a peer's clock a day ahead) is its
    signal's "ts" in the body; the event is stamped by the journal's clock, so journal time
    never steps back or jumps ahead on a peer's word."""
    sc = load_scenario("typhoon")
    clock = ManualClock(sc.ts(60))
    journal = Journal.in_memory(clock=clock, owner="cmd", role="console")
    eng = PictureEngine(sc, clock=clock, journal=journal)
    early = Signal("sig-early", sc.ts(0), "cap:test", "note", "sent an hour ago")
    late = Signal("sig-late", sc.ts(60) + 86_400.0, "cap:test", "note", "a clock a day ahead")
    eng.signal(early)
    clock.advance(1)
    eng.signal(late)
    received = list(journal.events(kinds=[Kind.SIGNAL_RECEIVED]))
    assert [e.ts for e in received] == [sc.ts(60), sc.ts(60) + 1]
    assert [e.body["signal"]["ts"] for e in received] == [early.ts, late.ts]
    journal.close()
