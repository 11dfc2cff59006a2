"""Headless run of a scenario, pure Python: simulation → fusion → risk → playbooks.

Drives a `ManualClock` through scenario time in steps, so a whole scenario runs in seconds. With
`autopilot_delay_s`, the scenario's commander approves each suggestion after that delay (see
`command.autopilot`); the approvals and their draft orders are in the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from command.autopilot import Approval, Autopilot
from command.clock import ManualClock
from command.model import RiskLevel, Signal
from command.picture.engine import JournalLike, PictureEngine, PictureUpdate
from command.picture.playbooks import Suggestion
from command.picture.risk import LevelChange
from command.scenarios.scenario import Scenario
from command.scenarios.simulation import FeedSimulator


@dataclass
class HeadlessResult:
    """Everything a headless run saw, for tests and `baton demo --headless` summaries."""

    scenario: Scenario
    engine: PictureEngine
    observations: int = 0
    signals: list[Signal] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    level_changes: list[LevelChange] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    final_snapshot: dict[str, Any] = field(default_factory=dict)

    def minute(self, ts: float) -> float:
        """Scenario minute of `ts`."""
        return self.scenario.minute(ts)

    def suggestions_of(self, playbook: str) -> list[Suggestion]:
        """Suggestions made by one playbook, in order."""
        return [s for s in self.suggestions if s.playbook == playbook]

    def levels_of(self, zone: str) -> list[tuple[float, RiskLevel]]:
        """(minute, level) of each level change of one zone."""
        return [(self.minute(c.ts), c.level) for c in self.level_changes if c.zone == zone]


def run_headless(
    scenario: Scenario,
    *,
    seed: int = 1,
    step_s: float = 10.0,
    journal: JournalLike | None = None,
    clock: ManualClock | None = None,
    until_min: float | None = None,
    on_update: Callable[[PictureUpdate], None] | None = None,
    autopilot_delay_s: float | None = None,
) -> HeadlessResult:
    """Run `scenario` from minute 0 to its end (or `until_min`) and collect what happened.

    With `autopilot_delay_s`, suggestions are approved that many scenario seconds after they were
    proposed (checked at each step) by the scenario's commander.
    """
    clock = clock or ManualClock(scenario.start)
    if clock.now() < scenario.start:
        clock.set(scenario.start)
    engine = PictureEngine(scenario, clock=clock, journal=journal)
    sim = FeedSimulator(scenario, seed)
    result = HeadlessResult(scenario, engine)
    pilot = None
    if autopilot_delay_s is not None:
        pilot = Autopilot(
            engine.book,
            clock=clock,
            commander=scenario.delegation.commander,
            delay_s=autopilot_delay_s,
        )
    end = scenario.ts(until_min if until_min is not None else scenario.duration_min)
    t = scenario.start
    while t < end:
        t1 = min(t + step_s, end)
        for batch in sim.batches_between(t, t1):
            result.observations += engine.ingest(batch)
        for sig in sim.signals_between(t, t1):
            result.signals.append(sig)
            result.suggestions.extend(engine.signal(sig))
        clock.set(max(clock.now(), t1))
        update = engine.tick(t1)
        result.level_changes.extend(update.level_changes)
        result.suggestions.extend(update.suggestions)
        if pilot is not None:
            result.approvals.extend(pilot.step(t1))
        if on_update is not None:
            on_update(update)
        t = t1
    result.final_snapshot = engine.snapshot(end)
    return result
