"""Integrity as the journal tells it: checkpoints, cosignatures, refusals and their alarms.

`IntegrityModel` folds the journal's own `checkpoint` events (signed up to which seq, the
unsigned tail after it, a close checkpoint), the witnesses' `checkpoint.cosigned` (per witness
the highest seq it cosigned), the owner's own `witness.cosigned` for other journals (per origin)
and every `witness.refused`: an alarm, open until the commander acknowledges it
(`attention.acknowledged` with subject "integrity" and the alarm's id). The console's alarm, the
replay badge, the report and `baton replay --json` all read this one model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from command.vocabulary import (
    AttentionAcknowledged,
    AttentionSubject,
    Checkpoint,
    Cosigned,
    EventLike,
    WitnessRefused,
)

JSON = Any


@dataclass(frozen=True, slots=True)
class CheckpointSeen:
    """One of this journal's checkpoints: the event's `seq`, the head it signs (`head_seq`),
    its time, why it was made and whose journal it names."""

    seq: int
    head_seq: int
    ts: float
    reason: str
    origin: str
    every_events: int = 0
    every_s: float = 0.0


@dataclass(frozen=True, slots=True)
class WitnessMark:
    """How far one witness (or, for `cosigned_for`, one origin) got: the highest checkpoint
    seq cosigned, the cosignature's time, and how many cosignatures were journaled."""

    name: str
    head_seq: int
    ts: float
    count: int = 1


@dataclass(frozen=True, slots=True)
class IntegrityAlarm:
    """A witness refused a checkpoint (`witness.refused`): the evidence in brief, open until
    acknowledged. `id` is the refusal event's seq (as text), the id an acknowledgement names."""

    id: str
    seq: int
    ts: float
    witness: str
    reason: str
    origin: str
    offered_seq: int
    stored_seq: int | None
    prior_seq: int | None
    detail: str = ""
    acknowledged: bool = False
    acknowledged_by: str = ""
    own: bool = True  # the refused checkpoint is this journal's (not one it witnessed)

    @property
    def open(self) -> bool:
        """True until the commander acknowledged it."""
        return not self.acknowledged

    @property
    def signer(self) -> str:
        """The owner named by the refused checkpoint's origin (`incident/side/owner/key`)."""
        parts = self.origin.split("/")
        return parts[2] if len(parts) == 4 else self.origin

    def line(self) -> str:
        """One line for people: "station-a refused checkpoint 120 — fork" (or, for another
        journal's checkpoint, "console refused police's checkpoint 40 — smaller")."""
        whose = "" if self.own else f"{self.signer or '?'}'s "
        return f"{self.witness or '?'} refused {whose}checkpoint {self.offered_seq} — {self.reason}"

    def evidence(self) -> str:
        """The sizes the witness compared, and its detail."""
        parts = [f"offered #{self.offered_seq}"]
        if self.stored_seq is not None:
            parts.append(f"witness held #{self.stored_seq}")
        if self.prior_seq is not None:
            parts.append(f"signer's own #{self.prior_seq}")
        text = ", ".join(parts)
        return f"{text}: {self.detail}" if self.detail else text

    def to_json(self) -> dict[str, JSON]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "seq": self.seq,
            "ts": self.ts,
            "witness": self.witness,
            "reason": self.reason,
            "origin": self.origin,
            "offered_seq": self.offered_seq,
            "stored_seq": self.stored_seq,
            "prior_seq": self.prior_seq,
            "detail": self.detail,
            "own": self.own,
            "open": self.open,
            "acknowledged_by": self.acknowledged_by,
        }


@dataclass
class IntegrityModel:
    """Signed-up-to, unsigned tail, witnesses and alarms of one journal, folded from its events."""

    last: CheckpointSeen | None = None
    checkpoints: int = 0
    close_seen: bool = False
    tail: int = 0  # events (checkpoints aside) after the head the last checkpoint signs
    witnesses: dict[str, WitnessMark] = field(default_factory=dict)  # witness -> its mark
    cosigned_for: dict[str, WitnessMark] = field(default_factory=dict)  # origin -> my mark
    alarms: list[IntegrityAlarm] = field(default_factory=list)
    _last_plain: int = 0  # seq of the newest event that is not a checkpoint

    def copy(self) -> IntegrityModel:
        """A copy with its own marks and alarms (the frozen marks and alarms are shared)."""
        return replace(
            self,
            witnesses=dict(self.witnesses),
            cosigned_for=dict(self.cosigned_for),
            alarms=list(self.alarms),
        )

    @property
    def signed_to(self) -> int:
        """The seq the newest checkpoint signs (0 with none)."""
        return self.last.head_seq if self.last else 0

    @property
    def closed(self) -> bool:
        """True when the newest checkpoint was made on close and nothing came after it."""
        return self.last is not None and self.last.reason == "close" and self.tail == 0

    def open_alarms(self) -> list[IntegrityAlarm]:
        """Refusals not yet acknowledged, oldest first."""
        return [a for a in self.alarms if a.open]

    def alarm(self, alarm_id: str) -> IntegrityAlarm | None:
        """The alarm with that id, or None."""
        return next((a for a in self.alarms if a.id == alarm_id), None)

    def witnessed_to(self, names: Iterable[str] | None = None) -> tuple[int, int | None]:
        """How many of `names` (default: every witness heard from) cosigned anything, and the
        seq all of those cosigned (the lowest of their highest), or None when none did."""
        wanted = list(self.witnesses) if names is None else list(names)
        marks = [self.witnesses[n] for n in wanted if n in self.witnesses]
        return len(marks), (min(m.head_seq for m in marks) if marks else None)

    def apply(self, ev: EventLike, body: object) -> bool:
        """Fold one decoded event; True when a checkpoint, cosignature, refusal or acknowledgement
        changed what this model shows (the unsigned tail grows with every event, unreported)."""
        if isinstance(body, Checkpoint):
            self._checkpoint(ev, body)
            return True
        self._plain(ev)  # the tail grows quietly: it changes with every event
        if isinstance(body, Cosigned):
            marks = self.cosigned_for if body.mine else self.witnesses
            name = body.checkpoint.origin if body.mine else body.witness
            self._mark(marks, name, body.checkpoint.head_seq, float(body.ts) or ev.ts)
            return True
        if isinstance(body, WitnessRefused):
            self._refused(ev, body)
            return True
        if isinstance(body, AttentionAcknowledged):
            return self._acknowledge(body)
        return False

    def _plain(self, ev: EventLike) -> None:
        """Count an event that is not a checkpoint into the unsigned tail."""
        self._last_plain = max(self._last_plain, ev.seq)
        if ev.seq > self.signed_to:
            self.tail += 1

    def _checkpoint(self, ev: EventLike, body: Checkpoint) -> None:
        self.checkpoints += 1
        self.close_seen = self.close_seen or body.reason == "close"
        if self.last is None or body.head_seq >= self.last.head_seq:
            self.last = CheckpointSeen(
                ev.seq,
                body.head_seq,
                body.ts or ev.ts,
                body.reason,
                body.origin,
                body.every_events,
                body.every_s,
            )
        # seqs are contiguous: what follows the signed head, checkpoints aside, is unsigned
        self.tail = max(0, min(self.tail, self._last_plain - self.signed_to))

    @staticmethod
    def _mark(marks: dict[str, WitnessMark], name: str, head: int, ts: float) -> None:
        old = marks.get(name)
        if old is None:
            marks[name] = WitnessMark(name, head, ts)
        elif head >= old.head_seq:
            marks[name] = WitnessMark(name, head, ts, old.count + 1)
        else:
            marks[name] = replace(old, count=old.count + 1)

    def _refused(self, ev: EventLike, body: WitnessRefused) -> None:
        self.alarms.append(
            IntegrityAlarm(
                id=str(ev.seq),
                seq=ev.seq,
                ts=ev.ts,
                witness=body.witness,
                reason=str(body.reason.value),
                origin=body.offered.origin,
                offered_seq=body.offered.head_seq,
                stored_seq=None if body.stored is None else body.stored.head_seq,
                prior_seq=None if body.prior is None else body.prior.head_seq,
                detail=body.detail,
                own=not body.offered.origin
                or self.last is None
                or not self.last.origin
                or body.offered.origin == self.last.origin,
            )
        )

    def _acknowledge(self, body: AttentionAcknowledged) -> bool:
        if body.subject != AttentionSubject.INTEGRITY.value:
            return False
        for i, a in enumerate(self.alarms):
            if a.id == body.id and a.open:
                self.alarms[i] = replace(a, acknowledged=True, acknowledged_by=body.by)
                return True
        return False

    def to_json(self) -> dict[str, JSON]:
        """A JSON-ready summary (for `baton replay --json` and the report)."""
        last = self.last
        return {
            "signed_to": self.signed_to,
            "checkpoints": self.checkpoints,
            "last_checkpoint": None
            if last is None
            else {
                "seq": last.seq,
                "head_seq": last.head_seq,
                "ts": last.ts,
                "reason": last.reason,
                "origin": last.origin,
            },
            "policy": None
            if last is None or not last.origin
            else {"every_events": last.every_events, "every_s": last.every_s},
            "unsigned_tail": self.tail,
            "close_seen": self.close_seen,
            "closed": self.closed,
            "witnesses": {
                n: {"head_seq": m.head_seq, "ts": m.ts, "count": m.count}
                for n, m in sorted(self.witnesses.items())
            },
            "cosigned_for": {
                n: {"head_seq": m.head_seq, "ts": m.ts, "count": m.count}
                for n, m in sorted(self.cosigned_for.items())
            },
            "alarms": [a.to_json() for a in self.alarms],
            "open_alarms": len(self.open_alarms()),
        }
