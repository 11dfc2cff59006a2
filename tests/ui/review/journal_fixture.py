"""A small real console journal (bund-like) for review window tests: feeds, an order, a
correction. Orders and corrections are built by `tests.command.review.journals`."""

from __future__ import annotations

from pathlib import Path

from command.clock import ManualClock
from command.journal import Journal
from command.lifecycle import Step
from command.model import Decision, DecisionKind, Observation
from command.signing import Signer
from tests.command.review.journals import correct, make_order

START = 1_760_000_000.0

OPENED = {
    "incident": {
        "id": "bund",
        "name": "Bund light show",
        "timezone": "Asia/Shanghai",
        "zones": [{"id": "chenyi", "name": "Chenyi Square", "area_m2": 12000}],
        "stations": [{"id": "security", "name": "On-site security", "agency": "Huangpu police"}],
    },
    "commander": "chief-li",
    "position": "Incident Commander",
    "agency": "Huangpu police station",
    "feeds": [{"zone": "chenyi", "metric": "density", "interval_s": 10}],
    "key_metrics": [
        {
            "zone": "chenyi",
            "metric": "density",
            "title": "Chenyi Square — crowd density",
            "unit": "people/m²",
            "thresholds": {"blue": 1, "yellow": 2, "orange": 3, "red": 4},
        }
    ],
}


def build_journal(path: Path) -> Path:
    """Write the journal at `path`: 10 minutes of density, one order completed, a correction."""
    clock = ManualClock(START)
    signer = Signer.generate("chief-li")
    j = Journal.open(path, clock=clock, owner="chief-li", role="console")
    j.append("incident.opened", OPENED, actor="chief-li", incident="bund")
    j.append("station.online", {"station": "security", "detail": ""}, actor="security")
    for i in range(60):
        clock.advance(10)
        j.add_observations(
            [Observation(clock.now(), "cam", "chenyi", "density", 1 + i * 0.05, "cam1")]
        )
        if i == 40:
            j.append(
                "picture.level",
                {
                    "zone": "chenyi",
                    "level": "yellow",
                    "previous": "blue",
                    "indicator": "density",
                    "value": 3.0,
                },
                actor="fusion",
            )
    t = clock.now()
    order = make_order(
        "01ORDER1",
        "security",
        "hold_entry",
        t,
        signer,
        text="Hold entry at the Chenyi gates",
        decision_id="d1",
    )
    decision = Decision(
        id="d1",
        incident="bund",
        ts=t,
        author="chief-li",
        decision="Hold entry at Chenyi",
        rationale="density rising",
        kind=DecisionKind.ORDER,
        order_ids=("01ORDER1",),
    )
    j.issue_order(order, decision)
    for step, wait in (
        (Step.DELIVER, 1),
        (Step.ACKNOWLEDGE, 5),
        (Step.ACCEPT, 5),
        (Step.COMPLETE, 200),
    ):
        clock.advance(wait)
        j.record_step("01ORDER1", step, actor="security")
    clock.advance(10)
    correct(
        j,
        clock.now(),
        "d1",
        "d2",
        "Hold entry at Chenyi and Jinling",
        "both gates",
        "Jinling gate left out",
    )
    j.close(signer)
    return path
