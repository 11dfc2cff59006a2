"""Durable messaging on the journal: the outbox (enqueue, pending, acks) and the inbox of
received message ids (dedupe), written in the transaction of the event that caused them; and
the content hash of an order held here, which tells a resend from a replay."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from command.canonical import canonical_bytes, canonical_text
from command.ids import new_id
from command.journal.core import JournalCore
from command.journal.records import OutMessage
from command.journal.store import OutboxRow
from command.model import Order


def content_hash(order: Order) -> str:
    """SHA-256 (hex) of the order's canonical signed content: everything the signature covers
    and the signature itself, in `command.canonical`'s byte form. A resend of the same signed
    order (under any message id) hashes the same; any other content under that id does not."""
    return hashlib.sha256(canonical_bytes(order.to_dict())).hexdigest()


class Messages(JournalCore):
    """Outbox and inbox (a mixin of `Journal`)."""

    def enqueue(self, peer: str, msg_type: str, body: dict[str, Any]) -> str:
        """Queue a message for `peer` (call inside the transaction of the event that caused
        it); returns its msg_id."""
        with self.transaction():
            now = self.clock.now()
            msg_id = new_id(now)
            self._store.insert_outbox(
                OutboxRow(msg_id, peer, msg_type, canonical_text(body), self._head[0], now, None)
            )
            self._count_queued(peer)
        return msg_id

    def outbox_mark(self, peer: str) -> int:
        """How many messages this writer has queued for `peer` since it opened the journal (a
        rolled-back one counts too): a copy of the peer's pending messages that has seen every
        one of them is complete, so a sender can tell whether it must read the outbox again."""
        return self._queued_count.get(peer, 0)

    def pending(self, peer: str | None = None) -> list[OutMessage]:
        """Messages not yet acknowledged, in seq order."""
        queued = self._queued  # bodies of orders this writer queued: no need to parse them
        return [
            OutMessage(
                r.msg_id,
                r.peer,
                r.msg_type,
                queued.get(r.msg_id) or json.loads(r.body),
                r.seq,
                r.created_at,
            )
            for r in self._store.select_outbox(peer, None, pending_only=True)
        ]

    def mark_acked(self, msg_id: str) -> bool:
        """Record the peer's acknowledgement; True the first time."""
        with self.transaction():
            acked = self._store.ack_outbox(msg_id, self.clock.now())
        self._queued.pop(msg_id, None)
        return acked

    def mark_received(self, msg_id: str, peer: str) -> bool:
        """Remember a received message id; True the first time only (dedupe)."""
        with self.transaction():
            return self._store.insert_inbox(msg_id, peer, self._head[0])

    def held_content_hash(self, order_id: str) -> str | None:
        """The content hash of the order held under `order_id`, None when none is held.

        Derived from the journal, not stored beside it: the orders projection holds the order as
        journaled by `order.received` (and carried by `order.rechained`), so no table is added
        and the hash is the same after a restart or a rebuild from the events."""
        row = self._store.get_row("orders", order_id)
        return None if row is None else content_hash(Order.from_dict(row["order"]))
