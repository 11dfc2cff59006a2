"""The attacker's tool for integrity tests: rewrite one event of a (stopped) journal file, rehash
the whole chain after it and re-sign every checkpoint with the journal signer's own key.

The result passes a chain-and-signature check on its own; only the witnesses' copies of the
earlier checkpoints (cosignatures in the peers' journals) can tell. Projections, outbox and
inbox rows are left as they were (edit an event that feeds none, e.g. a `link.up`, to keep
them consistent), and `checkpoint.cosigned` / `witness.*` events keep their bodies: their
witness signatures cannot be forged.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from command.canonical import canonical_text
from command.journal.chain import GENESIS, checkpoint_payload, event_hash
from command.journal.checkpoints import CheckpointPolicy, Origin, sign_checkpoint
from command.signing import Signer
from command.vocabulary import Checkpoint, Kind

_TRIGGERS = ("update", "delete")


def rewrite_and_resign(path: Path, seq: int, new_body: dict[str, Any], signer: Signer) -> int:
    """Replace event `seq`'s body in the journal at `path` with `new_body`, rehash every event
    from it on and re-sign every checkpoint (new-style under its own origin, policy, time and
    reason; legacy over `{head_seq, head_hash}`) with `signer`. Returns how many checkpoints
    were re-signed. The journal must not be open in another process."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("BEGIN IMMEDIATE")
        for name in _TRIGGERS:
            conn.execute(f"DROP TRIGGER IF EXISTS events_no_{name}")
        rows = conn.execute(
            "SELECT seq, ts, actor, kind, incident, body FROM events ORDER BY seq"
        ).fetchall()
        hashes: dict[int, str] = {0: GENESIS}
        prev = GENESIS
        resigned = 0
        for row_seq, ts, actor, kind, incident, body_text in rows:
            if row_seq == seq:
                body_text = canonical_text(new_body)
            elif kind == Kind.CHECKPOINT.value:
                body_text = _resign(json.loads(body_text), hashes, signer)
                resigned += 1
            digest = event_hash(prev, row_seq, ts, actor, kind, incident, body_text)
            conn.execute(
                "UPDATE events SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                (body_text, prev, digest, row_seq),
            )
            hashes[row_seq] = digest
            prev = digest
        for name in _TRIGGERS:
            conn.execute(
                f"CREATE TRIGGER events_no_{name} BEFORE {name.upper()} ON events "
                "BEGIN SELECT RAISE(ABORT, 'journal events are append-only'); END"
            )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return resigned


def _resign(body: dict[str, Any], hashes: dict[int, str], signer: Signer) -> str:
    cp = Checkpoint.from_body(body)
    head_hash = hashes[cp.head_seq]
    if not cp.origin:
        signature = signer.sign(checkpoint_payload(cp.head_seq, head_hash))
        legacy = Checkpoint(cp.head_seq, head_hash, signer.public_hex, signature)
        return canonical_text(legacy.to_body())
    origin = Origin.parse(cp.origin)
    if not signer.public_hex.lower().startswith(origin.key_id.lower()):
        origin = Origin.of(origin.incident, origin.side, origin.owner, signer)
    policy = CheckpointPolicy(max(1, cp.every_events), cp.every_s if cp.every_s > 0 else 10.0)
    resigned = sign_checkpoint(
        signer, origin, cp.head_seq, head_hash, ts=cp.ts, policy=policy, reason=cp.reason
    )
    return canonical_text(resigned.to_body())
