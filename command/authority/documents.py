"""Grant and revocation files: JSON documents a commander can pass around or hand to a station.

A grant file holds the *whole chain* from the root to the grant it is about (root first), so
`baton grant show` and a station need nothing else::

    {"format": "baton.grant-chain/1", "chain": [{...root grant...}, ..., {...this grant...}]}

A revocation file::

    {"format": "baton.revocation/1", "revocation": {...}}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from command.authority.errors import AuthorityError
from command.authority.grants import Grant, Revocation
from command.authority.keys import write_new_file
from command.files import MAX_DOCUMENT_BYTES, load_json_file

CHAIN_FORMAT = "baton.grant-chain/1"
REVOCATION_FORMAT = "baton.revocation/1"


def _read(path: Path, what: str) -> dict[str, Any]:
    data = load_json_file(path, what=what, max_bytes=MAX_DOCUMENT_BYTES, error=AuthorityError)
    if not isinstance(data, dict):
        raise AuthorityError(f"{path} is not a {what} file")
    return data


def _write(path: Path, body: dict[str, Any]) -> None:
    text = json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_new_file(Path(path), text.encode("utf-8"), 0o644)


def save_chain(path: Path, chain: Sequence[Grant]) -> None:
    """Write a grant file holding `chain` (root first); refuses to overwrite."""
    _write(path, {"format": CHAIN_FORMAT, "chain": [g.to_dict() for g in chain]})


def load_chain(path: Path) -> list[Grant]:
    """Read a grant file: the chain, root first (signatures are not checked here)."""
    data = _read(path, "grant")
    if data.get("format") != CHAIN_FORMAT or not isinstance(data.get("chain"), list):
        raise AuthorityError(f"{path} is not a grant file (format {CHAIN_FORMAT})")
    if not data["chain"]:
        raise AuthorityError(f"{path} holds an empty chain")
    try:
        return [Grant.from_dict(g) for g in data["chain"]]
    except AuthorityError as err:
        raise AuthorityError(f"{path}: {err}") from None


def save_revocation(path: Path, rev: Revocation) -> None:
    """Write a revocation file; refuses to overwrite."""
    _write(path, {"format": REVOCATION_FORMAT, "revocation": rev.to_dict()})


def load_revocation(path: Path) -> Revocation:
    """Read a revocation file (signature not checked here)."""
    data = _read(path, "revocation")
    if data.get("format") != REVOCATION_FORMAT or not isinstance(data.get("revocation"), dict):
        raise AuthorityError(f"{path} is not a revocation file (format {REVOCATION_FORMAT})")
    try:
        return Revocation.from_dict(data["revocation"])
    except AuthorityError as err:
        raise AuthorityError(f"{path}: {err}") from None
