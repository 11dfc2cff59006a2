"""The journal: an append-only, hash-chained event log with projections, outbox and inbox.

`Journal` is the chain core (`command.journal.core`: open, transactions, `record`, events, head,
checkpoints, close) with the order ledger (`ledger`: orders, steps, escalations, decisions,
stations), durable messaging (`messages`) and observations (`observations`) on top. Every write
goes through `transaction()`; everything written inside one transaction commits together or not
at all. The timer policy that raises escalations and expires orders is `command.timers`.
"""

from __future__ import annotations

from command.journal.core import JournalCore, Role
from command.journal.ledger import (
    Cause,
    DecisionLog,
    Incoming,
    IssuedOrder,
    OrderLedger,
    StationRoster,
    StepRequest,
)
from command.journal.messages import Messages
from command.journal.observations import Observations

__all__ = ["Cause", "Incoming", "IssuedOrder", "Journal", "JournalCore", "Role", "StepRequest"]


class Journal(OrderLedger, DecisionLog, StationRoster, Messages, Observations):
    """The journal of one console or station: one writer, every change an event in the chain."""
