"""Real processes on loopback: a console, stations st-a and st-b, and an impostor process that
holds st-b's allow-listed CURVE key and keeps reconnecting as st-a. The impostor is refused
(journaled once as identity_mismatch) and receives nothing; every order, including those issued
to st-a while the impostor keeps trying, is delivered, accepted and completed exactly once."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from command.journal import Journal
from tests.system.world import (
    PYTHON,
    check_exactly_once,
    console_argv,
    count_kind,
    free_port,
    kill,
    make_world,
    read,
    spawn,
    station_argv,
    wait_for,
)

pytestmark = [pytest.mark.system]

STATIONS = ["st-a", "st-b"]
ORDERS = 16
INTERVAL = 0.5  # orders keep coming for 8 s while the impostor keeps reconnecting


def _seq_of_first(path: Path, kind: str) -> int:
    def fn(j: Journal) -> int:
        return next((e.seq for e in j.events(kinds=[kind])), 0)

    value = read(path, fn, 0)
    assert isinstance(value, int)
    return value


def _issued_to_a_after(path: Path, seq: int) -> int:
    def fn(j: Journal) -> int:
        return sum(
            1
            for e in j.events(after_seq=seq, kinds=["order.issued"])
            if e.body["order"]["station"] == "st-a"
        )

    value = read(path, fn, 0)
    assert isinstance(value, int)
    return value


def test_impostor_with_station_b_key_claiming_a_does_not_cut_a_off(tmp_path: Path) -> None:
    make_world(tmp_path, STATIONS)
    port = free_port()
    console_db = tmp_path / "console.db"
    caught = tmp_path / "impostor.received"
    children: list[subprocess.Popen[bytes]] = []
    try:
        children.append(
            spawn(console_argv(tmp_path, port, ORDERS, interval=INTERVAL), tmp_path / "console.log")
        )
        for sid in STATIONS:
            children.append(spawn(station_argv(tmp_path, sid, port), tmp_path / f"{sid}.log"))
        wait_for(
            lambda: "st-a" in count_kind(console_db, "station.online", lambda b: str(b["station"])),
            30,
            "st-a online",
            children,
        )
        impostor_argv = [PYTHON, "-m", "tests.system.impostor_proc", str(tmp_path), str(port)]
        impostor_argv += ["st-a", "st-b", str(caught), "0.2"]
        impostor = spawn(impostor_argv, tmp_path / "impostor.log")
        children.append(impostor)

        wait_for(
            lambda: bool(_events(console_db, "auth.rejected")),
            30,
            "the impostor to be refused",
            children,
        )
        refused_at = _seq_of_first(console_db, "auth.rejected")

        def completed() -> int:
            return len(count_kind(console_db, "order.complete", lambda b: str(b["order_id"])))

        wait_for(lambda: completed() >= ORDERS, 60, f"all {ORDERS} orders completed", children)
        assert _issued_to_a_after(console_db, refused_at) > 0, "no order to st-a after the attempt"
        assert Path(f"{caught}.connects").read_text().count("handshake") >= 2  # a valid key
    finally:
        for child in children:
            kill(child, 15)
    rejected = _events(console_db, "auth.rejected")
    assert rejected[0] == {"reason": "identity_mismatch", "claimed": "st-a", "key_owner": "st-b"}
    assert not caught.exists() or caught.read_text() == ""  # the impostor received nothing
    check_exactly_once(tmp_path, STATIONS, ORDERS)


def _events(path: Path, kind: str) -> list[dict[str, object]]:
    def fn(j: Journal) -> list[dict[str, object]]:
        return [dict(e.body) for e in j.events(kinds=[kind])]

    result = read(path, fn, [])
    assert isinstance(result, list)
    return result
