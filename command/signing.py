"""Ed25519 signing primitives shared by checkpoints, grants, orders and reports.

Keys are `cryptography` objects (generated, stored and loaded as PEM by `command.authority.keys`);
signing and verifying go through libsodium (PyNaCl), which does the same RFC 8032 Ed25519 in
about 60 % of the time to sign and half the time to verify (measured for issue #18: 27.5 -> 16.8
us a signature, 85.6 -> 41.2 us a check). Ed25519 signatures are deterministic, so both libraries
write the same bytes for the same key and message (tests/command/test_signing.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey


@dataclass(frozen=True)
class Signer:
    """An Ed25519 private key with the identity it signs as."""

    name: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> Signer:
        """A fresh key pair (for tests and `baton keys init`)."""
        return cls(name, Ed25519PrivateKey.generate())

    @cached_property
    def public_hex(self) -> str:
        """The raw 32-byte public key as hex: how keys appear in grants, orders and checkpoints."""
        raw = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return raw.hex()

    @cached_property
    def _sodium(self) -> SigningKey:
        seed = self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return SigningKey(seed)

    def sign(self, data: bytes) -> str:
        """Signature over `data`, as hex."""
        return self._sodium.sign(bytes(data)).signature.hex()


def verify_signature(public_hex: str, data: bytes, signature_hex: str) -> bool:
    """True when `signature_hex` is a valid Ed25519 signature of `data` by `public_hex`.

    The answer for the same three values is the same every time, so the latest answers are
    kept (`_verified`): the console checks its own checkpoint inside each of the 50 stations'
    cosignatures of it, and a witness the checkpoint resent until cosigned."""
    return _verified(public_hex, bytes(data), signature_hex)


@lru_cache(maxsize=256)
def _verified(public_hex: str, data: bytes, signature_hex: str) -> bool:
    try:
        _public_key(public_hex).verify(data, bytes.fromhex(signature_hex))
    except (BadSignatureError, ValueError, TypeError):  # nacl's ValueError is a ValueError
        return False
    return True


@lru_cache(maxsize=1024)
def _public_key(public_hex: str) -> VerifyKey:
    """The key object of a hex public key, loaded once (a station checks every order and the
    console every report against the same few keys); `ValueError` when it is not one."""
    return VerifyKey(bytes.fromhex(public_hex))
