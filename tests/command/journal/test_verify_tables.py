"""verify holds the projections, the outbox and the inbox against the events: an edit of any of
them (re-queuing an old ORDER, a copied row, a changed order state) names the first bad row."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from command.clock import ManualClock
from command.ids import short_id
from command.journal import Journal, verify_journal
from command.journal.verify_tables import (
    INBOX_MISSING,
    OUTBOX,
    OUTBOX_DUPLICATE,
    OUTBOX_MISSING,
    OUTBOX_REQUEUED,
    PROJECTION,
)
from command.lifecycle import Step
from tests.command.journal.helpers import issue, make_order, tamper


@pytest.fixture
def console(tmp_path: Path, clock: ManualClock) -> tuple[Path, list[str], list[str]]:
    """A console journal: two orders issued, the first delivered, the second cancelled.
    Returns (path, order ids, ORDER msg ids)."""
    p = tmp_path / "console.sqlite"
    j = Journal.open(p, clock=clock, owner="cmd", role="console")
    first, second = issue(j, clock), issue(j, clock, station="security")
    clock.advance(1)
    with j.transaction():
        j.mark_acked(first.msg_id)
        j.record_step(
            first.order.id, Step.DELIVER, actor="traffic", detail={"msg_id": first.msg_id}
        )
    with j.transaction():
        j.record_step(second.order.id, Step.CANCEL, actor="cmd", detail={"reason": "moot"})
        j.enqueue("security", "CANCEL", {"order_id": second.order.id, "reason": "moot"})
    j.set_station_status("traffic", True)
    j.close()
    return p, [first.order.id, second.order.id], [first.msg_id, second.msg_id]


def outbox(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM outbox ORDER BY seq, rowid").fetchall()
    finally:
        conn.close()


def failure(path: Path, where: str, problem: str) -> str:
    result = verify_journal(path)
    assert not result.ok, result.summary(path)
    assert (result.where, result.problem) == (where, problem), result.summary(path)
    assert result.summary(path).startswith(f"journal {path}: {where} {problem}: ")
    return result.detail


def test_untouched_tables_verify(console: tuple[Path, list[str], list[str]]) -> None:
    path, _, _ = console
    result = verify_journal(path)
    assert result.ok and result.tables_checked, result.summary(path)
    assert "projections, outbox and inbox match the events" in result.summary(path)


def test_edited_order_state(console: tuple[Path, list[str], list[str]]) -> None:
    path, ids, _ = console
    tamper(
        path,
        ("UPDATE orders SET doc = replace(doc, '\"state\":\"cancelled\"', '\"state\":\"issued\"') "
         "WHERE key = ?", (ids[1],)),
    )  # fmt: skip
    assert "field 'state' is 'issued'" in failure(path, f"orders row {ids[1]}", PROJECTION)


def test_edited_indexed_column_only(console: tuple[Path, list[str], list[str]]) -> None:
    path, ids, _ = console
    tamper(path, ("UPDATE orders SET open = 1 WHERE key = ?", (ids[1],)))
    assert "column 'open'" in failure(path, f"orders row {ids[1]}", PROJECTION)


def test_deleted_and_invented_projection_rows(console: tuple[Path, list[str], list[str]]) -> None:
    path, _, _ = console
    tamper(path, "INSERT INTO escalations(key, doc) VALUES ('e1', '{\"id\":\"e1\"}')")
    assert failure(path, "escalations row e1", PROJECTION) == "no event makes this row"
    tamper(path, "DELETE FROM stations")
    assert failure(path, "stations row traffic", PROJECTION) == "the row is missing"


def test_requeued_order(console: tuple[Path, list[str], list[str]]) -> None:
    path, ids, msgs = console
    tamper(path, ("UPDATE outbox SET acked_at = NULL WHERE msg_id = ?", (msgs[0],)))
    detail = failure(path, f"outbox row {msgs[0]}", OUTBOX_REQUEUED)
    assert f"order {short_id(ids[0])}'s delivery" in detail  # the short form people read


def test_copied_order_row(console: tuple[Path, list[str], list[str]]) -> None:
    path, _, msgs = console
    tamper(
        path,
        ("INSERT INTO outbox SELECT 'copy-1', peer, msg_type, body, seq, created_at, NULL "
         "FROM outbox WHERE msg_id = ?", (msgs[0],)),
    )  # fmt: skip
    failure(path, "outbox row copy-1", OUTBOX_DUPLICATE)
    tamper(path, "UPDATE outbox SET seq = seq + 1 WHERE msg_id = 'copy-1'")
    assert "no order.issued event" in failure(path, "outbox row copy-1", OUTBOX)


def test_copied_cancel_row(console: tuple[Path, list[str], list[str]]) -> None:
    path, _, _ = console
    cancel = next(r for r in outbox(path) if r[2] == "CANCEL")
    tamper(
        path,
        ("INSERT INTO outbox SELECT 'copy-2', peer, msg_type, body, seq, created_at, NULL "
         "FROM outbox WHERE msg_id = ?", (cancel[0],)),
    )  # fmt: skip
    failure(path, "outbox row copy-2", OUTBOX_DUPLICATE)


def test_edited_and_deleted_order_rows(console: tuple[Path, list[str], list[str]]) -> None:
    path, ids, msgs = console
    tamper(path, ("UPDATE outbox SET peer = 'security' WHERE msg_id = ?", (msgs[0],)))
    assert "differs from the ORDER" in failure(path, f"outbox row {msgs[0]}", OUTBOX)
    tamper(path, ("DELETE FROM outbox WHERE msg_id = ?", (msgs[0],)))
    assert ids[0] in failure(path, f"outbox row {msgs[0]}", OUTBOX_MISSING)


def test_invented_cancel(console: tuple[Path, list[str], list[str]]) -> None:
    path, ids, _ = console
    body = json.dumps({"order_id": ids[0], "reason": "moot"})
    tamper(
        path,
        ("INSERT INTO outbox VALUES ('fake', 'traffic', 'CANCEL', ?, 5, 0, NULL)", (body,)),
    )
    assert "no cancellation" in failure(path, "outbox row fake", OUTBOX)


def test_station_reports_and_inbox(tmp_path: Path, clock: ManualClock) -> None:
    p = tmp_path / "traffic.sqlite"
    j = Journal.open(p, clock=clock, owner="traffic", role="station")
    order = make_order(clock)
    j.receive_order(order, msg_id="m-1", peer="cmd")
    now = clock.now()
    with j.transaction():
        j.record_step(order.id, Step.ACKNOWLEDGE, actor="traffic", detail={}, ts=now)
        j.enqueue(
            "cmd", "REPORT", {"order_id": order.id, "step": "acknowledge", "ts": now, "detail": {}}
        )
    j.close()
    assert verify_journal(p).ok, verify_journal(p).summary(p)
    report = outbox(p)[0]
    tamper(
        p,
        ("UPDATE outbox SET body = replace(body, 'acknowledge', 'complete') WHERE msg_id = ?",
         (report[0],)),
    )  # fmt: skip
    assert "no order.complete step" in failure(p, f"outbox row {report[0]}", OUTBOX)
    tamper(
        p,
        ("UPDATE outbox SET body = replace(body, 'complete', 'acknowledge') WHERE msg_id = ?",
         (report[0],)),
        "DELETE FROM inbox",
    )  # fmt: skip
    assert "replay" in failure(p, "inbox row m-1", INBOX_MISSING)
