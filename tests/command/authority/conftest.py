"""Fixtures for the delegation tests."""

from __future__ import annotations

import pytest

from command.authority.chain import ChainVerifier
from tests.command.authority.factory import Keys


@pytest.fixture(scope="module")
def keys() -> Keys:
    """Fresh keys for the module (key generation is the slow part)."""
    return Keys.fresh()


@pytest.fixture
def verifier(keys: Keys) -> ChainVerifier:
    """A verifier trusting the city's key."""
    return ChainVerifier([keys.city.public_hex])
