"""Keys, grant and trust files for multi-process runs, and the processes' command lines."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from command.authority.grants import issue_grant
from command.authority.keys import TrustedRoot, create_signing_keypair, load_signer, write_trust
from command.authority.scope import Scope
from command.errors import JournalError
from command.journal import Journal
from protocols.certs import create_curve_keypair
from tests import waiting

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    """A loopback TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_port_pair() -> int:
    """A loopback port p with p and p + 1 both free now (feeds and their snapshot port)."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free loopback ports")


def make_world(directory: Path, stations: list[str]) -> None:
    """Keys for the authority, commander, console and stations; a grant; a trust file."""
    keys = directory / "keys"
    create_signing_keypair(keys, "city")
    create_signing_keypair(keys, "commander")
    create_curve_keypair(keys, "console")
    for sid in stations:
        create_curve_keypair(keys, sid)
    authority = load_signer(keys / "city.sign")
    commander = load_signer(keys / "commander.sign")
    now = time.time()
    grant = issue_grant(
        authority,
        delegate="commander",
        delegate_key=commander.public_hex,
        incident="inc-1",
        scope=Scope.of(stations, ["patrol", "close_road"], ["z1"]),
        not_before=now - 3600,
        not_after=now + 86_400,
        redelegate_depth=0,
        issued_at=now,
    )
    (directory / "grant.json").write_text(json.dumps(grant.to_dict()), encoding="utf-8")
    write_trust(directory / "trust.yaml", [TrustedRoot("city", authority.public_hex)])
    (directory / "stations.json").write_text(json.dumps(stations), encoding="utf-8")


def console_argv(
    directory: Path, port: int, orders: int, *, heartbeat: float = 0.5, interval: float = 0.0
) -> list[str]:
    """Command line of the test console process (`interval`: seconds between two orders)."""
    return [
        PYTHON,
        "-m",
        "tests.system.console_proc",
        str(directory),
        str(port),
        str(orders),
        str(heartbeat),
        str(interval),
    ]


def station_argv(directory: Path, sid: str, port: int, *, heartbeat: float = 0.5) -> list[str]:
    """Command line of a real headless station (`baton station`)."""
    return [
        PYTHON,
        "-m",
        "ui.cli",
        "station",
        "--id",
        sid,
        "--headless",
        "--connect",
        f"tcp://127.0.0.1:{port}",
        "--journal",
        str(directory / f"{sid}.db"),
        "--keys",
        str(directory / "keys"),
        "--console-key",
        str(directory / "keys" / "console.key"),
        "--trust",
        str(directory / "trust.yaml"),
        "--accept-after",
        "0",
        "--complete-after",
        "0",
        "--heartbeat",
        str(heartbeat),
    ]


def spawn(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
    """Start a child in its own process group, output to `log`."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            argv,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def kill(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    """Signal a child's process group and reap it."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def read(path: Path, fn: Callable[[Journal], object], empty: object = None) -> object:
    """Apply `fn` to a read-only view of a journal another process is writing (`empty` while
    the file is still being created)."""
    try:
        journal = Journal.open_readonly(path)
    except JournalError:
        if empty is None:
            raise
        return empty
    try:
        return fn(journal)
    finally:
        journal.close()


def check_exactly_once(directory: Path, stations: list[str], orders: int) -> None:
    """Every order issued once, each transition once at the console, received and completed
    exactly once at its station, nothing rejected."""
    console = directory / "console.db"
    issued = count_kind(console, "order.issued", lambda b: str(b["order"]["id"]))  # type: ignore[index]
    assert len(issued) == orders and set(issued.values()) == {1}
    once = Counter(dict.fromkeys(issued, 1))
    for kind in ("order.deliver", "order.acknowledge", "order.accept", "order.complete"):
        assert count_kind(console, kind, lambda b: str(b["order_id"])) == once, kind
    received: Counter[str] = Counter()
    completed: Counter[str] = Counter()
    for sid in stations:
        path = directory / f"{sid}.db"
        received += count_kind(path, "order.received", lambda b: str(b["order"]["id"]))  # type: ignore[index]
        completed += count_kind(path, "order.complete", lambda b: str(b["order_id"]))
        assert count_kind(path, "order.rejected", lambda b: str(b["order_id"])) == Counter()
    assert received == once
    assert completed == once


def count_kind(path: Path, kind: str, key: Callable[[dict[str, object]], str]) -> Counter[str]:
    """How many `kind` events a journal holds, per key."""

    def fn(j: Journal) -> Counter[str]:
        return Counter(key(e.body) for e in j.events(kinds=[kind]))

    if not path.exists():
        return Counter()
    result = read(path, fn, Counter())
    assert isinstance(result, Counter)
    return result


def wait_for(
    cond: Callable[[], bool],
    seconds: float,
    what: str,
    alive: list[subprocess.Popen[bytes]] | None = None,
) -> None:
    """Poll `cond` until true, failing after `seconds` or when a child died."""

    def holds() -> bool:
        if cond():
            return True
        for p in alive or []:
            if p.poll() is not None:
                raise AssertionError(f"a child exited ({p.args!r}) while waiting for {what}")
        return False

    waiting.wait_for(holds, timeout=seconds, interval=0.2, message=what)
