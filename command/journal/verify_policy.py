"""The checkpoint policy a journal's signed checkpoints declare, held against the journal.

Every new-style checkpoint states the policy its signer follows (`every_events`, `every_s`,
`command.journal.checkpoints.CheckpointPolicy`). The journal checkpoints right after the append
that makes its *unsigned run* (the events since the last checkpoint event, checkpoint events not
counted) `every_events` long, and before an event that would make the run span more than `every_s`
of the journal clock (`command.journal.checkpointing`). So, when the journal is intact:

- every run closed by a checkpoint holds at most `every_events` events and spans at most
  `every_s` plus `time_slack(every_s)` (from the later of its first event's time and the
  previous checkpoint's, to its latest event time);
- the policy never changes from one checkpoint to the next;
- the tail after the last checkpoint is within the same bounds. A tail within them and no close
  is what a SIGKILLed journal looks like; a longer one means checkpoints were dropped.

The slack (1 s plus half of `every_s`) allows for event times given by the caller (a picture's
time, a station's receipt time) that differ from the clock reading the journal's interval check
used; two runs merged by dropping the checkpoint between them still exceed it. Legacy
checkpoints (no origin) declare no policy: runs they close are not checked.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from command.vocabulary import Checkpoint

REASON_CLOSE = "close"


def time_slack(every_s: float) -> float:
    """Journal-clock seconds a run may span beyond `every_s`: 1 s plus half of it."""
    return 1.0 + 0.5 * every_s


@dataclass(frozen=True, slots=True)
class Found:
    """A valid checkpoint event of the journal: its own seq and what it signs."""

    seq: int
    checkpoint: Checkpoint


@dataclass(frozen=True, slots=True)
class PolicyReport:
    """What the checkpoints say about the journal, and the first breach of their policy."""

    origins: tuple[str, ...]
    signed_to: int  # the largest head_seq a checkpoint signs (0: none)
    last_checkpoint_seq: int  # seq of the last checkpoint event (0: none)
    tail: int  # events after the last checkpoint event
    closed: bool  # the last event is a checkpoint with reason "close"
    policy: tuple[int, float] | None  # (every_events, every_s) of the new-style checkpoints
    legacy: int  # checkpoints without origin (and policy)
    last_reason: str = ""  # why the last checkpoint was made ("" for a legacy one)
    problem: tuple[int, str, str] | None = None  # (seq, problem, detail)

    def describe(self) -> str:
        """'signed up to seq N; closed cleanly at seq M' or the unsigned tail, for people."""
        if not self.last_checkpoint_seq:
            return f"no checkpoint, {self.tail} unsigned events"
        signed = f"signed up to seq {self.signed_to}"
        if self.tail == 0 and self.closed:
            end = f"closed cleanly at seq {self.last_checkpoint_seq}"
        elif self.tail == 0:
            end = (
                f"nothing unsigned after seq {self.last_checkpoint_seq} (last checkpoint: "
                f"{self.last_reason or 'legacy'})"
            )
        else:
            end = (
                f"unsigned tail of {self.tail} events after seq {self.last_checkpoint_seq} "
                "(no close)"
            )
        if self.policy is None:
            rule = "legacy checkpoints declare no policy"
        else:
            rule = f"policy every {self.policy[0]} events / {self.policy[1]:g} s"
        return f"{signed}; {end}; {rule}"


MISSING_CHECKPOINT = "missing checkpoint"
POLICY_CHANGED = "checkpoint policy changed"
TAIL_TOO_LONG = "unsigned tail too long"
NO_CHECKPOINT = "no checkpoint"


def check_policy(conn: sqlite3.Connection, found: list[Found], size: int) -> PolicyReport:
    """Hold the (already verified) checkpoints `found` against the journal of `size` events."""
    origins = tuple(dict.fromkeys(f.checkpoint.origin for f in found if f.checkpoint.origin))
    signed_to = max((f.checkpoint.head_seq for f in found), default=0)
    last = found[-1].seq if found else 0
    tail = size - last
    closed = bool(found) and tail == 0 and found[-1].checkpoint.reason == REASON_CLOSE
    legacy = sum(1 for f in found if not f.checkpoint.origin)
    policy: tuple[int, float] | None = None
    problem: tuple[int, str, str] | None = None
    previous = 0
    for f in found:
        cp = f.checkpoint
        if cp.origin:
            mine = (cp.every_events, float(cp.every_s))
            if policy is None:
                policy = mine
            elif mine != policy and problem is None:
                problem = (
                    f.seq,
                    POLICY_CHANGED,
                    f"it declares every {mine[0]} events / {mine[1]:g} s, earlier checkpoints "
                    f"every {policy[0]} events / {policy[1]:g} s",
                )
            if problem is None:
                problem = _run_problem(conn, previous, f.seq, mine, f.seq)
        previous = f.seq
    if problem is None and policy is not None and tail > 0:
        breach = _run_problem(conn, last, size + 1, policy, last)
        if breach is not None:
            problem = (
                last,
                TAIL_TOO_LONG,
                f"{breach[2]} after the last checkpoint and no close: checkpoints were "
                "dropped or the journal was cut and rewritten",
            )
    reason = found[-1].checkpoint.reason if found else ""
    return PolicyReport(origins, signed_to, last, tail, closed, policy, legacy, reason, problem)


def _run_problem(
    conn: sqlite3.Connection, after: int, until: int, policy: tuple[int, float], at: int
) -> tuple[int, str, str] | None:
    """The breach of `policy` by the run of events strictly between seqs `after` and `until`
    (no checkpoint event inside it), reported at seq `at`; None when within it."""
    every_events, every_s = policy
    count = until - after - 1
    if count <= 0:
        return None
    if count > every_events:
        return (
            at,
            MISSING_CHECKPOINT,
            f"{count} unsigned events from seq {after + 1} to {until - 1}, the policy "
            f"allows {every_events}",
        )
    # The journal measures a run on its clock from the first event's append; an event may carry
    # an earlier time of its own (a picture computed a moment ago), so the run starts no earlier
    # than the checkpoint before it (signed at the clock's time) and ends at its latest time.
    start, end = conn.execute(
        "SELECT max(ts) FILTER (WHERE seq <= ?), max(ts) FILTER (WHERE seq > ?) FROM events "
        "WHERE seq BETWEEN ? AND ?",
        (after + 1, after + 1, max(after, 1), until - 1),
    ).fetchone()
    if start is None or end is None:
        return None
    span = float(end) - float(start)
    if span > every_s + time_slack(every_s):
        return (
            at,
            MISSING_CHECKPOINT,
            f"unsigned events from seq {after + 1} to {until - 1} span {span:,.1f} s, the "
            f"policy allows {every_s:g} s",
        )
    return None
