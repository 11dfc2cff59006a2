"""A small real console journal that is signed and witnessed, with one refusal (a fork): for the
integrity views' tests (fold, console alarm, replay badge, report, `baton replay --json`).

Seqs: 1 incident.opened · 2 station.online · 3 decision · 4 checkpoint (head 3) · 5, 6 police and
metro cosign it · 7, 8 decisions · 9 checkpoint (head 8) · 10 police cosigns it · 11 metro
refuses checkpoint 8 (fork) · 12 decision · [13 the commander acknowledges the alarm] · then a
close checkpoint of the head.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from command.clock import ManualClock
from command.journal import Event, Journal
from command.journal.checkpoints import CheckpointPolicy, Origin, cosign, sign_checkpoint
from command.model import Decision, DecisionKind
from command.signing import Signer
from command.vocabulary import (
    AttentionAcknowledged,
    AttentionSubject,
    Checkpoint,
    DecisionAdded,
    IncidentOpened,
    RefusalReason,
    StationPresence,
    WitnessRefused,
)

START = 1_760_000_000.0
STATIONS = (("police", "Traffic police"), ("metro", "Metro"))
POLICY = CheckpointPolicy(every_events=3, every_s=10.0)
OPENED = IncidentOpened(
    {
        "id": "bund",
        "name": "Bund light show",
        "timezone": "Asia/Shanghai",
        "zones": [{"id": "chenyi", "name": "Chenyi Square", "area_m2": 12000}],
        "stations": [{"id": s, "name": n} for s, n in STATIONS],
    },
    commander="chief-li",
)


@dataclass(frozen=True, slots=True)
class Witnessed:
    """The journal written and what the tests look for in it."""

    path: Path
    events: list[Event]
    refusal_seq: int
    refusal_ts: float
    before_refusal_ts: float


def _decision(n: int, ts: float) -> DecisionAdded:
    return DecisionAdded(
        Decision(
            id=f"d{n}",
            incident="bund",
            ts=ts,
            author="chief-li",
            decision=f"Decision {n}",
            rationale="density rising",
            kind=DecisionKind.MANUAL,
        )
    )


def write_witnessed(path: Path, *, acknowledged: bool = False) -> Witnessed:
    """Write the journal at `path` (see the module docstring) and read its events back."""
    clock = ManualClock(START)
    signer = Signer.generate("chief-li")
    origin = Origin.of("bund", "console", "chief-li", signer)
    j = Journal.open(path, clock=clock, owner="chief-li", role="console")

    def step() -> float:
        clock.advance(10)
        return clock.now()

    def sign(reason: str = "events") -> Checkpoint:
        seq, digest = j.head
        cp = sign_checkpoint(
            signer, origin, seq, digest, ts=clock.now(), policy=POLICY, reason=reason
        )
        j.record(cp, actor="chief-li")
        return cp

    witnesses = {name: Signer.generate(name) for name, _ in STATIONS}

    def cosigned(cp: Checkpoint, witness: str) -> None:
        theirs = cosign(witnesses[witness], witness, cp, step())
        j.record(replace(theirs, mine=False), actor=witness)

    j.record(OPENED, actor="chief-li", incident="bund")
    step()
    j.record(StationPresence("police", True), actor="police")
    j.record(_decision(1, step()), actor="chief-li")
    first = sign()
    cosigned(first, "police")
    cosigned(first, "metro")
    j.record(_decision(2, step()), actor="chief-li")
    j.record(_decision(3, step()), actor="chief-li")
    before = clock.now()
    second = sign()
    cosigned(second, "police")
    other = Checkpoint(
        second.head_seq, "ee" * 32, second.key, "ff" * 64, second.origin, second.ts, "events"
    )
    refused_at = step()
    refusal = j.record(
        WitnessRefused("metro", RefusalReason.FORK, other, second, None, "a different head at #8"),
        actor="metro",
    )
    j.record(_decision(4, step()), actor="chief-li")
    if acknowledged:
        step()
        j.record(
            AttentionAcknowledged(AttentionSubject.INTEGRITY.value, str(refusal.seq), "chief-li"),
            actor="chief-li",
        )
    step()
    sign("close")
    j.close()
    ro = Journal.open_readonly(path)
    try:
        events = list(ro.events())
    finally:
        ro.close()
    return Witnessed(path, events, refusal.seq, refused_at, before)
