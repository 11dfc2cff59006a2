"""P4: replay of a 24 h console journal — build the journal, seek to random times, verify it.

`build_day_journal` writes a realistic day of one incident through the real `Journal` API
(synchronous=FULL): incident.opened with zones, stations and feeds; an observation batch every
10 s of incident time (10 M values by default, spread over zones × metrics series); orders issued
in groups with their decision entries and lifecycle steps (delivered, acknowledged, accepted or
declined, started, completed or failed); escalations raised by the timers and resolved by later
steps; zone risk level changes; manual decisions and a correction; stations going on- and
offline; a signed checkpoint every hour and on close.

`bench_replay` measures on that file: building the `ReplayIndex`, seeking to 50 random times
(p50/p99), and `verify_journal` (events/s over the hash chain and checkpoints, observations/s
over the batch digests), next to the raw floors of reading the same rows with SQLite and of that
read plus one SHA-256 per event (`read_and_hash_rate`: the hashing no Python verifier of this
chain can skip). Verify and the two event floors run `VERIFY_RUNS` times, interleaved; the best
of each is printed. Verify's rate includes the work of its chain-scan children (one per usable
CPU, `command.journal.verify_scan`: forked before the timed walk, they wait for their ranges);
the raw read floor stays one plain single-process read.
Target: verify ≥ 0.8 × the raw read of the events.
"""

from __future__ import annotations

import hashlib
import heapq
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.journal import make_orders
from bench.stats import Figure, Latency
from command.clock import ManualClock
from command.journal import Journal, StepRequest, verify_journal
from command.lifecycle import Step
from command.model import Decision, Observation
from command.review.replay import ReplayIndex
from command.signing import Signer
from command.timers import check_timers

START = 1_760_000_000.0
DAY = 86_400.0
FULL_OBSERVATIONS = 10_000_000
QUICK_OBSERVATIONS = 200_000
# Verify scans on every CPU, the floor reads on one: a run whose second CPU the host took (2
# shared CPUs) measures verify alone, so five interleaved runs let each side show its best.
VERIFY_RUNS = 5
METRICS = ("density", "inflow", "outflow", "queue_min", "speed")
LEVELS = ("green", "blue", "yellow", "orange", "red")


@dataclass(frozen=True, slots=True)
class DayJournal:
    """What `build_day_journal` wrote."""

    path: Path
    events: int
    observations: int
    orders: int
    start: float
    end: float
    seconds: float
    checkpoint_key: str


def _lifecycle(rng: random.Random, issued: float) -> Iterator[tuple[float, Step]]:
    """The steps one order goes through after it is issued, with their times."""
    yield issued + rng.uniform(0.05, 1.0), Step.DELIVER
    yield issued + rng.uniform(5, 40), Step.ACKNOWLEDGE
    roll = rng.random()
    if roll < 0.05:
        yield issued + rng.uniform(45, 90), Step.DECLINE
        return
    late = roll < 0.15  # accepted only after the ack deadline: an escalation is raised first
    accepted = issued + (rng.uniform(150, 400) if late else rng.uniform(45, 100))
    yield accepted, Step.ACCEPT
    started = accepted + rng.uniform(10, 60)
    yield started, Step.START
    overdue = rng.random() < 0.05  # finished after its due time: another escalation
    done = issued + 950 + rng.uniform(0, 400) if overdue else started + rng.uniform(200, 500)
    yield done, Step.FAIL if rng.random() < 0.03 else Step.COMPLETE


def build_day_journal(
    path: Path | str,
    observations: int = FULL_OBSERVATIONS,
    *,
    zones: int = 24,
    stations: int = 50,
    orders: int = 2000,
    batch_s: float = 10.0,
    seed: int = 1,
    start: float = START,
) -> DayJournal:
    """Write a 24 h console journal at `path` (which must not exist yet); see the module doc.

    `observations` values go into `DAY / batch_s` batches over `zones × 5` series. Use
    `QUICK_OBSERVATIONS` (and fewer orders) for a smoke run.
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists: give a new path for the day journal")
    began = time.perf_counter()
    rng = random.Random(seed)
    clock = ManualClock(start)
    signer = Signer.generate("chief-li")
    zone_ids = [f"zone-{z:02d}" for z in range(zones)]
    station_ids = [f"station-{s:02d}" for s in range(stations)]
    series = [(z, m) for z in zone_ids for m in METRICS]
    steps_total = int(DAY / batch_s)
    interval = batch_s * len(series) * steps_total / max(1, observations)
    feeds = [{"zone": z, "metric": m, "interval_s": interval} for z, m in series]
    values = {s: rng.uniform(0.5, 3.0) for s in series}
    issue_times = sorted(start + rng.uniform(60, DAY - 1800) for _ in range(orders))
    pending_steps: list[tuple[float, int, str, Step, str]] = []
    level_times = sorted(start + rng.uniform(0, DAY) for _ in range(max(1, orders // 4)))
    flap_times = sorted(start + rng.uniform(0, DAY) for _ in range(max(1, stations * 2)))
    decision_times = sorted(start + rng.uniform(0, DAY) for _ in range(max(3, orders // 20)))
    zone_level = dict.fromkeys(zone_ids, 0)
    manual: list[Decision] = []
    journal = Journal.open(path, clock=clock, owner="chief-li", role="console")
    n_obs = 0
    next_order = 0
    tie = 0
    try:
        journal.append(
            "incident.opened",
            {
                "incident": {
                    "id": "bench-day",
                    "name": "Riverside festival, day 1",
                    "timezone": "Asia/Shanghai",
                    "zones": [{"id": z, "name": z.replace("-", " ").title()} for z in zone_ids],
                    "stations": [{"id": s, "name": s, "agency": "bench"} for s in station_ids],
                },
                "commander": "chief-li",
                "position": "Incident Commander",
                "agency": "bench",
                "feeds": feeds,
            },
            actor="chief-li",
            incident="bench-day",
        )
        with journal.transaction():
            for s in station_ids:
                journal.set_station_status(s, True, detail="start of shift")
        for step_no in range(steps_total):
            t = start + (step_no + 1) * batch_s
            # lifecycle steps that fell due since the last batch, in time order
            due: list[StepRequest] = []
            while pending_steps and pending_steps[0][0] <= t:
                when, _, order_id, step, actor = heapq.heappop(pending_steps)
                due.append(StepRequest(order_id, step, actor, {"at": "scene"}, ts=when))
            if due:
                journal.record_steps(due)
            clock.set(t)
            # orders issued in this slice, as one group commit
            count = 0
            while next_order + count < orders and issue_times[next_order + count] <= t:
                count += 1
            if count:
                group = make_orders(clock, signer, count, station_ids, next_order)
                next_order += count
                for issued in journal.issue_orders(group):
                    order = issued.order
                    for when, step in _lifecycle(rng, t):
                        tie += 1
                        heapq.heappush(pending_steps, (when, tie, order.id, step, order.station))
            # the fused picture, station links, the commander's own log
            while level_times and level_times[0] <= t:
                level_times.pop(0)
                zone = rng.choice(zone_ids)
                old = zone_level[zone]
                new = max(0, min(4, old + rng.choice((-1, 1))))
                zone_level[zone] = new
                journal.append(
                    "picture.level",
                    {
                        "zone": zone,
                        "level": LEVELS[new],
                        "previous": LEVELS[old],
                        "indicator": "density",
                        "value": round(rng.uniform(0.5, 5), 2),
                    },
                    actor="fusion",
                    incident="bench-day",
                )
            while flap_times and flap_times[0] <= t:
                flap_times.pop(0)
                station = rng.choice(station_ids)
                journal.set_station_status(station, False, detail="link lost")
                journal.set_station_status(station, True, detail="link back")
            while decision_times and decision_times[0] <= t:
                decision_times.pop(0)
                entry = _manual_decision(rng, t, len(manual), zone_level)
                journal.add_decision(entry)
                manual.append(entry)
                if len(manual) == 3:
                    fix = _manual_decision(rng, t, 999, zone_level)
                    journal.correct_decision(manual[0].id, fix, "wrong gate named")
            if step_no % max(1, int(60 / batch_s)) == 0:  # the console's timers, every minute
                check_timers(journal, t)
            # this slice's feed values
            count = observations * (step_no + 1) // steps_total - n_obs
            if count:
                batch = []
                per_series = len(series)
                for k in range(n_obs, n_obs + count):  # value k: series k % S at its tick
                    key = series[k % per_series]
                    v = values[key] = abs(values[key] + rng.gauss(0, 0.05))
                    ts = start + (k // per_series) * interval
                    batch.append(Observation(ts, "cam", key[0], key[1], v, f"cam-{key[0]}"))
                journal.add_observations(batch)
                n_obs += count
            if step_no % int(3600 / batch_s) == 0 and step_no:
                journal.checkpoint(signer)
        # late steps after the last batch
        rest = [
            StepRequest(order_id, step, actor, {"at": "scene"}, ts=when)
            for when, _, order_id, step, actor in sorted(pending_steps)
        ]
        clock.set(start + DAY)
        if rest:
            journal.record_steps(rest)
        events = journal.head[0] + 1  # the checkpoint on close
    finally:
        journal.close(signer)
    return DayJournal(
        path,
        events,
        n_obs,
        next_order,
        start,
        start + DAY,
        time.perf_counter() - began,
        signer.public_hex,
    )


def _manual_decision(rng: random.Random, t: float, n: int, levels: dict[str, int]) -> Decision:
    from command.ids import new_id

    return Decision(
        id=new_id(t),
        incident="bench-day",
        ts=t,
        author="chief-li",
        decision=f"Decision {n}: open the north exits earlier",
        rationale="density rising at the riverside",
        snapshot={z: {"level": LEVELS[v]} for z, v in levels.items()},
    )


def raw_read_rate(
    path: Path, tables: tuple[str, ...] = ("events", "observations")
) -> dict[str, float]:
    """The floor: rows/s of reading every event with plain SQLite, and observations/s of reading
    every packed batch row (one row per batch, its `count` observations in one blob)."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        out = {}
        for table, cols, name in (
            ("events", "seq, ts, actor, kind, incident, body, prev_hash, hash", "events"),
            ("observation_batches", "count, batch, data", "observations"),
        ):
            if name not in tables:
                continue
            t0 = time.perf_counter()
            cursor = conn.execute(f"SELECT {cols} FROM {table} ORDER BY rowid")
            n = 0
            while chunk := cursor.fetchmany(8192):
                n += len(chunk) if name == "events" else sum(r[0] for r in chunk)
            out[name] = n / (time.perf_counter() - t0)
        return out
    finally:
        conn.close()


def read_and_hash_rate(path: Path) -> float:
    """A second floor: events/s of the same plain read plus one SHA-256 (hex, compared with the
    stored hash) over each event's stored columns: what any verifier of this chain in Python
    pays per event before it checks anything."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    sha256 = hashlib.sha256
    try:
        t0 = time.perf_counter()
        cols = "seq, ts, actor, kind, incident, body, prev_hash, hash"
        cursor = conn.execute(f"SELECT {cols} FROM events ORDER BY rowid")
        n = same = 0
        while chunk := cursor.fetchmany(8192):
            n += len(chunk)
            for seq, ts, actor, kind, incident, body, link, digest in chunk:
                text = f"{link}{actor}{body}{incident}{kind}{seq}{ts!r}"
                same += sha256(text.encode()).hexdigest() == digest
        return n / (time.perf_counter() - t0)
    finally:
        conn.close()


def bench_replay(
    quick: bool, floors: dict[str, Any] | None = None, directory: Path | None = None
) -> list[Figure]:
    """P4 figures on a freshly built day journal (10 M observations; 200 k with `quick`)."""
    del floors  # P4's floors are the raw reads of the same file, measured here
    size = QUICK_OBSERVATIONS if quick else FULL_OBSERVATIONS
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        day = build_day_journal(
            Path(tmp) / "day.journal", size, orders=300 if quick else 2000, stations=50
        )
        reader = Journal.open_readonly(day.path)
        try:
            t0 = time.perf_counter()
            index = ReplayIndex(reader.events(), reader)
            index_s = time.perf_counter() - t0
            rng = random.Random(3)
            seeks = []
            for _ in range(50):
                at = rng.uniform(day.start, day.end)
                t0 = time.perf_counter()
                index.state_at(at)
                seeks.append(time.perf_counter() - t0)
        finally:
            reader.close()
        seek = Latency.of_seconds(seeks)
        # Verify and the events' floors are each measured VERIFY_RUNS times, interleaved, and the
        # best of each kept (a shared machine only ever makes a run slower); the observation
        # floor reads every packed batch once.
        events_raw: list[float] = []
        hashed: list[float] = []
        runs = []
        for _ in range(VERIFY_RUNS):
            events_raw.append(raw_read_rate(day.path, ("events",))["events"])
            hashed.append(read_and_hash_rate(day.path))
            runs.append(verify_journal(day.path, trusted=[day.checkpoint_key]))
        # the fastest run, unless one failed (then that one is what is printed)
        result = min(runs, key=lambda r: (r.ok, -r.rate))
        raw = raw_read_rate(day.path, ("observations",))
        raw["events"] = max(events_raw)
        floor_hashed = max(hashed)
        size_mb = day.path.stat().st_size / 1e6
    built = (
        f"{day.events:,} events, {day.observations:,} observations, {day.orders:,} orders; "
        f"{size_mb:,.0f} MB written in {day.seconds:,.1f} s"
    )
    return [
        Figure(
            id="P4",
            what="replay seek: state of every panel at a random time of a 24 h journal",
            value={
                "seek p50 ms": seek.p50_ms,
                "seek p99 ms": seek.p99_ms,
                "seek max ms": seek.max_ms,
                "index build s": index_s,
            },
            target="seek ≤ 200 ms",
            met=seek.max_ms <= 200.0,
            note=built,
        ),
        Figure(
            id="P4",
            what="baton verify of the same journal (hash chain, checkpoints, digests)",
            value={
                "events/s": result.rate,
                "observations/s": result.observation_rate,
                "events vs raw read": result.rate / raw["events"] if raw["events"] else 0.0,
                "events vs read + SHA-256": result.rate / floor_hashed if floor_hashed else 0.0,
                "total s": result.seconds + result.observation_seconds,
                "projections+outbox s": result.table_seconds,
                "intact": result.ok,
            },
            floor={
                "raw read events rows/s": raw["events"],
                "raw read + one SHA-256 per event, events/s": floor_hashed,
                "raw read observations rows/s": raw["observations"],
            },
            target="verify ≥ 0.8 × raw read of the events (same run)",
            met=result.ok and result.rate >= 0.8 * raw["events"],
            note="observations are covered by one digest per batch event; "
            "their rate is the re-digest of every stored value; the projection, outbox and "
            f"inbox check ({result.table_rows:,} rows refolded from the events) is timed apart",
        ),
    ]
