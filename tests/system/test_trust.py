"""Real processes on loopback: a console that checks report signatures, two real stations
(`baton station`) and one station whose clock is absurd.

- st-a: its grant is revoked (effective 30 s ago), then the revoked grant's holder sends it an
  order backdated by 600 s. The station bounds the order's time by its own clock and refuses it
  (`revoked`), journaled at both ends: `order.rejected` at the station, the `reject` step at the
  console.
- st-b: signs its reports with a key that is not the one in the console's allow-list: every
  report is refused (`report_signature`, journaled at both ends) and the order stays delivered.
- st-c: signs correctly but stamps its reports in year 3,170,000 and in 1938: refused
  (`clock_skew`); the console's journal holds no such time.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from command.authority.keys import create_signing_keypair, load_signer
from command.journal import Journal
from command.lifecycle import Step
from command.vocabulary import Kind, OrderStepped, decode
from tests.system.trust_procs import BACKDATE_S
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

pytestmark = [pytest.mark.system]

STATIONS = ["st-a", "st-b", "st-c"]


def _world(directory: Path) -> None:
    make_world(directory, STATIONS)
    keys = directory / "keys"
    for sid in STATIONS:
        create_signing_keypair(keys, sid)
    listed = {sid: load_signer(keys / f"{sid}.sign").public_hex for sid in STATIONS}
    create_signing_keypair(directory, "st-b-listed")  # the key the console believes st-b holds
    listed["st-b"] = load_signer(directory / "st-b-listed.sign").public_hex
    (directory / "report_keys.json").write_text(json.dumps(listed), encoding="utf-8")


def _bodies(path: Path, kind: Kind) -> list[dict[str, object]]:
    def fn(j: Journal) -> list[dict[str, object]]:
        return [dict(e.body) for e in j.events(kinds=[kind])]

    if not path.exists():
        return []
    result = read(path, fn, [])
    assert isinstance(result, list)
    return result


def _orders(console: Path) -> dict[str, list[dict[str, object]]]:
    """Orders issued, per station, in issue order (the order dicts)."""
    out: dict[str, list[dict[str, object]]] = {}
    for body in _bodies(console, Kind.ORDER_ISSUED):
        order = body["order"]
        assert isinstance(order, dict)
        out.setdefault(str(order["station"]), []).append(order)
    return out


def _steps(console: Path) -> list[tuple[str, Step, dict[str, object]]]:
    """(order id, step, detail) of every step the console journaled, read through the
    vocabulary (a refusal is the `reject` step however this console version spells it)."""

    def fn(j: Journal) -> list[tuple[str, Step, dict[str, object]]]:
        out = []
        for e in j.events():
            body = decode(e)
            if isinstance(body, OrderStepped):
                out.append((body.order_id, body.step, dict(body.detail)))
        return out

    result = read(console, fn, [])
    assert isinstance(result, list)
    return result


def _state(console: Path, order_id: str) -> str:
    def fn(j: Journal) -> str:
        row = j.order(order_id)
        return "" if row is None else row.state.value

    value = read(console, fn, "")
    assert isinstance(value, str)
    return value


def _codes(path: Path) -> list[str]:
    return [str(b["code"]) for b in _bodies(path, Kind.MESSAGE_REJECTED)]


def test_backdated_order_and_unsigned_or_skewed_reports_are_refused(tmp_path: Path) -> None:
    _world(tmp_path)
    port = free_port()
    console = tmp_path / "console.db"
    children: list[subprocess.Popen[bytes]] = []
    try:
        argv = [PYTHON, "-m", "tests.system.trust_procs"]
        children.append(spawn([*argv, "console", str(tmp_path), str(port)], tmp_path / "c.log"))
        for sid in ("st-a", "st-b"):
            children.append(spawn(station_argv(tmp_path, sid, port), tmp_path / f"{sid}.log"))
        children.append(
            spawn([*argv, "skewed", str(tmp_path), str(port), "st-c"], tmp_path / "st-c.log")
        )

        wait_for(lambda: len(_orders(console).get("st-a", [])) == 2, 30, "orders issued", children)
        orders = _orders(console)
        honest, backdated = orders["st-a"]
        assert (
            float(str(backdated["issued_at"])) <= float(str(honest["issued_at"])) - BACKDATE_S + 5
        )
        (b_order,) = orders["st-b"]
        (c_order,) = orders["st-c"]

        # st-a: the honest order (issued before the revocation reached it) is carried out; the
        # backdated one is refused at the station and the refusal reaches the console.
        wait_for(lambda: _state(console, str(honest["id"])) == "completed", 60, "st-a done")
        wait_for(
            lambda: _state(console, str(backdated["id"])) == "rejected",
            60,
            "the backdated order rejected at the console",
            children,
        )
        station_a = [
            b
            for b in _bodies(tmp_path / "st-a.db", Kind.ORDER_REJECTED)
            if b["order_id"] == backdated["id"]
        ]
        assert [b["reason"] for b in station_a] == ["revoked"]
        reject = [
            d for oid, step, d in _steps(console) if oid == backdated["id"] and step is Step.REJECT
        ]
        assert [d["reason"] for d in reject] == ["revoked"]
        assert not _bodies(tmp_path / "st-a.db", Kind.ORDER_RECEIVED)[1:]  # only the honest one

        # st-b: reports under the wrong key are refused at the console, the station is told.
        wait_for(
            lambda: "report_signature" in _codes(tmp_path / "st-b.db"),
            60,
            "st-b to learn its reports are refused",
            children,
        )
        # st-c: reports stamped in year 3,170,000 and 1938 are refused as clock_skew.
        wait_for(
            lambda: _codes(tmp_path / "st-c.db").count("clock_skew") == 2,
            60,
            "st-c to learn its reports are refused",
            children,
        )
    finally:
        for child in children:
            kill(child, 15)
    assert _state(console, str(b_order["id"])) == "delivered"
    assert _state(console, str(c_order["id"])) == "delivered"
    console_codes = _codes(console)
    assert "report_signature" in console_codes and console_codes.count("clock_skew") == 2
    assert set(_codes(tmp_path / "st-b.db")) == {"report_signature"}
    assert all(
        oid not in (b_order["id"], c_order["id"]) or step is Step.DELIVER
        for oid, step, _ in _steps(console)
    )

    def times(j: Journal) -> list[float]:
        return [e.ts for e in j.events()]

    stamps = read(console, times)
    assert isinstance(stamps, list)
    assert max(stamps) - min(stamps) < 3600  # nothing from 1938 or year 3,170,000
