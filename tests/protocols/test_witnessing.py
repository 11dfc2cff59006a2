"""Witnessing over the order link: the console's checkpoints cosigned by its stations and the
stations' by the console; forks refused with evidence; hostile CHECKPOINT/WITNESS messages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from command.clock import ManualClock
from command.journal import Journal
from command.journal.checkpoints import cosignature_valid, sign_checkpoint
from command.signing import Signer
from command.vocabulary import Checkpoint, Cosigned, Kind, LinkChanged, WitnessRefused, decode
from protocols.codec import encode
from protocols.delivery import WireConfig
from protocols.messages import CheckpointMsg, Header, Message, WitnessMsg
from protocols.transport import Incoming
from protocols.witnessing import Logbook
from tests.protocols.wiring import draft, kinds
from tests.protocols.witnessed import (
    POLICY,
    WRig,
    console_origin,
    witnessed_console,
    witnessed_rig,
)


@pytest.fixture(params=["memory", "zmq"])
def wired(request: pytest.FixtureRequest) -> Iterator[WRig]:
    with witnessed_rig(request.param) as built:
        yield built


def _cosigned_by(journal: Journal, kind: Kind) -> list[Cosigned]:
    out = []
    for event in journal.events(kinds=[kind]):
        body = decode(event)
        assert isinstance(body, Cosigned)
        out.append(body)
    return out


def _grow(r: WRig, n: int = 6) -> None:
    """Enough journal events on the console for a checkpoint (POLICY: every 5)."""
    _grow_journal(r.journal, n)


def _cosigned_size(r: WRig, witness: str) -> int:
    sizes = [
        c.checkpoint.head_seq
        for c in _cosigned_by(r.journal, Kind.CHECKPOINT_COSIGNED)
        if c.witness == witness
    ]
    return max(sizes, default=0)


def test_console_checkpoints_are_cosigned_by_every_station(wired: WRig) -> None:
    _grow(wired)
    latest = wired.journal.latest_checkpoint
    assert latest is not None and latest.reason == "events"
    wired.pump(lambda: all(_cosigned_size(wired, s) >= latest.head_seq for s in ("st-a", "st-b")))
    for sid, side in wired.stations.items():
        mine = [
            c for c in _cosigned_by(side.journal, Kind.WITNESS_COSIGNED) if c.checkpoint == latest
        ]
        assert len(mine) == 1 and mine[0].witness == sid and cosignature_valid(mine[0])
        assert mine[0].witness_key == side.signer.public_hex
    # a later checkpoint extends the cosigned one: the station asks for (or gets) the prior;
    # it is offered once a witness was last shown one `resend_checkpoint_s` ago
    _grow(wired, 5)
    newer = wired.journal.latest_checkpoint
    assert newer is not None and newer.head_seq > latest.head_seq
    wired.clock.advance(wired.config.resend_checkpoint_s)
    wired.pump(lambda: all(_cosigned_size(wired, s) >= newer.head_seq for s in ("st-a", "st-b")))
    assert kinds(wired.journal, "witness.refused") == []


def test_station_checkpoints_are_cosigned_by_the_console(wired: WRig) -> None:
    issued = [
        wired.post.issue_order(draft("st-a"), decision=f"d{i}", rationale="r") for i in range(3)
    ]
    wired.console.flush("st-a")
    side = wired.stations["st-a"]
    wired.pump(lambda: side.journal.latest_checkpoint is not None)
    latest = side.journal.latest_checkpoint
    assert latest is not None and latest.origin.startswith("-/station/st-a/")

    def console_cosigned() -> bool:
        return any(
            c.checkpoint.head_seq >= latest.head_seq
            for c in _cosigned_by(side.journal, Kind.CHECKPOINT_COSIGNED)
        )

    wired.pump(console_cosigned)
    theirs = _cosigned_by(wired.journal, Kind.WITNESS_COSIGNED)
    assert theirs and all(c.witness_key == wired.commander.public_hex for c in theirs)
    assert len(issued) == 3


def test_interval_checkpoint_from_tick_is_offered(wired: WRig) -> None:
    wired.journal.record(LinkChanged("x", True))
    assert wired.journal.latest_checkpoint is None
    wired.clock.advance(POLICY.every_s)
    wired.tick()
    latest = wired.journal.latest_checkpoint
    assert latest is not None and latest.reason == "interval"
    wired.pump(lambda: _cosigned_size(wired, "st-a") >= latest.head_seq)


def test_unanswered_checkpoint_is_offered_again() -> None:
    with witnessed_rig("memory", station_ids=("st-a",)) as r:
        r.settle()
        _grow(r)
        assert r.network is not None
        r.console.tick(r.clock.now())  # the offer goes out ...
        assert r.network.lose_in_flight("st-a") >= 1  # ... and is lost
        r.settle()
        latest = r.journal.latest_checkpoint
        assert latest is not None and _cosigned_size(r, "st-a") < latest.head_seq
        r.clock.advance(r.config.resend_checkpoint_s)
        r.pump(lambda: _cosigned_size(r, "st-a") >= latest.head_seq)


def test_a_rewritten_console_journal_is_refused_with_evidence() -> None:
    commander = Signer.generate("commander")
    with witnessed_rig("memory", station_ids=("st-a",), commander=commander) as r:
        _grow(r, 12)
        latest = r.journal.latest_checkpoint
        assert latest is not None
        r.pump(lambda: _cosigned_size(r, "st-a") >= latest.head_seq)
        station = r.stations["st-a"]
        # The commander starts over on another journal with the same key and origin: a fork.
        assert r.network is not None
        forged = Journal.in_memory(clock=r.clock, owner="console", role="console")
        for i in range(20):
            forged.record(LinkChanged(f"other-{i}", False))
        post, wire = witnessed_console(
            forged,
            r.clock,
            commander,
            r.console.transport,
            config=r.config,
            report_keys={"st-a": station.signer.public_hex},
        )
        r.post, r.console = post, wire
        r.network.cut("st-a")
        r.network.restore("st-a")  # the station reconnects to the forger

        def refused() -> bool:
            return bool(kinds(forged, "witness.refused"))

        r.pump(refused)
        evidence = [WitnessRefused.from_body(b) for b in kinds(station.journal, "witness.refused")]
        assert evidence and evidence[0].reason.value in ("inconsistent", "fork")
        assert evidence[0].stored is not None and evidence[0].stored.head_hash == latest.head_hash
        alarms = wire.drain_alarms()
        assert [a.witness for a in alarms] == ["st-a"]
        # retries and reconnections do not add evidence
        for _ in range(3):
            r.network.cut("st-a")
            r.network.restore("st-a")
            r.settle()
        assert len(kinds(station.journal, "witness.refused")) == len(evidence)


def _deliver(r: WRig, sid: str, body: object, *, ack_of: str = "", msg_id: str = "m-x") -> None:
    """Hand the console a message from `sid` as if it came over the link."""
    header = Header(
        msg_id=msg_id, sender=sid, seq=1, ack_of=ack_of, sent_ts=r.clock.now(), attempt=1
    )
    frames = encode(Message(header, body))  # type: ignore[arg-type]
    with r.journal.transaction():
        r.console.on_incoming(Incoming(sid, sid, frames))


def test_hostile_checkpoints_are_nacked_not_journaled_as_evidence() -> None:
    with witnessed_rig("memory", station_ids=("st-a", "st-b")) as r:
        r.settle()
        rejected_before = len(kinds(r.journal, "message.rejected"))
        # garbage fields
        _deliver(r, "st-a", CheckpointMsg({"head_seq": "x", "origin": "a" * 10_000}))
        # st-b's journal offered by st-a
        b = r.stations["st-b"]
        cp_b = sign_checkpoint(
            b.signer,
            b.journal.checkpointer.origin,  # type: ignore[union-attr]
            1,
            "ab" * 32,
            ts=r.clock.now(),
            policy=POLICY,
            reason="events",
        )
        _deliver(r, "st-a", CheckpointMsg(cp_b.to_body()), msg_id="m-y")
        # signed by a key that is not st-a's
        stranger = Signer.generate("stranger")
        from command.journal.checkpoints import Origin

        cp_s = sign_checkpoint(
            stranger,
            Origin.of("-", "station", "st-a", stranger),
            1,
            "ab" * 32,
            ts=r.clock.now(),
            policy=POLICY,
            reason="events",
        )
        _deliver(r, "st-a", CheckpointMsg(cp_s.to_body()), msg_id="m-z")
        # a WITNESS answering nothing we sent
        _deliver(r, "st-a", WitnessMsg("cosigned"), ack_of="nope", msg_id="m-w")
        rejected = kinds(r.journal, "message.rejected")[rejected_before:]
        assert len(rejected) == 4
        assert kinds(r.journal, "witness.refused") == []
        assert kinds(r.journal, "witness.cosigned") == []


def test_refusal_evidence_is_rate_limited_per_origin() -> None:
    config = WireConfig(refusal_burst=3, refusal_every_s=60.0)
    with witnessed_rig("memory", station_ids=("st-a",), config=config) as r:
        r.settle()
        a = r.stations["st-a"]
        origin = a.journal.checkpointer.origin  # type: ignore[union-attr]

        def cp(size: int, head: str) -> Checkpoint:
            return sign_checkpoint(
                a.signer, origin, size, head, ts=r.clock.now(), policy=POLICY, reason="events"
            )

        _deliver(r, "st-a", CheckpointMsg(cp(10, "aa" * 32).to_body()), msg_id="m-0")
        assert len(kinds(r.journal, "witness.cosigned")) == 1
        for i in range(20):  # twenty distinct forks of size 10
            _deliver(r, "st-a", CheckpointMsg(cp(10, f"{i:02x}" * 32).to_body()), msg_id=f"f{i}")
        assert len(kinds(r.journal, "witness.refused")) == 3
        r.clock.advance(60.0)
        _deliver(r, "st-a", CheckpointMsg(cp(10, "ee" * 32).to_body()), msg_id="m-late")
        assert len(kinds(r.journal, "witness.refused")) == 4
        assert r.console.witness is not None and r.console.witness.suppressed == 17


def test_a_witness_is_shown_at_most_one_checkpoint_per_resend_interval() -> None:
    clock = ManualClock()
    journal = Journal.in_memory(clock=clock, owner="console", role="console")
    commander = Signer.generate("commander")
    journal.sign_with(commander, console_origin(commander), POLICY)
    book = Logbook(journal, resend_s=1.0)

    def shown(peer: str, at: float, *, force: bool = False) -> Checkpoint | None:
        offer = book.offer(peer, at, force=force)
        if offer is None:
            return None
        book.sent(peer, f"m-{peer}-{at}", offer, at)
        return Checkpoint.from_body(offer.latest)

    t0 = clock.now()
    _grow_journal(journal, 6)
    assert shown("st-a", t0) == journal.latest_checkpoint
    _grow_journal(journal, 12)  # two newer checkpoints within the interval (a burst)
    newest = journal.latest_checkpoint
    assert shown("st-b", t0 + 0.5) == newest  # the first witness to ask gets a fresh one at once
    assert shown("st-a", t0 + 0.5) is None  # held: shown one 0.5 s ago, and the newest is out
    assert shown("st-a", t0 + 0.5, force=True) == newest  # a reconnection does not wait
    assert shown("st-a", t0 + 0.7) is None
    _grow_journal(journal, 6)
    fresh = journal.latest_checkpoint
    assert fresh != newest and shown("st-a", t0 + 0.8) == fresh  # no witness had this one
    assert shown("st-b", t0 + 0.9) is None  # st-b waits out its interval
    assert shown("st-b", t0 + 1.5) == fresh
    journal.close()


def _grow_journal(journal: Journal, n: int) -> None:
    for i in range(n):
        journal.record(LinkChanged(f"peer-{i}", True))
