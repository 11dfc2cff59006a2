"""Signature checks: libsodium signs and verifies as `cryptography` does, malformed input is
refused without raising, and remembering answers never changes them."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidSignature
from hypothesis import given, settings
from hypothesis import strategies as st

from command.signing import Signer, verify_signature


def test_a_remembered_valid_signature_does_not_vouch_for_other_bytes_or_keys() -> None:
    alice, mallory = Signer.generate("alice"), Signer.generate("mallory")
    data = b"checkpoint 12"
    good = alice.sign(data)
    for _ in range(3):  # asked again: the same answers
        assert verify_signature(alice.public_hex, data, good)
        assert not verify_signature(alice.public_hex, data + b"3", good)
        assert not verify_signature(mallory.public_hex, data, good)
        assert not verify_signature(alice.public_hex, data, mallory.sign(data))
        assert not verify_signature(alice.public_hex, data, "zz" + good[2:])
        assert not verify_signature("00" * 31, data, good)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2048), flip=st.integers(min_value=0, max_value=63))
def test_libsodium_signs_and_verifies_as_cryptography_does(data: bytes, flip: int) -> None:
    signer = Signer.generate("commander")
    ours = signer.sign(data)
    theirs = signer.private_key.sign(data).hex()
    assert ours == theirs  # Ed25519 is deterministic: the same bytes from both libraries
    public = signer.private_key.public_key()
    public.verify(bytes.fromhex(ours), data)  # cryptography accepts what we sign
    assert verify_signature(signer.public_hex, data, ours)
    bad = bytearray(bytes.fromhex(ours))
    bad[flip] ^= 0x01
    with pytest.raises(InvalidSignature):
        public.verify(bytes(bad), data)
    assert not verify_signature(signer.public_hex, data, bytes(bad).hex())
    assert not verify_signature(signer.public_hex, data + b"!", ours)


@pytest.mark.parametrize(
    ("public_hex", "signature_hex"),
    [
        ("", "00" * 64),  # no key
        ("00" * 33, "00" * 64),  # a key of the wrong length
        ("not hex", "00" * 64),
        (None, ""),  # no signature
        (None, "00" * 63),  # a signature of the wrong length
        (None, "00" * 65),
        (None, "xyz"),
    ],
)
def test_malformed_keys_and_signatures_are_refused_not_raised(
    public_hex: str | None, signature_hex: str
) -> None:
    signer = Signer.generate("alice")
    key = signer.public_hex if public_hex is None else public_hex
    assert verify_signature(key, b"data", signature_hex) is False
