"""Builders shared by the journal tests (orders, decisions, tampering a journal file)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from command.clock import ManualClock
from command.decisions import order_decision
from command.ids import new_id
from command.journal import IssuedOrder, Journal
from command.journal.chain import event_hash
from command.journal.packed import pack, select_rows
from command.model import Decision, Observation, Order, Priority
from command.signing import Signer

INCIDENT = "bund-2026"


def make_order(
    clock: ManualClock,
    *,
    station: str = "traffic",
    signed: bool = True,
    decision_id: str | None = None,
    ack_s: float = 120.0,
    due_s: float = 900.0,
    text: str = "close the riverside lane",
) -> Order:
    """An order issued now; signed with a placeholder unless `signed` is False."""
    now = clock.now()
    return Order(
        id=new_id(now),
        incident=INCIDENT,
        station=station,
        kind="close_lane",
        params={"lane": 2},
        zone="promenade",
        priority=Priority.URGENT,
        issued_at=now,
        ack_deadline=now + ack_s,
        due=now + due_s,
        text=text,
        grant_chain=("g-root", "g-site"),
        decision_id=decision_id or new_id(now),
        commander="cmd",
        signature="ab" * 32 if signed else "",
    )


def make_decision(clock: ManualClock, *, text: str = "hold the crowd at the bridge") -> Decision:
    """A manual decision entry made now."""
    return Decision(
        id=new_id(clock.now()),
        incident=INCIDENT,
        ts=clock.now(),
        author="cmd",
        decision=text,
        rationale="density rising in zone promenade",
        snapshot={"promenade": {"level": "orange", "density": 3.1}},
    )


def issue(journal: Journal, clock: ManualClock, **kwargs: Any) -> IssuedOrder:
    """Issue a fresh order with its automatic decision entry."""
    order = make_order(clock, **kwargs)
    decision = order_decision(order, rationale="crowd pressure", snapshot={"open": 0})
    return journal.issue_order(order, decision)


def observations(clock: ManualClock, n: int = 3, zone: str = "promenade") -> list[Observation]:
    """`n` crowd counts, one second apart, starting now."""
    t = clock.now()
    return [Observation(t + i, "crowd", zone, "count", 100.0 + i, f"cam{i}") for i in range(n)]


def build_file_journal(path: Path, clock: ManualClock, signer: Signer) -> Journal:
    """A closed-and-reopened-ready journal with orders, observations and checkpoints.

    Layout (seq): 1-2 decision + order, 3 checkpoint, 4 batch (3 rows), 5 decision,
    6-7 decision + order, 8 deliver, 9 batch (4 rows), 10 checkpoint, 11 station,
    12 decision, 13 checkpoint (on close).
    """
    j = Journal.open(path, clock=clock, owner="cmd", role="console")
    issue(j, clock)
    j.checkpoint(signer)
    clock.advance(1)
    j.add_observations(observations(clock))
    j.add_decision(make_decision(clock))
    clock.advance(1)
    second = issue(j, clock, station="security")
    j.record_step(second.order.id, _deliver(), actor="security")
    j.add_observations(observations(clock, 4, zone="bridge"))
    j.checkpoint(signer)
    j.set_station_status("traffic", True)
    j.add_decision(make_decision(clock, text="open the north exits"))
    j.close(signer)
    return j


def _deliver() -> Any:
    from command.lifecycle import Step

    return Step.DELIVER


def tamper(path: Path, *statements: str | tuple[str, tuple[Any, ...]]) -> None:
    """Edit a journal file behind Baton's back with raw SQL (triggers dropped first)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
        for stmt in statements:
            if isinstance(stmt, tuple):
                conn.execute(stmt[0], stmt[1])
            else:
                conn.execute(stmt)
    finally:
        conn.close()


def stored_batch(path: Path, batch: int) -> list[Observation]:
    """The observations of the packed batch at seq `batch`, read from the file."""
    conn = sqlite3.connect(path)
    try:
        (data,) = conn.execute(
            "SELECT data FROM observation_batches WHERE batch = ?", (batch,)
        ).fetchone()
    finally:
        conn.close()
    return [
        Observation(r.ts, r.feed, r.zone, r.metric, r.value, r.source)
        for r in select_rows([(batch, data)], None, None, None, None)
    ]


def repack(path: Path, batch: int, rows: list[Observation]) -> None:
    """Replace the packed batch at seq `batch` with `rows` behind Baton's back (the chained
    digest is left as it was)."""
    tamper(
        path,
        ("UPDATE observation_batches SET data = ? WHERE batch = ?", (pack(rows).data, batch)),
    )


def rechain(path: Path, from_seq: int) -> None:
    """Recompute every hash from `from_seq` on, as a forger without the signing key would."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        rows = conn.execute(
            "SELECT seq, ts, actor, kind, incident, body FROM events WHERE seq >= ? ORDER BY seq",
            (from_seq,),
        ).fetchall()
        prev_row = conn.execute(
            "SELECT hash FROM events WHERE seq < ? ORDER BY seq DESC LIMIT 1", (from_seq,)
        ).fetchone()
        prev = prev_row[0] if prev_row else "0" * 64
        conn.execute("BEGIN")
        for seq, ts, actor, kind, incident, body in rows:
            digest = event_hash(prev, seq, ts, actor, kind, incident, body)
            conn.execute("UPDATE events SET prev_hash=?, hash=? WHERE seq=?", (prev, digest, seq))
            prev = digest
        conn.execute("COMMIT")
    finally:
        conn.close()
