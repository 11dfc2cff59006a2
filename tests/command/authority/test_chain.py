"""Chain verification: every failure reason, from real signed documents."""

from __future__ import annotations

import pytest

from command.authority.chain import ChainVerifier, verify_chain
from command.authority.grants import Grant, revoke_grant
from command.authority.reasons import Reason
from command.authority.revocation import RevocationSet
from command.authority.scope import Scope
from tests.command.authority.factory import BASE, T0, WIDER, H, Keys, build_chain, tamper

NOW = T0 + H


def test_three_level_chain_verifies(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    result = verifier.verify(chain, NOW)
    assert result.ok, result
    assert result.reason is None


def test_uncached_function_agrees(keys: Keys) -> None:
    chain = build_chain(keys)
    assert verify_chain(chain, roots={keys.city.public_hex}, now=NOW).ok
    assert verify_chain(chain, roots=set(), now=NOW).reason is Reason.UNKNOWN_ROOT


def test_empty_chain_is_broken(verifier: ChainVerifier) -> None:
    result = verifier.verify([], NOW)
    assert (result.ok, result.reason, result.grant_id) == (False, Reason.BROKEN_CHAIN, None)


def test_missing_middle_link_is_broken(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    result = verifier.verify([chain[0], chain[2]], NOW)
    assert (result.reason, result.grant_id) == (Reason.BROKEN_CHAIN, "G2")


def test_chain_not_starting_at_a_root_is_broken(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    result = verifier.verify(chain[1:], NOW)
    assert (result.reason, result.grant_id) == (Reason.BROKEN_CHAIN, "G1")


def test_unknown_root(keys: Keys) -> None:
    chain = build_chain(keys)
    result = ChainVerifier([keys.impostor.public_hex]).verify(chain, NOW)
    assert (result.reason, result.grant_id) == (Reason.UNKNOWN_ROOT, "G0")


@pytest.mark.parametrize("level", [0, 1, 2])
@pytest.mark.parametrize(
    "field,value",
    [
        ("delegate", "eve"),
        ("not_after", T0 + 100 * H),
        ("redelegate_depth", 9),
        ("incident", "INC-2"),
    ],
)
def test_altered_link_has_bad_signature(
    keys: Keys, verifier: ChainVerifier, level: int, field: str, value: object
) -> None:
    chain = tamper(build_chain(keys), level, **{field: value})
    result = verifier.verify(chain, NOW)
    assert (result.reason, result.grant_id) == (Reason.BAD_SIGNATURE, f"G{level}")


def test_grant_signed_by_someone_else_than_parent_delegate(
    keys: Keys, verifier: ChainVerifier
) -> None:
    chain = build_chain(keys, signed_by={1: keys.impostor})
    result = verifier.verify(chain, NOW)
    assert (result.reason, result.grant_id) == (Reason.ISSUER_KEY_MISMATCH, "G1")


# Widened scope, stretched window and swapped key at EACH level. Below the root the legitimate
# issuer re-signs (the station must still refuse); the root cannot be "wider than its parent",
# so there the forgery is an edit of the authority's document (bad signature) or a root key
# the station does not trust.
def _widened(keys: Keys, level: int) -> list[Grant]:
    if level == 0:
        return tamper(build_chain(keys), 0, scope=WIDER[0])
    return build_chain(keys, {level: {"scope": WIDER[level]}})


def _stretched(keys: Keys, level: int) -> list[Grant]:
    later = BASE[level]["not_after"] + 24 * H
    if level == 0:
        return tamper(build_chain(keys), 0, not_after=later)
    return build_chain(keys, {level: {"not_after": later}})


def _swapped(keys: Keys, level: int) -> list[Grant]:
    return build_chain(keys, signed_by={level: keys.impostor})


EXPECTED = {
    ("scope", 0): Reason.BAD_SIGNATURE,
    ("scope", 1): Reason.SCOPE_WIDER_THAN_PARENT,
    ("scope", 2): Reason.SCOPE_WIDER_THAN_PARENT,
    ("window", 0): Reason.BAD_SIGNATURE,
    ("window", 1): Reason.WINDOW_OUTSIDE_PARENT,
    ("window", 2): Reason.WINDOW_OUTSIDE_PARENT,
    ("key", 0): Reason.UNKNOWN_ROOT,
    ("key", 1): Reason.ISSUER_KEY_MISMATCH,
    ("key", 2): Reason.ISSUER_KEY_MISMATCH,
}
BUILD = {"scope": _widened, "window": _stretched, "key": _swapped}


@pytest.mark.parametrize("what,level", sorted(EXPECTED))
def test_forgery_at_each_level_is_rejected(
    keys: Keys, verifier: ChainVerifier, what: str, level: int
) -> None:
    chain = BUILD[what](keys, level)
    result = verifier.verify(chain, NOW)
    assert not result.ok
    assert (result.reason, result.grant_id) == (EXPECTED[what, level], f"G{level}")


def test_window_starting_before_parent(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys, {2: {"not_before": T0 - 1}})
    result = verifier.verify(chain, NOW)
    assert (result.reason, result.grant_id) == (Reason.WINDOW_OUTSIDE_PARENT, "G2")


def test_other_incident_below_root_is_wider_scope(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys, {1: {"incident": "INC-2"}})
    result = verifier.verify(chain, NOW)
    assert (result.reason, result.grant_id) == (Reason.SCOPE_WIDER_THAN_PARENT, "G1")


def test_wildcard_below_a_named_parent_is_wider(keys: Keys, verifier: ChainVerifier) -> None:
    wild = Scope.of(["*"], ["evacuate"], ["z1"])
    chain = build_chain(keys, {2: {"scope": wild}})
    assert verifier.verify(chain, NOW).reason is Reason.SCOPE_WIDER_THAN_PARENT


def test_wildcard_is_for_roots_only(keys: Keys, verifier: ChainVerifier) -> None:
    every = Scope.of(["*"], ["*"], ["*"])
    chain = build_chain(keys, {0: {"scope": every}, 1: {"scope": every}})
    result = verifier.verify(chain, NOW)
    assert (result.reason, result.grant_id) == (Reason.SCOPE_WIDER_THAN_PARENT, "G1")
    assert "root" in result.detail


def test_wildcard_root_covers_named_children(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys, {0: {"scope": Scope.of(["*"], ["*"], ["*"])}})
    assert verifier.verify(chain, NOW).ok


@pytest.mark.parametrize(
    "overrides,failing",
    [
        ({1: {"redelegate_depth": 2}}, "G1"),  # parent allows 2, so a child may keep at most 1
        ({2: {"redelegate_depth": 1}}, "G2"),
        ({1: {"redelegate_depth": 0}}, "G2"),  # parent allows no further delegation
    ],
)
def test_depth_exceeded(
    keys: Keys,
    verifier: ChainVerifier,
    overrides: dict[int, dict[str, object]],
    failing: str,
) -> None:
    result = verifier.verify(build_chain(keys, overrides), NOW)
    assert (result.reason, result.grant_id) == (Reason.DEPTH_EXCEEDED, failing)


def test_not_yet_valid(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys, {2: {"not_before": T0 + 2 * H}})
    result = verifier.verify(chain, NOW)
    assert (result.reason, result.grant_id) == (Reason.NOT_YET_VALID, "G2")


def test_expired(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    result = verifier.verify(chain, T0 + 5 * H)
    assert (result.reason, result.grant_id) == (Reason.EXPIRED, "G2")


@pytest.mark.parametrize("level", [0, 1, 2])
def test_revoked_link_cuts_everything_below(keys: Keys, level: int) -> None:
    chain = build_chain(keys)
    issuer = keys.parties()[level][0]
    rev = revoke_grant(
        chain[level], issuer, reason="stood down", effective_at=T0 + H / 2, issued_at=T0
    )
    verifier = ChainVerifier([keys.city.public_hex], RevocationSet([rev]))
    result = verifier.verify(chain, NOW)
    assert (result.reason, result.grant_id) == (Reason.REVOKED, f"G{level}")
    assert "stood down" in result.detail
    # Before the effective time the chain still stands.
    assert verifier.verify(chain, T0 + H / 4).ok


def test_revocation_by_someone_other_than_the_issuer_is_ignored(keys: Keys) -> None:
    chain = build_chain(keys)
    fake = revoke_grant(
        tamper(chain, 1, issuer_key=keys.impostor.public_hex)[1],
        keys.impostor,
        reason="hostile",
        effective_at=T0,
        issued_at=T0,
    )
    verifier = ChainVerifier([keys.city.public_hex], RevocationSet([fake]))
    assert verifier.verify(chain, NOW).ok
