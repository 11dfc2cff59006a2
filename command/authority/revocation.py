"""The set of revocations a verifier knows, versioned so caches can tell when it changed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from command.authority.errors import AuthorityError
from command.authority.grants import Grant, Revocation


class RevocationSet:
    """Revocations by grant id. Only correctly signed revocations are kept; whether the signer
    was the grant's issuer is checked against the grant itself in `cutting`."""

    def __init__(self, revocations: Iterable[Revocation] = ()) -> None:
        self._by_grant: dict[str, list[Revocation]] = {}
        self.version = 0
        for rev in revocations:
            self.add(rev)

    def add(self, rev: Revocation) -> bool:
        """Keep `rev` (True when new); raises `AuthorityError` when its signature is bad."""
        if not rev.signature_ok():
            raise AuthorityError(f"revocation of grant {rev.grant_id} has a bad signature")
        known = self._by_grant.setdefault(rev.grant_id, [])
        if rev in known:
            return False
        known.append(rev)
        self.version += 1
        return True

    def cutting(self, grant: Grant, at: float) -> Revocation | None:
        """The earliest revocation by `grant`'s issuer in effect at `at`, if any."""
        best: Revocation | None = None
        for rev in self._by_grant.get(grant.id, ()):
            if (
                rev.issuer_key == grant.issuer_key
                and rev.effective_at <= at
                and (best is None or rev.effective_at < best.effective_at)
            ):
                best = rev
        return best

    def for_grant(self, grant_id: str) -> tuple[Revocation, ...]:
        """Every kept revocation naming `grant_id`."""
        return tuple(self._by_grant.get(grant_id, ()))

    def __iter__(self) -> Iterator[Revocation]:
        for revs in self._by_grant.values():
            yield from revs

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_grant.values())
