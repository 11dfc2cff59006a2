"""Replay is deterministic: what the live console journal held at an instant is what
`baton replay JOURNAL --at T --json` shows for that instant (orders, zone levels, presence).

The bund scenario runs on loopback at high speed: the console runtime in this process (with the
autopilot approving suggestions), four real headless stations and the feed simulator as child
processes on one shared scenario clock. While it runs, the console journal's projections are read
read-only at several instants together with the journal's time; afterwards the replay of each
instant is compared with what was recorded.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from command.journal import Journal
from command.scenarios.loader import load_scenario
from protocols.runtime.console import ConsoleOptions, ConsoleRuntime
from protocols.runtime.provision import provision
from tests.system.world import PYTHON, free_port, kill, spawn
from tests.waiting import wait_for
from ui import cli

pytestmark = [pytest.mark.system, pytest.mark.timeout(120)]

SPEED = 600.0  # scenario seconds per wall second: the 150-minute scenario in ~15 s
RUN_S = 12.0  # wall seconds of live running
SAMPLES = 6


def snapshot(path: Path) -> dict[str, Any] | None:
    """The live state in the console journal now, with the time it holds; None if a write
    landed while reading (the head moved), so the caller tries again."""
    try:
        journal = Journal.open_readonly(path)
    except Exception:
        return None
    try:
        before = journal.head
        last = None
        levels: dict[str, str] = {}
        for ev in journal.events():
            last = ev
            if ev.kind == "picture.level":
                levels[str(ev.body["zone"])] = str(ev.body["level"])
        orders = {row.order.id: row.state.value for row in journal.orders()}
        online = sorted(s.station for s in journal.stations() if s.online)
        if journal.head != before or last is None or last.seq != before[0]:
            return None
        return {
            "at": last.ts,
            "seq": last.seq,
            "orders": orders,
            "levels": levels,
            "online": online,
        }
    finally:
        journal.close()


def replay_json(path: Path, at: float) -> dict[str, Any]:
    """`baton replay PATH --at AT --json`, parsed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["replay", str(path), "--at", repr(at), "--json"])
    assert code == 0, err.getvalue()
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def _ever_online(path: Path) -> bool:
    journal = Journal.open_readonly(path)
    try:
        return next(iter(journal.events(kinds=["station.online"])), None) is not None
    finally:
        journal.close()


@pytest.fixture
def children() -> Iterator[list[Any]]:
    """Child processes, killed (whole process group) whatever happens."""
    procs: list[Any] = []
    yield procs
    for p in procs:
        kill(p)


def test_replay_at_recorded_instants_matches_the_live_journal(
    tmp_path: Path, children: list[Any]
) -> None:
    scenario = load_scenario("bund")
    provisioned = provision(scenario, tmp_path / "data", now_scenario=scenario.start)
    orders, feeds, snaps = free_port(), free_port(), free_port()
    origin = time.time() + 1.0
    options = ConsoleOptions(
        scenario=scenario,
        provisioned=provisioned,
        journal=tmp_path / "console.db",
        origin=origin,
        speed=SPEED,
        orders_bind=f"tcp://127.0.0.1:{orders}",
        feeds_bind=f"tcp://127.0.0.1:{feeds}",
        snapshots_bind=f"tcp://127.0.0.1:{snaps}",
        autopilot_delay_s=60.0,
    )
    clock = ["--origin", repr(origin), "--speed", str(SPEED)]
    recorded: list[dict[str, Any]] = []
    with ConsoleRuntime(options):
        for station in provisioned.stations:
            argv = [PYTHON, "-m", "ui.cli", "station", *station.station_args()]
            argv += ["--headless", "--connect", options.orders_bind, "--scenario", "bund"]
            argv += ["--journal", str(tmp_path / f"{station.id}.db"), "--heartbeat", "0.5"]
            children.append(spawn([*argv, *clock], tmp_path / f"{station.id}.log"))
        sim = [PYTHON, "-m", "ui.cli", "simulate", "bund", "--feeds", options.feeds_bind]
        sim += ["--snapshots", options.snapshots_bind, *clock]
        publisher = provisioned.simulator  # the allow-listed feed publisher
        sim += [
            "--keys",
            str(publisher.curve_secret),
            "--console-key",
            str(publisher.console_public),
        ]
        children.append(spawn(sim, tmp_path / "simulate.log"))
        began = time.monotonic()
        for i in range(SAMPLES):
            # instants spread over the run (pacing only, not a condition of correctness)
            instant = began + RUN_S * (i + 1) / SAMPLES
            wait_for(
                lambda: time.monotonic() >= instant,  # noqa: B023 - used at once, in this turn
                timeout=RUN_S + 5,
                interval=0.1,
                message=f"sampling instant {i + 1} of {SAMPLES}",
            )
            for _ in range(20):
                state = snapshot(options.journal)
                if state is not None:
                    recorded.append(state)
                    break
        for p in children:
            assert p.poll() is None, f"{p.args[3]} exited early: see {tmp_path}"
    for p in children:
        kill(p)

    assert len(recorded) >= SAMPLES - 1
    last = recorded[-1]
    assert last["orders"], "no order was issued during the run"
    assert last["levels"], "no zone level changed during the run"
    # presence at 600x flaps (heartbeats are wall-paced, liveness is on the scenario clock), so
    # at least one instant must have seen a station online; each instant is compared exactly
    assert any(state["online"] for state in recorded) or _ever_online(options.journal)
    for state in recorded:
        replay = replay_json(options.journal, state["at"])
        assert replay["at"] == state["at"]
        assert {o["id"]: o["state"] for o in replay["orders"]} == state["orders"], state["seq"]
        zones = {z["zone"]: z["level"] for z in replay["zones"]}
        assert {z: zones.get(z) for z in state["levels"]} == state["levels"], state["seq"]
        assert all(zones[z] == "green" for z in zones if z not in state["levels"])
        online = sorted(s["station"] for s in replay["stations"] if s.get("online"))
        assert online == state["online"], state["seq"]
        # the same answer every time
        assert replay_json(options.journal, state["at"]) == replay
