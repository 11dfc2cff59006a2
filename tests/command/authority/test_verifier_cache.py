"""The verifier's cache: hits cost no grant signature checks, and never hide a change."""

from __future__ import annotations

from dataclasses import replace

from command.authority.chain import ChainVerifier
from command.authority.grants import revoke_grant
from command.authority.reasons import Reason
from tests.command.authority.factory import T0, H, Keys, build_chain


def test_second_verification_is_a_cache_hit(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    assert verifier.verify(chain, T0 + H).ok
    assert verifier.verify(chain, T0 + H + 1).ok
    assert (verifier.misses, verifier.hits) == (1, 1)


def test_new_revocation_invalidates_the_cache(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    assert verifier.verify(chain, T0 + H).ok
    rev = revoke_grant(chain[1], keys.district, reason="recalled", effective_at=T0, issued_at=T0)
    assert verifier.add_revocation(rev)
    result = verifier.verify(chain, T0 + H)
    assert (result.reason, result.grant_id) == (Reason.REVOKED, "G1")
    assert verifier.misses == 2  # the cached entry was dropped
    assert not verifier.add_revocation(rev)  # the same revocation twice is not new


def test_expiry_applies_while_cached(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    assert verifier.verify(chain, T0 + H).ok
    result = verifier.verify(chain, T0 + 4 * H + 1)
    assert verifier.hits == 1
    assert (result.reason, result.grant_id) == (Reason.EXPIRED, "G2")


def test_not_yet_valid_applies_while_cached(keys: Keys, verifier: ChainVerifier) -> None:
    chain = build_chain(keys)
    assert verifier.verify(chain, T0 + H).ok
    assert verifier.verify(chain, T0 - 1).reason is Reason.NOT_YET_VALID


def test_altered_grant_with_the_same_id_misses_the_cache(
    keys: Keys, verifier: ChainVerifier
) -> None:
    chain = build_chain(keys)
    assert verifier.verify(chain, T0 + H).ok
    forged = [*chain[:2], replace(chain[2], delegate_key=keys.impostor.public_hex)]
    result = verifier.verify(forged, T0 + H)
    assert (result.reason, result.grant_id) == (Reason.BAD_SIGNATURE, "G2")


def test_failures_are_cached_too(keys: Keys) -> None:
    verifier = ChainVerifier([keys.impostor.public_hex])
    chain = build_chain(keys)
    assert verifier.verify(chain, T0 + H).reason is Reason.UNKNOWN_ROOT
    assert verifier.verify(chain, T0 + H).reason is Reason.UNKNOWN_ROOT
    assert verifier.hits == 1


def test_cache_is_bounded(keys: Keys) -> None:
    verifier = ChainVerifier([keys.city.public_hex], cache_size=2)
    chains = [build_chain(keys, levels=n) for n in (1, 2, 3)]
    for chain in chains:
        assert verifier.verify(chain, T0 + H).ok
    assert verifier.verify(chains[0], T0 + H).ok
    assert verifier.misses == 4  # the oldest entry had been evicted
