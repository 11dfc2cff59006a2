"""Plain drafts the console's dialogs emit; the window routes them to the engine (no Qt here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from command.model import Priority


@dataclass(frozen=True, slots=True)
class DecisionDraft:
    """A decision-log entry as the commander wrote it (Joint Decision Model fields)."""

    decision: str
    rationale: str
    information: str = ""
    risk_assessment: str = ""
    powers_policy: str = ""
    options: str = ""


@dataclass(frozen=True, slots=True)
class CorrectionDraft:
    """A correction: a new entry striking `original_id` through, with the reason why."""

    original_id: str
    entry: DecisionDraft
    reason: str


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """An order as composed, parameters already validated against the station's catalogue.

    `due_s` is seconds from issue; `rationale` becomes the linked decision's rationale.
    """

    station: str
    kind: str
    params: dict[str, Any]
    zone: str
    priority: Priority
    due_s: float
    text: str
    rationale: str
    suggestion_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
