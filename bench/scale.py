"""P5: 500 stations on one console, heartbeats at 1 s: the console's CPU use.

The console is the real `ConsoleNode` in its own process (`bench.console_proc`; ROUTER,
CURVE + ZAP allow-list, file journal with synchronous=FULL). The stations are lightweight: one
thread in this process owns 500 CURVE DEALER sockets (routing id = station id, allow-listed keys)
and speaks the real protocol — HELLO, then a HEARTBEAT every second per station — and reads what
the console sends (its heartbeats). The figure is the console process's CPU time over a window
divided by the window's wall time (1.0 = one core), read from /proc.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import zmq

from bench.console_proc import write_config
from command.ids import new_id
from protocols.codec import encode
from protocols.messages import Header, Heartbeat, Hello, Message

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A loopback TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def start_console(
    directory: Path, stations: list[str], keys: dict[str, Any], **extra: Any
) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """Spawn the bench console process; returns it and its config (with the port)."""
    config = {
        "stations": stations,
        "public": keys["console"][0].decode(),
        "secret": keys["console"][1].decode(),
        "allowed": {keys[s][0].decode(): s for s in stations},
        "port": extra.pop("port", None) or free_port(),
        "journal": str(directory / "console.db"),
        **extra,
    }
    path = write_config(directory / "console.json", **config)
    return spawn_console(path, directory), config


def spawn_console(config: Path, directory: Path) -> subprocess.Popen[bytes]:
    """Start `python -m bench.console_proc CONFIG` and wait for its "ready" line."""
    log = open(directory / "console.log", "ab")  # noqa: SIM115 - owned by the child
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.console_proc", str(config)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
        stdin=subprocess.DEVNULL,
    )
    log.close()
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if b"ready" not in line:
        proc.kill()
        proc.wait(10)
        raise RuntimeError(f"bench console did not start (see {directory / 'console.log'})")
    return proc


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 10 s; always reaped."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    if proc.stdout is not None:
        proc.stdout.close()


class Swarm:
    """`n` lightweight stations in one thread (see module doc)."""

    def __init__(
        self, stations: list[str], keys: dict[str, Any], port: int, heartbeat_s: float = 1.0
    ) -> None:
        self.stations = stations
        self.keys = keys
        self.port = port
        self.heartbeat_s = heartbeat_s
        self.heard: set[str] = set()  # stations that got something from the console
        self.received = 0
        self.sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-swarm", daemon=True)

    def start(self) -> Swarm:
        """Connect every station (in the swarm thread)."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close every socket (bounded)."""
        self._stop.set()
        self._thread.join(10)

    def _message(self, sid: str, seq: int, body: Any) -> list[bytes]:
        now = time.time()
        return encode(Message(Header(new_id(now), sid, seq, "", now, 1), body))

    def _run(self) -> None:
        ctx: zmq.Context[Any] = zmq.Context()
        sockets: dict[zmq.Socket[Any], str] = {}
        poller = zmq.Poller()
        try:
            server_public = self.keys["console"][0]
            for sid in self.stations:
                s = ctx.socket(zmq.DEALER)
                s.linger = 0
                s.routing_id = sid.encode()
                s.curve_serverkey = server_public
                s.curve_publickey, s.curve_secretkey = self.keys[sid]
                s.connect(f"tcp://127.0.0.1:{self.port}")
                sockets[s] = sid
                poller.register(s, zmq.POLLIN)
            seqs = dict.fromkeys(self.stations, 0)
            for s, sid in sockets.items():
                seqs[sid] += 1
                s.send_multipart(self._message(sid, seqs[sid], Hello("station", sid)))
                self.sent += 1
            # Spread the heartbeats over the second, as independent stations would be.
            order = list(sockets.items())
            step = self.heartbeat_s / max(1, len(order))
            next_at = time.monotonic()
            i = 0
            while not self._stop.is_set():
                now = time.monotonic()
                while now >= next_at:
                    s, sid = order[i % len(order)]
                    seqs[sid] += 1
                    try:
                        s.send_multipart(self._message(sid, seqs[sid], Heartbeat()), zmq.NOBLOCK)
                        self.sent += 1
                    except zmq.Again:
                        pass
                    i += 1
                    next_at += step
                for s, _ in poller.poll(max(0, int((next_at - time.monotonic()) * 1000))):
                    while True:
                        try:
                            s.recv_multipart(zmq.NOBLOCK)
                        except zmq.Again:
                            break
                        self.received += 1
                        self.heard.add(sockets[s])
        finally:
            for s in sockets:
                s.close(0)
            ctx.term()


def bench_scale(
    stations: int = 500, window_s: float = 20.0, heartbeat_s: float = 1.0
) -> dict[str, Any]:
    """P5: console CPU share with `stations` heartbeating stations (see module doc)."""
    ids = [f"st-{i:03d}" for i in range(stations)]
    keys = {sid: zmq.curve_keypair() for sid in [*ids, "console"]}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        proc, config = start_console(directory, ids, keys, heartbeat_s=heartbeat_s)
        swarm = Swarm(ids, keys, config["port"], heartbeat_s)
        try:
            swarm.start()
            t_connect = time.monotonic()
            deadline = t_connect + 60
            while len(swarm.heard) < stations and time.monotonic() < deadline:
                time.sleep(0.1)
            connected_s = time.monotonic() - t_connect
            heard_before = len(swarm.heard)
            time.sleep(min(2.0, window_s / 4))  # settle
            c0, w0, r0 = cpu_seconds(proc.pid), time.monotonic(), swarm.received
            time.sleep(window_s)
            c1, w1, r1 = cpu_seconds(proc.pid), time.monotonic(), swarm.received
        finally:
            swarm.stop()
            stop_process(proc)
        online = _online(directory / "console.db")
    return {
        "stations": stations,
        "connected": heard_before,
        "connect_s": connected_s,
        "online_in_journal": online,
        "window_s": w1 - w0,
        "cpu_cores": (c1 - c0) / (w1 - w0),
        "console_msgs_per_s": (r1 - r0) / (w1 - w0),
    }


def _online(path: Path) -> int:
    from command.journal import Journal

    journal = Journal.open_readonly(path)
    try:
        return sum(1 for row in journal.stations() if row.online)
    finally:
        journal.close()


if __name__ == "__main__":
    print(json.dumps(bench_scale(int(sys.argv[1]) if len(sys.argv) > 1 else 500, 5.0)))
