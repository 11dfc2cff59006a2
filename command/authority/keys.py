"""Signing key files and the station's `trust` file.

Layout written by `baton keys init DIR --name NAME`:

- ``NAME.sign``      Ed25519 secret key, unencrypted PKCS#8 PEM, created with mode 0600.
- ``NAME.sign.pub``  the raw public key as one line of hex (how keys appear in grants).

Secret files are created with ``os.open(O_CREAT | O_EXCL, 0o600)`` so they are never readable by
others, not even for an instant, and an existing key is never overwritten. A secret file that
group or other users can access is refused when loaded.

A trust file lists the root authorities a station accepts grants from, as YAML (or JSON)::

    roots:
      - {name: city, key: <64 hex>}
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from command.authority.errors import KeyFileError
from command.files import (
    MAX_DOCUMENT_BYTES,
    MAX_KEY_BYTES,
    load_yaml_file,
    read_file_bytes,
    read_text_file,
)
from command.signing import Signer

SECRET_SUFFIX = ".sign"
PUBLIC_SUFFIX = ".sign.pub"


def fingerprint(public_hex: str) -> str:
    """A short, readable fingerprint of a public key (first 8 bytes of its SHA-256)."""
    try:
        raw = bytes.fromhex(public_hex)
    except ValueError:
        return "?"
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return ":".join(digest[i : i + 4] for i in range(0, 16, 4))


def check_key_hex(public_hex: str, where: str) -> str:
    """Return `public_hex` lower-cased when it is a 32-byte hex key, else raise naming `where`."""
    key = public_hex.strip().lower()
    try:
        raw = bytes.fromhex(key)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise KeyFileError(f"{where}: not an Ed25519 public key (expected 64 hex digits)")
    return key


def write_new_file(path: Path, data: bytes, mode: int) -> None:
    """Create `path` with `mode` atomically refusing to overwrite (O_CREAT|O_EXCL)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise KeyFileError(
            f"{path} already exists: refusing to overwrite a key (choose another name or dir)"
        ) from None
    except OSError as err:
        raise KeyFileError(f"cannot create {path}: {err.strerror}") from None
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def check_secret_permissions(path: Path) -> None:
    """Refuse a secret file that is not a regular file or that others can read or write."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise KeyFileError(f"{path}: no such key file") from None
    except OSError as err:
        raise KeyFileError(f"cannot read {path}: {err.strerror}") from None
    if not stat.S_ISREG(mode):
        raise KeyFileError(f"{path}: not a regular file — give the key file itself")
    if stat.S_IMODE(mode) & 0o077:
        raise KeyFileError(
            f"{path} is accessible by other users (mode {stat.S_IMODE(mode):o}): "
            f"run chmod 600 {path}"
        )


@dataclass(frozen=True)
class SigningKeyFiles:
    """Where a signing key pair was written."""

    secret: Path
    public: Path


def create_signing_keypair(directory: Path, name: str) -> SigningKeyFiles:
    """Generate an Ed25519 key pair for `name` in `directory`; never overwrites."""
    check_name(name)
    directory.mkdir(parents=True, exist_ok=True)
    secret = directory / f"{name}{SECRET_SUFFIX}"
    public = directory / f"{name}{PUBLIC_SUFFIX}"
    for path in (secret, public):
        if path.exists():
            raise KeyFileError(
                f"{path} already exists: refusing to overwrite a key (choose another name or dir)"
            )
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    write_new_file(secret, pem, 0o600)
    write_new_file(public, (Signer(name, key).public_hex + "\n").encode(), 0o644)
    return SigningKeyFiles(secret, public)


def check_name(name: str) -> str:
    """A key/actor name: non-empty, no path separators or white space."""
    if not name or any(c in name for c in "/\\ \t\n") or name.startswith("."):
        raise KeyFileError(f"bad name {name!r}: use letters, digits, '-', '_' or '.'")
    return name


def name_of(path: Path) -> str:
    """The identity a key file belongs to: its file name without `.sign` / `.sign.pub`."""
    base = path.name
    for suffix in (PUBLIC_SUFFIX, SECRET_SUFFIX):
        if base.endswith(suffix):
            return base[: -len(suffix)]
    return path.stem


def load_signer(path: Path, name: str | None = None) -> Signer:
    """Load a secret signing key (refusing loose permissions); the name defaults to the file's."""
    path = Path(path)
    check_secret_permissions(path)
    pem = read_file_bytes(path, what="key", max_bytes=MAX_KEY_BYTES, error=KeyFileError)
    try:
        key = load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise KeyFileError(
            f"{path} is not an Ed25519 secret key (create one with baton keys init)"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} is not an Ed25519 key (create one with baton keys init)")
    return Signer(name or name_of(path), key)


def load_public_key(path: Path) -> str:
    """Read a `.sign.pub` file: the public key as hex."""
    path = Path(path)
    text = read_text_file(path, what="public key", max_bytes=MAX_KEY_BYTES, error=KeyFileError)
    return check_key_hex(text, str(path))


@dataclass(frozen=True)
class TrustedRoot:
    """A root authority a station accepts grants from."""

    name: str
    key: str


def load_trust(path: Path) -> tuple[TrustedRoot, ...]:
    """Read a trust file (YAML/JSON: a list of {name, key}, or {roots: [...]})."""
    path = Path(path)
    data = load_yaml_file(path, what="trust", max_bytes=MAX_DOCUMENT_BYTES, error=KeyFileError)
    if isinstance(data, dict):
        data = data.get("roots")
    if not isinstance(data, list) or not data:
        raise KeyFileError(f"{path}: expected a list of roots, each {{name, key}}")
    roots: list[TrustedRoot] = []
    for i, entry in enumerate(data):
        if not isinstance(entry, dict) or "key" not in entry or "name" not in entry:
            raise KeyFileError(f"{path}: root #{i + 1} needs a name and a key")
        key = check_key_hex(str(entry["key"]), f"{path}: root {entry['name']!r}")
        roots.append(TrustedRoot(str(entry["name"]), key))
    return tuple(roots)


def write_trust(path: Path, roots: tuple[TrustedRoot, ...] | list[TrustedRoot]) -> None:
    """Write a trust file (YAML) listing `roots`; never overwrites."""
    body = {"roots": [{"name": r.name, "key": r.key} for r in roots]}
    write_new_file(Path(path), yaml.safe_dump(body, sort_keys=False).encode(), 0o644)
