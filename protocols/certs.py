"""CURVE key pairs for the ZeroMQ transport, in pyzmq's certificate format (`zmq.auth`).

`create_curve_keypair(DIR, NAME)` writes ``NAME.key`` (public) and ``NAME.key_secret``. pyzmq's
`create_certificates` writes with the process umask, so it runs inside a fresh private (0700)
temporary directory and each file is then created in place with ``O_CREAT | O_EXCL`` and its
final mode (0600 for the secret): never readable by others, never overwriting a key.
Loading refuses a secret file other users can access, with the fix in the message.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import zmq.auth

from command.authority.errors import KeyFileError
from command.authority.keys import check_name, check_secret_permissions, write_new_file
from command.files import MAX_KEY_BYTES, read_file_bytes

PUBLIC_SUFFIX = ".key"
SECRET_SUFFIX = ".key_secret"


@dataclass(frozen=True)
class CurveKeyFiles:
    """Where a CURVE key pair was written."""

    public: Path
    secret: Path


@dataclass(frozen=True)
class CurveKeys:
    """A CURVE key pair as Z85 bytes (what pyzmq's CURVE socket options take)."""

    public: bytes
    secret: bytes


def create_curve_keypair(directory: Path | str, name: str) -> CurveKeyFiles:
    """Generate a CURVE key pair for `name` in `directory`; refuses to overwrite."""
    check_name(name)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    public = directory / f"{name}{PUBLIC_SUFFIX}"
    secret = directory / f"{name}{SECRET_SUFFIX}"
    for path in (public, secret):
        if path.exists():
            raise KeyFileError(
                f"{path} already exists: refusing to overwrite a key (choose another name or dir)"
            )
    with tempfile.TemporaryDirectory(prefix="baton-curve-") as tmp:  # created 0700
        pub_tmp, sec_tmp = zmq.auth.create_certificates(tmp, name)
        write_new_file(secret, Path(sec_tmp).read_bytes(), 0o600)
        write_new_file(public, Path(pub_tmp).read_bytes(), 0o644)
    return CurveKeyFiles(public, secret)


def _read_certificate(path: Path) -> tuple[bytes, bytes | None]:
    """(public, secret or None) from a certificate file, read as `zmq.auth.load_certificate`
    does but through the bounded regular-file reader (a FIFO or huge file is one line)."""
    data = read_file_bytes(path, what="CURVE key", max_bytes=MAX_KEY_BYTES, error=KeyFileError)
    found: dict[bytes, bytes] = {}
    for raw in data.splitlines():
        line = raw.strip()
        for field in (b"public-key", b"secret-key"):
            if line.startswith(field) and b"=" in line and field not in found:
                found[field] = line.split(b"=", 1)[1].strip(b" \t'\"")
    if not found.get(b"public-key"):
        raise KeyFileError(f"{path} is not a CURVE certificate (create one with baton keys init)")
    return found[b"public-key"], found.get(b"secret-key") or None


def load_curve_public(path: Path | str) -> bytes:
    """The Z85 public key from a ``.key`` (or ``.key_secret``) certificate file."""
    public, _ = _read_certificate(Path(path))
    return public


def load_curve_keys(secret_path: Path | str) -> CurveKeys:
    """The (public, secret) Z85 pair from a ``.key_secret`` file; refuses loose permissions."""
    path = Path(secret_path)
    check_secret_permissions(path)
    public, secret = _read_certificate(path)
    if not secret:
        raise KeyFileError(f"{path} holds no secret key: pass the NAME{SECRET_SUFFIX} file")
    return CurveKeys(bytes(public), bytes(secret))


def load_curve_dir(directory: Path | str, name: str) -> CurveKeys:
    """Load ``DIR/NAME.key_secret``."""
    return load_curve_keys(Path(directory) / f"{name}{SECRET_SUFFIX}")
