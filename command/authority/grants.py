"""Grants and revocations of authority: frozen, signed documents and the functions that make them.

A grant's signature is the issuer's Ed25519 signature (hex) over the canonical JSON of every
other field (`command.canonical`). A revocation is signed by the revoked grant's issuer; it cuts
that grant, and everything delegated below it, from its `effective_at` on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from command.authority.errors import AuthorityError
from command.authority.scope import Scope
from command.canonical import canonical_bytes
from command.ids import new_id
from command.signing import Signer, verify_signature

JSON = Any


class SignedDocument:
    """What grants and revocations share: canonical signing bytes and the signature check."""

    __slots__ = ()
    issuer_key: str
    signature: str

    def to_dict(self) -> dict[str, Any]:
        """Every field, JSON-ready (the subclass says how)."""
        raise NotImplementedError

    def signing_bytes(self) -> bytes:
        """The canonical bytes the signature covers: every field but the signature."""
        body = self.to_dict()
        del body["signature"]
        return canonical_bytes(body)

    def signature_ok(self) -> bool:
        """True when `signature` is `issuer_key`'s signature over this document."""
        return verify_signature(self.issuer_key, self.signing_bytes(), self.signature)


@dataclass(frozen=True, slots=True)
class Grant(SignedDocument):
    """Authority delegated by `issuer` to `delegate` for one incident, scope and time window."""

    id: str
    parent: str | None
    issuer: str
    issuer_key: str
    delegate: str
    delegate_key: str
    incident: str
    scope: Scope
    not_before: float
    not_after: float
    redelegate_depth: int
    issued_at: float
    signature: str = ""

    def to_dict(self) -> dict[str, JSON]:
        """JSON-ready form (the document as stored, sent and journaled)."""
        return {
            "id": self.id,
            "parent": self.parent,
            "issuer": self.issuer,
            "issuer_key": self.issuer_key,
            "delegate": self.delegate,
            "delegate_key": self.delegate_key,
            "incident": self.incident,
            "scope": self.scope.to_dict(),
            # Coerced so that what is signed is exactly what from_dict rebuilds.
            "not_before": float(self.not_before),
            "not_after": float(self.not_after),
            "redelegate_depth": int(self.redelegate_depth),
            "issued_at": float(self.issued_at),
            "signature": self.signature,
        }

    def covers(self, ts: float) -> bool:
        """True when `ts` lies inside [not_before, not_after]."""
        return self.not_before <= ts <= self.not_after

    @classmethod
    def from_dict(cls, body: Mapping[str, JSON]) -> Grant:
        """Rebuild from `to_dict` output; raises `AuthorityError` on a missing or bad field."""
        try:
            parent = body["parent"]
            return cls(
                id=str(body["id"]),
                parent=None if parent is None else str(parent),
                issuer=str(body["issuer"]),
                issuer_key=str(body["issuer_key"]),
                delegate=str(body["delegate"]),
                delegate_key=str(body["delegate_key"]),
                incident=str(body["incident"]),
                scope=Scope.from_dict(body["scope"]),
                not_before=float(body["not_before"]),
                not_after=float(body["not_after"]),
                redelegate_depth=int(body["redelegate_depth"]),
                issued_at=float(body["issued_at"]),
                signature=str(body.get("signature", "")),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise AuthorityError(f"grant is malformed: missing or bad field {err}") from None


@dataclass(frozen=True, slots=True)
class Revocation(SignedDocument):
    """A signed statement by a grant's issuer that the grant ends at `effective_at`."""

    grant_id: str
    effective_at: float
    reason: str
    issuer: str
    issuer_key: str
    issued_at: float
    signature: str = ""

    def to_dict(self) -> dict[str, JSON]:
        """JSON-ready form."""
        return {
            "grant_id": self.grant_id,
            "effective_at": float(self.effective_at),
            "reason": self.reason,
            "issuer": self.issuer,
            "issuer_key": self.issuer_key,
            "issued_at": float(self.issued_at),
            "signature": self.signature,
        }

    def valid_for(self, grant: Grant) -> bool:
        """True when this revocation is about `grant` and signed by the grant's issuer."""
        return (
            self.grant_id == grant.id
            and self.issuer_key == grant.issuer_key
            and self.signature_ok()
        )

    @classmethod
    def from_dict(cls, body: Mapping[str, JSON]) -> Revocation:
        """Rebuild from `to_dict` output; raises `AuthorityError` on a missing or bad field."""
        try:
            return cls(
                grant_id=str(body["grant_id"]),
                effective_at=float(body["effective_at"]),
                reason=str(body["reason"]),
                issuer=str(body["issuer"]),
                issuer_key=str(body["issuer_key"]),
                issued_at=float(body["issued_at"]),
                signature=str(body.get("signature", "")),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise AuthorityError(f"revocation is malformed: missing or bad field {err}") from None


def sign_grant(grant: Grant, signer: Signer) -> Grant:
    """Return `grant` signed by `signer` (whose key must be the grant's issuer key)."""
    if signer.public_hex != grant.issuer_key:
        raise AuthorityError(f"key of {signer.name!r} is not the issuer key of grant {grant.id}")
    return replace(grant, signature=signer.sign(grant.signing_bytes()))


def issue_grant(
    signer: Signer,
    *,
    delegate: str,
    delegate_key: str,
    incident: str,
    scope: Scope,
    not_before: float,
    not_after: float,
    redelegate_depth: int,
    issued_at: float,
    parent: str | None = None,
    grant_id: str | None = None,
) -> Grant:
    """Make and sign a grant from `signer` to `delegate` (a root grant when `parent` is None).

    Raises `AuthorityError` for an empty or reversed window or a negative depth.
    """
    if not incident:
        raise AuthorityError("a grant needs an incident id (--incident)")
    if not_after <= not_before:
        raise AuthorityError("the grant's window ends before it starts: check --from/--until")
    if redelegate_depth < 0:
        raise AuthorityError(f"redelegation depth must be 0 or more, got {redelegate_depth}")
    grant = Grant(
        id=grant_id or new_id(issued_at),
        parent=parent,
        issuer=signer.name,
        issuer_key=signer.public_hex,
        delegate=delegate,
        delegate_key=delegate_key,
        incident=incident,
        scope=scope,
        not_before=not_before,
        not_after=not_after,
        redelegate_depth=redelegate_depth,
        issued_at=issued_at,
    )
    return sign_grant(grant, signer)


def narrow_grant(
    parent: Grant,
    signer: Signer,
    *,
    delegate: str,
    delegate_key: str,
    scope: Scope | None = None,
    not_before: float | None = None,
    not_after: float | None = None,
    redelegate_depth: int | None = None,
    issued_at: float,
) -> Grant:
    """Redelegate part of `parent` to `delegate`, signed by `parent`'s delegate.

    Omitted scope / window / depth default to the parent's (depth to parent's minus one). Refuses
    (one line) anything a station would reject: wrong key, no depth left, wider scope or window.
    """
    if signer.public_hex != parent.delegate_key:
        raise AuthorityError(
            f"key of {signer.name!r} is not the delegate key of grant {parent.id} "
            f"(held by {parent.delegate}): only the delegate can narrow it"
        )
    if parent.redelegate_depth < 1:
        raise AuthorityError(f"grant {parent.id} allows no further delegation (depth 0)")
    scope = scope or parent.scope
    if scope.has_wildcard():
        raise AuthorityError("a narrowed grant must name its stations, kinds and zones, not '*'")
    if not scope.subset_of(parent.scope):
        raise AuthorityError(f"scope is wider than the parent: {scope.wider_part(parent.scope)}")
    nb = parent.not_before if not_before is None else not_before
    na = parent.not_after if not_after is None else not_after
    if nb < parent.not_before or na > parent.not_after:
        raise AuthorityError("the window must lie inside the parent grant's window")
    depth = parent.redelegate_depth - 1 if redelegate_depth is None else redelegate_depth
    if depth > parent.redelegate_depth - 1:
        raise AuthorityError(
            f"depth {depth} exceeds what grant {parent.id} allows ({parent.redelegate_depth - 1})"
        )
    return issue_grant(
        signer,
        delegate=delegate,
        delegate_key=delegate_key,
        incident=parent.incident,
        scope=scope,
        not_before=nb,
        not_after=na,
        redelegate_depth=depth,
        issued_at=issued_at,
        parent=parent.id,
    )


def revoke_grant(
    grant: Grant, signer: Signer, *, reason: str, effective_at: float, issued_at: float
) -> Revocation:
    """A revocation of `grant` signed by its issuer (refused for any other key)."""
    if signer.public_hex != grant.issuer_key:
        raise AuthorityError(
            f"key of {signer.name!r} did not issue grant {grant.id} (issuer {grant.issuer}): "
            "only the issuer can revoke it"
        )
    if not reason.strip():
        raise AuthorityError("a revocation needs a reason (--reason)")
    rev = Revocation(
        grant_id=grant.id,
        effective_at=effective_at,
        reason=reason,
        issuer=signer.name,
        issuer_key=signer.public_hex,
        issued_at=issued_at,
    )
    return replace(rev, signature=signer.sign(rev.signing_bytes()))
