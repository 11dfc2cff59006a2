"""The hash chain: how an event's hash is computed from its content and its predecessor.

`hash = SHA-256(prev_hash ‖ canonical(event))` where `canonical(event)` is the canonical JSON of
`{seq, ts, actor, kind, incident, body}` (sorted keys, no spaces, UTF-8) and `prev_hash` is the
previous event's hash as lower-case hex (ASCII). The first event links to `GENESIS`.

The body is stored as canonical text, so the event's canonical form is assembled from that text
without parsing it again: this keeps `baton verify` fast.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from command.canonical import canonical_bytes

GENESIS = "0" * 64
"""The `prev_hash` of the first event of every journal."""

_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def json_string(text: str) -> str:
    """`text` as a canonical JSON string literal."""
    return _dumps(text)


def canonical_event_text(
    seq: int, ts: float, actor: str, kind: str, incident: str, body_text: str
) -> str:
    """The canonical JSON of an event, built from its already canonical body text."""
    return (
        f'{{"actor":{_dumps(actor)},"body":{body_text},"incident":{_dumps(incident)},'
        f'"kind":{_dumps(kind)},"seq":{seq},"ts":{float(ts)!r}}}'
    )


def event_hash(
    prev_hash: str, seq: int, ts: float, actor: str, kind: str, incident: str, body_text: str
) -> str:
    """The hash of one event given its predecessor's hash."""
    text = canonical_event_text(seq, ts, actor, kind, incident, body_text)
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def checkpoint_payload(head_seq: int, head_hash: str) -> bytes:
    """The bytes a checkpoint signature covers: canonical `{head_seq, head_hash}`."""
    return canonical_bytes({"head_hash": head_hash, "head_seq": head_seq})


def batch_digest(rows: Sequence[Sequence[Any]]) -> str:
    """SHA-256 (hex) of the canonical JSON list of a batch's observation rows."""
    return hashlib.sha256(canonical_bytes(rows)).hexdigest()
