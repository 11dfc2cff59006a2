"""The console's side of delegation: make grants, narrowings, revocations and handovers, and
journal each one as the full signed document.

Journal bodies: `grant.issued` / `grant.narrowed` `{grant}`, `grant.revoked`
`{revocation, grant_id}`, `handover` `{from, to, old_grant_id, grant, revocation, rechained}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from command.authority.grants import (
    Grant,
    Revocation,
    issue_grant,
    narrow_grant,
    revoke_grant,
)
from command.authority.handover import Handover, hand_over, rechain
from command.authority.journaling import Appender, transaction
from command.authority.scope import Scope
from command.clock import Clock
from command.model import Order
from command.signing import Signer


@dataclass(frozen=True, slots=True)
class HandoverResult:
    """A completed handover: its documents and the open orders moved to the successor's chain."""

    handover: Handover
    chain: tuple[Grant, ...]
    rechained: tuple[Order, ...]


class DelegationDesk:
    """Issues delegation documents at the console and journals every one of them."""

    def __init__(self, journal: Appender, clock: Clock, *, actor: str) -> None:
        self.journal = journal
        self.clock = clock
        self.actor = actor

    def issue(
        self,
        signer: Signer,
        *,
        delegate: str,
        delegate_key: str,
        incident: str,
        scope: Scope,
        not_before: float,
        not_after: float,
        redelegate_depth: int,
    ) -> Grant:
        """A root grant from `signer`, journaled as `grant.issued`."""
        now = self.clock.now()
        grant = issue_grant(
            signer,
            delegate=delegate,
            delegate_key=delegate_key,
            incident=incident,
            scope=scope,
            not_before=not_before,
            not_after=not_after,
            redelegate_depth=redelegate_depth,
            issued_at=now,
        )
        self.journal.append(
            "grant.issued", {"grant": grant.to_dict()}, actor=self.actor, incident=incident, ts=now
        )
        return grant

    def narrow(
        self,
        parent: Grant,
        signer: Signer,
        *,
        delegate: str,
        delegate_key: str,
        scope: Scope | None = None,
        not_before: float | None = None,
        not_after: float | None = None,
        redelegate_depth: int | None = None,
    ) -> Grant:
        """Redelegate part of `parent`, journaled as `grant.narrowed`."""
        now = self.clock.now()
        grant = narrow_grant(
            parent,
            signer,
            delegate=delegate,
            delegate_key=delegate_key,
            scope=scope,
            not_before=not_before,
            not_after=not_after,
            redelegate_depth=redelegate_depth,
            issued_at=now,
        )
        self.journal.append(
            "grant.narrowed",
            {"grant": grant.to_dict()},
            actor=self.actor,
            incident=grant.incident,
            ts=now,
        )
        return grant

    def revoke(
        self, grant: Grant, signer: Signer, *, reason: str, effective_at: float | None = None
    ) -> Revocation:
        """Revoke `grant` (from now unless `effective_at`), journaled as `grant.revoked`."""
        now = self.clock.now()
        rev = revoke_grant(
            grant,
            signer,
            reason=reason,
            effective_at=now if effective_at is None else effective_at,
            issued_at=now,
        )
        self.journal.append(
            "grant.revoked",
            {"revocation": rev.to_dict(), "grant_id": grant.id},
            actor=self.actor,
            incident=grant.incident,
            ts=now,
        )
        return rev

    def handover(
        self,
        old_chain: Sequence[Grant],
        issuer: Signer,
        *,
        successor: str,
        successor_key: str,
        effective_at: float,
        open_orders: Sequence[Order] = (),
        successor_signer: Signer | None = None,
        reason: str = "",
    ) -> HandoverResult:
        """Hand the leaf of `old_chain` to `successor` and move `open_orders` to the new chain.

        Journals `grant.issued`, `grant.revoked` and `handover` in one transaction. Open orders
        are re-signed only when `successor_signer` is given (the successor's own console may do
        it instead); they are listed in the `handover` event.
        """
        now = self.clock.now()
        old = old_chain[-1]
        done = hand_over(
            old,
            issuer,
            successor=successor,
            successor_key=successor_key,
            effective_at=effective_at,
            issued_at=now,
            reason=reason,
        )
        chain = (*old_chain[:-1], done.new)
        moved = (
            tuple(rechain(o, chain, successor_signer) for o in open_orders)
            if successor_signer is not None
            else ()
        )
        inc = old.incident
        with transaction(self.journal):
            self.journal.append(
                "grant.issued",
                {"grant": done.new.to_dict()},
                actor=self.actor,
                incident=inc,
                ts=now,
            )
            self.journal.append(
                "grant.revoked",
                {"revocation": done.revocation.to_dict(), "grant_id": old.id},
                actor=self.actor,
                incident=inc,
                ts=now,
            )
            self.journal.append(
                "handover",
                {
                    "from": old.delegate,
                    "to": successor,
                    "old_grant_id": old.id,
                    "grant": done.new.to_dict(),
                    "revocation": done.revocation.to_dict(),
                    "effective_at": effective_at,
                    "rechained": [o.to_dict() for o in moved],
                },
                actor=self.actor,
                incident=inc,
                ts=now,
            )
        return HandoverResult(done, chain, moved)
