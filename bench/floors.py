"""The physical floors a Baton figure is compared with, measured in the same run.

- raw pyzmq DEALER/ROUTER round trip on loopback (optionally with CURVE),
- raw SQLite commit with WAL and synchronous=FULL (one fsync per commit),
- raw SQLite insert rate (executemany in one transaction),
- raw SQLite insert of observation rows into the journal's observations schema (seven columns,
  the two indexes `baton verify` and replay seek by), batch by batch, one FULL commit each: what
  `add_observations` must do with no Python around it.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import zmq

from bench.stats import Latency, Rate


def zmq_round_trip(n: int = 2000, *, curve: bool = True, warmup: int = 200) -> Latency:
    """Round trip of a small message DEALER → ROUTER → DEALER over tcp loopback."""
    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    dealer = ctx.socket(zmq.DEALER)
    try:
        if curve:
            server_public, server_secret = zmq.curve_keypair()
            client_public, client_secret = zmq.curve_keypair()
            router.curve_server = True
            router.curve_secretkey = server_secret
            router.curve_publickey = server_public
            dealer.curve_serverkey = server_public
            dealer.curve_publickey = client_public
            dealer.curve_secretkey = client_secret
        for s in (router, dealer):
            s.linger = 0
        port = router.bind_to_random_port("tcp://127.0.0.1")
        dealer.routing_id = b"bench"
        dealer.connect(f"tcp://127.0.0.1:{port}")
        payload = [b"BTN1", b"ORDER", b"{}", b"x" * 300]
        samples: list[float] = []
        for i in range(warmup + n):
            t0 = time.perf_counter()
            dealer.send_multipart(payload)
            frames = router.recv_multipart()
            router.send_multipart(frames)
            dealer.recv_multipart()
            if i >= warmup:
                samples.append(time.perf_counter() - t0)
        return Latency.of_seconds(samples)
    finally:
        router.close(0)
        dealer.close(0)
        ctx.term()


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT)")
    return db


def sqlite_commit(n: int = 300, directory: Path | None = None) -> Latency:
    """One small INSERT per transaction, synchronous=FULL: the cost of one durable commit."""
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        db = _connect(Path(tmp) / "floor.sqlite")
        try:
            samples = []
            for i in range(n):
                t0 = time.perf_counter()
                db.execute("BEGIN")
                db.execute("INSERT INTO t(body) VALUES (?)", (f"row {i}",))
                db.execute("COMMIT")
                samples.append(time.perf_counter() - t0)
            return Latency.of_seconds(samples)
        finally:
            db.close()


def sqlite_insert_rate(rows: int = 200_000, runs: int = 3, directory: Path | None = None) -> Rate:
    """Rows per second with executemany in one transaction (the floor for observation ingest)."""
    rates = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=directory) as tmp:
            db = _connect(Path(tmp) / "floor.sqlite")
            try:
                data = [(f"{i},zone,metric,{i * 0.5}",) for i in range(rows)]
                t0 = time.perf_counter()
                db.execute("BEGIN")
                db.executemany("INSERT INTO t(body) VALUES (?)", data)
                db.execute("COMMIT")
                rates.append(rows / (time.perf_counter() - t0))
            finally:
                db.close()
    return Rate.of_runs("rows/s", rates)


OBSERVATION_SCHEMA = (
    "CREATE TABLE observations (ts REAL, feed TEXT, zone TEXT, metric TEXT, value REAL, "
    "source TEXT, batch INTEGER)",
    "CREATE INDEX idx_observations_zone_metric_ts ON observations (zone, metric, ts)",
    "CREATE INDEX idx_observations_ts ON observations (ts)",
)
"""The raw-insert floor's own table: one row per reading (the journal now packs observations)."""


def observation_rows(
    total: int, series: int = 600
) -> list[tuple[float, str, str, str, float, str]]:
    """`total` plain observation tuples over `series` series, one reading per second each."""
    rows = []
    for i in range(total):
        s = i % series
        zone, metric, source = s // 12, ("crowd", "wind", "flow", "queue")[s // 3 % 4], "abc"[s % 3]
        rows.append(
            (
                1_760_000_000.0 + i // series,
                f"z{zone}.{metric}",
                f"z{zone}",
                metric,
                1000.0 + (i * 7919 % 1000) / 7.0,
                source,
            )
        )
    return rows


def observation_insert_rate(
    rows: int = 200_000, batch: int = 5_000, runs: int = 3, directory: Path | None = None
) -> Rate:
    """Observation rows per second into the journal's schema, one FULL commit per batch."""
    data = observation_rows(rows)
    batches = [data[i : i + batch] for i in range(0, len(data), batch)]
    rates = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=directory) as tmp:
            db = sqlite3.connect(Path(tmp) / "floor.sqlite", isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                for ddl in OBSERVATION_SCHEMA:
                    db.execute(ddl)
                t0 = time.perf_counter()
                for seq, rows_ in enumerate(batches):
                    db.execute("BEGIN")
                    db.executemany(
                        f"INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?, {seq})", rows_
                    )
                    db.execute("COMMIT")
                rates.append(len(data) / (time.perf_counter() - t0))
            finally:
                db.close()
    return Rate.of_runs("rows/s", rates)


def measure_floors(quick: bool = False) -> dict[str, Any]:
    """All floors, as JSON-ready dicts."""
    scale = 0.1 if quick else 1.0
    trips = max(50, int(2000 * scale))
    return {
        "zmq_round_trip_curve": asdict(zmq_round_trip(trips, curve=True)),
        "zmq_round_trip_plain": asdict(zmq_round_trip(trips, curve=False)),
        "sqlite_commit_full": asdict(sqlite_commit(max(20, int(300 * scale)))),
        "sqlite_insert": asdict(
            sqlite_insert_rate(max(5000, int(200_000 * scale)), runs=1 if quick else 3)
        ),
        "sqlite_observation_insert": asdict(
            observation_insert_rate(max(10_000, int(200_000 * scale)), runs=1 if quick else 3)
        ),
    }
