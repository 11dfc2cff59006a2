"""Signing orders under a grant and checking them at the station.

Revocation and time, decided: an order's `issued_at` is only what its signer says, so a station
bounds it against its own clock. An order signed more than `max_skew` seconds in the station's
future is refused (`clock_skew`); every other order is judged at

    judged_at = max(issued_at, received_at - max_skew)

so backdating buys at most `max_skew`. A revocation cuts an order judged at or after its
`effective_at` (an order issued before the revocation and received within the skew stays valid;
open orders survive a handover by being re-chained), and the grant windows hold at `issued_at`,
at `judged_at` and, for every grant of the chain, at the receipt time (an expired grant executes
nothing).
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass, replace
from typing import Any

from command.authority.chain import ChainVerifier
from command.authority.grants import Grant
from command.authority.reasons import Reason
from command.canonical import canonical_bytes
from command.journal.bodies import order_body
from command.model import Order
from command.signing import Signer, verify_signature

DEFAULT_MAX_SKEW_S = 30.0
"""How far (seconds of the station's clock) an order's signing time may disagree with it."""


def judged_at(issued_at: float, received_at: float, max_skew: float) -> float:
    """When an order's authority is judged: its signing time, never earlier than receipt − skew."""
    return max(issued_at, received_at - max_skew)


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
    """The canonical bytes an order's signature covers (`Order.signing_payload`, canonical)."""
    return _payload_bytes(order_body(order))


def _payload_bytes(body: dict[str, Any]) -> bytes:
    """Canonical bytes of an order body without its signature (`body` is changed)."""
    del body["signature"]
    return canonical_bytes(body)


def sign_order(order: Order, signer: Signer) -> Order:
    """Return `order` signed by `signer` (the commander holding the leaf grant).

    Times are made floats first, so the signature survives `Order.from_dict` (which makes them
    floats) byte for byte.
    """
    issued_at, ack_deadline, due = (
        float(order.issued_at),
        float(order.ack_deadline),
        float(order.due),
    )
    body = order_body(order)
    body.update(issued_at=issued_at, ack_deadline=ack_deadline, due=due)
    signature = signer.sign(_payload_bytes(body))
    return replace(
        order, issued_at=issued_at, ack_deadline=ack_deadline, due=due, signature=signature
    )


def verify_order(
    order: Order,
    chain: Sequence[Grant],
    now: float,
    verifier: ChainVerifier,
    *,
    seen: Container[str] = (),
    max_skew: float = DEFAULT_MAX_SKEW_S,
    received_at: float | None = None,
) -> Verdict:
    """Check `order` against `chain` (root first) at `now`, as a station does before executing.

    `received_at` (default `now`) is when the station received it: an order signed more than
    `max_skew` after that is `clock_skew`; revocations and the leaf's window are judged at
    `judged_at(issued_at, received_at, max_skew)`, every grant's window also at `now`.

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
    received = now if received_at is None else received_at
    if order.issued_at > received + max_skew:
        return Verdict.fail(
            Reason.CLOCK_SKEW,
            leaf.id,
            f"order signed {order.issued_at - received:.0f} s ahead of this station's clock "
            f"(at most {max_skew:g} s allowed)",
        )
    at = judged_at(order.issued_at, received, max_skew)
    result = verifier.verify(chain, now, at=at)
    if not result.ok:
        assert result.reason is not None
        return Verdict.fail(result.reason, result.grant_id, result.detail)
    return check_order_in_scope(order, leaf, at=at)


def check_order_in_scope(order: Order, leaf: Grant, *, at: float | None = None) -> Verdict:
    """The order's incident, station, kind, zone and issue time against the leaf grant; the
    window must also hold at `at` (the judged time, default `issued_at`)."""
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
    if at is not None and at > leaf.not_after:
        return Verdict.fail(
            Reason.EXPIRED, leaf.id, "the order arrived after the grant ended (clock skew bound)"
        )
    return Verdict(True, None, leaf.id, "verified")
