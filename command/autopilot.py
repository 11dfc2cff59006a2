"""The autopilot: the commander's side of `baton demo --headless`, driven by the playbooks.

Each suggestion a playbook proposes is approved `delay_s` scenario seconds after it was proposed,
in the commander's name, through the `SuggestionBook` (so the approval is journaled as usual with
who and why). The autopilot never sends anything: `step` returns the draft orders the caller
must issue, and a console asks for the `due` suggestions and approves each itself, its orders in
the same commit. Deterministic under a `ManualClock`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from command.clock import Clock
from command.drafts import OrderDraft
from command.picture.playbooks import Suggestion, SuggestionBook

AUTOPILOT_WHY = "approved by autopilot (headless demo)"
DEFAULT_DELAY_S = 20.0


@dataclass(frozen=True, slots=True)
class Approval:
    """One suggestion the autopilot approved at `ts`, with the draft orders to issue."""

    suggestion: Suggestion
    ts: float
    by: str
    why: str
    orders: tuple[OrderDraft, ...]


class Autopilot:
    """Approves every open suggestion of `book` once it has waited `delay_s` scenario seconds.

    Suggestions the commander already approved, edited or dismissed are left alone. Approvals
    come out oldest first.
    """

    def __init__(
        self,
        book: SuggestionBook,
        *,
        clock: Clock,
        commander: str,
        delay_s: float = DEFAULT_DELAY_S,
        why: str = AUTOPILOT_WHY,
    ) -> None:
        if not math.isfinite(delay_s) or delay_s < 0:
            raise ValueError(f"autopilot delay must be zero or more seconds, got {delay_s}")
        if not commander.strip():
            raise ValueError("the autopilot approves in a commander's name: give one")
        self.book = book
        self.clock = clock
        self.commander = commander
        self.delay_s = delay_s
        self.why = why
        self.approvals: list[Approval] = []
        self._given_up: set[str] = set()

    def due_at(self, suggestion: Suggestion) -> float:
        """Scenario time at which `suggestion` is approved."""
        return suggestion.ts + self.delay_s

    def next_due(self) -> float | None:
        """When the next open suggestion falls due (None if nothing is open)."""
        times = [self.due_at(s) for s in self.book.open()]
        return min(times) if times else None

    def due(self, now: float | None = None) -> list[Suggestion]:
        """The open suggestions due by `now` (default: the clock), oldest first, except those
        given up on (`give_up`)."""
        at = self.clock.now() if now is None else now
        waiting = [s for s in self.book.open() if s.id not in self._given_up]
        out: list[Suggestion] = []
        for s in sorted(waiting, key=lambda s: (self.due_at(s), s.ts)):
            if self.due_at(s) > at:
                break
            out.append(s)
        return out

    def give_up(self, suggestion_id: str) -> None:
        """Never approve `suggestion_id` again (its orders could not be issued: it stays open
        for the commander, and the autopilot does not retry it every tick)."""
        self._given_up.add(suggestion_id)

    def step(self, now: float | None = None) -> list[Approval]:
        """Approve every suggestion due by `now` (default: the clock) through the book, which
        journals each approval; returns them. (A console approves `due` ones itself, with the
        orders in the same commit.)"""
        at = self.clock.now() if now is None else now
        done: list[Approval] = []
        for s in self.due(at):
            orders = self.book.approve(s.id, by=self.commander, why=self.why)
            done.append(Approval(s, at, self.commander, self.why, orders))
        self.approvals.extend(done)
        return done
