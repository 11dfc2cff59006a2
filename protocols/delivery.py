"""Delivery semantics over any `Transport`: at-least-once from the journal, idempotent receipt.

`ConsoleWire` and `StationWire` sit between a transport (ZeroMQ link or its in-memory twin) and
an application core (`ConsolePost`, `StationDesk`). They decode strictly (refusals get a NACK and a
`message.rejected` journal line), check that a peer is who its key says, ack only after the
effect is committed, resend pending messages in journal order (3 s, doubling to 60 s, forever; all
at once after every reconnection), send heartbeats when idle and track presence. Each end also
witnesses the other's journal over the link (`protocols.witnessing`): it offers its own
checkpoints (CHECKPOINT) and cosigns or refuses the peer's (WITNESS).

Both are driven by `pump()` (drain incoming) and `tick(now)` (timers), from one thread.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from typing import Any

from command.authority.orders import DEFAULT_MAX_SKEW_S
from command.clock import Clock
from command.console_post import ConsolePost
from command.ids import new_id
from command.journal import IssuedOrder, Journal, OutMessage
from command.journal.bodies import order_body
from command.journal.sqlite_store import SqliteStore
from command.reports import check_report, sign_report
from command.signing import Signer
from command.station_desk import Receipt, StationDesk
from command.vocabulary import AuthRejected, LinkChanged, MessageRejected, WitnessRefused
from protocols.codec import (
    MAX_MESSAGE_BYTES,
    DecodeError,
    decode,
    encode,
    peek_msg_id,
    peek_type,
)
from protocols.messages import (
    Ack,
    Body,
    Cancel,
    CheckpointMsg,
    Grants,
    Header,
    Heartbeat,
    Hello,
    Message,
    MsgType,
    Nack,
    NackCode,
    OrderMsg,
    Report,
    WitnessMsg,
)
from protocols.security import RejectionSummaries
from protocols.transport import Incoming, LinkEvent, SendResult, Transport
from protocols.witnessing import Logbook, Problem, Witness

JSON = Any


@dataclass(frozen=True, slots=True)
class WireConfig:
    """Timings of the order link (seconds of the injected clock)."""

    heartbeat_s: float = 1.0
    offline_after: int = 3  # silent heartbeat intervals before a peer is offline
    retry_first_s: float = 3.0
    retry_max_s: float = 60.0
    timers_every_s: float = 0.5  # how often order timers (post.check_timers, command.timers) run
    max_bytes: int = MAX_MESSAGE_BYTES
    # One auth.rejected summary (with a count) per peer address and reason per minute, never one
    # per attempt.
    auth_log_every_s: float = 60.0
    reload_every_s: float = 2.0  # re-read a peer's pending messages at most this often
    # Resend the latest checkpoint to a witness that has not cosigned it this often (None: every
    # heartbeat interval).
    witness_resend_s: float | None = None
    # A witness journals at most this many distinct refusals per origin at once, then one per
    # `refusal_every_s` (a hostile peer cannot make it journal unbounded evidence).
    refusal_burst: int = 8
    refusal_every_s: float = 60.0
    # A pump turn that holds nothing but ACKs commits without its own fsync (see
    # `SqliteStore.lazy_commits`): what an ack records (settled, 'delivered') is restored by the
    # peer's re-ack if a power loss drops it; everything else is committed synchronous=FULL.
    lazy_acks: bool = True

    @classmethod
    def paced(cls, speed: float, heartbeat_s: float = 1.0) -> WireConfig:
        """Timings in seconds of a scenario clock running `speed` times faster than the wall:
        heartbeats, retries, timers, auth summaries and reloads keep their wall-clock pace."""
        base = cls(heartbeat_s=heartbeat_s)
        return replace(
            base,
            heartbeat_s=base.heartbeat_s * speed,
            retry_first_s=base.retry_first_s * speed,
            retry_max_s=base.retry_max_s * speed,
            timers_every_s=base.timers_every_s * speed,
            auth_log_every_s=base.auth_log_every_s * speed,
            reload_every_s=base.reload_every_s * speed,
        )

    @property
    def resend_checkpoint_s(self) -> float:
        """Seconds between offers of a checkpoint not yet cosigned."""
        return self.heartbeat_s if self.witness_resend_s is None else self.witness_resend_s


@dataclass
class _Retry:
    attempt: int
    next_at: float


def _is_ack(frames: list[bytes]) -> bool:
    return peek_type(frames) is MsgType.ACK


def _body_for(message: OutMessage) -> Body:
    body = message.body
    kind = message.msg_type.upper()
    if kind == "ORDER":
        return OrderMsg(order=dict(body["order"]))
    if kind == "CANCEL":
        return Cancel(order_id=str(body["order_id"]), reason=str(body.get("reason", "")))
    if kind == "GRANTS":
        return Grants(documents=list(body["documents"]))
    if kind == "REPORT":
        return Report(
            order_id=str(body["order_id"]),
            step=str(body["step"]),
            ts=float(body["ts"]),
            detail=dict(body.get("detail") or {}),
        )
    raise ValueError(f"no wire form for outbox message type {message.msg_type!r}")


class _Wire:
    """What both ends share: framing, the retry schedule, heartbeats, rejection lines."""

    def __init__(
        self, journal: Journal, transport: Transport, clock: Clock, config: WireConfig
    ) -> None:
        self.journal = journal
        self.transport = transport
        self.clock = clock
        self.config = config
        self.name = transport.name
        self._retries: dict[str, _Retry] = {}
        # In-memory copy of the journal's pending messages per peer (journal order), so timers
        # do not re-read the journal; reloaded after a command queues something and on reconnect.
        self._outbox: dict[str, dict[str, OutMessage]] = {}
        self._next_due: dict[str, float] = {}
        self._loaded_at: dict[str, float] = {}
        self._loaded_head: dict[str, tuple[int, str]] = {}
        self._outbox_mark: dict[str, int] = {}  # the journal's outbox_mark when each was loaded
        self._last_sent: dict[str, float] = {}
        self._last_heard: dict[str, float] = {}
        self._seq = 0
        self.received = 0
        self.received_from: Counter[str] = Counter()
        self._held: list[tuple[str, list[bytes]] | Callable[[], None]] | None = None
        self._linked = False  # a handshake with the peer upstream is up (stations, sites)
        self._upstream_up = False  # the peer upstream was heard and not gone silent since
        self.logbook = Logbook(journal, resend_s=config.resend_checkpoint_s)
        self.witness: Witness | None = None
        # Refusals of a witness (of our checkpoints, or ours of a peer's): for the GUI.
        self.alarms: list[WitnessRefused] = []

    def _gone_silent(self, peers: Iterable[str], now: float) -> list[str]:
        """The peers among `peers` not heard for `offline_after` heartbeat intervals, sorted:
        the one presence rule of every wire (stations, the console, sites, the centre)."""
        silent_for = self.config.heartbeat_s * self.config.offline_after
        return [p for p in sorted(peers) if now - self._last_heard.get(p, now) > silent_for]

    @property
    def _silence(self) -> str:
        """How a peer gone silent is described in the journal."""
        return f"silent for {self.config.offline_after} heartbeat intervals"

    # -- the one peer upstream (a station's console, a site's centre) ------------------------

    def _link_up(self, peer: str, role: str) -> None:
        """A handshake with the peer upstream completed: HELLO first, on every connection."""
        self._linked = True
        self._send(peer, self._message(Hello(role=role, name=self.name)))

    def _link_down(self, peer: str) -> None:
        """The connection to the peer upstream dropped: offer checkpoints afresh when back."""
        self._linked = False
        self.logbook.forget(peer)

    def _heard_upstream(self, peer: str, now: float) -> None:
        """A message from the peer upstream: when it was heard, and its link journaled up once."""
        self._last_heard[peer] = now
        if not self._upstream_up:
            self._upstream_up = True
            self.journal.record(LinkChanged(peer, True), actor=self.name)

    def _silent_upstream(self, peer: str, what: str, now: float) -> bool:
        """Journal the peer upstream gone silent, once; True when it just went."""
        if not (self._upstream_up and self._gone_silent([peer], now)):
            return False
        self._upstream_up = False
        self.journal.record(LinkChanged(peer, False, f"{what} {self._silence}"), actor=self.name)
        return True

    def _message(
        self, body: Body, *, ack_of: str = "", seq: int = 0, attempt: int = 1, msg_id: str = ""
    ) -> Message:
        now = self.clock.now()
        if not seq:
            self._seq += 1
            seq = self._seq
        header = Header(
            msg_id=msg_id or new_id(now),
            sender=self.name,
            seq=seq,
            ack_of=ack_of,
            sent_ts=now,
            attempt=attempt,
        )
        return Message(header, body)

    def _send(self, peer: str, message: Message) -> SendResult:
        frames = encode(message)
        if self._held is not None:
            # Inside `pump`'s group commit: nothing leaves before the batch is durable.
            self._held.append((peer, frames))
            return SendResult.SENT
        return self._transmit(peer, frames)

    def _after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` once what is being handled is durable (at once outside `pump`)."""
        if self._held is not None:
            self._held.append(action)
        else:
            action()

    def _transmit(self, peer: str, frames: list[bytes]) -> SendResult:
        result = self.transport.send(peer, frames)
        if result is SendResult.SENT:
            self._last_sent[peer] = self.clock.now()
        return result

    def _reply(self, peer: str, body: Body, ack_of: str) -> None:
        self._send(peer, self._message(body, ack_of=ack_of))

    def _wire_body(self, out: OutMessage) -> Body:
        """The wire form of a pending outbox message (a station signs its reports here)."""
        return _body_for(out)

    def _backoff(self, attempt: int) -> float:
        delay: float = self.config.retry_first_s * 2.0 ** max(0, attempt - 1)
        return min(delay, self.config.retry_max_s)

    def _pending(self, peer: str, *, reload: bool = False) -> list[OutMessage]:
        now = self.clock.now()
        if (
            not reload
            and peer in self._outbox
            and now - self._loaded_at.get(peer, now) >= self.config.reload_every_s
            and self.journal.head != self._loaded_head.get(peer)
        ):
            reload = True  # safety net for messages queued without a flush()
        if reload or peer not in self._outbox:
            self._outbox_mark[peer] = self.journal.outbox_mark(peer)
            self._outbox[peer] = {m.msg_id: m for m in self.journal.pending(peer)}
            self._loaded_at[peer] = now
            self._loaded_head[peer] = self.journal.head
        return list(self._outbox[peer].values())

    def _settled(self, peer: str, msg_id: str) -> OutMessage | None:
        """Forget a message `peer` acked or refused; returns it if it was pending to `peer`.

        An id that names no message pending to `peer` (a duplicate ack, or another peer's
        message) changes nothing and returns None.
        """
        if peer not in self._outbox:
            self._pending(peer)
        out = self._outbox[peer].pop(msg_id, None)
        if out is not None:
            self._retries.pop(msg_id, None)
        return out

    def _send_pending(
        self, peer: str, *, force: bool = False, reload: bool = False, fresh: bool = False
    ) -> None:
        """Send due (or, with `force`, all) pending messages to `peer` in journal order;
        `fresh`: the in-memory copy just got new messages, look at once (without a reload)."""
        now = self.clock.now()
        if (
            not (force or reload or fresh)
            and now < self._next_due.get(peer, 0.0)
            and now - self._loaded_at.get(peer, now) < self.config.reload_every_s
        ):
            return
        pending = self._pending(peer, reload=force or reload)
        next_due = float("inf")
        for out in pending:
            state = self._retries.get(out.msg_id)
            if state is not None and not force and state.next_at > now:
                next_due = min(next_due, state.next_at)
                continue
            attempt = 1 if state is None else state.attempt + 1
            try:
                body = self._wire_body(out)
            except (KeyError, TypeError, ValueError) as err:
                self._drop_unsendable(out, str(err))
                continue
            message = self._message(body, seq=out.seq, attempt=attempt, msg_id=out.msg_id)
            result = self._send(peer, message)
            if result is not SendResult.SENT:
                # Keep journal order: nothing later goes out before this one does.
                self._retries[out.msg_id] = _Retry(attempt - 1, now + self.config.retry_first_s)
                self._next_due[peer] = now + self.config.retry_first_s
                return
            retry = _Retry(attempt, now + self._backoff(attempt))
            self._retries[out.msg_id] = retry
            next_due = min(next_due, retry.next_at)
        self._next_due[peer] = next_due

    def _drop_unsendable(self, out: OutMessage, why: str) -> None:
        with self.journal.transaction():
            self.journal.record(
                MessageRejected(out.peer, out.msg_id, "unsendable", why), actor=self.name
            )
            self.journal.mark_acked(out.msg_id)
        self._settled(out.peer, out.msg_id)

    def _rejected(self, peer: str, code: NackCode | str, text: str, msg_id: str) -> None:
        self.journal.record(
            MessageRejected(peer, msg_id, str(code), text[:500]), actor=peer or "unknown"
        )

    def _decode(self, item: Incoming) -> Message | None:
        try:
            return decode(item.frames, self.config.max_bytes)
        except DecodeError as err:
            msg_id = err.msg_id or peek_msg_id(item.frames)
            self._rejected(item.claimed, err.code, err.text, msg_id)
            self._reply(item.claimed, Nack(code=err.code.value, text=err.text[:200]), msg_id)
            return None

    def _heartbeat(self, peer: str, now: float) -> None:
        if now - self._last_sent.get(peer, 0.0) >= self.config.heartbeat_s:
            self._send(peer, self._message(Heartbeat()))

    def pump(self, limit: int = 1000) -> int:
        """Handle what the transport has now (at most `limit` items); returns how many.

        Group commit: the whole batch is one journal transaction (each item in its own
        savepoint, so one bad item undoes only itself) and every ack, reply or resend it causes
        is held back until that transaction is committed — journal before ack, one fsync per
        batch instead of one per message. If the commit fails nothing is sent (peers retry). The
        first error raised by an item is re-raised after the others are committed and sent.
        """
        count = 0
        first_error: Exception | None = None
        if self._held is not None:  # re-entered from a handler: no nested group commit
            return self._pump_items(limit)
        items: list[Incoming | LinkEvent] = []
        while len(items) < limit and (item := self.transport.recv()) is not None:
            items.append(item)
        if not items:
            return 0  # no transaction for an idle turn
        self._held = []
        try:
            with self._commit_mode(items), self.journal.transaction():
                for item in items:
                    count += 1
                    mark = len(self._held)
                    try:
                        with self.journal.transaction():
                            self._handle(item)
                    except Exception as err:  # its own writes are undone; keep the rest
                        del self._held[mark:]
                        first_error = first_error or err
            held = self._held
        finally:
            self._held = None
        for entry in held:
            if callable(entry):
                entry()
            else:
                self._transmit(*entry)
        if first_error is not None:
            raise first_error
        return count

    def _commit_mode(self, items: list[Incoming | LinkEvent]) -> AbstractContextManager[None]:
        """Lazy commit for a turn of ACK frames only (`WireConfig.lazy_acks`), else FULL."""
        store = self.journal.store
        if (
            self.config.lazy_acks
            and isinstance(store, SqliteStore)
            and all(isinstance(i, Incoming) and _is_ack(i.frames) for i in items)
        ):
            return store.lazy_commits()
        return nullcontext()

    def _pump_items(self, limit: int) -> int:
        count = 0
        while count < limit:
            item = self.transport.recv()
            if item is None:
                break
            count += 1
            self._handle(item)
        return count

    # -- witnessing -------------------------------------------------------------------------

    def _offer(self, peer: str, *, force: bool = False) -> None:
        """Send `peer` our latest checkpoint if it is due (see `Logbook.offer`)."""
        if not self.logbook.active:
            return
        now = self.clock.now()
        offer = self.logbook.offer(peer, now, force=force)
        if offer is not None:
            self._send_offer(peer, offer, now)

    def _send_offer(self, peer: str, offer: CheckpointMsg, now: float) -> None:
        message = self._message(offer)
        if self._send(peer, message) is SendResult.SENT:
            self.logbook.sent(peer, message.header.msg_id, offer, now)

    def _refuse_message(self, peer: str, problem: Problem, msg_id: str) -> None:
        self._rejected(peer, problem.code, problem.text, msg_id)
        self._reply(peer, Nack(code=problem.code.value, text=problem.text[:200]), msg_id)

    def _on_checkpoint(self, peer: str, message: Message) -> None:
        """Judge a peer's checkpoint as its witness; journal first, answer after the commit."""
        body = message.body
        assert isinstance(body, CheckpointMsg)
        msg_id = message.header.msg_id
        witness = self.witness
        if witness is None:
            problem = Problem(NackCode.UNEXPECTED, "this end has no key to witness with")
            self._refuse_message(peer, problem, msg_id)
            return
        answer = witness.on_checkpoint(peer, body, self.clock.now())
        if answer.problem is not None:
            self._refuse_message(peer, answer.problem, msg_id)
            return
        cosigned = answer.remember
        if cosigned is not None:
            self._after_commit(lambda: witness.remember(cosigned))
        if answer.refusal is not None and answer.journaled:
            self.alarms.append(answer.refusal)
        if answer.reply is not None:
            self._reply(peer, answer.reply, msg_id)

    def _on_witness(self, peer: str, message: Message) -> None:
        """A witness's answer to one of our checkpoints."""
        body = message.body
        assert isinstance(body, WitnessMsg)
        if not self.logbook.active:
            problem = Problem(NackCode.UNEXPECTED, "this end offered no checkpoint")
            self._refuse_message(peer, problem, message.header.msg_id)
            return
        outcome = self.logbook.on_witness(peer, message.header.ack_of, body)
        if outcome.problem is not None:
            self._refuse_message(peer, outcome.problem, message.header.msg_id)
            return
        if outcome.resend is not None:
            self._send_offer(peer, outcome.resend, self.clock.now())
        if outcome.refusal is not None:
            self.alarms.append(outcome.refusal)

    @property
    def witness_name(self) -> str:
        """The name this end cosigns as ("" when it does not witness)."""
        return "" if self.witness is None else self.witness.name

    def drain_alarms(self) -> list[WitnessRefused]:
        """Refusals journaled since the last call (for an `IntegrityAlarm`)."""
        alarms, self.alarms = self.alarms, []
        return alarms

    def _handle(self, item: Incoming | LinkEvent) -> None:
        if isinstance(item, LinkEvent):
            self.on_link_event(item)
        else:
            self.on_incoming(item)

    def on_link_event(self, event: LinkEvent) -> None:  # pragma: no cover - overridden
        """React to a link event."""

    def on_incoming(self, item: Incoming) -> None:  # pragma: no cover - overridden
        """React to a frame set."""


class ConsoleWire(_Wire):
    """The console's side of delivery (see module doc)."""

    def __init__(
        self,
        post: ConsolePost,
        transport: Transport,
        clock: Clock,
        config: WireConfig | None = None,
        *,
        report_keys: Mapping[str, str] | None = None,
        max_skew_s: float = DEFAULT_MAX_SKEW_S,
    ) -> None:
        super().__init__(post.journal, transport, clock, config or WireConfig())
        self.post = post
        # Station id → Ed25519 public key (hex) its reports must be signed with; None: reports
        # are not signature-checked (in-process tests of the wire only).
        self.report_keys = None if report_keys is None else dict(report_keys)
        self.max_skew_s = max_skew_s  # seconds of the console's clock
        self._online: set[str] = {row.station for row in post.journal.stations() if row.online}
        self._ready: set[str] = set()  # stations we may send to on the current connection
        self._auth_logged: dict[str, float] = {}
        self.rejections = RejectionSummaries(
            every_s=self.config.auth_log_every_s, clock=clock.now, service="orders"
        )
        self._next_timers = 0.0
        self._next_presence = 0.0
        self._heard_dirty: set[str] = set()
        keys = self.report_keys
        station_key: Callable[[str], str | None] = (
            (lambda _s: None) if keys is None else (lambda s: keys.get(s))
        )
        self.logbook = Logbook(
            self.journal, resend_s=self.config.resend_checkpoint_s, witness_key=station_key
        )
        self.witness = Witness(
            self.journal,
            post.commander,
            post.signer,
            side="station",
            owner_is_peer=True,
            peer_key=station_key,
            refusal_burst=self.config.refusal_burst,
            refusal_every_s=self.config.refusal_every_s,
        )
        now = clock.now()
        for station in self._online:
            self._last_heard[station] = now  # give them three intervals to show up again

    # -- incoming ---------------------------------------------------------------------------

    def on_link_event(self, event: LinkEvent) -> None:
        """Count refused handshakes; journal the first per peer address and reason at once and
        then at most one summary (with the count) per `auth_log_every_s`."""
        if event.kind != "auth_rejected":
            return
        detail = dict(event.detail)
        # The ZAP refusal knows the peer's address; a monitor event only the bound endpoint.
        peer = str(detail.pop("peer", "") or detail.get("endpoint", "") or "?")
        reason = str(detail.pop("reason", "") or "refused")
        rejected = self.rejections.note(peer, reason, detail)
        if rejected is not None:
            self.journal.record(rejected, actor="link")

    def flush_rejections(self, *, all_pending: bool = False) -> None:
        """Journal the refusal summaries that are due (every pending one with `all_pending`)."""
        due = self.rejections.flush() if all_pending else self.rejections.due()
        if due:
            with self.journal.transaction():
                for rejected in due:
                    self.journal.record(rejected, actor="link")

    def on_incoming(self, item: Incoming) -> None:
        """Authenticate, decode and dispatch one message from a station."""
        if item.peer != item.claimed:
            cause = f"impostor:{item.peer}:{item.claimed}"
            now = self.clock.now()
            if now - self._auth_logged.get(cause, -1e18) >= self.config.auth_log_every_s:
                self._auth_logged[cause] = now
                self.journal.record(
                    AuthRejected(
                        "identity_mismatch", {"claimed": item.claimed, "key_owner": item.peer}
                    ),
                    actor="link",
                )
            # Dropped unanswered: the transport routes by key, so the claimed station's route is
            # untouched, and a reply would go to that station, not to the impostor.
            return
        station = item.peer
        message = self._decode(item)
        if message is None:
            return
        self.received += 1
        self.received_from[station] += 1
        now = self.clock.now()
        self._last_heard[station] = now
        self._heard_dirty.add(station)
        body = message.body
        reconnected = station not in self._ready
        if station not in self._online:
            self._online.add(station)
            self.post.station_online(station, detail=type(body).__name__)
        if isinstance(body, Hello) or reconnected:
            self._ready.add(station)
            self._send_pending(station, force=True)
            self._offer(station, force=True)
        if isinstance(body, CheckpointMsg):
            self._on_checkpoint(station, message)
        elif isinstance(body, WitnessMsg):
            self._on_witness(station, message)
        elif isinstance(body, Report):
            refusal = self._check_report(station, body)
            if refusal is not None:
                code, text = refusal
                self._rejected(station, code, text, message.header.msg_id)
                self._reply(station, Nack(code=code, text=text[:200]), message.header.msg_id)
                return
            outcome = self.post.on_report(
                station,
                message.header.msg_id,
                order_id=body.order_id,
                step=body.step,
                ts=body.ts,
                detail=body.detail,
            )
            if outcome.refused and not outcome.duplicate:
                self._reply(
                    station,
                    Nack(code=NackCode.INVALID.value, text=outcome.refused[:200]),
                    message.header.msg_id,
                )
            else:
                self._reply(station, Ack(), message.header.msg_id)
        elif isinstance(body, Ack):
            self._acked(station, message.header.ack_of)
        elif isinstance(body, Nack):
            # Only a message sent to this station can be refused by it.
            if message.header.ack_of and self._settled(station, message.header.ack_of):
                self.post.on_nack(station, message.header.ack_of, body.code, body.text)
        elif isinstance(body, Hello | Heartbeat):
            pass
        else:
            self._rejected(
                station,
                NackCode.UNEXPECTED,
                f"{message.type} is not for the console",
                message.header.msg_id,
            )
            self._reply(
                station,
                Nack(code=NackCode.UNEXPECTED.value, text=f"{message.type} not accepted"),
                message.header.msg_id,
            )

    def _acked(self, station: str, msg_id: str) -> None:
        out = self._settled(station, msg_id)
        if out is not None:
            self.post.on_ack(station, msg_id, msg_type=out.msg_type, body=out.body)

    def _check_report(self, station: str, body: Report) -> tuple[str, str] | None:
        """Signature (by the station's allow-listed key) and stated time of a report, before it
        may move an order: None when fine, else (code, text) for the NACK and the journal."""
        if self.report_keys is None:
            return None
        row = self.journal.order(body.order_id)
        return check_report(
            station=station,
            order_id=body.order_id,
            step=body.step,
            ts=body.ts,
            detail=body.detail,
            signature=body.signature,
            key=self.report_keys.get(station),
            now=self.clock.now(),
            issued_at=row.order.issued_at if row is not None else None,
            max_skew=self.max_skew_s,
        )

    # -- outgoing and timers ------------------------------------------------------------------

    def flush(self, station: str) -> None:
        """Send what is newly pending for `station` now (after a command queued something)."""
        if station in self._ready:
            self._send_pending(station, reload=True)
        else:
            self._outbox.pop(station, None)  # reloaded when it is back

    def send_issued(self, issued: Iterable[IssuedOrder]) -> None:
        """Send orders `Journal.issue_order(s)` just committed, without reading the outbox back
        (`flush` re-reads it: a query per station on the critical path of every order). Each
        order's outbox row is known — its msg_id, seq and body {"order": order_body(order)}, as
        the journal queued it — so it joins the in-memory copy of its station's pending
        messages, which are then sent in journal order. A station whose copy is not loaded, or
        for which anything else was queued since it was loaded (`Journal.outbox_mark`), is
        flushed as before."""
        by_station: dict[str, list[IssuedOrder]] = {}
        for item in issued:
            by_station.setdefault(item.order.station, []).append(item)
        now = self.clock.now()
        for station in sorted(by_station):
            pending = self._outbox.get(station)
            mine = by_station[station]
            complete = self._outbox_mark.get(station, -1) + len(mine)
            if (
                station not in self._ready
                or pending is None
                or self.journal.outbox_mark(station) != complete
            ):
                # Not loaded, or something else was queued for it since (an expiry's CANCEL
                # from the timers): read it all back, so it goes out in journal order.
                self.flush(station)
                continue
            self._outbox_mark[station] = complete
            for item in sorted(mine, key=lambda i: i.seq):
                body = {"order": order_body(item.order)}
                pending[item.msg_id] = OutMessage(
                    item.msg_id, station, "order", body, item.seq, now
                )
            self._send_pending(station, fresh=True)

    def tick(self, now: float) -> None:
        """Retries, heartbeats, presence, order timers and refusal summaries."""
        self.flush_rejections()
        for station in sorted(self._ready):
            self._send_pending(station)
            self._offer(station)
            self._heartbeat(station, now)
        for station in self._gone_silent(self._online, now):
            self._online.discard(station)
            self._ready.discard(station)
            self.logbook.forget(station)
            self.post.station_offline(station, detail=self._silence)
        if self._heard_dirty and now >= self._next_presence:
            # One transaction for every station heard since the last write, not one each.
            self._next_presence = now + self.config.heartbeat_s
            with self.journal.transaction():
                for station in sorted(self._heard_dirty):
                    self.post.heard(station, self._last_heard[station])
            self._heard_dirty.clear()
        if now >= self._next_timers:
            self._next_timers = now + self.config.timers_every_s
            self.post.check_timers(now)

    def online(self) -> set[str]:
        """Stations currently online."""
        return set(self._online)


class StationWire(_Wire):
    """A station's side of delivery (see module doc)."""

    def __init__(
        self,
        desk: StationDesk,
        transport: Transport,
        clock: Clock,
        config: WireConfig | None = None,
        *,
        on_order: Callable[[str], None] | None = None,
        signer: Signer | None = None,
        console_key: str | None = None,
    ) -> None:
        super().__init__(desk.journal, transport, clock, config or WireConfig())
        self.signer = signer  # the station's report-signing key (None: reports go unsigned)
        self.desk = desk
        self.console = desk.console
        self._on_order = on_order
        # The console's checkpoints and cosignatures are by the commander's key: `console_key`
        # when known, else the first one this station cosigned (pinned from its journal).
        self.console_key = console_key
        if signer is not None:
            witness = Witness(
                self.journal,
                desk.station_id,
                signer,
                side="console",
                owner_is_peer=False,
                peer_key=lambda _peer: console_key,
                refusal_burst=self.config.refusal_burst,
                refusal_every_s=self.config.refusal_every_s,
            )
            self.witness = witness
            self.logbook = Logbook(
                self.journal,
                resend_s=self.config.resend_checkpoint_s,
                witness_key=lambda _peer: console_key or witness.key_of("console"),
            )

    def _wire_body(self, out: OutMessage) -> Body:
        """A REPORT carries the station's signature over (station, order, step, ts, detail)."""
        body = _body_for(out)
        if isinstance(body, Report) and self.signer is not None:
            signature = sign_report(
                self.signer, self.desk.station_id, body.order_id, body.step, body.ts, body.detail
            )
            body = replace(body, signature=signature)
        return body

    def on_link_event(self, event: LinkEvent) -> None:
        """After every handshake: HELLO, then everything pending, in order."""
        if event.kind == "connected":
            self._link_up(self.console, "station")
            self._send_pending(self.console, force=True)
            self._offer(self.console, force=True)
        elif event.kind == "disconnected":
            self._link_down(self.console)

    def on_incoming(self, item: Incoming) -> None:
        """Decode and dispatch one message from the console; ack after the effect commits."""
        message = self._decode(item)
        if message is None:
            return
        self.received += 1
        self._heard_upstream(self.console, self.clock.now())
        body = message.body
        msg_id = message.header.msg_id
        if isinstance(body, OrderMsg):
            result = self.desk.receive_order(body.order, msg_id=msg_id, peer=self.console)
            self._reply(self.console, Ack(), msg_id)
            if result.receipt is Receipt.RECEIVED and self._on_order is not None:
                self._on_order(result.order_id)
            # Only a refusal (a REPORT "rejected") or the operator hook can have queued
            # something; a plain receipt queues nothing, so skip the outbox re-read.
            if result.receipt is Receipt.REJECTED or (
                result.receipt is Receipt.RECEIVED and self._on_order is not None
            ):
                self.flush()
        elif isinstance(body, Cancel):
            self.desk.cancel(body.order_id, body.reason, msg_id=msg_id, peer=self.console)
            self._reply(self.console, Ack(), msg_id)
        elif isinstance(body, Grants):
            self.desk.learn_grants(body.documents, msg_id=msg_id, peer=self.console)
            self._reply(self.console, Ack(), msg_id)
        elif isinstance(body, CheckpointMsg):
            self._on_checkpoint(self.console, message)
        elif isinstance(body, WitnessMsg):
            self._on_witness(self.console, message)
        elif isinstance(body, Ack):
            self._settled(self.console, message.header.ack_of)
            self.journal.mark_acked(message.header.ack_of)
        elif isinstance(body, Nack):
            if message.header.ack_of:
                self._settled(self.console, message.header.ack_of)
                with self.journal.transaction():
                    self._rejected(
                        self.console,
                        body.code,
                        f"console refused: {body.text}",
                        message.header.ack_of,
                    )
                    self.journal.mark_acked(message.header.ack_of)
        elif isinstance(body, Hello | Heartbeat):
            pass
        else:
            self._rejected(
                self.console, NackCode.UNEXPECTED, f"{message.type} is not for a station", msg_id
            )
            self._reply(
                self.console,
                Nack(code=NackCode.UNEXPECTED.value, text=f"{message.type} not accepted"),
                msg_id,
            )

    def flush(self) -> None:
        """Send newly queued reports now."""
        self._send_pending(self.console, reload=True)

    def tick(self, now: float) -> None:
        """Retries, checkpoint offers, heartbeats and the console's presence."""
        self._send_pending(self.console)
        if self._linked:
            self._offer(self.console)
        self._heartbeat(self.console, now)
        self._silent_upstream(self.console, "console", now)
