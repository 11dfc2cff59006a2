"""Witnessed journals across real processes: a console and two `baton station`s on loopback.

(a) Live fork: the commander stops the console, rewrites an early event of his journal, rehashes
    the chain, re-signs every checkpoint with his own key and restarts on the forgery. The
    stations refuse it (the evidence is in their journals), the console journal holds the
    refusals and the GUI gets an `IntegrityAlarm`.
(b) SIGKILL mid-incident: the console journal's unsigned tail is at most one interval, and the
    stations' `witness.cosigned` events cover it up to (at least) its previous checkpoint.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from command.authority.keys import create_signing_keypair, load_signer
from command.journal import Journal
from command.vocabulary import Checkpoint, Cosigned, Kind, WitnessRefused, decode
from tests.system.rewrite_journal import rewrite_and_resign
from tests.system.witness_console_proc import POLICY
from tests.system.world import (
    PYTHON,
    free_port,
    kill,
    make_world,
    read,
    spawn,
    station_argv,
    wait_for,
)

pytestmark = [pytest.mark.system, pytest.mark.slow]

STATIONS = ["st-a", "st-b"]


def _console_argv(directory: Path, port: int, orders: int, interval: float) -> list[str]:
    return [
        PYTHON,
        "-m",
        "tests.system.witness_console_proc",
        str(directory),
        str(port),
        str(orders),
        "0.5",
        str(interval),
    ]


def _world(directory: Path) -> None:
    make_world(directory, STATIONS)
    for sid in STATIONS:  # the stations' report keys: they sign their checkpoints too
        create_signing_keypair(directory / "keys", sid)


def _bodies(path: Path, kind: Kind) -> list[Any]:
    def fn(j: Journal) -> list[Any]:
        return [decode(e) for e in j.events(kinds=[kind])]

    found = read(path, fn, [])
    assert isinstance(found, list)
    return found


def _cosigned_by_stations(directory: Path) -> dict[str, int]:
    """Per station, the largest console size it cosigned."""
    out: dict[str, int] = {}
    for sid in STATIONS:
        sizes = [
            c.checkpoint.head_seq
            for c in _bodies(directory / f"{sid}.db", Kind.WITNESS_COSIGNED)
            if isinstance(c, Cosigned) and "/console/" in c.checkpoint.origin
        ]
        out[sid] = max(sizes, default=0)
    return out


def _start(
    directory: Path, port: int, orders: int, interval: float
) -> list[subprocess.Popen[bytes]]:
    children = [
        spawn(station_argv(directory, sid, port), directory / f"{sid}.log") for sid in STATIONS
    ]
    children.append(
        spawn(_console_argv(directory, port, orders, interval), directory / "console.log")
    )
    return children


def test_stations_refuse_a_rewritten_and_resigned_console_journal(tmp_path: Path) -> None:
    _world(tmp_path)
    port = free_port()
    children = _start(tmp_path, port, 12, 0.05)
    console = children[-1]
    try:
        wait_for(
            lambda: min(_cosigned_by_stations(tmp_path).values()) >= 30,
            60,
            "both stations to cosign the console's checkpoints",
            children,
        )
        kill(console, 15)  # a clean stop: the close checkpoint
        journal = Journal.open_readonly(tmp_path / "console.db")
        last = [decode(e) for e in journal.events(kinds=[Kind.CHECKPOINT])][-1]
        early = next(e for e in journal.events(1) if e.kind != Kind.CHECKPOINT)
        journal.close()
        assert isinstance(last, Checkpoint)
        # the commander rewrites an early event and re-signs every checkpoint with his own key
        (tmp_path / "console.db").rename(tmp_path / "console-original.db")
        for suffix in ("-wal", "-shm"):
            Path(f"{tmp_path / 'console.db'}{suffix}").unlink(missing_ok=True)
        (tmp_path / "console.db").write_bytes((tmp_path / "console-original.db").read_bytes())
        forged = {**early.body, "forged": "nothing happened here"}
        commander = load_signer(tmp_path / "keys" / "commander.sign")
        assert rewrite_and_resign(tmp_path / "console.db", early.seq, forged, commander) > 0
        console = spawn(_console_argv(tmp_path, port, 12, 0.05), tmp_path / "console.log")
        children.append(console)

        def refused_everywhere() -> bool:
            stations = all(
                _bodies(tmp_path / f"{sid}.db", Kind.WITNESS_REFUSED) for sid in STATIONS
            )
            return stations and len(_bodies(tmp_path / "console.db", Kind.WITNESS_REFUSED)) >= 2

        alive = [*children[:-2], console]
        wait_for(refused_everywhere, 60, "the stations to refuse the forged journal", alive)
        wait_for(
            lambda: (tmp_path / "console.log").read_text().count("ALARM ") >= 2,
            20,
            "the console to raise the integrity alarm for the GUI",
            alive,
        )
    finally:
        for child in children:
            kill(child, 15)
    for sid in STATIONS:
        evidence = _bodies(tmp_path / f"{sid}.db", Kind.WITNESS_REFUSED)
        assert all(isinstance(r, WitnessRefused) for r in evidence)
        first = evidence[0]
        assert first.witness == sid and first.reason.value in ("fork", "inconsistent")
        assert first.offered.key == commander.public_hex  # signed by the commander himself
        assert first.stored is not None
        # the stored checkpoint is one the original journal really holds
        original = Journal.open_readonly(tmp_path / "console-original.db")
        hashes = {e.seq: e.hash for e in original.events()}
        original.close()
        assert hashes[first.stored.head_seq] == first.stored.head_hash
    console_refusals = _bodies(tmp_path / "console.db", Kind.WITNESS_REFUSED)
    assert {r.witness for r in console_refusals} == set(STATIONS)
    alarms = [
        json.loads(line.split("ALARM ", 1)[1])
        for line in (tmp_path / "console.log").read_text().splitlines()
        if line.startswith("ALARM ")
    ]
    assert {a["witness"] for a in alarms} == set(STATIONS)


def test_sigkilled_console_leaves_at_most_one_interval_unsigned(tmp_path: Path) -> None:
    _world(tmp_path)
    port = free_port()
    children = _start(tmp_path, port, 10_000, 0.02)
    try:
        wait_for(
            lambda: min(_cosigned_by_stations(tmp_path).values()) >= 200,
            90,
            "the stations to cosign a few checkpoints",
            children,
        )
        kill(children[-1])  # SIGKILL mid-incident
    finally:
        for child in children:
            kill(child, 15)
    journal = Journal.open_readonly(tmp_path / "console.db")
    try:
        events = list(journal.events())
    finally:
        journal.close()
    checkpoints = [e for e in events if e.kind == Kind.CHECKPOINT]
    assert len(checkpoints) >= 3
    last_cp = checkpoints[-1]
    tail = [e for e in events if e.seq > last_cp.seq]
    assert len(tail) < POLICY.every_events
    if tail:  # no unsigned run spans more than every_s (a tick or the next append signs it)
        assert tail[-1].ts - tail[0].ts <= POLICY.every_s
    # the stations' cosignatures hold the console journal up to its previous checkpoint
    hashes = {e.seq: e.hash for e in events}
    covered = _cosigned_by_stations(tmp_path)
    previous = Checkpoint.from_body(checkpoints[-2].body)
    assert max(covered.values()) >= previous.head_seq
    for sid in STATIONS:
        for c in _bodies(tmp_path / f"{sid}.db", Kind.WITNESS_COSIGNED):
            assert isinstance(c, Cosigned)
            assert hashes[c.checkpoint.head_seq] == c.checkpoint.head_hash
