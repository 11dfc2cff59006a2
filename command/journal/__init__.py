"""The journal: append-only hash-chained events, projections, outbox, observations.

Import from here: `from command.journal import Journal, Event, verify_journal, ...`.
"""

from command.journal.chain import GENESIS
from command.journal.journal import Cause, Incoming, IssuedOrder, Journal, StepRequest
from command.journal.projections import fold
from command.journal.records import DecisionRow, Event, OrderRow, OutMessage, StationRow
from command.journal.verify import VerifyResult, verify_journal

__all__ = [
    "GENESIS",
    "Cause",
    "DecisionRow",
    "Event",
    "Incoming",
    "IssuedOrder",
    "Journal",
    "OrderRow",
    "OutMessage",
    "StationRow",
    "StepRequest",
    "VerifyResult",
    "fold",
    "verify_journal",
]
