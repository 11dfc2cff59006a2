"""Chain verification: from a trusted root down to the grant an order is signed under.

Two kinds of check:

- *static* (depend only on the documents and the trusted roots): links, signatures, issuer keys,
  scope and window nesting, depth. These are what `ChainVerifier` caches.
- *dynamic* (depend on the time and the revocations): not yet valid, expired, revoked. They run
  on every call, cached or not, so a cache can never let an expired or revoked chain pass.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from command.authority.grants import Grant, Revocation
from command.authority.reasons import Reason
from command.authority.revocation import RevocationSet


@dataclass(frozen=True, slots=True)
class ChainResult:
    """Outcome of a chain check: ok, or the reason and the id of the grant that failed."""

    ok: bool
    reason: Reason | None = None
    grant_id: str | None = None
    detail: str = ""

    @classmethod
    def fail(cls, reason: Reason, grant_id: str | None, detail: str = "") -> ChainResult:
        """A failure at `grant_id`."""
        return cls(False, reason, grant_id, detail or reason.plain)


VALID = ChainResult(True)


def check_static(chain: Sequence[Grant], roots: Collection[str]) -> ChainResult:
    """Check everything about `chain` that does not depend on time or revocations.

    `chain` runs root first; `roots` are the trusted root public keys (hex).
    """
    if not chain:
        return ChainResult.fail(Reason.BROKEN_CHAIN, None, "the chain holds no grant")
    prev: Grant | None = None
    for link in chain:
        gid = link.id
        if prev is None:
            if link.parent is not None:
                return ChainResult.fail(
                    Reason.BROKEN_CHAIN, gid, f"first grant has parent {link.parent}, not a root"
                )
        elif link.parent != prev.id:
            return ChainResult.fail(
                Reason.BROKEN_CHAIN, gid, f"grant's parent is {link.parent}, not {prev.id}"
            )
        if not link.signature_ok():
            return ChainResult.fail(Reason.BAD_SIGNATURE, gid)
        if prev is None:
            if link.issuer_key not in roots:
                return ChainResult.fail(
                    Reason.UNKNOWN_ROOT, gid, f"issuer {link.issuer} is not a trusted root"
                )
        else:
            failure = _check_against_parent(link, prev)
            if failure is not None:
                return failure
        prev = link
    return VALID


def _check_against_parent(link: Grant, parent: Grant) -> ChainResult | None:
    gid = link.id
    if link.issuer_key != parent.delegate_key:
        return ChainResult.fail(
            Reason.ISSUER_KEY_MISMATCH,
            gid,
            f"signed by {link.issuer}, but grant {parent.id} was delegated to {parent.delegate}",
        )
    if link.incident != parent.incident:
        return ChainResult.fail(
            Reason.SCOPE_WIDER_THAN_PARENT,
            gid,
            f"incident {link.incident} is not the parent's incident {parent.incident}",
        )
    if link.scope.has_wildcard():
        return ChainResult.fail(
            Reason.SCOPE_WIDER_THAN_PARENT, gid, "'*' (all) is allowed only in a root grant"
        )
    if not link.scope.subset_of(parent.scope):
        return ChainResult.fail(
            Reason.SCOPE_WIDER_THAN_PARENT, gid, link.scope.wider_part(parent.scope)
        )
    if link.not_before < parent.not_before or link.not_after > parent.not_after:
        return ChainResult.fail(Reason.WINDOW_OUTSIDE_PARENT, gid)
    if parent.redelegate_depth < 1 or link.redelegate_depth > parent.redelegate_depth - 1:
        return ChainResult.fail(
            Reason.DEPTH_EXCEEDED,
            gid,
            f"grant {parent.id} allows depth {parent.redelegate_depth}; "
            f"this grant claims {link.redelegate_depth}",
        )
    return None


def check_dynamic(
    chain: Sequence[Grant], revocations: RevocationSet, now: float, at: float | None = None
) -> ChainResult:
    """Time and revocation checks at `now`; revocations are judged at `at` (default `now`).

    A revocation cuts its grant and every grant below it, so the chain is walked root first and
    the first revoked link is named.
    """
    at = now if at is None else at
    for link in chain:
        rev = revocations.cutting(link, at)
        if rev is not None:
            return ChainResult.fail(Reason.REVOKED, link.id, _revoked_detail(rev))
    for link in chain:
        if now < link.not_before:
            return ChainResult.fail(Reason.NOT_YET_VALID, link.id)
        if now > link.not_after:
            return ChainResult.fail(Reason.EXPIRED, link.id)
    return VALID


def _revoked_detail(rev: Revocation) -> str:
    return f"grant {rev.grant_id} revoked by {rev.issuer}: {rev.reason}"


def verify_chain(
    chain: Sequence[Grant],
    *,
    roots: Collection[str],
    revocations: RevocationSet | None = None,
    now: float,
    at: float | None = None,
) -> ChainResult:
    """Full, uncached verification of `chain` (root first) at `now`."""
    result = check_static(chain, roots)
    if not result.ok:
        return result
    return check_dynamic(chain, revocations or RevocationSet(), now, at)


class ChainVerifier:
    """Verifies chains against fixed trusted roots, caching the static checks.

    The cache key is the revocation-set version plus the grants themselves (hash and equality
    over every field, signature included), so an altered grant that kept its id never hits the
    cache. Adding a revocation bumps the version and empties the cache. Time and revocation
    checks run on every call.
    """

    def __init__(
        self,
        roots: Iterable[str],
        revocations: RevocationSet | None = None,
        *,
        cache_size: int = 4096,
    ) -> None:
        self.roots = frozenset(roots)
        self.revocations = revocations if revocations is not None else RevocationSet()
        self._cache: OrderedDict[tuple[int, tuple[Grant, ...]], ChainResult] = OrderedDict()
        self._cache_size = cache_size
        self.hits = 0
        self.misses = 0

    def add_revocation(self, rev: Revocation) -> bool:
        """Record `rev` (signature checked) and invalidate the cache; True when new."""
        added = self.revocations.add(rev)
        if added:
            self._cache.clear()
        return added

    def clear(self) -> None:
        """Forget every cached result."""
        self._cache.clear()

    def verify(self, chain: Sequence[Grant], now: float, *, at: float | None = None) -> ChainResult:
        """Verify `chain` at `now` (revocations judged at `at`, default `now`)."""
        key = (self.revocations.version, tuple(chain))
        static = self._cache.get(key)
        if static is None:
            self.misses += 1
            static = check_static(key[1], self.roots)
            self._cache[key] = static
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        else:
            self.hits += 1
            self._cache.move_to_end(key)
        if not static.ok:
            return static
        return check_dynamic(key[1], self.revocations, now, at)
