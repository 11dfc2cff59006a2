"""CURVE key pairs in pyzmq's certificate format."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import zmq
import zmq.auth

from command.authority.errors import KeyFileError
from protocols.certs import create_curve_keypair, load_curve_dir, load_curve_keys, load_curve_public


def test_pair_is_pyzmq_certificates(tmp_path: Path) -> None:
    files = create_curve_keypair(tmp_path, "fire")
    assert (files.public.name, files.secret.name) == ("fire.key", "fire.key_secret")
    keys = load_curve_keys(files.secret)
    assert zmq.auth.load_certificate(files.public) == (keys.public, None)
    assert zmq.curve_public(keys.secret) == keys.public
    assert len(keys.public) == 40 and len(keys.secret) == 40
    assert load_curve_public(files.public) == keys.public
    assert load_curve_dir(tmp_path, "fire") == keys


def test_secret_is_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        files = create_curve_keypair(tmp_path, "fire")
    finally:
        os.umask(old)
    assert stat.S_IMODE(files.secret.stat().st_mode) == 0o600


def test_never_overwrites(tmp_path: Path) -> None:
    files = create_curve_keypair(tmp_path, "fire")
    before = files.secret.read_bytes()
    with pytest.raises(KeyFileError, match="already exists"):
        create_curve_keypair(tmp_path, "fire")
    assert files.secret.read_bytes() == before


def test_loose_secret_is_refused(tmp_path: Path) -> None:
    files = create_curve_keypair(tmp_path, "fire")
    files.secret.chmod(0o644)
    with pytest.raises(KeyFileError, match=f"chmod 600 {files.secret}"):
        load_curve_keys(files.secret)


def test_public_file_is_not_a_secret(tmp_path: Path) -> None:
    files = create_curve_keypair(tmp_path, "fire")
    files.public.chmod(0o600)
    with pytest.raises(KeyFileError, match="holds no secret key"):
        load_curve_keys(files.public)
    junk = tmp_path / "junk"
    junk.write_text("hello")
    with pytest.raises(KeyFileError, match="not a CURVE certificate"):
        load_curve_public(junk)


@pytest.mark.timeout(10)
def test_fifo_or_missing_certificate_is_one_line_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "console.key"
    os.mkfifo(fifo, 0o600)
    with pytest.raises(KeyFileError, match="not a regular file — give the CURVE key file itself"):
        load_curve_public(fifo)
    with pytest.raises(KeyFileError, match="not a regular file — give the key file itself"):
        load_curve_keys(fifo)
    with pytest.raises(KeyFileError, match="no such CURVE key file"):
        load_curve_public(tmp_path / "missing.key")
