"""Periodic checkpoints: the state of the unsigned run, and when a journal must sign its head.

A journal given a signer and an origin (`JournalCore.sign_with`) keeps one `Checkpointer`. The
*unsigned run* is the events appended since the last checkpoint (a checkpoint event itself never
counts). The journal signs its head:

- ``events``: inside the transaction, right after the append that makes the run
  `policy.every_events` long (so a batch of 1,000 orders in one transaction gets one every 200);
- ``interval``: before appending an event more than `policy.every_s` (journal clock) after the
  first unsigned one, so no unsigned run spans more than `every_s`; and from `tick(now)` when the
  oldest unsigned event is `every_s` old (an idle journal with an unsigned tail);
- ``close``: on close, when the run is not empty;
- ``manual``: `Journal.checkpoint(signer)`; ``witness``: on demand for a witness (not journaled).

The run survives a rollback: the transaction saves the state (`save`) and puts it back
(`restore`) when its writes are undone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from command.journal.checkpoints import CheckpointPolicy, Origin, sign_checkpoint
from command.signing import Signer
from command.vocabulary import Checkpoint

REASON_EVENTS = "events"
REASON_INTERVAL = "interval"
REASON_CLOSE = "close"
REASON_MANUAL = "manual"
REASON_WITNESS = "witness"


class RunState(NamedTuple):
    """What a rollback puts back: the unsigned run and the latest checkpoint (a tuple: one is
    saved for every transaction and savepoint, e.g. each item of a pump turn)."""

    unsigned: int  # events in the unsigned run
    first_at: float | None
    latest: Checkpoint | None
    made: int


@dataclass
class Checkpointer:
    """Who signs a journal's checkpoints and the unsigned run since the last one."""

    signer: Signer
    origin: Origin
    policy: CheckpointPolicy = field(default_factory=CheckpointPolicy)
    count: int = 0  # events in the unsigned run
    first_at: float | None = None  # journal-clock time the run's first event was appended
    latest: Checkpoint | None = None  # the newest checkpoint of this origin in the journal
    made: int = 0  # checkpoints this checkpointer signed (all reasons but "witness")

    def interval_due(self, now: float) -> bool:
        """True when an event appended at `now` would make the run span more than every_s."""
        return self.first_at is not None and now - self.first_at > self.policy.every_s

    def tick_due(self, now: float) -> bool:
        """True when the oldest unsigned event is `every_s` old at `now`."""
        return self.first_at is not None and now - self.first_at >= self.policy.every_s

    def appended(self, now: float) -> bool:
        """Count one event appended at `now`; True when the run has reached every_events."""
        self.count += 1
        if self.first_at is None:
            self.first_at = now
        return self.count >= self.policy.every_events

    def sign(self, head_seq: int, head_hash: str, *, ts: float, reason: str) -> Checkpoint:
        """A checkpoint of (head_seq, head_hash) under this journal's origin and policy."""
        return sign_checkpoint(
            self.signer,
            self.origin,
            head_seq,
            head_hash,
            ts=ts,
            policy=self.policy,
            reason=reason,
        )

    def signed(self, cp: Checkpoint | None) -> None:
        """A checkpoint was journaled: the run starts over (`cp` is ours when not None)."""
        self.count = 0
        self.first_at = None
        if cp is not None:
            self.latest = cp
            self.made += 1

    def save(self) -> RunState:
        """The state a rollback restores."""
        return RunState(self.count, self.first_at, self.latest, self.made)

    def restore(self, state: RunState) -> None:
        """Put back a saved state (the writes since were undone)."""
        self.count, self.first_at, self.latest, self.made = (
            state.unsigned,
            state.first_at,
            state.latest,
            state.made,
        )
