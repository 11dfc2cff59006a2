"""Signing key files and trust files: permissions, no overwrite, one-line errors."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from command.authority.errors import KeyFileError
from command.authority.keys import (
    TrustedRoot,
    create_signing_keypair,
    fingerprint,
    load_public_key,
    load_signer,
    load_trust,
    write_trust,
)
from command.signing import verify_signature


def test_key_pair_round_trip(tmp_path: Path) -> None:
    files = create_signing_keypair(tmp_path, "city")
    assert files.secret.name == "city.sign" and files.public.name == "city.sign.pub"
    signer = load_signer(files.secret)
    assert signer.name == "city"
    assert load_public_key(files.public) == signer.public_hex
    assert verify_signature(signer.public_hex, b"x", signer.sign(b"x"))
    assert len(fingerprint(signer.public_hex)) == 19


def test_secret_is_created_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        files = create_signing_keypair(tmp_path, "city")
    finally:
        os.umask(old)
    assert stat.S_IMODE(files.secret.stat().st_mode) == 0o600


def test_existing_keys_are_never_overwritten(tmp_path: Path) -> None:
    files = create_signing_keypair(tmp_path, "city")
    before = files.secret.read_bytes()
    with pytest.raises(KeyFileError, match="already exists"):
        create_signing_keypair(tmp_path, "city")
    assert files.secret.read_bytes() == before


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_loose_secret_is_refused_with_the_fix(tmp_path: Path, mode: int) -> None:
    files = create_signing_keypair(tmp_path, "city")
    files.secret.chmod(mode)
    with pytest.raises(KeyFileError) as err:
        load_signer(files.secret)
    message = str(err.value)
    assert f"chmod 600 {files.secret}" in message and "\n" not in message


@pytest.mark.parametrize("name", ["", "a/b", "has space", ".hidden"])
def test_bad_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(KeyFileError, match="bad name"):
        create_signing_keypair(tmp_path, name)


def test_bad_key_files(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="no such key file"):
        load_signer(tmp_path / "none.sign")
    junk = tmp_path / "junk.sign"
    fd = os.open(junk, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"not a key")
    os.close(fd)
    with pytest.raises(KeyFileError, match="not an Ed25519 secret key"):
        load_signer(junk)
    pub = tmp_path / "x.sign.pub"
    pub.write_text("abcd\n")
    with pytest.raises(KeyFileError, match="64 hex digits"):
        load_public_key(pub)


def test_trust_file_round_trip(tmp_path: Path) -> None:
    files = create_signing_keypair(tmp_path, "city")
    root = TrustedRoot("city", load_public_key(files.public))
    write_trust(tmp_path / "trust.yaml", [root])
    assert load_trust(tmp_path / "trust.yaml") == (root,)
    plain = tmp_path / "plain.json"
    plain.write_text(f'[{{"name": "city", "key": "{root.key}"}}]')
    assert load_trust(plain) == (root,)


@pytest.mark.parametrize(
    "text,message",
    [
        ("roots: []", "expected a list of roots"),
        ("- {name: a}", "needs a name and a key"),
        ("- {name: a, key: beef}", "64 hex digits"),
        ("{{{", "trust.yaml: not valid YAML: line 1"),
    ],
)
def test_bad_trust_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "trust.yaml"
    path.write_text(text)
    with pytest.raises(KeyFileError, match=message):
        load_trust(path)
