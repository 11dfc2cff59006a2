"""A simulated station operator for headless stations: decides, for one order, when it is
acknowledged, accepted or declined (with a reason), started, progressed and completed or failed.

The plan's delays are scenario seconds. `wall_paced` turns a plan into one whose desk answers
(acknowledge, then accept or decline) come that many *wall* seconds after receipt, as a person's
would, on a clock running `speed` times faster, and always within `WALL_DECIDE_WITHIN_S`; the work
that follows (start, progress, complete or fail) keeps its scenario pace after the decision.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from command.lifecycle import Step
from command.model import JSON
from command.scenarios.scenario import OperatorSpec

WALL_DECIDE_WITHIN_S = 40.0  # wall seconds: a wall-paced operator accepts or declines by then
DESK_STEPS = frozenset({Step.ACKNOWLEDGE, Step.ACCEPT, Step.DECLINE})  # a person's answers


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """A step the operator will take `delay_s` seconds after receiving the order."""

    delay_s: float
    step: Step
    detail: dict[str, JSON] = field(default_factory=dict)


class SimulatedOperator:
    """Answers orders by the scenario's rules; the same seed and order id give the same plan."""

    def __init__(self, spec: OperatorSpec, seed: int | None = None) -> None:
        self.spec = spec
        self.seed = spec.seed if seed is None else seed

    def plan(self, order_id: str) -> list[PlannedStep]:
        """The operator's steps for one order, in time order (delays from receipt)."""
        spec = self.spec
        rng = random.Random(f"{self.seed}:{order_id}")
        t = rng.uniform(*spec.ack_s)
        steps = [PlannedStep(t, Step.ACKNOWLEDGE)]
        t += rng.uniform(*spec.accept_s)
        if rng.random() < spec.decline_probability:
            steps.append(PlannedStep(t, Step.DECLINE, {"reason": rng.choice(spec.decline_reasons)}))
            return steps
        steps.append(PlannedStep(t, Step.ACCEPT))
        t += min(5.0, spec.accept_s[1])
        steps.append(PlannedStep(t, Step.START))
        work = rng.uniform(*spec.complete_s)
        steps.append(PlannedStep(t + work / 2, Step.PROGRESS, {"percent": 50, "note": "under way"}))
        if rng.random() < spec.fail_probability:
            steps.append(
                PlannedStep(t + work, Step.FAIL, {"reason": rng.choice(spec.fail_reasons)})
            )
        else:
            steps.append(PlannedStep(t + work, Step.COMPLETE, {"note": "done"}))
        return steps


def wall_paced(
    plan: Sequence[PlannedStep], speed: float, decide_within_s: float = WALL_DECIDE_WITHIN_S
) -> list[PlannedStep]:
    """`plan` (scenario seconds) with its desk answers read as wall seconds, in seconds of a clock
    running `speed` times faster than the wall: the acknowledgement and the decision (accept or
    decline) come as many wall seconds after receipt as the plan says, both shrunk in proportion
    when the decision would come later than `decide_within_s` wall seconds, so the simulated
    operator meets any acceptance deadline at least that long. The steps after the decision
    keep their scenario-second gaps from it (the work goes at the scenario's pace)."""
    if not speed > 0 or not decide_within_s > 0:
        raise ValueError(f"speed and decide_within_s must be positive: {speed}, {decide_within_s}")
    desk = [p for p in plan if p.step in DESK_STEPS]
    decided = max((p.delay_s for p in desk), default=0.0)
    shrink = min(1.0, decide_within_s / decided) if decided > 0 else 1.0
    decided_at = decided * shrink * speed
    return [
        replace(p, delay_s=p.delay_s * shrink * speed)
        if p.step in DESK_STEPS
        else replace(p, delay_s=decided_at + max(0.0, p.delay_s - decided))
        for p in plan
    ]
