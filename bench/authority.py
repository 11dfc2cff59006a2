"""Benchmark: how many orders per second a station can verify under a depth-3 chain.

"cached" is the steady state (the chain's grant signatures were checked once; each order costs
its own signature check plus the time and revocation checks); "uncached" checks every grant
signature on every order. Each figure is the median of several runs.

    python -m bench.authority
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from command.authority.chain import ChainVerifier
from command.authority.grants import Grant, issue_grant, narrow_grant
from command.authority.orders import Verdict, sign_order, verify_order
from command.authority.scope import Scope
from command.model import Order, Priority
from command.signing import Signer

T0 = 1_760_000_000.0


@dataclass(frozen=True)
class BenchResult:
    """Order verifications per second, median of `runs` runs of `n` verifications."""

    cached_per_s: float
    uncached_per_s: float
    n: int
    n_uncached: int
    runs: int

    def lines(self) -> list[str]:
        """Human-readable figures."""
        return [
            f"order verification, depth-3 chain, median of {self.runs} runs:",
            f"  cached chain:   {self.cached_per_s:>10,.0f} orders/s  ({self.n} per run)",
            f"  uncached chain: {self.uncached_per_s:>10,.0f} orders/s"
            f"  ({self.n_uncached} per run)",
        ]


def _setup() -> tuple[list[Grant], Order, Signer]:
    city, district, site, ic = (Signer.generate(n) for n in ("city", "district", "site", "ic"))
    root = issue_grant(
        city,
        delegate="district",
        delegate_key=district.public_hex,
        incident="BENCH",
        scope=Scope.of(["fire", "police"], ["evacuate", "close_road"], ["z1", "z2"]),
        not_before=T0,
        not_after=T0 + 86400,
        redelegate_depth=2,
        issued_at=T0,
    )
    mid = narrow_grant(root, district, delegate="site", delegate_key=site.public_hex, issued_at=T0)
    leaf = narrow_grant(mid, site, delegate="ic", delegate_key=ic.public_hex, issued_at=T0)
    chain = [root, mid, leaf]
    order = Order(
        id="O",
        incident="BENCH",
        station="fire",
        kind="evacuate",
        params={"radius_m": 300},
        zone="z1",
        priority=Priority.URGENT,
        issued_at=T0 + 60,
        ack_deadline=T0 + 180,
        due=T0 + 900,
        text="bench",
        grant_chain=tuple(g.id for g in chain),
        decision_id="D",
        commander="ic",
    )
    return chain, sign_order(order, ic), ic


def _rate(n: int, runs: int, once: Callable[[int], Verdict]) -> float:
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for i in range(n):
            if not once(i).ok:
                raise AssertionError("benchmark order failed verification")
        rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates)


def run(n: int = 2000, runs: int = 5) -> BenchResult:
    """Measure cached and uncached order verification rates."""
    chain, order, ic = _setup()
    orders = [sign_order(replace(order, id=f"O-{i}"), ic) for i in range(min(n, 200))]
    roots = [chain[0].issuer_key]
    now = T0 + 120
    warm = ChainVerifier(roots)

    def cached(i: int) -> Verdict:
        return verify_order(orders[i % len(orders)], chain, now, warm)

    def uncached(i: int) -> Verdict:
        return verify_order(orders[i % len(orders)], chain, now, ChainVerifier(roots))

    n_uncached = max(1, n // 4)  # four signature checks each: a quarter as many runs as long
    return BenchResult(
        _rate(n, runs, cached), _rate(n_uncached, runs, uncached), n, n_uncached, runs
    )


if __name__ == "__main__":  # pragma: no cover
    print("\n".join(run().lines()))
