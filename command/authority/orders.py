"""Signing orders under a grant and checking them at the station.

Revocation and time, decided: a revocation is judged at the order's `issued_at` (an order issued
before its grant was revoked stays valid: that is how open orders survive a handover), while the
grant windows are judged both at `issued_at` and at `now` (an expired grant executes nothing).
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass, replace

from command.authority.chain import ChainVerifier
from command.authority.grants import Grant
from command.authority.reasons import Reason
from command.canonical import canonical_bytes
from command.model import Order
from command.signing import Signer, verify_signature


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a station may execute an order; if not, the reason code and the grant at fault."""

    ok: bool
    reason: Reason | None = None
    grant_id: str | None = None
    detail: str = ""

    @classmethod
    def fail(cls, reason: Reason, grant_id: str | None, detail: str = "") -> Verdict:
        """A refusal."""
        return cls(False, reason, grant_id, detail or reason.plain)


def order_bytes(order: Order) -> bytes:
    """The canonical bytes an order's signature covers."""
    return canonical_bytes(order.signing_payload())


def sign_order(order: Order, signer: Signer) -> Order:
    """Return `order` signed by `signer` (the commander holding the leaf grant).

    Times are made floats first, so the signature survives `Order.from_dict` (which makes them
    floats) byte for byte.
    """
    order = replace(
        order,
        issued_at=float(order.issued_at),
        ack_deadline=float(order.ack_deadline),
        due=float(order.due),
    )
    return replace(order, signature=signer.sign(order_bytes(order)))


def verify_order(
    order: Order,
    chain: Sequence[Grant],
    now: float,
    verifier: ChainVerifier,
    *,
    seen: Container[str] = (),
) -> Verdict:
    """Check `order` against `chain` (root first) at `now`, as a station does before executing.

    `seen` holds order ids already accepted: one of them again is `replayed_order`.
    """
    if order.id in seen:
        return Verdict.fail(Reason.REPLAYED_ORDER, None, f"order {order.id} was already received")
    if not chain or tuple(g.id for g in chain) != tuple(order.grant_chain):
        return Verdict.fail(
            Reason.BROKEN_CHAIN, None, "the order's grant ids do not match the chain supplied"
        )
    leaf = chain[-1]
    if order.commander not in (leaf.delegate, leaf.delegate_key):
        return Verdict.fail(
            Reason.COMMANDER_KEY_MISMATCH,
            leaf.id,
            f"order signed as {order.commander}, grant {leaf.id} is held by {leaf.delegate}",
        )
    if not verify_signature(leaf.delegate_key, order_bytes(order), order.signature):
        return Verdict.fail(Reason.ORDER_SIGNATURE_BAD, leaf.id)
    result = verifier.verify(chain, now, at=order.issued_at)
    if not result.ok:
        assert result.reason is not None
        return Verdict.fail(result.reason, result.grant_id, result.detail)
    return check_order_in_scope(order, leaf)


def check_order_in_scope(order: Order, leaf: Grant) -> Verdict:
    """The order's incident, station, kind, zone and issue time against the leaf grant."""
    scope = leaf.scope
    if order.incident != leaf.incident:
        return Verdict.fail(
            Reason.INCIDENT_MISMATCH,
            leaf.id,
            f"order is for incident {order.incident}, grant for {leaf.incident}",
        )
    if not scope.allows_station(order.station):
        return Verdict.fail(
            Reason.STATION_OUT_OF_SCOPE, leaf.id, f"station {order.station} is not in the grant"
        )
    if not scope.allows_kind(order.kind):
        return Verdict.fail(
            Reason.KIND_OUT_OF_SCOPE, leaf.id, f"order kind {order.kind} is not in the grant"
        )
    if not scope.allows_zone(order.zone):
        return Verdict.fail(
            Reason.ZONE_OUT_OF_SCOPE, leaf.id, f"zone {order.zone} is not in the grant"
        )
    if order.issued_at < leaf.not_before:
        return Verdict.fail(
            Reason.NOT_YET_VALID, leaf.id, "the order was issued before the grant started"
        )
    if order.issued_at > leaf.not_after:
        return Verdict.fail(Reason.EXPIRED, leaf.id, "the order was issued after the grant ended")
    return Verdict(True, None, leaf.id, "verified")
