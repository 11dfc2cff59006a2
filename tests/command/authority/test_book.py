"""The station's authority book, journaling refusals into a real (in-memory) journal."""

from __future__ import annotations

from dataclasses import replace

import pytest

from command.authority.book import AuthorityBook
from command.authority.errors import AuthorityError
from command.authority.grants import revoke_grant
from command.authority.keys import TrustedRoot
from command.authority.reasons import Reason
from command.clock import ManualClock
from command.journal import Journal
from tests.command.authority.factory import T0, H, Keys, build_chain, make_order

NOW = T0 + H + 5


@pytest.fixture
def journal() -> Journal:
    """The station's journal."""
    return Journal.in_memory(clock=ManualClock(NOW), owner="fire", role="station")


@pytest.fixture
def book(keys: Keys, journal: Journal) -> AuthorityBook:
    """A station trusting the city, holding the standard chain."""
    b = AuthorityBook([TrustedRoot("city", keys.city.public_hex)], journal=journal, actor="fire")
    b.add_grants(build_chain(keys))
    return b


def rejections(journal: Journal) -> list[dict[str, object]]:
    """Bodies of the `order.rejected` events."""
    return [e.body for e in journal.events(kinds=["order.rejected"])]


def test_valid_order_is_accepted_and_not_journaled(
    keys: Keys, book: AuthorityBook, journal: Journal
) -> None:
    order = make_order(keys, build_chain(keys))
    verdict = book.verify_order(order, NOW)
    assert verdict.ok
    assert rejections(journal) == []
    summary = book.summary(order, verdict)
    assert summary["ok"] and len(summary["chain"]) == 3 and summary["valid_until"] == T0 + 4 * H


def test_every_refusal_is_journaled_with_its_reason(
    keys: Keys, book: AuthorityBook, journal: Journal
) -> None:
    order = make_order(keys, build_chain(keys), zone="z3")
    verdict = book.verify_order(order, NOW)
    assert verdict.reason is Reason.ZONE_OUT_OF_SCOPE
    (body,) = rejections(journal)
    assert body["order_id"] == order.id
    assert body["reason"] == "zone_out_of_scope"
    assert "z3" in str(body["detail"])
    (event,) = journal.events(kinds=["order.rejected"])
    assert (event.actor, event.incident, event.ts) == ("fire", "INC-1", NOW)


def test_replayed_order_id_is_refused_and_journaled(
    keys: Keys, book: AuthorityBook, journal: Journal
) -> None:
    order = make_order(keys, build_chain(keys))
    assert book.verify_order(order, NOW).ok
    assert book.verify_order(order, NOW + 1).reason is Reason.REPLAYED_ORDER
    other = make_order(keys, build_chain(keys), text="something else")  # same id, new content
    assert book.verify_order(other, NOW + 2).reason is Reason.REPLAYED_ORDER
    assert [b["reason"] for b in rejections(journal)] == ["replayed_order"] * 2


def test_order_under_a_grant_not_received(keys: Keys, journal: Journal) -> None:
    book = AuthorityBook([keys.city.public_hex], journal=journal)
    book.add_grants(build_chain(keys)[:2])
    verdict = book.verify_order(make_order(keys, build_chain(keys)), NOW)
    assert (verdict.reason, verdict.grant_id) == (Reason.UNKNOWN_GRANT, "G2")
    assert rejections(journal)[0]["reason"] == "unknown_grant"


def test_forged_grant_is_refused_on_arrival(keys: Keys, journal: Journal) -> None:
    book = AuthorityBook([keys.city.public_hex], journal=journal)
    forged = replace(build_chain(keys)[0], not_after=T0 + 1000 * H)
    with pytest.raises(AuthorityError, match="bad signature"):
        book.add_grant(forged)
    assert book.grant("G0") is None


def test_a_different_grant_under_a_known_id_is_refused(keys: Keys, book: AuthorityBook) -> None:
    other = build_chain(keys, {2: {"not_after": T0 + 3 * H}})[2]
    with pytest.raises(AuthorityError, match="differs"):
        book.add_grant(other)
    assert not book.add_grant(build_chain(keys)[2])  # the same one again is fine


def test_revocation_cuts_later_orders(keys: Keys, book: AuthorityBook, journal: Journal) -> None:
    chain = build_chain(keys)
    rev = revoke_grant(chain[1], keys.district, reason="recalled", effective_at=NOW, issued_at=NOW)
    assert book.add_revocation(rev)
    order = make_order(keys, chain, issued_at=NOW + 1)
    verdict = book.verify_order(order, NOW + 2)
    assert (verdict.reason, verdict.grant_id) == (Reason.REVOKED, "G1")
    assert rejections(journal)[0]["grant_id"] == "G1"


def test_revocation_not_by_the_issuer_is_refused(keys: Keys, book: AuthorityBook) -> None:
    chain = build_chain(keys)
    hostile = revoke_grant(
        replace(chain[1], issuer_key=keys.ic.public_hex),
        keys.ic,
        reason="x",
        effective_at=T0,
        issued_at=T0,
    )
    with pytest.raises(AuthorityError, match="not signed by its issuer"):
        book.add_revocation(hostile)


def test_revocation_with_a_bad_signature_is_refused(keys: Keys, book: AuthorityBook) -> None:
    chain = build_chain(keys)
    rev = revoke_grant(chain[1], keys.district, reason="x", effective_at=T0, issued_at=T0)
    with pytest.raises(AuthorityError, match="bad signature"):
        book.add_revocation(replace(rev, effective_at=T0 + 99 * H))
