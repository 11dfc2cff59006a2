"""Plain drafts the console's dialogs emit; the window routes them to the engine (no Qt here).

An order is the one `command.drafts.OrderDraft`; `ComposedOrder` adds what only the composer
knows: the rationale for its decision entry and the suggestion it edits, if any.
"""

from __future__ import annotations

from dataclasses import dataclass

from command.drafts import OrderDraft


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
class ComposedOrder:
    """An order as composed (parameters already validated against the station's catalogue),
    with the rationale that becomes its decision entry's and the suggestion it edits, if any."""

    order: OrderDraft
    rationale: str
    suggestion_id: str | None = None
