"""Summaries of repeated measurements: medians and percentiles, never a single run."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True, slots=True)
class Latency:
    """Latency samples in milliseconds, summarised."""

    n: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float

    @classmethod
    def of_seconds(cls, samples: Sequence[float]) -> Latency:
        """Summarise samples given in seconds."""
        ms = [s * 1000.0 for s in samples]
        return cls(
            n=len(ms),
            p50_ms=percentile(ms, 50),
            p99_ms=percentile(ms, 99),
            mean_ms=statistics.fmean(ms) if ms else float("nan"),
            max_ms=max(ms) if ms else float("nan"),
        )


@dataclass(frozen=True, slots=True)
class Rate:
    """A throughput measured over several runs: the median rate and the spread."""

    unit: str
    median: float
    runs: tuple[float, ...]

    @classmethod
    def of_runs(cls, unit: str, runs: Sequence[float]) -> Rate:
        """Summarise per-run rates."""
        return cls(unit, statistics.median(runs) if runs else float("nan"), tuple(runs))


@dataclass
class Figure:
    """One reported figure: what, measured value(s), its floor, its target and whether met."""

    id: str
    what: str
    value: dict[str, Any]
    floor: dict[str, Any] = field(default_factory=dict)
    target: str = ""
    met: bool | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)
