"""Ed25519 signing primitives (`cryptography`) shared by checkpoints, grants and orders."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


@dataclass(frozen=True)
class Signer:
    """An Ed25519 private key with the identity it signs as."""

    name: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> Signer:
        """A fresh key pair (for tests and `baton keys init`)."""
        return cls(name, Ed25519PrivateKey.generate())

    @property
    def public_hex(self) -> str:
        """The raw 32-byte public key as hex: how keys appear in grants, orders and checkpoints."""
        raw = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return raw.hex()

    def sign(self, data: bytes) -> str:
        """Signature over `data`, as hex."""
        return self.private_key.sign(data).hex()


def verify_signature(public_hex: str, data: bytes, signature_hex: str) -> bool:
    """True when `signature_hex` is a valid Ed25519 signature of `data` by `public_hex`.

    The answer for the same three values is the same every time, so the latest answers are
    kept (`_verified`): the console checks its own checkpoint inside each of the 50 stations'
    cosignatures of it, and a witness the checkpoint resent until cosigned."""
    return _verified(public_hex, bytes(data), signature_hex)


@lru_cache(maxsize=256)
def _verified(public_hex: str, data: bytes, signature_hex: str) -> bool:
    try:
        _public_key(public_hex).verify(bytes.fromhex(signature_hex), data)
    except (InvalidSignature, ValueError):
        return False
    return True


@lru_cache(maxsize=1024)
def _public_key(public_hex: str) -> Ed25519PublicKey:
    """The key object of a hex public key, loaded once (a station checks every order and the
    console every report against the same few keys); `ValueError` when it is not one."""
    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
