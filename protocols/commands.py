"""The engine's typed seams: commands in, updates out.

A *command* is a frozen dataclass naming one request to a node, run in the engine thread;
`Command[R]` says what its handler returns, so `Engine.call(IssueOrder(...))` is a
`Future[IssuedOrder]` and a type checker follows an order from the composer to the post. A node
lists what it runs in a `Handlers` table keyed by the command's class (never by a name).

An *update* is what a node tells the GUI besides journal events (the picture, stale or refused
feeds, its status, an autopilot draft it could not issue, a journal it could not write);
`EngineBatch.updates` carries them in the order they happened and the GUI dispatches on their
type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from command.drafts import OrderDraft
from command.errors import BatonError
from command.journal import IssuedOrder, OrderRow
from command.lifecycle import Step
from command.model import Decision, DecisionKind, Order
from command.picture.engine import PictureUpdate
from command.picture.playbooks import Suggestion
from command.signing import Signer

if TYPE_CHECKING:  # centre_commands builds on this module's Command
    from protocols.centre_commands import UplinkState

JSON = Any
R = TypeVar("R")
C = TypeVar("C", bound="Command[Any]")


class UnknownCommand(BatonError):
    """A node was asked to run a command it has no handler for."""


@dataclass(frozen=True, slots=True)
class Command(Generic[R]):
    """A request run in the engine thread; its handler returns an `R`."""


# -- every node --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shutdown(Command[None]):
    """Stop the engine loop (the engine itself handles it)."""


# -- the console ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsoleStatus:
    """Stations online, the outbox size, and when each station was last heard (scenario time)."""

    online: tuple[str, ...] = ()
    pending: int = 0
    heard: Mapping[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Decided(Command[R]):
    """The decision entry journaled with orders (Joint Decision Model fields)."""

    _: KW_ONLY
    decision: str
    rationale: str
    information: str = ""
    risk_assessment: str = ""
    powers_policy: str = ""
    options: str = ""
    kind: DecisionKind = DecisionKind.ORDER

    def entry(self) -> dict[str, Any]:
        """The keyword arguments `ConsolePost.issue_order(s)` takes for the decision."""
        return {
            "decision": self.decision,
            "rationale": self.rationale,
            "information": self.information,
            "risk_assessment": self.risk_assessment,
            "powers_policy": self.powers_policy,
            "options": self.options,
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class IssueOrder(_Decided[IssuedOrder]):
    """Journal one order with its decision entry, then send it."""

    draft: OrderDraft


@dataclass(frozen=True, slots=True)
class IssueOrders(_Decided[list[IssuedOrder]]):
    """Journal several orders under one decision entry in one commit (all or none), then send."""

    drafts: tuple[OrderDraft, ...]


@dataclass(frozen=True, slots=True)
class CancelOrder(Command[str]):
    """Cancel an order (a reason is required) and send the CANCEL; returns its message id."""

    order_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class AddDecision(Command[Decision]):
    """Journal a manual decision entry."""

    decision: str
    rationale: str
    information: str = ""
    risk_assessment: str = ""
    powers_policy: str = ""
    options: str = ""


@dataclass(frozen=True, slots=True)
class CorrectDecision(Command[Decision]):
    """Strike `original_id` through with a corrected entry (a reason is required)."""

    original_id: str
    decision: str
    rationale: str
    reason: str


@dataclass(frozen=True, slots=True)
class SendGrants(Command[str]):
    """Queue grant documents for a station and send them; returns the message id."""

    station: str
    documents: tuple[Mapping[str, JSON], ...]


@dataclass(frozen=True, slots=True)
class SendHandover(Command[list[str]]):
    """Ship a handover's documents and re-chained open orders to every station."""

    documents: tuple[Mapping[str, JSON], ...]
    rechained: tuple[Order, ...] = ()
    signer: Signer | None = None  # signs new orders from now on
    grant_chain: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class ApproveSuggestion(Command[list[IssuedOrder]]):
    """Approve a playbook suggestion as proposed and issue its orders."""

    suggestion_id: str
    why: str = ""


@dataclass(frozen=True, slots=True)
class EditSuggestion(Command[list[IssuedOrder]]):
    """Approve a suggestion with the commander's changes (`why` required); issue those."""

    suggestion_id: str
    orders: tuple[OrderDraft, ...]
    why: str


@dataclass(frozen=True, slots=True)
class DismissSuggestion(Command[None]):
    """Turn a suggestion down (`why` required)."""

    suggestion_id: str
    why: str


@dataclass(frozen=True, slots=True)
class Acknowledge(Command[None]):
    """The commander saw an item needing attention (`subject` "order" or "escalation", by id):
    journaled as `attention.acknowledged`, so it stops being highlighted."""

    subject: str
    id: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Status(Command[ConsoleStatus]):
    """The console's status now."""


@dataclass(frozen=True, slots=True)
class Address(Command[str]):
    """The address the console's ROUTER is bound to (resolves a `tcp://host:*` bind)."""


@dataclass(frozen=True, slots=True)
class CountIssued(Command[int]):
    """How many orders the journal holds as issued."""


@dataclass(frozen=True, slots=True)
class PictureSnapshot(Command[dict[str, JSON]]):
    """The picture now (a console with a picture engine only)."""


# -- a station -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer(Command[None]):
    """The operator's answer to an order; journaled and reported by the engine thread.

    `detail` by step: accept/complete {note}, decline/fail {reason}, progress {percent, note}.
    """

    order_id: str
    step: Step
    detail: Mapping[str, JSON] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pending(Command[int]):
    """How many reports wait for the console (the station's outbox)."""


@dataclass(frozen=True, slots=True)
class Inbox(Command[list[OrderRow]]):
    """The station's orders (open ones unless `open_only` is false)."""

    open_only: bool = True


# -- the handler table ---------------------------------------------------------------------------


class Handlers:
    """Command class → handler, run in the engine thread (see the module docstring)."""

    def __init__(self) -> None:
        self._table: dict[type[Command[Any]], Callable[[Any], Any]] = {}

    def on(self, kind: type[C], handler: Callable[[C], object]) -> Handlers:
        """Run `handler` for commands of class `kind` (replacing any earlier one)."""
        self._table[kind] = handler
        return self

    def kinds(self) -> frozenset[type[Command[Any]]]:
        """The command classes handled."""
        return frozenset(self._table)

    def handler(self, kind: type[Command[Any]]) -> Callable[[Any], Any] | None:
        """The handler for `kind`, if any."""
        return self._table.get(kind)

    def run(self, command: Command[R]) -> R:
        """Run `command`'s handler; `UnknownCommand` if there is none."""
        handler = self._table.get(type(command))
        if handler is None:
            raise UnknownCommand(f"this node does not run {type(command).__name__} commands")
        return cast(R, handler(command))


# -- updates (engine → GUI) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PictureChanged:
    """A picture tick changed zone levels or proposed suggestions."""

    update: PictureUpdate


@dataclass(frozen=True, slots=True)
class PictureSnapshotted:
    """The picture at a tick (JSON-ready: zones, indicators, levels)."""

    snapshot: dict[str, JSON]


@dataclass(frozen=True, slots=True)
class SuggestionsProposed:
    """Playbook suggestions an incoming signal triggered."""

    suggestions: tuple[Suggestion, ...]


@dataclass(frozen=True, slots=True)
class FeedsStale:
    """Feed publishers that just went silent."""

    publishers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FeedRejected:
    """A feed message the subscriber refused."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class FeedHookOutput:
    """What `ConsoleSettings.on_feed` returned for a feed batch."""

    value: object


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """The console's status changed."""

    status: ConsoleStatus


@dataclass(frozen=True, slots=True)
class MetricPoint:
    """One recent value of a key metric (a window opened mid-incident is shown these)."""

    zone: str
    metric: str
    ts: float
    value: float

    def to_dict(self) -> dict[str, JSON]:
        """The {zone, metric, ts, value} form the console's plots take."""
        return {"zone": self.zone, "metric": self.metric, "ts": self.ts, "value": self.value}


@dataclass(frozen=True, slots=True)
class MetricHistory:
    """The key metrics' recent history, oldest first (sent once, before live values)."""

    points: tuple[MetricPoint, ...]


@dataclass(frozen=True, slots=True)
class CommandFailed:
    """Something the engine did on its own (e.g. the autopilot) failed: shown as one line."""

    command: str
    text: str


@dataclass(frozen=True, slots=True)
class JournalFailed:
    """The node's journal could not be written, so the node stopped: nothing more is journaled
    or sent (log before send), and what was already journaled is kept. `text` is the one line
    to show (the journal file, the cause and the fix); `journal` the file (None: in memory)."""

    journal: Path | None
    text: str


@dataclass(frozen=True, slots=True)
class IntegrityAlarm:
    """A witness refused one of this journal's checkpoints (or, as a witness, this node refused
    a peer's): the journal was forked, rolled back or re-signed. `refusal` is the journaled
    `witness.refused` body (the evidence); `text` the one line to show."""

    witness: str
    reason: str
    text: str
    refusal: dict[str, JSON] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UplinkChanged:
    """The site console's link to its centre changed (connected, shipped, waiting, SITREPs)."""

    state: UplinkState


Update = (
    PictureChanged
    | PictureSnapshotted
    | SuggestionsProposed
    | FeedsStale
    | FeedRejected
    | FeedHookOutput
    | StatusChanged
    | MetricHistory
    | CommandFailed
    | JournalFailed
    | IntegrityAlarm
    | UplinkChanged
)
"""Everything a node reports to the GUI besides journal events."""
