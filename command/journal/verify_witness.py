"""Hold a journal against what its witnesses cosigned (`baton verify --witness`).

A witness journals `witness.cosigned` ("I, witness W, cosigned checkpoint C of origin O") and,
when it refuses a checkpoint, `witness.refused` with both checkpoints as evidence. The journal's
own signer journals `checkpoint.cosigned` ("witness W cosigned my checkpoint C"). For the journal
being verified this module reads:

- from every witness journal, the cosignatures and refusals about this journal: an origin the
  journal's checkpoints name, or one naming the journal's side and owner (so a journal whose
  checkpoints were all dropped is still found);
- from the journal itself, its `checkpoint.cosigned` events.

Each cosignature must be valid (as `cosignature_valid`); each cosigned checkpoint must match the
journal: the event at its size exists and its hash is the cosigned head. The first contradiction
(lowest seq) is reported, naming the witness and what differs; a journal shorter than a cosigned
size was truncated. A refusal about this journal is a failure (a witness saw a fork or rollback),
except a "smaller" one whose two checkpoints both match the journal: an older checkpoint reached
the witness after a newer one (counted as stale, not a contradiction).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from command.errors import JournalError, ValidationError
from command.journal.checkpoints import Origin, checkpoint_valid, cosignature_message
from command.journal.sqlite_store import APPLICATION_ID, describe_error
from command.signing import verify_signature
from command.vocabulary import (
    Checkpoint,
    Cosigned,
    Kind,
    RefusalReason,
    WitnessRefused,
    decode_body,
)

CONTRADICTED = "contradicts a witnessed checkpoint"
TRUNCATED = "shorter than a witnessed checkpoint"
BAD_COSIGNATURE = "bad cosignature"
REFUSED = "witness refused a checkpoint"

_COSIGNED, _MINE = Kind.WITNESS_COSIGNED.value, Kind.CHECKPOINT_COSIGNED.value
_REFUSED = Kind.WITNESS_REFUSED.value


@dataclass(frozen=True, slots=True)
class Identity:
    """Which journal is verified: its checkpoints' origins, and its owner's side and name."""

    origins: frozenset[str]
    side: str
    owner: str

    def names(self, origin: str) -> bool:
        """True when a checkpoint of `origin` is of this journal."""
        if origin in self.origins:
            return True
        try:
            o = Origin.parse(origin)
        except ValueError:
            return False
        return bool(self.owner) and (o.side, o.owner) == (self.side, self.owner)


@dataclass(frozen=True, slots=True)
class WitnessReport:
    """How many cosignatures were held against the journal, by whom, and the first failure."""

    cosignatures: int
    witnesses: tuple[str, ...]
    problem: tuple[int, str, str] | None = None  # (seq, problem, detail)
    stale: int = 0  # "smaller" refusals of an older checkpoint this journal holds (see _stale)


def open_readonly(path: Path | str) -> sqlite3.Connection:
    """A read-only connection to a journal file; `JournalError` when it is not one."""
    p = Path(path)
    if not p.is_file():
        raise JournalError(
            f"cannot read journal {path}: no such file; give the path of a journal file"
        )
    try:
        conn = sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
        conn.execute("PRAGMA query_only=1")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.Error as err:
        raise describe_error(path, "read", err) from None
    if app_id != APPLICATION_ID:
        conn.close()
        raise JournalError(
            f"cannot read journal {path}: the file is not a Baton journal; give a journal file"
        )
    return conn


def _bodies(conn: sqlite3.Connection, kinds: tuple[str, ...]) -> Iterator[tuple[int, str, str]]:
    marks = ", ".join("?" * len(kinds))
    sql = f"SELECT seq, kind, body FROM events WHERE kind IN ({marks}) ORDER BY seq"
    yield from conn.execute(sql, kinds)


def witness_evidence(
    conn: sqlite3.Connection, name: str, ident: Identity, *, own: bool
) -> Iterator[Cosigned | WitnessRefused]:
    """The cosignatures and refusals about `ident` in the journal on `conn` (`own`: the
    journal's own `checkpoint.cosigned` events, else a witness's `witness.cosigned` and
    `witness.refused`). A body that cannot be read is a `JournalError` naming it."""
    kinds = (_MINE,) if own else (_COSIGNED, _REFUSED)
    try:
        rows = list(_bodies(conn, kinds))
    except sqlite3.Error as err:
        raise describe_error(name, "read", err) from None
    for seq, kind, text in rows:
        try:
            item = decode_body(kind, json.loads(text))
            if not isinstance(item, Cosigned | WitnessRefused):
                raise ValueError(f"a {kind} event holds {type(item).__name__}")
        except (KeyError, TypeError, ValueError, ValidationError) as err:
            raise JournalError(
                f"witness journal {name}: seq {seq} ({kind}) cannot be read ({err}); "
                "verify that journal on its own"
            ) from None
        origin = item.offered.origin if isinstance(item, WitnessRefused) else item.checkpoint.origin
        if ident.names(origin):
            yield item


def check_witnesses(
    conn: sqlite3.Connection,
    ident: Identity,
    size: int,
    witnesses: Iterable[Path | str],
    *,
    name: str,
    checked: Mapping[Checkpoint, bool] | None = None,
) -> WitnessReport:
    """Hold the journal on `conn` (`size` events) against its own `checkpoint.cosigned` events
    and every witness journal's evidence about it. `checked` holds checkpoints whose own
    signature was already checked (the walk over the journal): they are not checked again."""
    items: list[tuple[str, Cosigned | WitnessRefused]] = [
        (name, item) for item in witness_evidence(conn, name, ident, own=True)
    ]
    for path in witnesses:
        other = open_readonly(path)
        try:
            other.execute("BEGIN")
            items += [(str(path), i) for i in witness_evidence(other, str(path), ident, own=False)]
            other.execute("COMMIT")
        except sqlite3.Error as err:
            raise describe_error(path, "read", err) from None
        finally:
            other.close()
    problems: list[tuple[int, str, str]] = []
    names: dict[str, None] = {}
    count = stale = 0
    hashes: dict[int, str | None] = {}
    valid: dict[Checkpoint, bool] = dict(checked or {})
    for source, item in items:
        if isinstance(item, WitnessRefused):
            cp = item.offered
            if _stale(item, lambda seq: _hash_at(conn, hashes, seq, size)):
                stale += 1
                continue
            problems.append(
                (
                    cp.head_seq,
                    REFUSED,
                    f"witness {item.witness} ({source}) refused the checkpoint at size "
                    f"{cp.head_seq}: {item.reason.value}, {item.detail}",
                )
            )
            continue
        count += 1
        names[item.witness] = None
        cp = item.checkpoint
        who = f"witness {item.witness} ({source})"
        if not _cosignature_valid(item, valid):
            problems.append(
                (
                    cp.head_seq,
                    BAD_COSIGNATURE,
                    f"{who}: its cosignature of the checkpoint at size {cp.head_seq} is not valid",
                )
            )
            continue
        if cp.head_seq > size:
            problems.append(
                (
                    size + 1,
                    TRUNCATED,
                    f"the journal ends at seq {size}, {who} cosigned size {cp.head_seq} at its "
                    f"time {item.ts}",
                )
            )
            continue
        actual = _hash_at(conn, hashes, cp.head_seq, size)
        if cp.head_seq == 0 or actual is None:
            continue
        if actual != cp.head_hash:
            problems.append(
                (
                    cp.head_seq,
                    CONTRADICTED,
                    f"its hash {actual[:16]}… is not the head {cp.head_hash[:16]}… {who} "
                    f"cosigned at its time {item.ts}",
                )
            )
    first = min(problems, key=lambda p: p[0]) if problems else None
    return WitnessReport(count, tuple(names), first, stale)


def _cosignature_valid(c: Cosigned, valid: dict[Checkpoint, bool]) -> bool:
    """`checkpoints.cosignature_valid`, checking each checkpoint's own signature once however
    many witnesses cosigned it (and not again when the journal's walk checked it)."""
    cp = c.checkpoint
    if cp not in valid:
        valid[cp] = checkpoint_valid(cp)
    return valid[cp] and verify_signature(c.witness_key, cosignature_message(cp, c.ts), c.signature)


def _hash_at(
    conn: sqlite3.Connection, cache: dict[int, str | None], seq: int, size: int
) -> str | None:
    """The hash of event `seq` of the verified journal (None past its end)."""
    if seq not in cache:
        row = None
        if 0 < seq <= size:
            row = conn.execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
        cache[seq] = None if row is None else str(row[0])
    return cache[seq]


def _stale(refusal: WitnessRefused, hash_at: Callable[[int], str | None]) -> bool:
    """A "smaller" refusal whose two checkpoints are both in this journal: the witness was
    offered an older checkpoint after a newer one (a resend overtaken on the wire), not a
    rollback: the journal holds both heads, so nothing contradicts it."""
    if refusal.reason is not RefusalReason.SMALLER or refusal.stored is None:
        return False
    return all(
        cp.head_seq > 0 and hash_at(cp.head_seq) == cp.head_hash
        for cp in (refusal.stored, refusal.offered)
    )
