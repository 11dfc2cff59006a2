"""The station's authority book: trusted roots, grants and revocations received, order checks.

Every refused order is journaled at the station as `order.rejected`
`{order_id, reason, detail, grant_id, order}`: `grant_id` names the grant that failed the check
(None when no grant was at fault) and `order` is the refused order as received.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from command.authority.chain import ChainVerifier
from command.authority.errors import AuthorityError
from command.authority.grants import Grant, Revocation
from command.authority.journaling import Recorder
from command.authority.keys import TrustedRoot, fingerprint
from command.authority.orders import DEFAULT_MAX_SKEW_S, Verdict, verify_order
from command.authority.reasons import Reason
from command.canonical import canonical_bytes
from command.model import Order
from command.vocabulary import OrderRejected


def _core(order: Order) -> bytes:
    # What a re-chained copy must keep: everything but the chain, commander and signature.
    body = order.signing_payload()
    del body["grant_chain"], body["commander"]
    return canonical_bytes(body)


class AuthorityBook:
    """What one station knows about authority, and the check it runs before executing an order.

    Grants are signature-checked on arrival (a forged grant is never stored). Accepted order ids
    are remembered: the same id again is `replayed_order`, unless it is a re-chained copy of the
    same order under a chain not seen before for it (handover), which is verified like a new
    order. The copy under the old chain, sent again afterwards, is still a replay.
    """

    def __init__(
        self,
        roots: Iterable[TrustedRoot | str],
        *,
        journal: Recorder | None = None,
        actor: str = "station",
        max_skew: float = DEFAULT_MAX_SKEW_S,
    ) -> None:
        self.max_skew = max_skew  # seconds of the station's clock (see `orders.judged_at`)
        listed = list(roots)
        self.root_names = {r.key: r.name for r in listed if isinstance(r, TrustedRoot)}
        self.verifier = ChainVerifier(r.key if isinstance(r, TrustedRoot) else r for r in listed)
        self.journal = journal
        self.actor = actor
        self._grants: dict[str, Grant] = {}
        # order id -> (content without chain/commander/signature, every chain it came under)
        self._seen: dict[str, tuple[bytes, set[tuple[str, ...]]]] = {}

    # -- receiving documents ------------------------------------------------------------------

    def add_grant(self, grant: Grant) -> bool:
        """Store `grant` after checking its signature; True when new. Raises on a forgery."""
        if not grant.signature_ok():
            raise AuthorityError(f"grant {grant.id} from {grant.issuer} has a bad signature")
        known = self._grants.get(grant.id)
        if known is not None:
            if known != grant:
                raise AuthorityError(f"grant {grant.id} differs from the one already held")
            return False
        self._grants[grant.id] = grant
        return True

    def add_grants(self, grants: Iterable[Grant]) -> None:
        """Store several grants (e.g. a whole chain shipped with an order)."""
        for grant in grants:
            self.add_grant(grant)

    def add_revocation(self, rev: Revocation) -> bool:
        """Record `rev`; refused when badly signed or, for a known grant, not by its issuer."""
        grant = self._grants.get(rev.grant_id)
        if grant is not None and rev.issuer_key != grant.issuer_key:
            raise AuthorityError(
                f"revocation of grant {rev.grant_id} is not signed by its issuer {grant.issuer}"
            )
        return self.verifier.add_revocation(rev)

    def grant(self, grant_id: str) -> Grant | None:
        """A grant held, by id."""
        return self._grants.get(grant_id)

    def remember(self, order: Order) -> None:
        """Note `order` as received (e.g. when rebuilding the book from the station's journal)."""
        core, chains = self._seen.setdefault(order.id, (_core(order), set()))
        if core == _core(order):
            chains.add(tuple(order.grant_chain))

    # -- checking orders ----------------------------------------------------------------------

    def chain_of(self, order: Order) -> list[Grant] | None:
        """The grants the order names, root first, or None when one is missing."""
        chain = [self._grants.get(gid) for gid in order.grant_chain]
        if any(g is None for g in chain):
            return None
        return [g for g in chain if g is not None]

    def check(
        self, order: Order, now: float, *, held: bool = False, received_at: float | None = None
    ) -> Verdict:
        """Verify `order` received at `now` without journaling or remembering it (revocation and
        window judged at max(issued_at, now − max_skew); see `command.authority.orders`).

        `held=True` re-checks an order the station already accepted (is its authority still
        good, e.g. before starting work?), so its own id does not count as a replay; give its
        `received_at` so revocation is judged as at its receipt (windows are judged at `now`).
        """
        chain = self.chain_of(order)
        if chain is None:
            missing = [gid for gid in order.grant_chain if gid not in self._grants]
            return Verdict.fail(
                Reason.UNKNOWN_GRANT,
                missing[0] if missing else None,
                f"grant {missing[0] if missing else '(none)'} has not been received",
            )
        seen = self._seen.get(order.id)
        replay: set[str] = set()
        if (
            seen is not None
            and not held
            and not (seen[0] == _core(order) and tuple(order.grant_chain) not in seen[1])
        ):
            replay = {order.id}
        return verify_order(
            order,
            chain,
            now,
            self.verifier,
            seen=replay,
            max_skew=self.max_skew,
            received_at=received_at,
        )

    def verify_order(self, order: Order, now: float) -> Verdict:
        """Verify `order` at `now`; remember it when accepted, journal `order.rejected` when not."""
        verdict = self.check(order, now)
        if verdict.ok:
            self.remember(order)
        elif self.journal is not None:
            assert verdict.reason is not None
            self.journal.record(
                OrderRejected(
                    order.id, verdict.reason.value, verdict.detail, order, verdict.grant_id or ""
                ),
                actor=self.actor,
                incident=order.incident,
                ts=now,
            )
        return verdict

    def summary(self, order: Order, verdict: Verdict) -> dict[str, Any]:
        """What the station window shows about an order's authority (see ui.station.models)."""
        chain = self.chain_of(order) or []
        leaf = chain[-1] if chain else None
        return {
            "ok": verdict.ok,
            "reason": verdict.reason.value if verdict.reason else "",
            "detail": verdict.detail,
            "chain": [
                f"{g.issuer} [{fingerprint(g.issuer_key)}] → {g.delegate} "
                f"[{fingerprint(g.delegate_key)}]"
                for g in chain
            ],
            "scope": leaf.scope.describe() if leaf else "",
            "valid_until": leaf.not_after if leaf else None,
        }


def grants_from(bodies: Iterable[Mapping[str, Any]]) -> list[Grant]:
    """Parse grant documents (e.g. shipped alongside an order)."""
    return [Grant.from_dict(b) for b in bodies]
