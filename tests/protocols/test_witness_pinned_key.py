"""A station given the commander's key (issue #14) refuses, with evidence, the checkpoints of a
console that signs its journal with any other key: the console shows the alarm."""

from __future__ import annotations

import pytest

from command.signing import Signer
from command.vocabulary import Kind, LinkChanged, RefusalReason, WitnessRefused
from protocols.delivery import StationWire
from tests.protocols.wiring import kinds
from tests.protocols.witnessed import WSide, witnessed_rig


@pytest.mark.parametrize("kind", ["memory", "zmq"])
def test_a_console_signing_with_another_key_is_refused_with_evidence(kind: str) -> None:
    real = Signer.generate("commander")
    other = Signer.generate("commander")  # same name, another key: the laptop's forger
    with witnessed_rig(kind, station_ids=("st-a",), commander=other) as r:
        old = r.stations["st-a"]
        wire = StationWire(
            old.desk,
            old.transport,
            r.clock,
            r.config,
            signer=old.signer,
            console_key=real.public_hex,
        )
        r.stations["st-a"] = WSide(old.desk, wire, old.transport, old.signer)
        for i in range(12):
            r.journal.record(LinkChanged(f"peer-{i}", True))

        def refused() -> bool:
            return bool(kinds(r.journal, "witness.refused"))

        r.pump(refused)
        station = old.desk.journal
        evidence = [WitnessRefused.from_body(b) for b in kinds(station, "witness.refused")]
        assert evidence and evidence[0].reason is RefusalReason.WRONG_KEY
        assert evidence[0].offered.key == other.public_hex
        assert not [e for e in station.events() if e.kind == Kind.WITNESS_COSIGNED]
        assert [a.witness for a in r.console.drain_alarms()] == ["st-a"]
