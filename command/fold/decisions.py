"""The decision log: entries are only added; a correction strikes an earlier entry through."""

from __future__ import annotations

from dataclasses import dataclass, replace

from command.fold.rows import RowModel
from command.model import Decision
from command.vocabulary import DecisionAdded, DecisionCorrected, EventLike


@dataclass(frozen=True, slots=True)
class DecisionView:
    """One decision-log entry, possibly struck through by a later correction."""

    decision: Decision
    seq: int = 0
    struck_by: str | None = None
    struck_reason: str = ""

    @property
    def struck(self) -> bool:
        """True when a later entry corrects this one."""
        return self.struck_by is not None


class DecisionsModel(RowModel[DecisionView]):
    """Decision entries in journal order, with what struck them through."""

    def apply(self, ev: EventLike, body: object) -> bool:
        """Fold one decoded event; True when it touched this model."""
        if not isinstance(body, DecisionAdded | DecisionCorrected):
            return False
        decision = body.decision
        if self.row_of(decision.id) is None:
            self._insert(decision.id, DecisionView(decision, seq=ev.seq))
        if isinstance(body, DecisionCorrected):
            row = self.get(body.corrects)
            if row is not None:
                self._update(
                    body.corrects, replace(row, struck_by=decision.id, struck_reason=body.reason)
                )
        return True
