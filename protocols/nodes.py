"""What an engine runs: the console node (ROUTER link + CommandPost + feed bus) and the station
node (DEALER link + StationDesk + an operator). Built inside the engine thread."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zmq

from command.clock import Clock
from command.desk import OrderVerifier, PlanFn, PlannedOperator, StationDesk, TimedOperator
from command.errors import ValidationError
from command.journal import IssuedOrder, Journal
from command.lifecycle import Step
from command.model import DecisionKind, Incident, Observation, Order, Signal
from command.picture.engine import PictureEngine
from command.picture.playbooks import DraftOrder, SuggestionBook
from command.post import CommandPost, OrderDraft
from command.signing import Signer
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
    feed_stale_after_s: float = 10.0
    # The picture (fusion) hook: gets every feed batch after it is journaled; what it returns
    # (if not None) goes to the GUI in the next EngineBatch.updates["picture"].
    on_feed: Callable[[str, list[Observation], list[Signal]], Any] | None = None
    # The incident's picture engine (fusion, risk, playbooks), built on the console journal.
    # With it, feeds go through the picture (which journals them), decisions snapshot it, and
    # the approve/edit/dismiss_suggestion commands work.
    picture_factory: Callable[[Journal], PictureEngine] | None = None
    picture_every_s: float = 1.0


class ConsoleNode:
    """The console's engine node."""

    def __init__(self, context: zmq.Context[Any], settings: ConsoleSettings) -> None:
        self.settings = settings
        self.journal = open_journal(
            settings.journal_path, clock=settings.clock, owner=settings.name, role="console"
        )
        try:
            self.picture: PictureEngine | None = None
            snapshot = settings.snapshot
            if settings.picture_factory is not None:
                self.picture = settings.picture_factory(self.journal)
                picture = self.picture
                snapshot = snapshot or (lambda: picture.snapshot(settings.clock.now()))
            self._next_picture = 0.0
            self.post = CommandPost(
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
        self.wire = ConsoleWire(self.post, self.link, settings.clock, settings.wire)
        self._updates: dict[str, Any] = {}
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
                    self._updates.setdefault("suggestions", []).extend(proposed)
        else:
            with self.journal.transaction():
                if observations:
                    self.journal.add_observations(observations)
                for s in signals:
                    self.journal.append(
                        "signal.received", {"signal": signal_dict(s)}, actor=publisher
                    )
        if self.settings.on_feed is not None:
            update = self.settings.on_feed(publisher, observations, signals)
            if update is not None:
                self._updates["picture"] = update

    def _feed_rejected(self, code: str, text: str) -> None:
        self._updates.setdefault("feed_rejected", []).append({"code": code, "text": text})

    def sockets(self) -> list[zmq.Socket[Any]]:
        """The ROUTER and its monitor, and the feed sockets."""
        return self.link.sockets() + (self.feeds.sockets() if self.feeds else [])

    def pump(self) -> int:
        """Handle incoming messages."""
        count = self.wire.pump()
        if self.feeds is not None:
            count += self.feeds.pump()
        return count

    def tick(self, now: float) -> None:
        """Retries, heartbeats, presence, order timers, feed staleness, the picture."""
        self.wire.tick(now)
        if self.picture is not None and now >= self._next_picture:
            self._next_picture = now + self.settings.picture_every_s
            update = self.picture.tick(now)
            if update.level_changes or update.suggestions:
                self._updates["picture"] = update
            self._updates["snapshot"] = self.picture.snapshot(now)
        if self.feeds is not None:
            stale = self.feeds.tick(now)
            if stale:
                self._updates.setdefault("feeds_stale", []).extend(stale)

    def drain_updates(self) -> dict[str, Any]:
        """Non-journal updates since the last call (picture, stale feeds), for the GUI."""
        updates, self._updates = self._updates, {}
        return updates

    def commands(self) -> Mapping[str, Callable[..., Any]]:
        """What the GUI and tests may ask for."""
        return {
            "issue_order": self.issue_order,
            "issue_orders": self.issue_orders,
            "cancel": self.cancel,
            "add_decision": self.post.add_decision,
            "correct_decision": self.post.correct_decision,
            "send_grants": self.send_grants,
            "send_handover": self.send_handover,
            "approve_suggestion": self.approve_suggestion,
            "edit_suggestion": self.edit_suggestion,
            "dismiss_suggestion": self.dismiss_suggestion,
            "status": self.status,
            "address": lambda: self.link.address,
            "count_issued": lambda: sum(1 for _ in self.journal.events(kinds=["order.issued"])),
        }

    def issue_order(self, draft: OrderDraft, **decision: Any) -> IssuedOrder:
        """Journal, then send at once if the station is connected."""
        issued = self.post.issue_order(draft, **decision)
        self.wire.flush(draft.station)
        return issued

    def issue_orders(self, drafts: list[OrderDraft], **decision: Any) -> list[IssuedOrder]:
        """Journal several orders in one commit (each with its decision), then send them."""
        issued = self.post.issue_orders(drafts, **decision)
        for station in sorted({d.station for d in drafts}):
            self.wire.flush(station)
        return issued

    def cancel(self, order_id: str, reason: str) -> str:
        """Cancel and send the CANCEL."""
        msg_id = self.post.cancel_order(order_id, reason)
        row = self.journal.order(order_id)
        if row is not None:
            self.wire.flush(row.order.station)
        return msg_id

    def _book(self) -> SuggestionBook:
        if self.picture is None:
            raise ValidationError("this console has no picture engine: no suggestions to act on")
        return self.picture.book

    def _issue_drafts(
        self, suggestion_id: str, drafts: tuple[DraftOrder, ...], why: str
    ) -> list[IssuedOrder]:
        issued = []
        for d in drafts:
            draft = OrderDraft(d.station, d.kind, d.zone, dict(d.params), d.priority, d.text)
            issued.append(
                self.issue_order(
                    draft,
                    decision=f"suggestion {suggestion_id}: {d.kind} for {d.station} in {d.zone}",
                    rationale=why,
                    kind=DecisionKind.SUGGESTION,
                )
            )
        return issued

    def approve_suggestion(self, suggestion_id: str, why: str = "") -> list[IssuedOrder]:
        """Approve a playbook suggestion as proposed and issue its orders."""
        drafts = self._book().approve(suggestion_id, by=self.post.commander, why=why)
        return self._issue_drafts(suggestion_id, drafts, why or "approved as proposed")

    def edit_suggestion(
        self, suggestion_id: str, orders: list[DraftOrder], why: str
    ) -> list[IssuedOrder]:
        """Approve with changes (`why` required) and issue the edited orders."""
        drafts = self._book().edit(suggestion_id, orders, by=self.post.commander, why=why)
        return self._issue_drafts(suggestion_id, drafts, why)

    def dismiss_suggestion(self, suggestion_id: str, why: str) -> None:
        """Turn a suggestion down (`why` required)."""
        self._book().dismiss(suggestion_id, by=self.post.commander, why=why)

    def send_handover(
        self,
        documents: list[dict[str, JSON]],
        rechained: list[Order],
        *,
        signer: Signer | None = None,
        grant_chain: tuple[str, ...] | None = None,
    ) -> list[str]:
        """Ship a handover's documents and re-chained open orders (see CommandPost)."""
        ids = self.post.send_handover(documents, rechained, signer=signer, grant_chain=grant_chain)
        for station in self.settings.incident.stations:
            self.wire.flush(station.id)
        return ids

    def send_grants(self, station: str, documents: list[dict[str, JSON]]) -> str:
        """Queue and send grant documents."""
        msg_id = self.post.send_grants(station, documents)
        self.wire.flush(station)
        return msg_id

    def status(self) -> dict[str, Any]:
        """Online stations and outbox size."""
        return {"online": sorted(self.wire.online()), "pending": len(self.journal.pending())}

    def close(self) -> None:
        """Close the links, then the journal (signing a checkpoint)."""
        try:
            if getattr(self, "feeds", None) is not None:
                assert self.feeds is not None
                self.feeds.close()
            self.link.close()
        finally:
            self.journal.close(self.settings.signer)


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


class StationNode:
    """A station's engine node, with an optional simulated operator."""

    def __init__(self, context: zmq.Context[Any], settings: StationSettings) -> None:
        self.settings = settings
        self.journal = open_journal(
            settings.journal_path, clock=settings.clock, owner=settings.station_id, role="station"
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
        )

    def sockets(self) -> list[zmq.Socket[Any]]:
        """The DEALER and its monitor."""
        return self.link.sockets()

    def pump(self) -> int:
        """Handle incoming messages."""
        return self.wire.pump()

    def tick(self, now: float) -> None:
        """Operator steps, retries, heartbeats."""
        if self.operator is not None:
            head = self.journal.head
            self.operator.tick(now)
            if self.journal.head != head:
                self.wire.flush()  # the operator queued reports
        self.wire.tick(now)

    def commands(self) -> Mapping[str, Callable[..., Any]]:
        """Operator actions for the station window and tests (each queues its REPORT)."""

        def act(method: Callable[..., None]) -> Callable[..., None]:
            def run(*args: Any, **kwargs: Any) -> None:
                method(*args, **kwargs)
                self.wire.flush()

            return run

        return {
            "acknowledge": act(self.desk.acknowledge),
            "accept": act(self.desk.accept),
            "decline": act(self.desk.decline),
            "progress": act(self.desk.progress),
            "start": act(self.desk.start),
            "complete": act(self.desk.complete),
            "fail": act(self.desk.fail),
            "inbox": self.desk.inbox,
            "answer": act(self.answer),
            "pending": lambda: len(self.journal.pending()),
        }

    def answer(self, order_id: str, step: str, detail: Mapping[str, Any] | None = None) -> None:
        """The operator's answer from the station window: `step` is a lifecycle step name."""
        d = dict(detail or {})
        desk = self.desk
        match Step(step):
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
