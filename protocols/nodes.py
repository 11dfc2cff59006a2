"""What an engine runs: the console node (ROUTER link + ConsolePost + feed bus) and the station
node (DEALER link + StationDesk + an operator). Built inside the engine thread."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zmq

from command.authority.orders import DEFAULT_MAX_SKEW_S
from command.clock import Clock
from command.console_post import ConsolePost
from command.errors import JournalError, ValidationError
from command.journal import Cause, IssuedOrder, Journal, OrderRow
from command.journal.checkpoints import CheckpointPolicy, Origin
from command.lifecycle import Step
from command.model import Decision, Incident, Observation, Signal
from command.picture.engine import PictureEngine
from command.picture.playbooks import Decided, SuggestionBook
from command.signing import Signer
from command.station_desk import OrderVerifier, PlanFn, PlannedOperator, StationDesk, TimedOperator
from command.vocabulary import (
    AttentionAcknowledged,
    AttentionSubject,
    AuthRejected,
    Kind,
    MessageRejected,
    SignalReceived,
    WitnessRefused,
)
from protocols.alert_commands import IssuePublicAlert, public_alert_handler
from protocols.commands import (
    Acknowledge,
    AddDecision,
    Address,
    Answer,
    ApproveSuggestion,
    CancelOrder,
    ConsoleStatus,
    CorrectDecision,
    CountIssued,
    DismissSuggestion,
    EditSuggestion,
    FeedHookOutput,
    FeedRejected,
    FeedsStale,
    Handlers,
    Inbox,
    IntegrityAlarm,
    IssueOrder,
    IssueOrders,
    Pending,
    PictureChanged,
    PictureSnapshot,
    PictureSnapshotted,
    SendGrants,
    SendHandover,
    Status,
    SuggestionsProposed,
    Update,
)
from protocols.console_link import DEFAULT_ORDERS_ADDRESS, ConsoleLink
from protocols.delivery import ConsoleWire, StationWire, WireConfig
from protocols.feedbus import DEFAULT_SNAPSHOT_ADDRESS, FeedSubscriber, signal_dict
from protocols.security import KeyPair
from protocols.station_link import StationLink

JSON = Any


def open_journal(path: Path | None, *, clock: Clock, owner: str, role: str) -> Journal:
    """A file journal at `path`, or an in-memory one when `path` is None."""
    if path is None:
        return Journal.in_memory(clock=clock, owner=owner, role=role)  # type: ignore[arg-type]
    return Journal.open(path, clock=clock, owner=owner, role=role)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ConsoleSettings:
    """Everything a console node needs."""

    name: str
    journal_path: Path | None
    clock: Clock
    signer: Signer
    grant_chain: tuple[str, ...]
    incident: Incident
    keys: KeyPair
    allowed: Mapping[bytes, str]  # station CURVE public key (z85) → station id
    address: str = DEFAULT_ORDERS_ADDRESS
    wire: WireConfig = field(default_factory=WireConfig)
    snapshot: Callable[[], dict[str, JSON]] | None = None
    feed_address: str | None = None  # e.g. DEFAULT_FEED_ADDRESS; None: no feed bus
    snapshot_address: str = DEFAULT_SNAPSHOT_ADDRESS
    # Feed publishers' CURVE public keys (z85) → publisher name: the feed bus is a CURVE server
    # (the console's `keys`) admitting only these; empty admits none.
    feed_allowed: Mapping[bytes, str] = field(default_factory=dict)
    feed_stale_after_s: float = 10.0
    # The picture (fusion) hook: gets every feed batch after it is journaled; what it returns
    # (if not None) goes to the GUI in the next EngineBatch.updates as a FeedHookOutput.
    on_feed: Callable[[str, list[Observation], list[Signal]], object] | None = None
    # The incident's picture engine (fusion, risk, playbooks), built on the console journal.
    # With it, feeds go through the picture (which journals them), decisions snapshot it, and
    # the Approve/Edit/DismissSuggestion commands work.
    picture_factory: Callable[[Journal], PictureEngine] | None = None
    picture_every_s: float = 1.0
    # Station id → Ed25519 public key (hex) its REPORTs must be signed with (the allow-list's
    # `sign`); None: reports are not signature-checked. A report stamped outside `max_skew_s`
    # (seconds of `clock`) is refused too.
    report_keys: Mapping[str, str] | None = None
    max_skew_s: float = DEFAULT_MAX_SKEW_S
    # When the journal signs its head (`every_s` in seconds of `clock`: 10 wall seconds is
    # `10 * speed` on a scenario clock); the stations witness these checkpoints. None: only the
    # close checkpoint, nothing offered to witnesses (benchmarks' baseline).
    checkpoints: CheckpointPolicy | None = field(default_factory=CheckpointPolicy)


def alarm(refusal: WitnessRefused, *, ours: bool) -> IntegrityAlarm:
    """The GUI's line for a witness refusal (`ours`: a witness refused our checkpoint)."""
    size = refusal.offered.head_seq
    if ours:
        text = (
            f"{refusal.witness} refused this journal's checkpoint at size {size} "
            f"({refusal.reason.value}): {refusal.detail}"
        )
    else:
        text = (
            f"refused {refusal.offered.origin}'s checkpoint at size {size} "
            f"({refusal.reason.value}): {refusal.detail}"
        )
    return IntegrityAlarm(refusal.witness, refusal.reason.value, text, refusal.to_body())


class ConsoleNode:
    """The console's engine node."""

    def __init__(self, context: zmq.Context[Any], settings: ConsoleSettings) -> None:
        self.settings = settings
        self.journal = open_journal(
            settings.journal_path, clock=settings.clock, owner=settings.name, role="console"
        )
        try:
            if settings.checkpoints is not None:
                self.journal.sign_with(
                    settings.signer,
                    Origin.of(settings.incident.id, "console", settings.name, settings.signer),
                    settings.checkpoints,
                )
            self.picture: PictureEngine | None = None
            snapshot = settings.snapshot
            if settings.picture_factory is not None:
                self.picture = settings.picture_factory(self.journal)
                picture = self.picture
                snapshot = snapshot or (lambda: picture.snapshot(settings.clock.now()))
            self._next_picture = 0.0
            self.post = ConsolePost(
                self.journal,
                settings.clock,
                settings.signer,
                settings.grant_chain,
                settings.incident,
                snapshot=snapshot,
            )
            self.link = ConsoleLink(
                context,
                name=settings.name,
                keys=settings.keys,
                allowed=settings.allowed,
                address=settings.address,
                heartbeat_s=settings.wire.heartbeat_s,
            )
        except BaseException:
            self.journal.close()
            raise
        self.wire = ConsoleWire(
            self.post,
            self.link,
            settings.clock,
            settings.wire,
            report_keys=settings.report_keys,
            max_skew_s=settings.max_skew_s,
        )
        self._updates: list[Update] = []
        self.feeds: FeedSubscriber | None = None
        if settings.feed_address is not None:
            try:
                self.feeds = FeedSubscriber(
                    context,
                    self._on_feed,
                    clock=settings.clock.now,
                    feed_address=settings.feed_address,
                    snapshot_address=settings.snapshot_address,
                    stale_after_s=settings.feed_stale_after_s,
                    on_rejected=self._feed_rejected,
                    keys=settings.keys,
                    allowed=settings.feed_allowed,
                    on_refused=self._feed_refused,
                )
            except BaseException:
                self.close()
                raise

    def _on_feed(
        self, publisher: str, observations: list[Observation], signals: list[Signal]
    ) -> None:
        if self.picture is not None:
            if observations:
                self.picture.ingest(observations)
            for s in signals:
                proposed = self.picture.signal(s)
                if proposed:
                    self._updates.append(SuggestionsProposed(tuple(proposed)))
        else:
            with self.journal.transaction():
                if observations:
                    self.journal.add_observations(observations)
                for s in signals:
                    self.journal.record(SignalReceived(signal_dict(s)), actor=publisher)
        if self.settings.on_feed is not None:
            output = self.settings.on_feed(publisher, observations, signals)
            if output is not None:
                self._updates.append(FeedHookOutput(output))

    def _feed_rejected(self, code: str, text: str) -> None:
        self._updates.append(FeedRejected(code, text))

    def _feed_refused(self, refused: AuthRejected | MessageRejected) -> None:
        """Journal what the feed bus refused (rate-limited summaries, with their reasons)."""
        self.journal.record(refused, actor="feeds")

    def sockets(self) -> list[zmq.Socket[Any]]:
        """The ROUTER and its monitor, and the feed sockets."""
        return self.link.sockets() + (self.feeds.sockets() if self.feeds else [])

    def pump(self) -> int:
        """Handle incoming messages."""
        try:
            count = self.wire.pump()
        finally:
            self._alarms()
        if self.feeds is not None:
            count += self.feeds.pump()
        return count

    def _alarms(self) -> None:
        for refusal in self.wire.drain_alarms():
            self._updates.append(alarm(refusal, ours=refusal.witness != self.wire.witness_name))

    def tick(self, now: float) -> None:
        """Periodic checkpoint, retries, checkpoint offers, heartbeats, presence, order timers,
        feed staleness, the picture."""
        self.journal.tick(now)
        self.wire.tick(now)
        self._alarms()
        if self.picture is not None and now >= self._next_picture:
            self._next_picture = now + self.settings.picture_every_s
            update = self.picture.tick(now)
            if update.level_changes or update.suggestions:
                self._updates.append(PictureChanged(update))
            self._updates.append(PictureSnapshotted(self.picture.snapshot(now)))
        if self.feeds is not None:
            stale = self.feeds.tick(now)
            if stale:
                self._updates.append(FeedsStale(tuple(stale)))

    def report(self, update: Update) -> None:
        """Queue an update for the GUI (sent with the next engine batch)."""
        self._updates.append(update)

    def drain_updates(self) -> tuple[Update, ...]:
        """Non-journal updates since the last call (picture, stale feeds), for the GUI."""
        updates, self._updates = tuple(self._updates), []
        return updates

    def handlers(self) -> Handlers:
        """What the GUI and tests may ask for, by command class."""
        handlers = (
            Handlers()
            .on(IssueOrder, self.issue_order)
            .on(IssueOrders, self.issue_orders)
            .on(CancelOrder, self.cancel)
            .on(AddDecision, self.add_decision)
            .on(CorrectDecision, self.correct_decision)
            .on(SendGrants, self.send_grants)
            .on(SendHandover, self.send_handover)
            .on(ApproveSuggestion, self.approve_suggestion)
            .on(EditSuggestion, self.edit_suggestion)
            .on(DismissSuggestion, self.dismiss_suggestion)
            .on(Acknowledge, self.acknowledge)
            .on(Status, self.status)
            .on(Address, self.address)
            .on(CountIssued, self.count_issued)
            .on(IssuePublicAlert, public_alert_handler(self.post))
        )
        if self.picture is not None:
            handlers.on(PictureSnapshot, self.picture_snapshot)
        return handlers

    def issue_order(self, cmd: IssueOrder) -> IssuedOrder:
        """Journal, then send at once if the station is connected."""
        issued = self.post.issue_order(cmd.draft, **cmd.entry())
        self.wire.send_issued([issued])
        return issued

    def issue_orders(self, cmd: IssueOrders) -> list[IssuedOrder]:
        """Journal several orders in one commit (each with its decision), then send them."""
        issued = self.post.issue_orders(cmd.drafts, **cmd.entry())
        self.wire.send_issued(issued)
        return issued

    def cancel(self, cmd: CancelOrder) -> str:
        """Cancel and send the CANCEL."""
        msg_id = self.post.cancel_order(cmd.order_id, cmd.reason)
        row = self.journal.order(cmd.order_id)
        if row is not None:
            self.wire.flush(row.order.station)
        return msg_id

    def add_decision(self, cmd: AddDecision) -> Decision:
        """Journal a manual decision entry."""
        return self.post.add_decision(
            cmd.decision,
            cmd.rationale,
            information=cmd.information,
            risk_assessment=cmd.risk_assessment,
            powers_policy=cmd.powers_policy,
            options=cmd.options,
        )

    def correct_decision(self, cmd: CorrectDecision) -> Decision:
        """Strike an entry through with a corrected one."""
        return self.post.correct_decision(cmd.original_id, cmd.decision, cmd.rationale, cmd.reason)

    def acknowledge(self, cmd: Acknowledge) -> None:
        """Journal that the commander acknowledged an order or escalation needing attention."""
        if cmd.subject not in tuple(AttentionSubject):
            raise ValidationError(f"cannot acknowledge a {cmd.subject!r}: an order or escalation")
        body = AttentionAcknowledged(cmd.subject, cmd.id, self.post.commander, cmd.note)
        self.journal.record(body)

    def address(self, _: Address) -> str:
        """The ROUTER's bound address."""
        return str(self.link.address)

    def count_issued(self, _: CountIssued) -> int:
        """Orders the journal holds as issued."""
        return sum(1 for _ in self.journal.events(kinds=[Kind.ORDER_ISSUED]))

    def picture_snapshot(self, _: PictureSnapshot) -> dict[str, JSON]:
        """The picture now (for a new window)."""
        if self.picture is None:
            raise ValidationError("this console has no picture engine")
        return self.picture.snapshot(self.settings.clock.now())

    def _book(self) -> SuggestionBook:
        if self.picture is None:
            raise ValidationError("this console has no picture engine: no suggestions to act on")
        return self.picture.book

    def _issue_decided(self, decided: Decided) -> list[IssuedOrder]:
        """Journal what was made of a suggestion, its one decision entry and its orders in ONE
        commit (nothing of it if a draft is refused: the suggestion stays open), then send."""
        issued = self.post.issue_orders(
            decided.orders,
            cause=Cause(decided.record, decided.by, decided.incident, decided.ts),
            **decided.entry(),
        )
        self._book().settle(decided)
        self.wire.send_issued(issued)
        return issued

    def approve_suggestion(self, cmd: ApproveSuggestion) -> list[IssuedOrder]:
        """Approve a playbook suggestion as proposed and issue its orders."""
        book = self._book()
        return self._issue_decided(
            book.decide_approve(cmd.suggestion_id, by=self.post.commander, why=cmd.why)
        )

    def edit_suggestion(self, cmd: EditSuggestion) -> list[IssuedOrder]:
        """Approve with changes (`why` required) and issue the edited orders."""
        book = self._book()
        return self._issue_decided(
            book.decide_edit(cmd.suggestion_id, cmd.orders, by=self.post.commander, why=cmd.why)
        )

    def dismiss_suggestion(self, cmd: DismissSuggestion) -> None:
        """Turn a suggestion down (`why` required): the outcome and its decision entry in one
        commit."""
        book = self._book()
        decided = book.decide_dismiss(cmd.suggestion_id, by=self.post.commander, why=cmd.why)
        with self.journal.transaction():
            decided.record_in(self.journal)
            self.post.add_decision(**decided.entry())
        book.settle(decided)

    def send_handover(self, cmd: SendHandover) -> list[str]:
        """Ship a handover's documents and re-chained open orders (see ConsolePost)."""
        ids = self.post.send_handover(
            [dict(d) for d in cmd.documents],
            list(cmd.rechained),
            signer=cmd.signer,
            grant_chain=cmd.grant_chain,
        )
        for station in self.settings.incident.stations:
            self.wire.flush(station.id)
        return ids

    def send_grants(self, cmd: SendGrants) -> str:
        """Queue and send grant documents."""
        msg_id = self.post.send_grants(cmd.station, [dict(d) for d in cmd.documents])
        self.wire.flush(cmd.station)
        return msg_id

    def status(self, _: Status | None = None) -> ConsoleStatus:
        """Online stations, outbox size and when each station was last heard."""
        return ConsoleStatus(
            online=tuple(sorted(self.wire.online())),
            pending=len(self.journal.pending()),
            heard={r.station: r.last_heard for r in self.journal.stations()},
        )

    def close(self) -> None:
        """Close the links, then the journal (signing a checkpoint)."""
        try:
            if getattr(self, "feeds", None) is not None:
                assert self.feeds is not None
                self.feeds.close()
            if getattr(self, "wire", None) is not None:
                self.wire.flush_rejections(all_pending=True)  # counts not yet journaled
            self.link.close()
        finally:
            try:
                self.journal.close(self.settings.signer)
            except JournalError:  # no room for the checkpoint (e.g. a full disk): close, say why
                self.journal.close()
                raise


@dataclass(frozen=True)
class StationSettings:
    """Everything a station node needs."""

    station_id: str
    journal_path: Path | None
    clock: Clock
    verifier: OrderVerifier
    keys: KeyPair
    console_public: bytes
    address: str = DEFAULT_ORDERS_ADDRESS
    console_name: str = "console"
    wire: WireConfig = field(default_factory=WireConfig)
    accept_after_s: float | None = None  # None: no simulated operator
    complete_after_s: float = 2.0
    operator_plan: PlanFn | None = None  # a planned operator (wins over accept_after_s)
    signer: Signer | None = None  # the station's report-signing key (None: unsigned reports)
    # The station signs its journal's head with `signer` under this policy (`every_s` in seconds
    # of `clock`) and witnesses the console's checkpoints; without a signer it does neither.
    checkpoints: CheckpointPolicy = field(default_factory=CheckpointPolicy)
    console_key: str | None = None  # the commander's key (hex); None: pinned on first sight


class StationNode:
    """A station's engine node, with an optional simulated operator."""

    def __init__(self, context: zmq.Context[Any], settings: StationSettings) -> None:
        self.settings = settings
        self.journal = open_journal(
            settings.journal_path, clock=settings.clock, owner=settings.station_id, role="station"
        )
        if settings.signer is not None:
            self.journal.sign_with(
                settings.signer,
                Origin.of("-", "station", settings.station_id, settings.signer),
                settings.checkpoints,
            )
        self.desk = StationDesk(
            self.journal,
            settings.clock,
            settings.station_id,
            settings.verifier,
            console=settings.console_name,
        )
        self.operator: TimedOperator | PlannedOperator | None = None
        if settings.operator_plan is not None:
            self.operator = PlannedOperator(self.desk, settings.operator_plan)
        elif settings.accept_after_s is not None:
            self.operator = TimedOperator(
                self.desk, settings.accept_after_s, settings.complete_after_s
            )
        try:
            self.link = StationLink(
                context,
                station_id=settings.station_id,
                keys=settings.keys,
                console_public=settings.console_public,
                address=settings.address,
                console_name=settings.console_name,
                heartbeat_s=settings.wire.heartbeat_s,
            )
        except BaseException:
            self.journal.close()
            raise
        self.wire = StationWire(
            self.desk,
            self.link,
            settings.clock,
            settings.wire,
            on_order=self.operator.on_order if self.operator else None,
            signer=settings.signer,
            console_key=settings.console_key,
        )

    def sockets(self) -> list[zmq.Socket[Any]]:
        """The DEALER and its monitor."""
        return self.link.sockets()

    def pump(self) -> int:
        """Handle incoming messages."""
        return self.wire.pump()

    def tick(self, now: float) -> None:
        """Periodic checkpoint, operator steps, retries, checkpoint offers, heartbeats."""
        self.journal.tick(now)
        if self.operator is not None:
            head = self.journal.head
            self.operator.tick(now)
            if self.journal.head != head:
                self.wire.flush()  # the operator queued reports
        self.wire.tick(now)

    def drain_updates(self) -> tuple[Update, ...]:
        """A station reports through its journal only."""
        return ()

    def handlers(self) -> Handlers:
        """Operator actions for the station window and tests, by command class."""
        return Handlers().on(Answer, self.answer).on(Pending, self.pending).on(Inbox, self.inbox)

    def pending(self, _: Pending) -> int:
        """Reports waiting for the console."""
        return len(self.journal.pending())

    def inbox(self, cmd: Inbox) -> list[OrderRow]:
        """This station's orders."""
        return self.desk.inbox(open_only=cmd.open_only)

    def answer(self, cmd: Answer) -> None:
        """The operator's answer: journaled as its lifecycle step, then its REPORT is sent."""
        self._answer(cmd.order_id, cmd.step, dict(cmd.detail))
        self.wire.flush()

    def _answer(self, order_id: str, step: Step, d: dict[str, Any]) -> None:
        desk = self.desk
        match step:
            case Step.ACCEPT:
                desk.accept(order_id, str(d.get("note", "")))
            case Step.DECLINE:
                desk.decline(order_id, str(d.get("reason", "")))
            case Step.PROGRESS:
                percent = d.get("percent")
                desk.progress(
                    order_id, None if percent is None else float(percent), str(d.get("note", ""))
                )
            case Step.FAIL:
                desk.fail(order_id, str(d.get("reason", "")))
            case Step.COMPLETE:
                desk.complete(order_id, str(d.get("note", "")))
            case other:
                desk.step(order_id, other, d)

    def close(self) -> None:
        """Close the link, then the journal."""
        try:
            self.link.close()
        finally:
            self.journal.close()
