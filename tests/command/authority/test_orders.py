"""Orders at the station: signature, commander, scope, window and replay, each with its reason."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from command.authority.chain import ChainVerifier
from command.authority.grants import revoke_grant
from command.authority.orders import order_bytes, verify_order
from command.authority.reasons import Reason
from command.canonical import canonical_bytes
from command.model import Order
from tests.command.authority.factory import T0, H, Keys, build_chain, make_order

NOW = T0 + H + 5


def test_valid_order(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    verdict = verify_order(make_order(keys, chain), chain, NOW, verifier)
    assert verdict.ok and verdict.grant_id == "G2"


def test_altered_order_has_bad_signature(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    order = replace(make_order(keys, chain), params={"radius_m": 3000})
    verdict = verify_order(order, chain, NOW, verifier)
    assert (verdict.reason, verdict.grant_id) == (Reason.ORDER_SIGNATURE_BAD, "G2")


def test_order_signed_by_another_key(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    order = make_order(keys, chain, signer=keys.impostor)
    assert verify_order(order, chain, NOW, verifier).reason is Reason.ORDER_SIGNATURE_BAD


def test_order_in_the_name_of_someone_else(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    order = make_order(keys, chain, signer=keys.impostor, commander="eve")
    verdict = verify_order(order, chain, NOW, verifier)
    assert (verdict.reason, verdict.grant_id) == (Reason.COMMANDER_KEY_MISMATCH, "G2")


def test_order_by_a_higher_level_is_not_the_leaf_holder(
    keys: Keys, verifier: ChainVerifier
) -> None:
    chain = build_chain(keys)
    order = make_order(keys, chain, signer=keys.site, commander="site")
    assert verify_order(order, chain, NOW, verifier).reason is Reason.COMMANDER_KEY_MISMATCH


@pytest.mark.parametrize(
    "changes,reason",
    [
        ({"station": "water"}, Reason.STATION_OUT_OF_SCOPE),
        ({"kind": "close_road"}, Reason.KIND_OUT_OF_SCOPE),
        ({"zone": "z2"}, Reason.ZONE_OUT_OF_SCOPE),
        ({"incident": "INC-2"}, Reason.INCIDENT_MISMATCH),
        ({"issued_at": T0 - 10}, Reason.NOT_YET_VALID),
        ({"issued_at": T0 + 4 * H + 10}, Reason.EXPIRED),
    ],
)
def test_order_outside_the_leaf_grant(
    keys: Keys, verifier: ChainVerifier, changes: dict[str, object], reason: Reason
) -> None:
    chain = build_chain(keys)
    order = make_order(keys, chain, **changes)
    # Scope checks only: no bound on the order's time against the station's clock here.
    verdict = verify_order(order, chain, NOW, verifier, max_skew=math.inf)
    assert (verdict.reason, verdict.grant_id) == (reason, "G2")


def test_order_checked_after_the_grant_expired(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    verdict = verify_order(make_order(keys, chain), chain, T0 + 5 * H, verifier)
    assert verdict.reason is Reason.EXPIRED


def test_replayed_order_id(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    order = make_order(keys, chain)
    verdict = verify_order(order, chain, NOW, verifier, seen={order.id})
    assert verdict.reason is Reason.REPLAYED_ORDER


def test_order_chain_ids_must_match_the_chain(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    order = make_order(keys, chain, grant_chain=("G0", "G2"))
    assert verify_order(order, chain, NOW, verifier).reason is Reason.BROKEN_CHAIN


def test_chain_failure_is_reported_through_the_order(keys: Keys) -> None:
    chain = build_chain(keys)
    verdict = verify_order(
        make_order(keys, chain), chain, NOW, ChainVerifier([keys.impostor.public_hex])
    )
    assert (verdict.reason, verdict.grant_id) == (Reason.UNKNOWN_ROOT, "G0")


def test_revocation_is_judged_at_the_issue_time_bounded_by_receipt(keys: Keys) -> None:
    chain = build_chain(keys)
    verifier = ChainVerifier([keys.city.public_hex])
    cut = T0 + 2 * H
    rev = revoke_grant(chain[2], keys.site, reason="handover", effective_at=cut, issued_at=T0)
    verifier.add_revocation(rev)
    before = make_order(keys, chain, id="O-before", issued_at=cut - 20)
    after = make_order(keys, chain, id="O-after", issued_at=cut + 1)
    # Issued before the cut and received within the skew of it: judged at cut - 20, valid.
    assert verify_order(before, chain, cut + 5, verifier, max_skew=30).ok
    # The same order received long after the cut: judged at receipt - skew, revoked.
    assert verify_order(before, chain, cut + 3600, verifier, max_skew=30).reason is Reason.REVOKED
    assert verify_order(after, chain, cut + 5, verifier, max_skew=30).reason is Reason.REVOKED


def test_order_signed_beyond_the_skew_in_the_future(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    ahead = make_order(keys, chain, issued_at=NOW + 31)
    verdict = verify_order(ahead, chain, NOW, verifier, max_skew=30)
    assert (verdict.reason, verdict.grant_id) == (Reason.CLOCK_SKEW, "G2")
    assert verify_order(ahead, chain, NOW + 1, verifier, max_skew=30).ok


def test_order_signature_survives_from_dict(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    order = make_order(keys, chain, issued_at=int(T0 + H), ack_deadline=int(T0 + H + 60))
    back = Order.from_dict(json.loads(json.dumps(order.to_dict())))
    assert verify_order(back, chain, NOW, verifier).ok


def test_order_bytes_are_the_canonical_signing_payload(keys: Keys) -> None:
    chain = build_chain(keys)
    order = make_order(keys, chain, text="撤离北岸 — now", params={"radius_m": 300, "via": ["a"]})
    assert order_bytes(order) == canonical_bytes(order.signing_payload())
    assert order.signature == keys.ic.sign(canonical_bytes(order.signing_payload()))
    assert isinstance(order.issued_at, float) and order.params == {"radius_m": 300, "via": ["a"]}


def test_every_reason_has_plain_words() -> None:
    assert all(reason.plain and reason.value == reason.name.lower() for reason in Reason)
