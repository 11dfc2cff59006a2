"""Playbook suggestions and what the commander did with each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from command.fold.rows import RowModel
from command.vocabulary import EventLike, SuggestionOutcome, SuggestionRecorded


@dataclass(frozen=True, slots=True)
class SuggestionView:
    """A playbook suggestion and what the commander did with it."""

    suggestion_id: str
    playbook: str
    reason: str
    orders: tuple[Mapping[str, Any], ...]
    proposed_at: float
    status: str = SuggestionOutcome.PROPOSED.value  # proposed | approved | edited | dismissed
    by: str = ""
    why: str = ""
    answered_at: float | None = None
    signal: str | None = None
    zone: str | None = None
    issued: tuple[Mapping[str, Any], ...] = ()  # what went out: the approved or edited orders

    @property
    def pending(self) -> bool:
        """True while the commander has not answered it."""
        return self.status == SuggestionOutcome.PROPOSED.value

    def age(self, now: float) -> float:
        """Seconds since it was proposed."""
        return max(0.0, now - self.proposed_at)


class SuggestionsModel(RowModel[SuggestionView]):
    """Suggestions proposed by playbooks, then approved, edited or dismissed."""

    def apply(self, ev: EventLike, body: object) -> bool:
        """Fold one decoded event; True when it touched this model."""
        if not isinstance(body, SuggestionRecorded):
            return False
        row = self.get(body.suggestion_id)
        if body.outcome is SuggestionOutcome.PROPOSED:
            if row is not None:
                return False
            self._insert(
                body.suggestion_id,
                SuggestionView(
                    suggestion_id=body.suggestion_id,
                    playbook=body.playbook,
                    reason=body.reason,
                    orders=body.orders,
                    proposed_at=ev.ts,
                    signal=body.signal,
                    zone=body.zone,
                ),
            )
            return True
        if row is None:
            return False
        self._update(
            body.suggestion_id,
            replace(
                row,
                status=body.outcome.value,
                by=body.by or ev.actor,
                why=body.why,
                answered_at=ev.ts,
                issued=body.orders,  # an edit may change or leave out proposed orders
            ),
        )
        return True
