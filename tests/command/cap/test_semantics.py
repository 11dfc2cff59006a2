"""CAP status and msgType on the typhoon scenario's ferry-suspension alert: Exercise copies never
trigger, an Update re-fires nothing, a Cancel withdraws the open suggestion with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pytest

from command.cap import CapTrust, parse_cap
from command.cap.semantics import CANCELLED_BY, may_trigger, why_not
from command.clock import ManualClock
from command.fold import fold
from command.model import Observation, Signal
from command.picture.engine import PictureEngine
from command.scenarios.loader import SCENARIOS_DIR, load_scenario
from command.scenarios.scenario import Scenario
from command.vocabulary import EventBody, Kind

FERRY = SCENARIOS_DIR / "typhoon-ferry-suspension.xml"
ORIGINAL = "dutyoffice@swa.sh.example.cn,SH-WATER-2026-0728-0645-FERRY,2026-07-28T06:45:00+08:00"


@dataclass(frozen=True)
class Ev:
    seq: int
    ts: float
    actor: str
    kind: str
    incident: str
    body: dict[str, Any]


class Recorder:
    """A journal stand-in whose events the fold reads."""

    def __init__(self) -> None:
        self.events: list[Ev] = []

    def record(
        self,
        event: EventBody,
        *,
        actor: str | None = None,
        incident: str | None = None,
        ts: float | None = None,
    ) -> None:
        n = len(self.events) + 1
        self.events.append(
            Ev(n, ts or 0.0, actor or "", event.kind.value, incident or "", event.to_body())
        )

    def add_observations(self, batch: Sequence[Observation]) -> None:
        pass


def ferry(**changes: str) -> Signal:
    """The shipped ferry alert, or a copy with header fields changed (status, msgType, ...)."""
    xml = FERRY.read_text(encoding="utf-8")
    for tag, value in changes.items():
        if tag == "references":
            xml = xml.replace(
                "<scope>Public</scope>", f"<scope>Public</scope><references>{value}</references>"
            )
            continue
        start, end = xml.index(f"<{tag}>"), xml.index(f"</{tag}>")
        xml = xml[: start + len(tag) + 2] + value + xml[end:]
    return parse_cap(xml, name=FERRY.name, trust=CapTrust())


@pytest.fixture
def typhoon() -> tuple[Scenario, PictureEngine, Recorder]:
    sc = load_scenario("typhoon")
    rec = Recorder()
    return sc, PictureEngine(sc, clock=ManualClock(sc.ts(45)), journal=rec), rec


def lane(sc: Scenario, s: Signal) -> Signal:
    return replace(s, ts=sc.ts(45))


def test_the_shipped_alert_triggers_the_tunnel_lane(typhoon: Any) -> None:
    sc, eng, _ = typhoon
    (suggestion,) = eng.signal(lane(sc, ferry()))
    assert suggestion.playbook == "ferry_suspension_tunnel_lane"


@pytest.mark.parametrize("status", ["Exercise", "Test", "Draft", "System"])
def test_an_exercise_copy_never_triggers(typhoon: Any, status: str) -> None:
    sc, eng, rec = typhoon
    copy = ferry(status=status, identifier=f"SH-WATER-{status}")
    assert not may_trigger(copy) and "only Actual alerts" in why_not(copy)
    assert eng.signal(lane(sc, copy)) == []
    assert eng.playbooks.on_signal(copy, sc.ts(45)) == []  # nor through the playbooks directly
    state = fold(rec.events)
    (row,) = state.alerts.rows
    assert row.status == status and row.headline.startswith(f"[{status.upper()}] ")
    assert len(state.suggestions.rows) == 0


def test_an_update_re_fires_nothing(typhoon: Any) -> None:
    sc, eng, rec = typhoon
    assert len(eng.signal(lane(sc, ferry()))) == 1
    update = ferry(
        msgType="Update", identifier="SH-WATER-2026-0728-0745-FERRY", references=ORIGINAL
    )
    assert update.kind == "ferry_suspension" and update.headline.startswith("[UPDATE] ")
    assert eng.signal(replace(update, ts=sc.ts(60))) == []
    (open_,) = eng.book.open()  # the first suggestion is still open, not proposed twice
    orders = eng.book.approve(open_.id, by="traffic_duty_chief")
    assert orders
    again = ferry(msgType="Update", identifier="SH-WATER-2026-0728-0845-FERRY", references=ORIGINAL)
    assert eng.signal(replace(again, ts=sc.ts(70))) == []  # nor after it was approved
    state = fold(rec.events)
    assert state.alerts.get("SH-WATER-2026-0728-0645-FERRY").updated_by == again.id  # type: ignore[union-attr]
    assert [e.kind for e in rec.events].count(Kind.SUGGESTION_PROPOSED.value) == 1


def test_a_cancel_withdraws_the_open_suggestion_with_a_reason(typhoon: Any) -> None:
    sc, eng, rec = typhoon
    (suggestion,) = eng.signal(lane(sc, ferry()))
    cancel = ferry(
        msgType="Cancel", identifier="SH-WATER-2026-0728-0900-FERRY", references=ORIGINAL
    )
    assert eng.signal(replace(cancel, ts=sc.ts(90))) == []
    assert eng.book.open() == []
    assert eng.book.status(suggestion.id) == "dismissed"
    dismissed = [e for e in rec.events if e.kind == Kind.SUGGESTION_DISMISSED.value]
    (event,) = dismissed
    assert event.actor == CANCELLED_BY and event.body["by"] == CANCELLED_BY
    assert "cancelled alert SH-WATER-2026-0728-0645-FERRY" in event.body["why"]
    state = fold(rec.events)
    (row,) = state.suggestions.rows
    assert row.status == "dismissed" and row.by == CANCELLED_BY
    original = state.alerts.get("SH-WATER-2026-0728-0645-FERRY")
    assert original is not None and original.cancelled_by == cancel.id
    assert [e.kind for e in rec.events].count(Kind.SUGGESTION_PROPOSED.value) == 1


def test_a_cancel_after_an_update_withdraws_the_whole_thread(typhoon: Any) -> None:
    sc, eng, _ = typhoon
    eng.signal(lane(sc, ferry()))
    update_id = "SH-WATER-2026-0728-0745-FERRY"
    eng.signal(
        replace(ferry(msgType="Update", identifier=update_id, references=ORIGINAL), ts=sc.ts(60))
    )
    ref = f"dutyoffice@swa.sh.example.cn,{update_id},2026-07-28T06:45:00+08:00"
    eng.signal(replace(ferry(msgType="Cancel", identifier="SH-C", references=ref), ts=sc.ts(90)))
    assert eng.book.open() == []


def test_an_exercise_cancel_withdraws_nothing(typhoon: Any) -> None:
    sc, eng, _ = typhoon
    eng.signal(lane(sc, ferry()))
    cancel = ferry(msgType="Cancel", status="Exercise", identifier="SH-X", references=ORIGINAL)
    assert eng.signal(replace(cancel, ts=sc.ts(90))) == []
    assert len(eng.book.open()) == 1


def test_a_signal_that_is_not_cap_still_triggers() -> None:
    plain = Signal("s-1", 0.0, "met", "typhoon_warning", "Typhoon warning")
    assert may_trigger(plain) and why_not(plain) == ""
