"""Witnessing over the order link: both roles, shared by `ConsoleWire` and `StationWire`.

- The *log* (`Logbook`) offers its journal's latest checkpoint to each online peer
  (`CheckpointMsg(latest, prior)`) after every new checkpoint, after every (re)connection and
  again every `resend_s` while that peer has not cosigned it. `prior` is the journal's own
  checkpoint at the size the peer last cosigned (signed on demand, reason "witness", over the
  hash stored at that seq when the journal has none at exactly that size). The peer's answer
  (`WitnessMsg`) is checked: a valid cosignature by the peer's key is journaled
  (`checkpoint.cosigned`) when it advances what that peer cosigned; `need_prior` gets the
  checkpoint again with that prior; `refused` is journaled (`witness.refused`, once per
  distinct refusal) and surfaced as an alarm.
- The *witness* (`Witness`) judges a peer's checkpoint with its `WitnessBook` (rebuilt from its
  own journal): Cosign → journal `witness.cosigned` → (after the commit) remember → reply;
  NeedPrior → reply with the size; Refuse → journal the evidence (once per distinct offered
  checkpoint, and at most `refusal_burst` then one per `refusal_every_s` per origin) → reply.

Checkpoint messages are not durable and not in the outbox: only the latest matters. Anything
malformed or not the peer's own is a `Problem`: the wire NACKs it with a journal line.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from command.journal import Journal
from command.journal.checkpointing import REASON_WITNESS
from command.journal.checkpoints import Origin, cosignature_valid, sign_checkpoint
from command.journal.witness import Cosign, NeedPrior, Refuse, WitnessBook
from command.signing import Signer
from command.vocabulary import (
    Checkpoint,
    Cosigned,
    Kind,
    RefusalReason,
    WitnessRefused,
    decode,
)
from protocols.messages import CheckpointMsg, NackCode, WitnessMsg, WitnessVerdict

JSON = Any
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_HEX128 = re.compile(r"[0-9a-fA-F]{128}")
MAX_ORIGIN = 400
MAX_REASON = 32
MAX_OFFERS = 16  # offers per peer remembered for matching answers


@dataclass(frozen=True, slots=True)
class Problem:
    """A message that is malformed or not the peer's own: NACK it with this code and text."""

    code: NackCode
    text: str


def read_checkpoint(body: Mapping[str, JSON], what: str) -> Checkpoint:
    """A new-style checkpoint from a message, strictly checked (bounded sizes, hex fields);
    raises ValueError naming `what` when it is not one."""
    if not isinstance(body, Mapping):
        raise ValueError(f"{what} is not an object")
    seq = body.get("head_seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq < 2**62:
        raise ValueError(f"{what}.head_seq is not a size")
    for name, pattern in (("head_hash", _HEX64), ("key", _HEX64), ("signature", _HEX128)):
        value = body.get(name)
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise ValueError(f"{what}.{name} is not hex of the right length")
    origin, reason = body.get("origin"), body.get("reason")
    if not isinstance(origin, str) or not 0 < len(origin) <= MAX_ORIGIN or "\n" in origin:
        raise ValueError(f"{what}.origin is not an origin line")
    if not isinstance(reason, str) or len(reason) > MAX_REASON or "\n" in reason:
        raise ValueError(f"{what}.reason is not a short word")
    every = body.get("every_events")
    if not isinstance(every, int) or isinstance(every, bool) or not 0 <= every < 2**31:
        raise ValueError(f"{what}.every_events is not a count")
    for name in ("ts", "every_s"):
        value = body.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{what}.{name} is not a number")
        if not math.isfinite(float(value)):
            raise ValueError(f"{what}.{name} is not finite")
    return Checkpoint.from_body(body)


def _same(a: Checkpoint, b: Checkpoint) -> bool:
    return (a.head_seq, a.head_hash, a.key.lower(), a.signature.lower(), a.origin) == (
        b.head_seq,
        b.head_hash,
        b.key.lower(),
        b.signature.lower(),
        b.origin,
    )


# -- the log: offering this journal's checkpoints ----------------------------------------------


@dataclass(frozen=True, slots=True)
class LogOutcome:
    """What a WITNESS answer asks of the wire: resend, raise an alarm, or NACK a problem."""

    resend: CheckpointMsg | None = None
    refusal: WitnessRefused | None = None
    cosigned: Cosigned | None = None
    problem: Problem | None = None


@dataclass
class _PeerLog:
    cosigned: int = 0  # size of the largest checkpoint this peer cosigned
    offered_seq: int = -1  # head_seq of the latest offered
    offered_at: float = -math.inf
    refused_seq: int = -1  # the latest this peer refused (not resent until a newer one)
    offers: OrderedDict[str, tuple[Checkpoint, Checkpoint | None]] = field(
        default_factory=OrderedDict
    )


class Logbook:
    """The log side: offers the journal's checkpoints to its witnesses and keeps their answers.

    `witness_key(peer)` is the Ed25519 key (hex) the peer's cosignatures must be made with, or
    None when unknown (then the first valid key the peer used is pinned).
    """

    def __init__(
        self,
        journal: Journal,
        *,
        resend_s: float,
        witness_key: Callable[[str], str | None] = lambda _peer: None,
    ) -> None:
        self.journal = journal
        self.resend_s = resend_s
        self._witness_key = witness_key
        self._peers: dict[str, _PeerLog] = {}
        self._pinned: dict[str, str] = {}
        self._by_size: dict[int, Checkpoint] = {}
        self._evidence: set[tuple[str, str, int, str]] = set()
        self._shown_seq = 0  # the newest head_seq offered to any witness
        self._loaded = False

    @property
    def active(self) -> bool:
        """True when the journal signs checkpoints (`Journal.sign_with`)."""
        return self.journal.checkpointer is not None

    def _load(self) -> None:
        """What the journal already holds: cosignatures per witness, refusals journaled."""
        if self._loaded:
            return
        self._loaded = True
        cp = self.journal.checkpointer
        if cp is None:
            return
        mine = cp.origin.text
        kinds = [Kind.CHECKPOINT_COSIGNED, Kind.WITNESS_REFUSED, Kind.CHECKPOINT]
        for event in self.journal.events(kinds=kinds):
            try:
                body = decode(event)
            except (KeyError, TypeError, ValueError):
                continue
            if isinstance(body, Cosigned) and body.checkpoint.origin == mine:
                peer = self._peer(body.witness)
                peer.cosigned = max(peer.cosigned, body.checkpoint.head_seq)
                self._pinned.setdefault(body.witness, body.witness_key.lower())
            elif isinstance(body, WitnessRefused) and body.offered.origin == mine:
                self._evidence.add(_refusal_key(body))
            elif isinstance(body, Checkpoint) and body.origin == mine:
                self._by_size[body.head_seq] = body

    def _peer(self, name: str) -> _PeerLog:
        state = self._peers.get(name)
        if state is None:
            state = self._peers[name] = _PeerLog()
        return state

    def cosigned_size(self, peer: str) -> int:
        """The largest size of this journal `peer` cosigned (0: none)."""
        self._load()
        return self._peer(peer).cosigned

    def offer(self, peer: str, now: float, *, force: bool = False) -> CheckpointMsg | None:
        """The CHECKPOINT to send `peer` now, or None: the latest checkpoint, when `peer` has
        not cosigned it and this is a reconnection (`force`), or no witness was shown it yet
        (the first to ask gets it at once: one witness holding the newest head is enough to
        catch a rewrite), or `peer` was last shown one `resend_s` ago or longer. So a burst that
        checkpoints many times a second (every 200 events) is cosigned as it goes by one
        witness, and by each of the others at most once per `resend_s`, the newest then (its
        head covers every event before it)."""
        latest = self.journal.latest_checkpoint
        if latest is None:
            return None
        self._load()
        state = self._peer(peer)
        if latest.head_seq <= state.cosigned:
            return None
        if not force:
            if latest.head_seq == state.refused_seq:
                return None  # refused: the alarm is raised; offered again with a newer one
            if now - state.offered_at < self.resend_s and latest.head_seq <= self._shown_seq:
                return None
        return CheckpointMsg(latest.to_body(), self._prior_body(state.cosigned))

    def _prior_body(self, size: int) -> dict[str, JSON]:
        prior = self.checkpoint_at(size)
        return {} if prior is None else prior.to_body()

    def checkpoint_at(self, size: int) -> Checkpoint | None:
        """This journal's checkpoint at `size`: the journaled one, else one signed now over the
        hash stored at that seq (reason "witness", not journaled); None for size 0 or beyond
        the head."""
        cp = self.journal.checkpointer
        if cp is None or size <= 0 or size > self.journal.head[0]:
            return None
        self._load()
        found = self._by_size.get(size)
        latest = self.journal.latest_checkpoint
        if latest is not None and latest.head_seq == size:
            found = latest
        if found is not None:
            return found
        row = next(self.journal.store.select_events(size - 1, None), None)
        if row is None or row.seq != size:
            return None
        signed = sign_checkpoint(
            cp.signer,
            cp.origin,
            size,
            row.hash,
            ts=float(self.journal.clock.now()),
            policy=cp.policy,
            reason=REASON_WITNESS,
        )
        self._by_size[size] = signed
        return signed

    def sent(self, peer: str, msg_id: str, message: CheckpointMsg, now: float) -> None:
        """`message` went to `peer` as `msg_id`: its answer will name it."""
        latest = Checkpoint.from_body(message.latest)
        prior = Checkpoint.from_body(message.prior) if message.prior else None
        state = self._peer(peer)
        state.offered_seq, state.offered_at = latest.head_seq, now
        self._shown_seq = max(self._shown_seq, latest.head_seq)
        self._by_size[latest.head_seq] = latest
        state.offers[msg_id] = (latest, prior)
        while len(state.offers) > MAX_OFFERS:
            state.offers.popitem(last=False)

    def forget(self, peer: str) -> None:
        """`peer` went away: offer again from scratch when it is back."""
        state = self._peers.get(peer)
        if state is not None:
            state.offered_seq, state.offered_at = -1, -math.inf

    def on_witness(self, peer: str, ack_of: str, body: WitnessMsg) -> LogOutcome:
        """Check `peer`'s answer to the CHECKPOINT `ack_of` and journal what it proves."""
        self._load()
        state = self._peer(peer)
        offer = state.offers.get(ack_of)
        if offer is None:
            return LogOutcome(
                problem=Problem(NackCode.UNEXPECTED, "WITNESS answers no checkpoint sent to you")
            )
        latest, _prior = offer
        if body.verdict == WitnessVerdict.COSIGNED:
            return self._cosigned(peer, state, latest, body)
        if body.verdict == WitnessVerdict.NEED_PRIOR:
            if not 0 < body.size <= latest.head_seq:
                return LogOutcome(
                    problem=Problem(NackCode.INVALID, f"need_prior size {body.size} is not known")
                )
            prior = self.checkpoint_at(body.size)
            if prior is None:
                return LogOutcome(
                    problem=Problem(NackCode.INVALID, f"no checkpoint at size {body.size}")
                )
            return LogOutcome(resend=CheckpointMsg(latest.to_body(), prior.to_body()))
        if body.verdict == WitnessVerdict.REFUSED:
            return self._refused(peer, state, latest, body)
        return LogOutcome(
            problem=Problem(NackCode.INVALID, f"unknown witness verdict {body.verdict[:40]!r}")
        )

    def _cosigned(
        self, peer: str, state: _PeerLog, latest: Checkpoint, body: WitnessMsg
    ) -> LogOutcome:
        try:
            checkpoint = read_checkpoint(
                body.cosignature.get(Cosigned.CHECKPOINT_FIELD, {}), "cosigned checkpoint"
            )
            c = Cosigned.read(body.cosignature, mine=False)
        except (KeyError, TypeError, ValueError) as err:
            return LogOutcome(problem=Problem(NackCode.INVALID, f"bad cosignature: {err}"))
        if not _same(checkpoint, latest):
            return LogOutcome(
                problem=Problem(NackCode.INVALID, "the cosignature is not over the offered one")
            )
        expected = self._witness_key(peer) or self._pinned.get(peer)
        if expected is not None and c.witness_key.lower() != expected.lower():
            return LogOutcome(
                problem=Problem(NackCode.INVALID, f"cosigned with a key that is not {peer}'s")
            )
        if not cosignature_valid(c):
            return LogOutcome(problem=Problem(NackCode.INVALID, "the cosignature is not valid"))
        self._pinned.setdefault(peer, c.witness_key.lower())
        if c.checkpoint.head_seq <= state.cosigned:
            return LogOutcome()  # a duplicate or an older one: nothing new to keep
        self.journal.record(c, actor=peer)
        state.cosigned = c.checkpoint.head_seq
        return LogOutcome(cosigned=c)

    def _refused(
        self, peer: str, state: _PeerLog, latest: Checkpoint, body: WitnessMsg
    ) -> LogOutcome:
        try:
            refusal = WitnessRefused.from_body(body.refusal)
            read_checkpoint(body.refusal.get("offered", {}), "offered")
        except (KeyError, TypeError, ValueError) as err:
            return LogOutcome(problem=Problem(NackCode.INVALID, f"bad refusal: {err}"))
        if not _same(refusal.offered, latest):
            return LogOutcome(
                problem=Problem(NackCode.INVALID, "the refusal is not of the offered checkpoint")
            )
        state.refused_seq = max(state.refused_seq, latest.head_seq)
        key = _refusal_key(refusal)
        if key in self._evidence:
            return LogOutcome()  # journaled (and alarmed) already
        self._evidence.add(key)
        self.journal.record(refusal, actor=peer)
        return LogOutcome(refusal=refusal)


def _refusal_key(r: WitnessRefused) -> tuple[str, str, int, str]:
    return (r.witness, r.reason.value, r.offered.head_seq, r.offered.head_hash)


# -- the witness: judging a peer's checkpoints -------------------------------------------------


@dataclass(frozen=True, slots=True)
class WitnessAnswer:
    """What the wire sends back (`reply`) and does after the commit (`remember`)."""

    reply: WitnessMsg | None = None
    remember: Cosigned | None = None
    refusal: WitnessRefused | None = None
    journaled: bool = False  # the refusal's evidence was journaled now (not a retry)
    problem: Problem | None = None


@dataclass
class _Budget:
    tokens: float
    at: float


class Witness:
    """The witness side: judges the checkpoints of peers whose journals it witnesses.

    `side` is the side the peers' origins must name ("console" for a station, "station" for
    the console); with `owner_is_peer` the origin's owner must be the peer's id. `peer_key(peer)`
    is the key the peer's checkpoints must be signed with, or None (then the first key seen for
    an origin is pinned by the book, and another one is refused as `wrong_key`).
    """

    def __init__(
        self,
        journal: Journal,
        name: str,
        signer: Signer,
        *,
        side: str,
        owner_is_peer: bool,
        peer_key: Callable[[str], str | None] = lambda _peer: None,
        refusal_burst: int = 8,
        refusal_every_s: float = 60.0,
    ) -> None:
        self.journal = journal
        self.name = name
        self.signer = signer
        self.side = side
        self.owner_is_peer = owner_is_peer
        self._peer_key = peer_key
        self.refusal_burst = refusal_burst
        self.refusal_every_s = refusal_every_s
        self.book = WitnessBook(name, signer)
        self._cosigned: dict[str, Cosigned] = {}  # origin -> the last cosignature journaled
        self._uncommitted: dict[str, Cosigned] = {}  # journaled in the open transaction
        self._evidence: set[tuple[str, int, str, str, str]] = set()
        self._budgets: dict[str, _Budget] = {}
        self.suppressed = 0  # refusals answered but not journaled (over the budget)
        for event in journal.events(kinds=[Kind.WITNESS_COSIGNED, Kind.WITNESS_REFUSED]):
            try:
                body = decode(event)
            except (KeyError, TypeError, ValueError):
                continue
            if isinstance(body, Cosigned) and body.mine and body.witness == name:
                self.book.remember(body.checkpoint)
                self._cosigned[body.checkpoint.origin] = body
            elif isinstance(body, WitnessRefused) and body.witness == name:
                self._evidence.add(_evidence_key(body.offered, body.prior, body.reason))

    def remember(self, cosigned: Cosigned) -> None:
        """Keep a journaled (and committed) cosignature: the book now judges against it."""
        self.book.remember(cosigned.checkpoint)
        if self._uncommitted.get(cosigned.checkpoint.origin) is cosigned:
            del self._uncommitted[cosigned.checkpoint.origin]
        current = self._cosigned.get(cosigned.checkpoint.origin)
        if current is None or cosigned.checkpoint.head_seq >= current.checkpoint.head_seq:
            self._cosigned[cosigned.checkpoint.origin] = cosigned

    def key_of(self, origin_side: str) -> str | None:
        """The key pinned for the (only) origin of `origin_side` witnessed, if one."""
        keys = {cp.key.lower() for cp in self.book.origins().values() if _side(cp) == origin_side}
        return next(iter(keys)) if len(keys) == 1 else None

    def on_checkpoint(self, peer: str, body: CheckpointMsg, now: float) -> WitnessAnswer:
        """Judge `peer`'s CHECKPOINT; journals a cosignature or the refusal evidence."""
        try:
            offered = read_checkpoint(body.latest, "latest")
            prior = read_checkpoint(body.prior, "prior") if body.prior else None
            origin = Origin.parse(offered.origin)
        except (KeyError, TypeError, ValueError) as err:
            return WitnessAnswer(problem=Problem(NackCode.INVALID, f"bad checkpoint: {err}"))
        if origin.side != self.side or (self.owner_is_peer and origin.owner != peer):
            return WitnessAnswer(
                problem=Problem(
                    NackCode.INVALID,
                    f"checkpoint of {origin.side} {origin.owner!r} is not {peer}'s journal",
                )
            )
        expected = self._peer_key(peer)
        if expected is not None and offered.key.lower() != expected.lower():
            if self.owner_is_peer:  # a station's checkpoint by a stranger's key: hostile input
                return WitnessAnswer(
                    problem=Problem(NackCode.INVALID, f"checkpoint not signed by {peer}'s key")
                )
            # The console signs its journal with another key than the commander's this station
            # was given (e.g. a journal re-signed by a forger): evidence, rate-limited like any
            # refusal, and the console's integrity alarm.
            evidence = WitnessRefused(
                self.name,
                RefusalReason.WRONG_KEY,
                self.book.latest(offered.origin),
                offered,
                prior,
                f"signed by key {offered.key[:16]}…, {peer}'s key is {expected[:16]}…",
            )
            journaled = self._keep(evidence, now)
            reply = WitnessMsg(WitnessVerdict.REFUSED.value, refusal=evidence.to_body())
            return WitnessAnswer(reply=reply, refusal=evidence, journaled=journaled)
        for again in (self._uncommitted.get(offered.origin), self._cosigned.get(offered.origin)):
            if again is not None and _same(again.checkpoint, offered):
                # a resend (or two offers in one batch): the same answer, journaled once
                reply = WitnessMsg(WitnessVerdict.COSIGNED.value, again.to_body())
                return WitnessAnswer(reply=reply)
        verdict = self.book.judge(offered, prior, now)
        if isinstance(verdict, Cosign):
            self.journal.record(verdict.cosignature, actor=self.name)
            self._uncommitted[offered.origin] = verdict.cosignature
            reply = WitnessMsg(WitnessVerdict.COSIGNED.value, verdict.cosignature.to_body())
            return WitnessAnswer(reply=reply, remember=verdict.cosignature)
        if isinstance(verdict, NeedPrior):
            return WitnessAnswer(
                reply=WitnessMsg(WitnessVerdict.NEED_PRIOR.value, size=verdict.size)
            )
        assert isinstance(verdict, Refuse)
        evidence = verdict.evidence
        journaled = self._keep(evidence, now)
        reply = WitnessMsg(WitnessVerdict.REFUSED.value, refusal=evidence.to_body())
        return WitnessAnswer(reply=reply, refusal=evidence, journaled=journaled)

    def _keep(self, evidence: WitnessRefused, now: float) -> bool:
        """Journal the evidence once per distinct offered checkpoint, within the origin's
        budget (`refusal_burst`, then one per `refusal_every_s`)."""
        key = _evidence_key(evidence.offered, evidence.prior, evidence.reason)
        if key in self._evidence:
            return False
        budget = self._budgets.get(evidence.offered.origin)
        if budget is None:
            budget = self._budgets[evidence.offered.origin] = _Budget(self.refusal_burst, now)
        refill = (now - budget.at) / self.refusal_every_s if self.refusal_every_s > 0 else 0.0
        budget.tokens = min(float(self.refusal_burst), budget.tokens + max(0.0, refill))
        budget.at = now
        if budget.tokens < 1.0:
            self.suppressed += 1
            return False
        budget.tokens -= 1.0
        self._evidence.add(key)
        self.journal.record(evidence, actor=self.name)
        return True


def _side(cp: Checkpoint) -> str:
    try:
        return Origin.parse(cp.origin).side
    except ValueError:
        return ""


def _evidence_key(
    offered: Checkpoint, prior: Checkpoint | None, reason: RefusalReason
) -> tuple[str, int, str, str, str]:
    return (
        offered.origin,
        offered.head_seq,
        offered.head_hash,
        "" if prior is None else prior.head_hash,
        reason.value,
    )
