"""Signature checks: remembering answers never changes them."""

from __future__ import annotations

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
