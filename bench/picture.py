"""Benchmark P3: feed ingest into fusion + journal (target ≥ 100,000 observations/s).

Run: `python -m bench.picture [--total N] [--batch N]`. Observations are made
before the clock starts; the figure covers `Fusion.ingest` plus `Journal.add_observations` on a
SQLite journal (WAL, synchronous=FULL) in a temporary directory, plus a picture read per batch.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from command.clock import ManualClock
from command.model import Observation
from command.picture.fusion import DerivedSpec, Fusion, MetricSpec

ZONES = 50
METRICS = ("crowd", "wind", "flow", "queue")
SOURCES = ("a", "b", "c")


def make_batches(total: int, batch: int, start: float = 1_760_000_000.0) -> list[list[Observation]]:
    """`total` observations over 200 series × 3 sources, one reading per second per series."""
    rng = np.random.default_rng(7)
    values = rng.normal(1000.0, 50.0, total).tolist()
    series = [(z, m, s) for z in range(ZONES) for m in METRICS for s in SOURCES]
    out: list[list[Observation]] = []
    cur: list[Observation] = []
    n = len(series)
    for i, v in enumerate(values):
        z, m, s = series[i % n]
        cur.append(Observation(start + i // n, f"z{z}.{m}", f"z{z}", m, v, s))
        if len(cur) == batch:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _fusion() -> Fusion:
    specs = [MetricSpec(f"z{z}", m, 1.0) for z in range(ZONES) for m in METRICS]
    areas = {f"z{z}": 10_000.0 for z in range(ZONES)}
    return Fusion(specs, areas=areas, derived=[DerivedSpec("density", "crowd")])


def bench_fusion(total: int = 500_000, batch: int = 5_000) -> dict[str, Any]:
    """Measure fusion alone and fusion + SQLite journal; returns figures in observations/s."""
    from command.journal import Journal  # imported here so fusion does not depend on it

    batches = make_batches(total, batch)
    last_ts = batches[-1][-1].ts
    fusion = _fusion()
    t0 = time.perf_counter()
    for b in batches:
        fusion.ingest(b)
    fusion_s = time.perf_counter() - t0

    fusion = _fusion()
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(batches[0][0].ts)
        journal = Journal.open(Path(tmp) / "bench.db", clock=clock, owner="bench", role="console")
        t0 = time.perf_counter()
        for b in batches:
            fusion.ingest(b)
            journal.add_observations(b)
        both_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        indicators = fusion.indicators(last_ts)
        read_s = time.perf_counter() - t0
        journal.close()
    return {
        "observations": total,
        "batch": batch,
        "fusion_obs_per_s": total / fusion_s,
        "fusion_journal_obs_per_s": total / both_s,
        "picture_read_ms": read_s * 1000.0,
        "indicators": len(indicators),
    }


def main() -> None:
    """Print the P3 figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--total", type=int, default=500_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()
    r = bench_fusion(args.total, args.batch)
    print(
        f"P3 feed ingest: {r['observations']:,} observations in batches of {r['batch']:,}\n"
        f"  fusion only:              {r['fusion_obs_per_s']:>12,.0f} obs/s\n"
        f"  fusion + SQLite journal:  {r['fusion_journal_obs_per_s']:>12,.0f} obs/s "
        f"(target ≥ 100,000)\n"
        f"  picture read ({r['indicators']} indicators): {r['picture_read_ms']:.1f} ms"
    )


if __name__ == "__main__":
    main()
