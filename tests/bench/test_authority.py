"""The benchmark runs and reports both figures (no timing is asserted)."""

from __future__ import annotations

from bench.authority import run


def test_bench_smoke() -> None:
    result = run(n=8, runs=1)
    assert result.cached_per_s > 0 and result.uncached_per_s > 0
    assert "cached chain" in "\n".join(result.lines())
