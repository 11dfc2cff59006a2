"""A simulated station operator for headless stations: decides, for one order, when it is
acknowledged, accepted or declined (with a reason), started, progressed and completed or failed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from command.lifecycle import Step
from command.model import JSON
from command.scenarios.scenario import OperatorSpec


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
