"""Signed checkpoints and witness cosignatures: what is signed, and how it is checked.

A checkpoint is the journal signer's statement "journal `origin` has `size` events and its head
hash is `head`", in the spirit of the C2SP `tlog-checkpoint` note. The signed bytes are text
lines::

    baton-checkpoint/v1
    <origin>
    <size>
    <head hash, hex>
    time <ts, repr of the float>
    policy <every_events> <every_s>
    reason <reason>

`size` is the seq of the last event covered (seqs start at 1, so it is also the event count).
A cosignature (C2SP `tlog-cosignature` style) is a witness's signature over::

    cosignature/v1
    time <witness time, integer seconds>
    <the checkpoint's signed bytes>

A witness that cosigns says: "at my time T I saw this checkpoint, and it is consistent with every
checkpoint of that origin I cosigned before" (`command.journal.witness`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from command.journal.chain import checkpoint_payload
from command.signing import Signer, verify_signature
from command.vocabulary import Checkpoint, Cosigned

NOTE_HEADER = "baton-checkpoint/v1"
COSIGNATURE_HEADER = "cosignature/v1"
KEY_ID_HEX = 16
"""Hex digits of the signer's public key that name it in an origin."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Which journal a checkpoint is of: the incident, the side (console, station, centre), the
    owner's name and the signer's key id. Its `text` is the checkpoint's origin line."""

    incident: str
    side: str
    owner: str
    key_id: str

    @classmethod
    def of(cls, incident: str, side: str, owner: str, signer: Signer) -> Origin:
        """The origin of `owner`'s journal signed by `signer`."""
        return cls(incident or "-", side, owner, signer.public_hex[:KEY_ID_HEX])

    @property
    def text(self) -> str:
        """`incident/side/owner/keyid`, one line (no newlines or slashes inside the parts)."""
        parts = (self.incident, self.side, self.owner, self.key_id)
        return "/".join(p.replace("/", "_").replace("\n", " ") for p in parts)

    @classmethod
    def parse(cls, text: str) -> Origin:
        """The origin an origin line names; raises ValueError when it is not one."""
        parts = text.split("/")
        if len(parts) != 4 or not all(parts):
            raise ValueError(f"not a checkpoint origin: {text!r}")
        return cls(*parts)


@dataclass(frozen=True, slots=True)
class CheckpointPolicy:
    """When a signer checkpoints: after `every_events` events, and when the oldest unsigned
    event is `every_s` seconds old (journal clock; 10 wall seconds times the clock's speed)."""

    every_events: int = 200
    every_s: float = 10.0

    def __post_init__(self) -> None:
        if self.every_events < 1:
            raise ValueError(f"checkpoint every_events must be >= 1, got {self.every_events}")
        if not math.isfinite(self.every_s) or self.every_s <= 0:
            raise ValueError(f"checkpoint every_s must be > 0 seconds, got {self.every_s}")


def checkpoint_note(cp: Checkpoint) -> bytes:
    """The bytes a checkpoint's signature covers (legacy checkpoints: `{head_seq, head_hash}`)."""
    if not cp.origin:
        return checkpoint_payload(cp.head_seq, cp.head_hash)
    lines = (
        NOTE_HEADER,
        cp.origin,
        str(cp.head_seq),
        cp.head_hash,
        f"time {float(cp.ts)!r}",
        f"policy {cp.every_events} {float(cp.every_s)!r}",
        f"reason {cp.reason}",
    )
    return ("\n".join(lines) + "\n").encode("utf-8")


def sign_checkpoint(
    signer: Signer,
    origin: Origin,
    head_seq: int,
    head_hash: str,
    *,
    ts: float,
    policy: CheckpointPolicy,
    reason: str,
) -> Checkpoint:
    """A checkpoint of (head_seq, head_hash) signed by `signer`."""
    unsigned = Checkpoint(
        head_seq,
        head_hash,
        signer.public_hex,
        "",
        origin.text,
        float(ts),
        reason,
        policy.every_events,
        float(policy.every_s),
    )
    return _with_signature(unsigned, signer.sign(checkpoint_note(unsigned)))


def _with_signature(cp: Checkpoint, signature: str) -> Checkpoint:
    return Checkpoint(
        cp.head_seq,
        cp.head_hash,
        cp.key,
        signature,
        cp.origin,
        cp.ts,
        cp.reason,
        cp.every_events,
        cp.every_s,
    )


def checkpoint_valid(cp: Checkpoint) -> bool:
    """True when `cp.signature` is `cp.key`'s signature of the checkpoint and, for a new-style
    checkpoint, its origin names that key."""
    if cp.origin:
        try:
            if not cp.key.lower().startswith(Origin.parse(cp.origin).key_id.lower()):
                return False
        except ValueError:
            return False
    return verify_signature(cp.key, checkpoint_note(cp), cp.signature)


def cosignature_message(cp: Checkpoint, ts: int) -> bytes:
    """The bytes a witness signs to cosign `cp` at its time `ts`."""
    return f"{COSIGNATURE_HEADER}\ntime {int(ts)}\n".encode() + checkpoint_note(cp)


def cosign(signer: Signer, witness: str, cp: Checkpoint, ts: float) -> Cosigned:
    """`witness`'s cosignature (by `signer`) over `cp` at time `ts` (`mine=True`)."""
    when = int(ts)
    return Cosigned(
        cp, witness, signer.public_hex, when, signer.sign(cosignature_message(cp, when))
    )


def cosignature_valid(c: Cosigned) -> bool:
    """True when `c` is a valid signature by `c.witness_key` over its checkpoint at `c.ts`,
    and the checkpoint itself is validly signed."""
    return checkpoint_valid(c.checkpoint) and verify_signature(
        c.witness_key, cosignature_message(c.checkpoint, c.ts), c.signature
    )
