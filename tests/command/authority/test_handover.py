"""Handover: open orders carry on across it; only the issuer of the grant can hand over, inside
its window; re-chaining needs the successor's key."""

from __future__ import annotations

import pytest

from command.authority.book import AuthorityBook
from command.authority.errors import AuthorityError
from command.authority.grants import Grant, issue_grant, narrow_grant
from command.authority.handover import hand_over, rechain
from command.authority.reasons import Reason
from command.authority.scope import Scope
from tests.command.authority.factory import T0, H, Keys, make_order


def _chain(keys: Keys) -> list[Grant]:
    root = issue_grant(
        keys.city,
        delegate="district",
        delegate_key=keys.district.public_hex,
        incident="INC-1",
        scope=Scope.of(["fire", "police"], ["evacuate", "close_road"], ["z1", "z2"]),
        not_before=T0,
        not_after=T0 + 8 * H,
        redelegate_depth=2,
        issued_at=T0,
    )
    mid = narrow_grant(
        root,
        keys.district,
        delegate="site",
        delegate_key=keys.site.public_hex,
        not_after=T0 + 6 * H,
        issued_at=T0,
    )
    leaf = narrow_grant(
        mid,
        keys.site,
        delegate="ic",
        delegate_key=keys.ic.public_hex,
        scope=Scope.of(["fire"], ["evacuate"], ["z1"]),
        issued_at=T0,
    )
    assert leaf.redelegate_depth == 0 and mid.redelegate_depth == 1
    return [root, mid, leaf]


def test_handover_keeps_open_orders_valid(keys: Keys) -> None:
    chain = _chain(keys)
    station = AuthorityBook([keys.city.public_hex])
    station.add_grants(chain)
    open_order = make_order(keys, chain, id="O-open", issued_at=T0 + H)
    assert station.verify_order(open_order, T0 + H).ok

    done = hand_over(
        chain[2],
        keys.site,
        successor="sue",
        successor_key=keys.successor.public_hex,
        effective_at=T0 + 2 * H,
        issued_at=T0 + 2 * H,
    )
    new = done.new
    new_chain = [*chain[:2], new]
    assert new.scope == chain[2].scope and new.parent == chain[1].id
    station.add_grant(new)
    station.add_revocation(done.revocation)
    later = T0 + 3 * H

    # Open order, old chain, issued and received before the handover: still valid.
    assert station.check(open_order, later, held=True, received_at=T0 + H).ok
    # The same order re-chained under the successor: accepted, not a replay.
    moved = rechain(open_order, new_chain, keys.successor)
    assert moved.id == open_order.id and moved.commander == "sue"
    assert moved.grant_chain == tuple(g.id for g in new_chain)
    assert station.verify_order(moved, later).ok
    # An exact repeat of the re-chained copy is a replay, and so is the original sent again.
    assert station.verify_order(moved, later).reason is Reason.REPLAYED_ORDER
    assert station.verify_order(open_order, later).reason is Reason.REPLAYED_ORDER
    # The predecessor cannot issue anything new after the handover time.
    stale = make_order(keys, chain, id="O-stale", issued_at=T0 + 2 * H + 60)
    verdict = station.verify_order(stale, later)
    assert (verdict.reason, verdict.grant_id) == (Reason.REVOKED, chain[2].id)
    # The successor can.
    fresh = make_order(keys, new_chain, signer=keys.successor, id="O-new", commander="sue")
    assert station.verify_order(fresh, later).ok


def test_only_the_issuer_can_hand_over(keys: Keys) -> None:
    chain = _chain(keys)
    with pytest.raises(AuthorityError, match="did not issue"):
        hand_over(
            chain[2],
            keys.ic,
            successor="sue",
            successor_key=keys.successor.public_hex,
            effective_at=T0 + H,
            issued_at=T0 + H,
        )


def test_handover_time_must_be_inside_the_window(keys: Keys) -> None:
    chain = _chain(keys)
    with pytest.raises(AuthorityError, match="inside"):
        hand_over(
            chain[2],
            keys.site,
            successor="sue",
            successor_key=keys.successor.public_hex,
            effective_at=T0 + 50 * H,
            issued_at=T0,
        )


def test_rechain_needs_the_successors_key(keys: Keys) -> None:
    chain = _chain(keys)
    order = make_order(keys, chain)
    with pytest.raises(AuthorityError, match="does not hold"):
        rechain(order, chain, keys.successor)
    with pytest.raises(AuthorityError, match="empty"):
        rechain(order, [], keys.successor)
