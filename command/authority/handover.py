"""Handing a commander's authority to a successor, and moving open orders to the new chain.

The rule: orders still open at a handover carry on under the successor's chain (they are neither
cancelled nor re-issued). How:

- The issuer of the predecessor's grant issues the successor a grant with the same parent,
  incident, scope, depth and window (so every open order's `issued_at` lies inside it), and
  revokes the predecessor's grant effective at the handover time.
- Orders are judged for revocation at their `issued_at`: an order the predecessor issued before
  the handover time stays valid under the old chain.
- The console also re-signs each still-open order under the successor's chain with `rechain`
  (same id and content; new `grant_chain`, `commander` and signature). A station accepts a
  re-chained copy of an order it already holds (see `AuthorityBook`), not a replay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from command.authority.errors import AuthorityError
from command.authority.grants import Grant, Revocation, issue_grant, revoke_grant
from command.authority.orders import sign_order
from command.model import Order
from command.signing import Signer


@dataclass(frozen=True, slots=True)
class Handover:
    """The two documents of a handover: the successor's grant and the predecessor's revocation."""

    old: Grant
    new: Grant
    revocation: Revocation


def hand_over(
    old: Grant,
    issuer: Signer,
    *,
    successor: str,
    successor_key: str,
    effective_at: float,
    issued_at: float,
    reason: str = "",
) -> Handover:
    """Issue `successor` a grant like `old` and revoke `old` from `effective_at` on."""
    if issuer.public_hex != old.issuer_key:
        raise AuthorityError(
            f"key of {issuer.name!r} did not issue grant {old.id}: "
            f"only {old.issuer} can hand it over"
        )
    if successor_key == old.delegate_key:
        raise AuthorityError("the successor's key is the predecessor's: use a different key")
    if not old.not_before <= effective_at <= old.not_after:
        raise AuthorityError("the handover time must lie inside the predecessor's grant window")
    new = issue_grant(
        issuer,
        delegate=successor,
        delegate_key=successor_key,
        incident=old.incident,
        scope=old.scope,
        not_before=old.not_before,
        not_after=old.not_after,
        redelegate_depth=old.redelegate_depth,
        issued_at=issued_at,
        parent=old.parent,
    )
    rev = revoke_grant(
        old,
        issuer,
        reason=reason or f"handover from {old.delegate} to {successor}",
        effective_at=effective_at,
        issued_at=issued_at,
    )
    return Handover(old, new, rev)


def rechain(order: Order, new_chain: Sequence[Grant], successor_signer: Signer) -> Order:
    """The same order (same id and content) carried under `new_chain`, signed by its holder."""
    if not new_chain:
        raise AuthorityError("cannot re-chain an order onto an empty chain")
    leaf = new_chain[-1]
    if successor_signer.public_hex != leaf.delegate_key:
        raise AuthorityError(
            f"key of {successor_signer.name!r} does not hold grant {leaf.id} "
            f"(delegated to {leaf.delegate})"
        )
    moved = replace(
        order,
        grant_chain=tuple(g.id for g in new_chain),
        commander=leaf.delegate,
        signature="",
    )
    return sign_order(moved, successor_signer)
