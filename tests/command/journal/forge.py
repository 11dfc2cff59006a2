"""Signed test journals and the forger's tools: periodic checkpoints written by hand (with
`sign_checkpoint` and `Journal.record`), witness journals, and rewrite-and-re-sign."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from command.canonical import canonical_text
from command.clock import ManualClock
from command.journal import Journal
from command.journal.chain import event_hash
from command.journal.checkpoints import CheckpointPolicy, Origin, cosign, sign_checkpoint
from command.signing import Signer
from command.vocabulary import Checkpoint, Kind
from tests.command.journal.helpers import INCIDENT, issue, make_decision

POLICY = CheckpointPolicy(every_events=5, every_s=60.0)


def origin_of(owner: str, role: str, signer: Signer) -> Origin:
    """The origin of `owner`'s journal (side = role) signed by `signer`."""
    return Origin.of(INCIDENT, role, owner, signer)


def sign_head(
    j: Journal, signer: Signer, clock: ManualClock, reason: str, policy: CheckpointPolicy = POLICY
) -> Checkpoint:
    """Journal a checkpoint of `j`'s head as a periodic signer would."""
    seq, digest = j.head
    cp = sign_checkpoint(
        signer,
        origin_of(j.owner, j.role, signer),
        seq,
        digest,
        ts=clock.now(),
        policy=policy,
        reason=reason,
    )
    j.record(cp, actor=signer.name, ts=clock.now())
    return cp


def signed_journal(
    path: Path,
    clock: ManualClock,
    signer: Signer,
    *,
    events: int = 12,
    close: bool = True,
    owner: str = "cmd",
    role: str = "console",
    policy: CheckpointPolicy = POLICY,
    orders: int = 2,
) -> list[Checkpoint]:
    """A journal of `events` plain events (the first `orders` decision+order pairs count two),
    checkpointed every `policy.every_events` events, closed with a checkpoint when `close`.
    Returns the checkpoints in order."""
    j = Journal.open(path, clock=clock, owner=owner, role=role)  # type: ignore[arg-type]
    cps: list[Checkpoint] = []
    run = 0
    made = 0
    while made < events:
        clock.advance(1)
        if made < 2 * orders and role == "console" and made + 2 <= events:
            before = j.head[0]
            issue(j, clock)
            added = j.head[0] - before
        else:
            j.add_decision(make_decision(clock, text=f"decision {made}"))
            added = 1
        made += added
        run += added
        if run >= policy.every_events:
            cps.append(sign_head(j, signer, clock, "events", policy))
            run = 0
    if close and run:
        cps.append(sign_head(j, signer, clock, "close", policy))
    j.close()
    return cps


def witness_journal(
    path: Path,
    clock: ManualClock,
    witness: Signer,
    checkpoints: list[Checkpoint],
    *,
    owner: str = "traffic",
    role: str = "station",
) -> None:
    """A witness's journal that cosigned each of `checkpoints` (journaled `witness.cosigned`)."""
    j = Journal.open(path, clock=clock, owner=owner, role=role)  # type: ignore[arg-type]
    for cp in checkpoints:
        clock.advance(1)
        j.record(cosign(witness, owner, cp, clock.now()), actor=owner)
    j.close()


def _rows(conn: sqlite3.Connection, from_seq: int) -> list[tuple[int, float, str, str, str, str]]:
    return conn.execute(
        "SELECT seq, ts, actor, kind, incident, body FROM events WHERE seq >= ? ORDER BY seq",
        (from_seq,),
    ).fetchall()


def rewrite_and_resign(
    path: Path,
    seq: int,
    new_body: str,
    signer: Signer | None,
    *,
    drop_checkpoints: bool = False,
    drop_cosigned: bool = False,
) -> None:
    """Replace the body of event `seq`, then rehash everything after it with the journal's own
    hash function. Checkpoints after the edit are re-signed with `signer` (the commander's key
    from the data dir), or deleted (and later events renumbered) when `drop_checkpoints`; with
    `drop_cosigned` the journal's own `checkpoint.cosigned` events after it go too (they name
    the old heads)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
        conn.execute("BEGIN")
        conn.execute("UPDATE events SET body=? WHERE seq=?", (new_body, seq))
        rows = _rows(conn, seq)
        prev_row = conn.execute("SELECT hash FROM events WHERE seq = ?", (seq - 1,)).fetchone()
        prev = prev_row[0] if prev_row else "0" * 64
        conn.execute("DELETE FROM events WHERE seq >= ?", (seq,))
        hashes: dict[int, str] = {seq - 1: prev}
        out = seq
        for old_seq, ts, actor, kind, incident, body in rows:
            if drop_cosigned and kind == Kind.CHECKPOINT_COSIGNED.value:
                continue
            if kind == Kind.CHECKPOINT.value:
                if drop_checkpoints:
                    continue
                cp = Checkpoint.from_body(json.loads(body))
                head = min(cp.head_seq, out - 1)
                if signer is not None and cp.origin:
                    cp = sign_checkpoint(
                        signer,
                        Origin.parse(cp.origin),
                        head,
                        hashes[head],
                        ts=cp.ts,
                        policy=CheckpointPolicy(cp.every_events, cp.every_s),
                        reason=cp.reason,
                    )
                body = canonical_text(cp.to_body())
            digest = event_hash(prev, out, ts, actor, kind, incident, body)
            conn.execute(
                "INSERT INTO events(seq, ts, actor, kind, incident, body, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (out, ts, actor, kind, incident, body, prev, digest),
            )
            if out != old_seq:  # renumbered: its observation rows follow it
                conn.execute(
                    "UPDATE observation_batches SET batch = ? WHERE batch = ?", (-out, old_seq)
                )
            hashes[out] = digest
            prev = digest
            out += 1
        conn.execute("UPDATE observation_batches SET batch = -batch WHERE batch < 0")
        conn.execute("COMMIT")
    finally:
        conn.close()


def body_of(path: Path, seq: int) -> str:
    """The stored body text of event `seq`."""
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT body FROM events WHERE seq=?", (seq,)).fetchone()[0])
    finally:
        conn.close()


def kinds(path: Path) -> list[str]:
    """The kind of every event, in seq order (index 0 is seq 1)."""
    conn = sqlite3.connect(path)
    try:
        return [str(r[0]) for r in conn.execute("SELECT kind FROM events ORDER BY seq")]
    finally:
        conn.close()
