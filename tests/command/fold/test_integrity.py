"""The fold's integrity model: signed-up-to, unsigned tail, witnesses, refusals and their alarms."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from command.fold import IncidentState, fold
from command.journal.checkpoints import CheckpointPolicy, Origin, sign_checkpoint
from command.signing import Signer
from command.vocabulary import (
    AttentionAcknowledged,
    AttentionSubject,
    Checkpoint,
    Cosigned,
    DecisionAdded,
    EventBody,
    RefusalReason,
    WitnessRefused,
)
from tests.command.fold.events import T0, Ev, EventMaker, decision

SIGNER = Signer.generate("console")
ORIGIN = Origin.of("inc", "console", "console", SIGNER)
POLICY = CheckpointPolicy(every_events=3, every_s=10.0)


class Log:
    """Typed bodies numbered into journal-shaped events."""

    def __init__(self) -> None:
        self.maker = EventMaker()
        self.events: list[Ev] = []

    def add(self, body: EventBody, ts: float = T0) -> Ev:
        """Append one event; return it."""
        ev = self.maker.ev(body.kind, body.to_body(), ts=ts)
        self.events.append(ev)
        return ev

    def plain(self, n: int, ts: float = T0) -> None:
        """Append `n` decisions (events that are not checkpoints)."""
        for _ in range(n):
            self.add(DecisionAdded(decision(f"D{self.maker.seq + 1}", ts=ts)), ts)

    def checkpoint(self, reason: str = "events", ts: float = T0) -> Checkpoint:
        """Sign the head (the last event) and journal the checkpoint."""
        cp = sign_checkpoint(
            SIGNER, ORIGIN, self.maker.seq, "ab" * 32, ts=ts, policy=POLICY, reason=reason
        )
        self.add(cp, ts)
        return cp


def cosigned(cp: Checkpoint, witness: str, ts: int, *, mine: bool = False) -> Cosigned:
    """A witness's cosignature of `cp`."""
    return Cosigned(cp, witness, "cd" * 32, ts, "ef" * 64, mine)


def test_signed_to_and_unsigned_tail() -> None:
    log = Log()
    log.plain(3)
    log.checkpoint(ts=T0 + 5)
    log.plain(2)
    state = fold(log.events)
    m = state.integrity
    assert m.signed_to == 3
    assert m.checkpoints == 1
    assert m.tail == 2
    assert m.last is not None and m.last.seq == 4 and m.last.reason == "events"
    assert m.last.ts == T0 + 5 and m.last.origin == ORIGIN.text
    assert not m.close_seen and not m.closed


def test_close_checkpoint_leaves_no_tail() -> None:
    log = Log()
    log.plain(2)
    log.checkpoint()
    log.plain(1)
    log.checkpoint("close")
    m = fold(log.events).integrity
    assert (m.signed_to, m.tail, m.checkpoints) == (4, 0, 2)
    assert m.close_seen and m.closed
    assert m.to_json()["policy"] == {"every_events": 3, "every_s": 10.0}


def test_witness_marks_keep_the_highest_seq() -> None:
    log = Log()
    log.plain(3)
    first = log.checkpoint()
    log.plain(3)
    second = log.checkpoint()
    log.add(cosigned(second, "police", 200))
    log.add(cosigned(first, "police", 100))  # late arrival of an older one
    log.add(cosigned(first, "fire", 150))
    m = fold(log.events).integrity
    assert m.witnesses["police"].head_seq == 7 and m.witnesses["police"].ts == 200
    assert m.witnesses["police"].count == 2
    assert m.witnessed_to() == (2, 3)
    assert m.witnessed_to(["police", "fire", "ambulance"]) == (2, 3)
    assert m.witnessed_to(["police"]) == (1, 7)
    assert m.witnessed_to(["ambulance"]) == (0, None)
    # cosignatures are events too: the tail counts them
    assert m.tail == 3


def test_cosigned_for_others_by_origin() -> None:
    log = Log()
    other = Signer.generate("police")
    theirs = sign_checkpoint(
        other,
        Origin.of("inc", "station", "police", other),
        42,
        "01" * 32,
        ts=T0,
        policy=POLICY,
        reason="events",
    )
    log.add(cosigned(theirs, "console", 300, mine=True))
    m = fold(log.events).integrity
    assert list(m.cosigned_for) == [theirs.origin]
    assert m.cosigned_for[theirs.origin].head_seq == 42
    assert m.witnesses == {}


def refusal(log: Log, stored: Checkpoint, offered: Checkpoint) -> Ev:
    return log.add(
        WitnessRefused(
            "police", RefusalReason.FORK, stored, offered, None, "a different head at #3"
        ),
        T0 + 60,
    )


def test_refusal_is_an_open_alarm_until_acknowledged() -> None:
    log = Log()
    log.plain(3)
    cp = log.checkpoint()
    forged = sign_checkpoint(
        SIGNER, ORIGIN, 3, "99" * 32, ts=T0 + 50, policy=POLICY, reason="events"
    )
    ev = refusal(log, cp, forged)
    state = IncidentState()
    changed = state.apply_all(log.events)
    assert "integrity" in changed
    [alarm] = state.integrity.open_alarms()
    assert alarm.id == str(ev.seq)
    assert alarm.line() == "police refused checkpoint 3 — fork"
    assert alarm.stored_seq == 3 and alarm.offered_seq == 3
    assert "a different head" in alarm.evidence()
    # acknowledging an order or escalation with the same id does not touch it
    other = log.add(AttentionAcknowledged(AttentionSubject.ORDER.value, alarm.id, "cmd"))
    state.apply(other)
    assert state.integrity.open_alarms() == [alarm]
    ack = log.add(AttentionAcknowledged(AttentionSubject.INTEGRITY.value, alarm.id, "cmd"))
    assert "integrity" in state.apply(ack)
    assert state.integrity.open_alarms() == []
    kept = state.integrity.alarm(alarm.id)
    assert kept is not None and kept.acknowledged_by == "cmd"
    assert state.integrity.to_json()["open_alarms"] == 0
    assert state.integrity.to_json()["alarms"][0]["open"] is False


def test_state_copies_are_independent() -> None:
    log = Log()
    log.plain(3)
    cp = log.checkpoint()
    refusal(log, cp, cp)
    state = fold(log.events)
    saved = copy.deepcopy(state)
    state.apply(
        log.add(AttentionAcknowledged(AttentionSubject.INTEGRITY.value, "5", "cmd")),
    )
    assert len(saved.integrity.open_alarms()) == 1
    assert state.integrity.open_alarms() == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["event", "checkpoint", "cosigned"]), max_size=40))
def test_tail_and_signed_to_agree_with_a_recount(script: list[str]) -> None:
    log = Log()
    last: Checkpoint | None = None
    for step in script:
        if step == "checkpoint":
            last = log.checkpoint()
        elif step == "cosigned" and last is not None:
            log.add(cosigned(last, "police", 100 + log.maker.seq))
        else:
            log.plain(1)
    m = fold(log.events).integrity
    checkpoints = [e for e in log.events if e.kind == Checkpoint.kind]
    head = checkpoints[-1].body["head_seq"] if checkpoints else 0
    assert m.signed_to == head
    assert m.checkpoints == len(checkpoints)
    assert m.tail == sum(1 for e in log.events if e.kind != Checkpoint.kind and e.seq > head)
    if "police" in m.witnesses:  # a witness cosigns only what was signed
        assert m.witnesses["police"].head_seq <= m.signed_to


def test_a_refusal_of_another_journals_checkpoint_names_its_signer() -> None:
    log = Log()
    log.plain(3)
    log.checkpoint()
    other = Signer.generate("police")
    theirs = sign_checkpoint(
        other,
        Origin.of("inc", "station", "police", other),
        40,
        "01" * 32,
        ts=T0,
        policy=POLICY,
        reason="events",
    )
    log.add(WitnessRefused("console", RefusalReason.SMALLER, theirs, theirs, None, ""))
    [alarm] = fold(log.events).integrity.alarms
    assert not alarm.own and alarm.signer == "police"
    assert alarm.line() == "console refused police's checkpoint 40 — smaller"
