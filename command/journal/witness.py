"""The witness's rule book: which checkpoints of a peer's journal it may cosign.

Like a C2SP `tlog-witness`, a witness keeps only the latest checkpoint it cosigned per origin and
refuses anything inconsistent with it:

- a smaller size than the stored one (the journal was truncated or rolled back): `SMALLER`;
- the same size with another head (the chain was rewritten): `FORK`;
- a larger size: the signer must show its own checkpoint at the stored size (`prior`, signed by
  the same key); a different head there is `INCONSISTENT`. Without a `prior` at that size the
  witness answers `NeedPrior(size)` and the signer sends it (a hash chain has no compact
  consistency proof, so the signer's signed statement of its head at the witnessed size is the
  proof, and two such statements for one size are evidence of equivocation);
- a bad signature (`BAD_SIGNATURE`); a different key for an (incident, side, owner) it has seen
  (`WRONG_KEY`).

The book is rebuilt from the witness's own journal (`witness.cosigned` events), so the witness
persists before it answers: the caller journals the `Cosigned` (and commits) and only then sends
it and calls `remember`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from command.journal.checkpoints import Origin, checkpoint_valid, cosign
from command.signing import Signer
from command.vocabulary import (
    Checkpoint,
    Cosigned,
    EventLike,
    Kind,
    RefusalReason,
    WitnessRefused,
    decode,
)


@dataclass(frozen=True, slots=True)
class Cosign:
    """The checkpoint is consistent: here is the cosignature to journal, then send."""

    cosignature: Cosigned


@dataclass(frozen=True, slots=True)
class NeedPrior:
    """The witness needs the signer's checkpoint at `size` to check consistency."""

    origin: str
    size: int


@dataclass(frozen=True, slots=True)
class Refuse:
    """The checkpoint is inconsistent with what the witness cosigned: the evidence to journal."""

    evidence: WitnessRefused


Verdict = Cosign | NeedPrior | Refuse


def _identity(origin: str) -> tuple[str, str, str] | None:
    try:
        o = Origin.parse(origin)
    except ValueError:
        return None
    return (o.incident, o.side, o.owner)


class WitnessBook:
    """The latest cosigned checkpoint per origin, and the rule that judges new ones."""

    def __init__(self, name: str, signer: Signer) -> None:
        self.name = name
        self._signer = signer
        self._latest: dict[str, Checkpoint] = {}
        self._keys: dict[tuple[str, str, str], str] = {}

    @classmethod
    def from_events(cls, name: str, signer: Signer, events: Iterable[EventLike]) -> WitnessBook:
        """The book a witness's journal implies (its `witness.cosigned` events, in order)."""
        book = cls(name, signer)
        for event in events:
            if event.kind == Kind.WITNESS_COSIGNED:
                body = decode(event)
                if isinstance(body, Cosigned):
                    book.remember(body.checkpoint)
        return book

    def latest(self, origin: str) -> Checkpoint | None:
        """The last checkpoint of `origin` this witness cosigned, if any."""
        return self._latest.get(origin)

    def origins(self) -> dict[str, Checkpoint]:
        """Every origin witnessed, with its latest cosigned checkpoint."""
        return dict(self._latest)

    def remember(self, cp: Checkpoint) -> None:
        """Store `cp` as the latest for its origin (after its cosignature is journaled)."""
        current = self._latest.get(cp.origin)
        if current is None or cp.head_seq >= current.head_seq:
            self._latest[cp.origin] = cp
        ident = _identity(cp.origin)
        if ident is not None:
            self._keys.setdefault(ident, cp.key.lower())

    def judge(self, offered: Checkpoint, prior: Checkpoint | None, now: float) -> Verdict:
        """Cosign, refuse or ask for the prior checkpoint (nothing is stored here)."""
        stored = self._latest.get(offered.origin)

        def refuse(reason: RefusalReason, detail: str) -> Refuse:
            return Refuse(WitnessRefused(self.name, reason, stored, offered, prior, detail))

        if not offered.origin or not checkpoint_valid(offered):
            return refuse(RefusalReason.BAD_SIGNATURE, "the checkpoint's signature is not valid")
        ident = _identity(offered.origin)
        known_key = None if ident is None else self._keys.get(ident)
        if known_key is not None and known_key != offered.key.lower():
            return refuse(
                RefusalReason.WRONG_KEY,
                f"signed by key {offered.key[:16]}…, earlier checkpoints by {known_key[:16]}…",
            )
        if stored is not None:
            if offered.head_seq < stored.head_seq:
                return refuse(
                    RefusalReason.SMALLER,
                    f"size {offered.head_seq} is smaller than the cosigned size {stored.head_seq}",
                )
            if offered.head_seq == stored.head_seq:
                if offered.head_hash != stored.head_hash:
                    return refuse(
                        RefusalReason.FORK,
                        f"a different head at size {stored.head_seq} than the one cosigned",
                    )
            else:
                if prior is None or prior.head_seq != stored.head_seq:
                    return NeedPrior(offered.origin, stored.head_seq)
                if (
                    prior.origin != offered.origin
                    or prior.key.lower() != offered.key.lower()
                    or not checkpoint_valid(prior)
                ):
                    return refuse(
                        RefusalReason.BAD_SIGNATURE, "the prior checkpoint is not validly signed"
                    )
                if prior.head_hash != stored.head_hash:
                    return refuse(
                        RefusalReason.INCONSISTENT,
                        f"the signer's head at size {stored.head_seq} is not the one cosigned",
                    )
        return Cosign(cosign(self._signer, self.name, offered, now))
