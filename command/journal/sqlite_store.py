"""The SQLite store: one file, WAL, `synchronous=FULL`, one writer connection.

Every SQLite failure leaves this module as a `JournalError` whose text is one line naming the
file, the cause and the fix. Tables are created with sqlite-utils; the hot paths use the
connection directly.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from command.canonical import canonical_text
from command.errors import JournalError
from command.journal.packed import count_of, digest_of, select_rows
from command.journal.store import (
    PROJECTION_TABLES,
    EventRow,
    ObservationRow,
    OrderTimes,
    OutboxRow,
)

APPLICATION_ID = 0x4241544E  # "BATN": marks a SQLite file as a Baton journal
SCHEMA_VERSION = "2"
"""2: observations packed one row per batch (`observation_batches`). A version-1 journal (one
row per observation in `observations`) is upgraded in place by the first writer that opens it:
the new table is added and the old rows stay where they are, under their own digests."""

_BATCHES_DDL = (
    "CREATE TABLE observation_batches (batch INTEGER PRIMARY KEY, first_ts REAL NOT NULL, "
    "last_ts REAL NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL)",
    "CREATE INDEX observation_batches_span ON observation_batches(last_ts, first_ts)",
)
"""One row per `observations.batch` event, keyed by its seq; the index finds the batches whose
time span meets a window (replay seek, the review's plots)."""

_EVENT_COLUMNS = "seq, ts, actor, kind, incident, body, prev_hash, hash"
_OPEN_ORDER_TIMES = (
    "SELECT key, station, state, json_extract(doc, '$.order.issued_at'), "
    "json_extract(doc, '$.order.ack_deadline'), json_extract(doc, '$.order.due') "
    "FROM orders WHERE open = 1 ORDER BY rowid"
)


WAL_AUTOCHECKPOINT_PAGES = 1000
"""A commit that leaves more WAL than this many pages copies it back into the file (passive)."""
WAL_SIZE_LIMIT = 8 * 1024 * 1024
"""Bytes the -wal file is truncated to when it starts over after a complete checkpoint."""

TEST_MAX_PAGES_ENV = "BATON_TEST_MAX_PAGES"
"""For tests only: cap writable journals at this many pages (`PRAGMA max_page_count`), so a test
can make a journal fail as a full disk does (SQLITE_FULL, "database or disk is full") without
root or a real full disk. "N" caps every journal this process opens for writing; "NAME=N,..."
only the journals whose file name is NAME (e.g. "console.sqlite=60"). Child processes inherit
it. Never set it for real use."""


def describe_error(path: Path | str, action: str, err: BaseException) -> JournalError:
    """A one-line `JournalError` for a SQLite failure: file, cause and fix."""
    text = str(err).lower()
    code = getattr(err, "sqlite_errorname", None)
    if "readonly" in text or "read-only" in text:
        cause, fix = "the file or its folder is read-only", "make it writable or use another path"
    elif "full" in text:
        folder = Path(path).absolute().parent
        cause = f"the disk is full ({code or 'SQLITE_FULL'})"
        fix = (
            f"free some space under {folder} (or use a journal on another disk) and restart; "
            "nothing already journaled is lost"
        )
    elif "locked" in text or "busy" in text:
        cause = "another program holds the journal locked"
        fix = "close the other program using it or use another path"
    elif "not a database" in text or "malformed" in text or "encrypted" in text:
        cause, fix = "the file is not a Baton journal", "give a journal file or a new path"
    elif "unable to open" in text:
        cause = "the file cannot be opened or created"
        fix = "check that its folder exists and is writable, or use another path"
    else:
        cause, fix = f"SQLite error ({err})", "check the file and the disk"
    line = f"cannot {action} journal {path}: {cause}; {fix}"
    return JournalError(" ".join(line.split()))


class SqliteStore:
    """A journal file. Use it from one thread at a time (the engine thread owns the writer)."""

    def __init__(self, path: Path | str, *, readonly: bool = False, timeout: float = 5.0) -> None:
        self.path: Path | None = Path(path)
        self.readonly = readonly
        self.immutable = False
        self._name = str(path)
        # The writer's own projection docs (table, key) -> canonical text, so a read-modify-
        # write of a row costs no SELECT. Only this connection writes the file; a rollback
        # clears it. Readers never cache: another connection is writing.
        self._docs: dict[tuple[str, str], str] = {}
        try:
            self.connection = self._connect(Path(path), readonly, timeout)
        except sqlite3.Error as err:
            raise describe_error(self._name, "open", err) from None
        try:
            self._prepare()
        except sqlite3.Error as err:
            self.connection.close()
            raise describe_error(self._name, "open", err) from None
        except JournalError:
            self.connection.close()
            raise

    def _connect(self, path: Path, readonly: bool, timeout: float) -> sqlite3.Connection:
        if readonly:
            if not path.exists():
                raise JournalError(
                    f"cannot open journal {self._name}: it does not exist; "
                    "give the path of an existing journal file"
                )
            uri = path.resolve().as_uri() + "?mode=ro"
            # A read-only reader of a WAL journal needs to create the -shm file next to it;
            # in a folder nobody may write, read the file as it is (immutable) instead.
            if not folder_writable(path.parent) and not Path(f"{path}-shm").exists():
                uri += "&immutable=1"
                self.immutable = True
        else:
            uri = path.resolve().as_uri() + "?mode=rwc"
        # check_same_thread=False only lets the opener hand the journal to the engine thread;
        # the journal is still used from one thread at a time.
        conn = sqlite3.connect(
            uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        return conn

    def _prepare(self) -> None:
        conn = self.connection
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id == 0 and tables == 0:
            if self.readonly:
                raise JournalError(
                    f"cannot open journal {self._name}: the file is empty, not a Baton journal; "
                    "give the path of a journal"
                )
            self._create_schema()
        elif app_id != APPLICATION_ID:
            raise JournalError(
                f"cannot open journal {self._name}: the file is a SQLite database but not a "
                "Baton journal; give a journal file or a new path"
            )
        version = self.get_meta("schema_version")
        if version == "1" and not self.readonly:
            self._upgrade_from_1()
            version = SCHEMA_VERSION
        if version not in (SCHEMA_VERSION, "1"):
            raise JournalError(
                f"cannot open journal {self._name}: schema version {version} is not "
                f"{SCHEMA_VERSION}; open it with the Baton version that wrote it"
            )
        tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
        self._packed = "observation_batches" in tables
        self._legacy_rows = "observations" in tables  # a version-1 journal's rows
        if self.readonly:
            conn.execute("PRAGMA query_only=1")
        else:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            # Bounded WAL: commits copy it back past this many pages, and it shrinks to the
            # limit when it starts over (a reader mid-read only delays that to a later commit).
            conn.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
            conn.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
            cap = page_cap_for_tests(self._name)
            if cap is not None:
                conn.execute(f"PRAGMA max_page_count={cap}")

    def _upgrade_from_1(self) -> None:
        conn = self.connection
        conn.execute("BEGIN IMMEDIATE")
        try:
            for ddl in _BATCHES_DDL:
                conn.execute(ddl)
            self.set_meta("schema_version", SCHEMA_VERSION)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _create_schema(self) -> None:
        conn = self.connection
        db = sqlite_utils.Database(conn, execute_plugins=False)
        db.enable_wal()
        conn.execute("BEGIN IMMEDIATE")
        try:
            db.create_table("meta", {"key": str, "value": str}, pk="key")
            db.create_table(
                "events",
                {
                    "seq": int,
                    "ts": float,
                    "actor": str,
                    "kind": str,
                    "incident": str,
                    "body": str,
                    "prev_hash": str,
                    "hash": str,
                },
                pk="seq",
                not_null=["ts", "actor", "kind", "incident", "body", "prev_hash", "hash"],
            )
            db.table("events").create_index(["kind"])
            for name in ("update", "delete"):
                conn.execute(
                    f"CREATE TRIGGER events_no_{name} BEFORE {name.upper()} ON events "
                    "BEGIN SELECT RAISE(ABORT, 'journal events are append-only'); END"
                )
            for ddl in _BATCHES_DDL:
                conn.execute(ddl)
            for table, indexed in PROJECTION_TABLES.items():
                columns: dict[str, Any] = {"key": str, "doc": str}
                columns.update({name: int if name == "open" else str for name in indexed})
                db.create_table(table, columns, pk="key", not_null=["doc"])
                for name in indexed:
                    db.table(table).create_index([name])
            db.create_table(
                "outbox",
                {
                    "msg_id": str,
                    "peer": str,
                    "msg_type": str,
                    "body": str,
                    "seq": int,
                    "created_at": float,
                    "acked_at": float,
                },
                pk="msg_id",
            )
            conn.execute("CREATE INDEX outbox_pending ON outbox(peer, seq) WHERE acked_at IS NULL")
            db.create_table("inbox", {"msg_id": str, "peer": str, "seq": int}, pk="msg_id")
            db.create_table("presence", {"station": str, "last_heard": float}, pk="station")
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            self.set_meta("schema_version", SCHEMA_VERSION)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _read_only_error(self) -> JournalError:
        return JournalError(
            f"cannot write journal {self._name}: it was opened read-only; "
            "open it with Journal.open to write"
        )

    @contextmanager
    def lazy_commits(self) -> Iterator[None]:
        """Transactions begun inside commit without their own fsync (WAL, synchronous=NORMAL):
        they survive the process being killed, and the next FULL commit makes them durable with
        it; only a power or OS failure in between can lose them. Use it only for records a peer's
        retry restores (the link's 'delivered' after an ack: the message stays pending, is
        resent, and the peer, which already journaled it, acks again)."""
        if self.readonly:
            yield
            return
        self._pragma("synchronous=NORMAL")
        try:
            yield
        finally:
            self._pragma("synchronous=FULL")

    def _pragma(self, setting: str) -> None:
        try:
            self.connection.execute(f"PRAGMA {setting}")
        except sqlite3.Error as err:
            raise describe_error(self._name, "write", err) from None

    def begin(self) -> None:
        """BEGIN IMMEDIATE: take the write lock now, so a locked journal fails before any work."""
        if self.readonly:
            raise self._read_only_error()
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise describe_error(self._name, "write", err) from None

    def commit(self) -> None:
        """COMMIT (durable: WAL with synchronous=FULL)."""
        try:
            self.connection.execute("COMMIT")
        except sqlite3.Error as err:
            raise describe_error(self._name, "write", err) from None

    def rollback(self) -> None:
        """ROLLBACK, if a transaction is still open (SQLite may have rolled back already)."""
        self._docs.clear()
        if self.connection.in_transaction:
            try:
                self.connection.execute("ROLLBACK")
            except sqlite3.Error as err:
                raise describe_error(self._name, "write", err) from None

    def savepoint(self, name: str) -> None:
        """Open a nested savepoint inside the current transaction."""
        try:
            self.connection.execute(f"SAVEPOINT {name}")
        except sqlite3.Error as err:
            raise describe_error(self._name, "write", err) from None

    def release(self, name: str) -> None:
        """Keep what was done since the savepoint (it commits with the outer transaction)."""
        try:
            self.connection.execute(f"RELEASE {name}")
        except sqlite3.Error as err:
            raise describe_error(self._name, "write", err) from None

    def rollback_to(self, name: str) -> None:
        """Undo what was done since the savepoint, keeping the outer transaction open."""
        self._docs.clear()
        if self.connection.in_transaction:
            try:
                self.connection.execute(f"ROLLBACK TO {name}")
                self.connection.execute(f"RELEASE {name}")
            except sqlite3.Error as err:
                raise describe_error(self._name, "write", err) from None

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def get_meta(self, key: str) -> str | None:
        """A meta value."""
        try:
            row = self.connection.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        except sqlite3.Error as err:
            raise describe_error(self._name, "read", err) from None
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a meta value."""
        try:
            self.connection.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, value),
            )
        except sqlite3.Error as err:
            raise describe_error(self._name, "write", err) from None

    def last_event(self) -> tuple[int, str] | None:
        """(seq, hash) of the last event."""
        try:
            row = self.connection.execute(
                "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        except sqlite3.Error as err:
            raise describe_error(self._name, "read", err) from None
        return None if row is None else (int(row[0]), str(row[1]))

    def insert_event(self, row: EventRow) -> None:
        """Append one event."""
        try:
            self.connection.execute(
                f"INSERT INTO events({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row
            )
        except sqlite3.Error as err:
            raise describe_error(self._name, "write", err) from None

    def select_events(self, after_seq: int, kinds: Sequence[str] | None) -> Iterator[EventRow]:
        """Events after `after_seq` in seq order, fetched in chunks."""
        sql = f"SELECT {_EVENT_COLUMNS} FROM events WHERE seq > ?"
        params: list[Any] = [after_seq]
        if kinds is not None:
            sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
            params.extend(kinds)
        try:
            cursor = self.connection.execute(sql + " ORDER BY seq", params)
            while chunk := cursor.fetchmany(1000):
                yield from (EventRow(*r) for r in chunk)
        except sqlite3.Error as err:
            raise describe_error(self._name, "read", err) from None

    def get_row(self, table: str, key: str) -> dict[str, Any] | None:
        """One projection row."""
        _check_table(table)
        text = self._docs.get((table, key))
        if text is not None:
            return _loads(text)
        try:
            row = self.connection.execute(f"SELECT doc FROM {table} WHERE key=?", (key,)).fetchone()
        except sqlite3.Error as err:
            raise describe_error(self._name, "read", err) from None
        if row is None:
            return None
        if not self.readonly:
            self._remember(table, key, row[0])
        return _loads(row[0])

    def _remember(self, table: str, key: str, text: str) -> None:
        if len(self._docs) >= _DOC_CACHE:
            self._docs.clear()
        self._docs[(table, key)] = text

    def existing_keys(self, table: str, keys: Sequence[str]) -> set[str]:
        """Which of `keys` have a row in projection `table`."""
        _check_table(table)
        found: set[str] = set()
        try:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                rows = self.connection.execute(
                    f"SELECT key FROM {table} WHERE key IN ({', '.join('?' * len(chunk))})", chunk
                ).fetchall()
                found.update(str(r[0]) for r in rows)
        except sqlite3.Error as err:
            raise describe_error(self._name, "read", err) from None
        return found

    def put_row(self, table: str, key: str, row: dict[str, Any]) -> None:
        """Upsert one projection row, keeping its rowid (so its order) on update."""
        sql, indexed = _UPSERT[table]
        text = canonical_text(row)
        try:
            self.connection.execute(sql, (key, text, *[row.get(n) for n in indexed]))
        except sqlite3.Error as err:
            self._docs.pop((table, key), None)
            raise describe_error(self._name, "write", err) from None
        self._remember(table, key, text)

    def select_rows(self, table: str, **where: Any) -> list[dict[str, Any]]:
        """Rows in insertion order, filtered on indexed fields."""
        indexed = PROJECTION_TABLES[table]
        for name in where:
            if name not in indexed:
                raise KeyError(f"{table} has no indexed field {name!r}")
        clause = " AND ".join(f"{n}=?" for n in where) or "1"
        try:
            rows = self.connection.execute(
                f"SELECT doc FROM {table} WHERE {clause} ORDER BY rowid", list(where.values())
            ).fetchall()
        except sqlite3.Error as err:
            raise describe_error(self._name, "read", err) from None
        return [_loads(r[0]) for r in rows]

    def open_order_times(self) -> list[OrderTimes]:
        """The open orders' timer fields, in insertion order: SQLite reads them out of each row
        document, so a scan of thousands of open orders parses no JSON in Python."""
        try:
            rows = self.connection.execute(_OPEN_ORDER_TIMES).fetchall()
        except sqlite3.Error as err:
            raise describe_error(self._name, "read", err) from None
        return [
            OrderTimes(k, st, state, float(a), float(b), float(c)) for k, st, state, a, b, c in rows
        ]

    def insert_observations(
        self, batch: int, first_ts: float, last_ts: float, count: int, data: bytes
    ) -> None:
        """Store one packed batch as one row."""
        try:
            self.connection.execute(
                "INSERT INTO observation_batches(batch, first_ts, last_ts, count, data) "
                "VALUES (?, ?, ?, ?, ?)",
                (batch, first_ts, last_ts, count, data),
            )
        except sqlite3.Error as err:
            raise describe_error(self._name, "write", err) from None

    def select_observations(
        self,
        since: float | None,
        until: float | None,
        zone: str | None,
        metric: str | None,
    ) -> list[ObservationRow]:
        """Matching observations by ts, then insertion order: a version-1 journal's rows
        first, then the packed batches whose span meets [since, until], unpacked."""
        rows = self._legacy_observations(since, until, zone, metric) if self._legacy_rows else []
        if not self._packed:
            return rows
        where, params = _where(("last_ts >= ?", since), ("first_ts <= ?", until))
        try:
            blobs = self.connection.execute(
                f"SELECT batch, CAST(data AS BLOB) FROM observation_batches WHERE {where} "
                "ORDER BY batch",
                params,
            ).fetchall()
            packed = select_rows(blobs, since, until, zone, metric)
        except sqlite3.Error as err:
            raise describe_error(self._name, "read", err) from None
        except ValueError:
            raise JournalError(
                f"cannot read journal {self._name}: a stored observation batch is damaged; "
                "run baton verify on it"
            ) from None
        if not rows:
            return sorted(packed, key=_ts)
        return sorted(rows + packed, key=_ts)

    def _legacy_observations(
        self,
        since: float | None,
        until: float | None,
        zone: str | None,
        metric: str | None,
    ) -> list[ObservationRow]:
        where, params = _where(
            ("ts >= ?", since), ("ts <= ?", until), ("zone = ?", zone), ("metric = ?", metric)
        )
        try:
            rows = self.connection.execute(
                "SELECT ts, feed, zone, metric, value, source, batch FROM observations "
                f"WHERE {where} ORDER BY ts, rowid",
                params,
            ).fetchall()
        except sqlite3.Error as err:
            raise describe_error(self._name, "read", err) from None
        return [ObservationRow(*r) for r in rows]

    def insert_outbox(self, row: OutboxRow) -> None:
        """Queue a message."""
        try:
            self.connection.execute(
                "INSERT INTO outbox(msg_id, peer, msg_type, body, seq, created_at, acked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        except sqlite3.Error as err:
            raise describe_error(self._name, "write", err) from None

    def select_outbox(
        self, peer: str | None, msg_type: str | None, pending_only: bool
    ) -> list[OutboxRow]:
        """Queued messages in seq order."""
        where, params = _where(("peer = ?", peer), ("msg_type = ?", msg_type))
        if pending_only:
            where = f"acked_at IS NULL AND {where}"
        try:
            rows = self.connection.execute(
                "SELECT msg_id, peer, msg_type, body, seq, created_at, acked_at FROM outbox "
                f"WHERE {where} ORDER BY seq, rowid",
                params,
            ).fetchall()
        except sqlite3.Error as err:
            raise describe_error(self._name, "read", err) from None
        return [OutboxRow(*r) for r in rows]

    def ack_outbox(self, msg_id: str, ts: float) -> bool:
        """Mark acknowledged once."""
        try:
            cur = self.connection.execute(
                "UPDATE outbox SET acked_at=? WHERE msg_id=? AND acked_at IS NULL", (ts, msg_id)
            )
        except sqlite3.Error as err:
            raise describe_error(self._name, "write", err) from None
        return cur.rowcount == 1

    def insert_inbox(self, msg_id: str, peer: str, seq: int) -> bool:
        """Remember a message id once."""
        try:
            cur = self.connection.execute(
                "INSERT OR IGNORE INTO inbox(msg_id, peer, seq) VALUES (?, ?, ?)",
                (msg_id, peer, seq),
            )
        except sqlite3.Error as err:
            raise describe_error(self._name, "write", err) from None
        return cur.rowcount == 1

    def touch(self, station: str, ts: float) -> None:
        """Keep the latest time a station was heard."""
        try:
            self.connection.execute(
                "INSERT INTO presence(station, last_heard) VALUES (?, ?) "
                "ON CONFLICT(station) DO UPDATE "
                "SET last_heard=max(last_heard, excluded.last_heard)",
                (station, ts),
            )
        except sqlite3.Error as err:
            raise describe_error(self._name, "write", err) from None

    def presence(self) -> dict[str, float]:
        """station -> last heard."""
        try:
            rows = self.connection.execute("SELECT station, last_heard FROM presence").fetchall()
        except sqlite3.Error as err:
            raise describe_error(self._name, "read", err) from None
        return {str(s): float(t) for s, t in rows}


def page_cap_for_tests(path: Path | str, env: Mapping[str, str] | None = None) -> int | None:
    """The page cap `BATON_TEST_MAX_PAGES` sets for the journal at `path` (tests only), or None."""
    value = (os.environ if env is None else env).get(TEST_MAX_PAGES_ENV, "").strip()
    if not value:
        return None
    name = Path(path).name
    for part in value.split(","):
        target, _, pages = part.strip().rpartition("=")
        if target and target != name:
            continue
        if not pages.isdigit() or int(pages) < 1:
            raise JournalError(
                f"{TEST_MAX_PAGES_ENV}={value!r} is not N or NAME=N,...: "
                "unset it (it is for tests only)"
            )
        return int(pages)
    return None


def stored_batch_digests(conn: sqlite3.Connection) -> tuple[dict[int, tuple[int, str]], int]:
    """batch seq -> (count, digest) of every packed batch in the file, recomputed from the
    stored blobs (`baton verify` compares them with the chained batch events), and the total
    count. A blob that is not a packed batch counts 0; {} for a version-1 journal."""
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
    if "observation_batches" not in tables:
        return {}, 0
    out: dict[int, tuple[int, str]] = {}
    total = 0
    cursor = conn.execute(
        "SELECT batch, CAST(data AS BLOB), typeof(data) = 'blob' FROM observation_batches "
        "ORDER BY batch"
    )
    while chunk := cursor.fetchmany(256):
        for batch, data, is_blob in chunk:
            count, digest = (count_of(data), digest_of(data)) if is_blob else (0, "")
            out[int(batch)] = (count, digest)
            total += count
    return out, total


def has_legacy_observations(conn: sqlite3.Connection) -> bool:
    """Whether the file holds a version-1 `observations` table (one row per observation)."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='observations'"
    ).fetchone()
    return row is not None


def _ts(row: ObservationRow) -> float:
    return row.ts


def folder_writable(folder: Path) -> bool:
    """Whether this process may create files in `folder`."""
    return os.access(folder, os.W_OK)


def _upsert(table: str) -> tuple[str, tuple[str, ...]]:
    indexed = PROJECTION_TABLES[table]
    names = ["key", "doc", *indexed]
    updates = ", ".join(f"{n}=excluded.{n}" for n in names[1:])
    sql = (
        f"INSERT INTO {table}({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT(key) DO UPDATE SET {updates}"
    )
    return sql, indexed


_UPSERT = {table: _upsert(table) for table in PROJECTION_TABLES}
_DOC_CACHE = 20_000  # projection docs the writer keeps; past that it starts again


def _check_table(table: str) -> None:
    if table not in PROJECTION_TABLES:
        raise KeyError(f"no projection table {table!r}")


def _loads(text: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(text)
    return value


def _where(*conditions: tuple[str, Any]) -> tuple[str, list[Any]]:
    """A WHERE clause of the `(sql, value)` conditions whose value is not None, ANDed ("1"
    when none), and their parameters."""
    kept = [(sql, value) for sql, value in conditions if value is not None]
    return " AND ".join(sql for sql, _ in kept) or "1", [value for _, value in kept]
