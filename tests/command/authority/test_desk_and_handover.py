"""Console side: every grant, narrowing, revocation and handover is journaled; open orders carry
on across a handover."""

from __future__ import annotations

import pytest

from command.authority.book import AuthorityBook
from command.authority.desk import DelegationDesk
from command.authority.errors import AuthorityError
from command.authority.grants import Grant, Revocation
from command.authority.handover import hand_over, rechain
from command.authority.reasons import Reason
from command.authority.scope import Scope
from command.clock import ManualClock
from command.journal import Journal
from tests.command.authority.factory import T0, H, Keys, make_order


@pytest.fixture
def clock() -> ManualClock:
    """Console time."""
    return ManualClock(T0)


@pytest.fixture
def journal(clock: ManualClock) -> Journal:
    """The console's journal."""
    return Journal.in_memory(clock=clock, owner="district", role="console")


@pytest.fixture
def desk(journal: Journal, clock: ManualClock) -> DelegationDesk:
    """The district's desk."""
    return DelegationDesk(journal, clock, actor="district")


def _chain(keys: Keys, desk: DelegationDesk) -> list[Grant]:
    root = desk.issue(
        keys.city,
        delegate="district",
        delegate_key=keys.district.public_hex,
        incident="INC-1",
        scope=Scope.of(["fire", "police"], ["evacuate", "close_road"], ["z1", "z2"]),
        not_before=T0,
        not_after=T0 + 8 * H,
        redelegate_depth=2,
    )
    mid = desk.narrow(
        root,
        keys.district,
        delegate="site",
        delegate_key=keys.site.public_hex,
        not_after=T0 + 6 * H,
    )
    leaf = desk.narrow(
        mid,
        keys.site,
        delegate="ic",
        delegate_key=keys.ic.public_hex,
        scope=Scope.of(["fire"], ["evacuate"], ["z1"]),
    )
    return [root, mid, leaf]


def test_desk_journals_full_documents(keys: Keys, desk: DelegationDesk, journal: Journal) -> None:
    chain = _chain(keys, desk)
    rev = desk.revoke(chain[2], keys.site, reason="done")
    events = list(journal.events())
    assert [e.kind for e in events] == [
        "grant.issued",
        "grant.narrowed",
        "grant.narrowed",
        "grant.revoked",
    ]
    assert [Grant.from_dict(e.body["grant"]) for e in events[:3]] == chain
    assert Revocation.from_dict(events[3].body["revocation"]) == rev
    assert all(e.incident == "INC-1" and e.actor == "district" for e in events)
    assert chain[2].redelegate_depth == 0 and chain[1].redelegate_depth == 1


def test_handover_keeps_open_orders_valid(
    keys: Keys, desk: DelegationDesk, journal: Journal, clock: ManualClock
) -> None:
    chain = _chain(keys, desk)
    station = AuthorityBook([keys.city.public_hex])
    station.add_grants(chain)
    open_order = make_order(keys, chain, id="O-open", issued_at=T0 + H)
    assert station.verify_order(open_order, T0 + H).ok

    clock.set(T0 + 2 * H)
    result = desk.handover(
        chain,
        keys.site,
        successor="sue",
        successor_key=keys.successor.public_hex,
        effective_at=T0 + 2 * H,
        open_orders=[open_order],
        successor_signer=keys.successor,
    )
    kinds = [e.kind for e in journal.events()][-3:]
    assert kinds == ["grant.issued", "grant.revoked", "handover"]
    (handover_event,) = journal.events(kinds=["handover"])
    assert handover_event.body["from"] == "ic" and handover_event.body["to"] == "sue"
    assert [o["id"] for o in handover_event.body["rechained"]] == ["O-open"]

    new = result.handover.new
    assert new.scope == chain[2].scope and new.parent == chain[1].id
    station.add_grant(new)
    station.add_revocation(result.handover.revocation)
    later = T0 + 3 * H

    # Open order, old chain, issued before the handover: still valid.
    assert station.check(open_order, later, held=True).ok
    # The same order re-chained under the successor: accepted, not a replay.
    (moved,) = result.rechained
    assert moved.id == open_order.id and moved.commander == "sue"
    assert moved.grant_chain == tuple(g.id for g in result.chain)
    assert station.verify_order(moved, later).ok
    # An exact repeat of the re-chained copy is a replay, and so is the original sent again.
    assert station.verify_order(moved, later).reason is Reason.REPLAYED_ORDER
    assert station.verify_order(open_order, later).reason is Reason.REPLAYED_ORDER
    # The predecessor cannot issue anything new after the handover time.
    stale = make_order(keys, chain, id="O-stale", issued_at=T0 + 2 * H + 60)
    verdict = station.verify_order(stale, later)
    assert (verdict.reason, verdict.grant_id) == (Reason.REVOKED, chain[2].id)
    # The successor can.
    fresh = make_order(keys, list(result.chain), signer=keys.successor, id="O-new", commander="sue")
    assert station.verify_order(fresh, later).ok


def test_only_the_issuer_can_hand_over(keys: Keys, desk: DelegationDesk) -> None:
    chain = _chain(keys, desk)
    with pytest.raises(AuthorityError, match="did not issue"):
        hand_over(
            chain[2],
            keys.ic,
            successor="sue",
            successor_key=keys.successor.public_hex,
            effective_at=T0 + H,
            issued_at=T0 + H,
        )


def test_handover_time_must_be_inside_the_window(keys: Keys, desk: DelegationDesk) -> None:
    chain = _chain(keys, desk)
    with pytest.raises(AuthorityError, match="inside"):
        hand_over(
            chain[2],
            keys.site,
            successor="sue",
            successor_key=keys.successor.public_hex,
            effective_at=T0 + 50 * H,
            issued_at=T0,
        )


def test_rechain_needs_the_successors_key(keys: Keys, desk: DelegationDesk) -> None:
    chain = _chain(keys, desk)
    order = make_order(keys, chain)
    with pytest.raises(AuthorityError, match="does not hold"):
        rechain(order, chain, keys.successor)
    with pytest.raises(AuthorityError, match="empty"):
        rechain(order, [], keys.successor)
