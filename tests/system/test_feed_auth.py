"""The feed bus admits only allow-listed publishers (issue #13, items 6 and 7).

A live bund console (the headless runtime, provisioned as `baton demo` provisions it) and real
`baton simulate` processes on loopback: first three intruders for a few seconds, one with a CURVE
key of its own that is not on the console's feed allow-list (posing under the simulator's name),
one with no CURVE at all, and one (`feed_intruder_proc`) reconnecting again and again with a
fresh key each time. Nothing of theirs reaches fusion (no observation, no signal), and their
hundreds of handshake attempts are journaled as a handful of `auth.rejected` summaries with
counts. Then the provisioned simulator (its key on the list) publishes, and its observations
arrive. Bounded: every wait has a timeout, every child is killed in `finally`.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from command.journal import Journal
from command.vocabulary import Kind
from protocols.certs import create_curve_keypair
from protocols.runtime.console import ConsoleOptions, ConsoleRuntime
from tests.protocols.runtime.runtime_world import live_options
from tests.system.world import PYTHON, kill, read, spawn, wait_for

pytestmark = pytest.mark.system

INTRUDE_S = 4.0


def _simulate(options: ConsoleOptions, *extra: str, duration: float) -> list[str]:
    """`baton simulate bund` towards the console, scenario minute 10 now."""
    return [
        PYTHON,
        "-m",
        "ui.cli",
        "simulate",
        str(options.scenario.path),
        "--feeds",
        options.feeds_bind,
        "--snapshots",
        options.snapshots_bind,
        "--origin",
        repr(time.time() - 600.0),
        "--speed",
        "1",
        "--duration",
        f"{duration:g}",
        *extra,
    ]


def _count(path: Path) -> tuple[int, int]:
    """(observations, signals received) in a console journal."""

    def fn(j: Journal) -> tuple[int, int]:
        return len(list(j.observations())), len(list(j.events(kinds=[Kind.SIGNAL_RECEIVED])))

    result = read(path, fn, (0, 0))
    assert isinstance(result, tuple)
    return result


def _rejected(path: Path) -> list[dict[str, object]]:
    def fn(j: Journal) -> list[dict[str, object]]:
        return [dict(e.body) for e in j.events(kinds=[Kind.AUTH_REJECTED])]

    result = read(path, fn, [])
    assert isinstance(result, list)
    return result


@pytest.mark.timeout(120)
def test_only_the_allow_listed_simulator_gets_into_fusion(tmp_path: Path) -> None:
    options = live_options(tmp_path)
    rogue = create_curve_keypair(tmp_path / "rogue", "simulator")  # not on the allow-list
    console_key = str(options.provisioned.console_curve_public)
    runtime = ConsoleRuntime(options)
    children: list[subprocess.Popen[bytes]] = []
    try:
        runtime.start()
        keyed = _simulate(
            options, "--keys", str(rogue.secret), "--console-key", console_key, duration=INTRUDE_S
        )
        plain = _simulate(options, "--name", "plain", duration=INTRUDE_S)
        churn = [PYTHON, "-m", "tests.system.feed_intruder_proc", options.feeds_bind]
        churn += [console_key, f"{INTRUDE_S:g}", str(tmp_path / "churn.count")]
        intruders = [
            spawn(keyed, tmp_path / "rogue.log"),
            spawn(plain, tmp_path / "plain.log"),
            spawn(churn, tmp_path / "churn.log"),
        ]
        children += intruders
        wait_for(
            lambda: all(p.poll() is not None for p in intruders),
            30,
            "the intruders to give up",
        )
        assert [p.returncode for p in intruders] == [0, 0, 0]
        churned = int((tmp_path / "churn.count").read_text())
        assert churned >= 30
        assert _count(options.journal) == (0, 0)  # nothing of theirs reached fusion
        during = _rejected(options.journal)
        assert 1 <= len(during) <= 6, during

        honest = spawn(
            _simulate(options, *options.provisioned.simulator.publisher_args(), duration=30),
            tmp_path / "simulator.log",
        )
        children.append(honest)
        wait_for(
            lambda: _count(options.journal)[0] > 0, 30, "the simulator's observations", [honest]
        )
    finally:
        for child in children:
            kill(child, 15)
        runtime.stop()
    lines = _rejected(options.journal)  # the summaries pending at the stop are journaled
    attempts = sum(int(str(b["count"])) for b in lines)
    assert attempts >= churned and len(lines) <= 12, lines
    assert {b["reason"] for b in lines} >= {"unknown_key"}
    assert all(b["service"] == "feeds" for b in lines)
    print(f"\nfeed intruders: {attempts} refused attempts in {INTRUDE_S:g} s, {len(lines)} events")
