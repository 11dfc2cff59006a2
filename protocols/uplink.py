"""The site end of the centre link: a site console (or a district centre) ships its journal up to
its operations centre and takes the centre's authority documents and SITREP requests down.

Up: every journal event, in seq order, after the seq the centre last acknowledged (`SITE_ACK`,
cumulative, sent by the centre after every HELLO and every batch). Nothing is queued for the
centre: the journal itself is the outbox, so the site keeps working while the centre is
unreachable and backfills everything on return; the centre mirrors each seq once (it skips what
it already holds), so nothing is lost and nothing doubled. Unacknowledged batches are sent again
from the acknowledged seq (go-back-N) after `retry_first_s` without progress.

Down (durable at the centre, acked here after the effect is journaled, deduplicated by message
id): `GRANTS` (grant documents journaled as `grants.received`, revocations as `grant.revoked`),
`SITE_HANDOVER` (`handover`) and `SITREP_REQUEST` (`sitrep.requested`). Grant and revocation
documents are then handed to `forward` (the console passes them to its stations).

The centre witnesses this journal: once it has said where it stands, the site offers it its
latest checkpoint (`CHECKPOINT`, through `protocols.witnessing` as on the order link) and again
whenever a new one is signed; the centre's cosignatures are journaled (`checkpoint.cosigned`).

The transport is a CURVE-client DEALER (`protocols.station_link.StationLink`, whose key the
centre's allow-list names as this site). Driven by `pump()` and `tick(now)` in the engine thread.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import zmq

from command.clock import Clock
from command.fold import IncidentState, ZoneView, zone_reading
from command.journal import Event, Journal
from command.vocabulary import (
    GrantRevoked,
    GrantsReceived,
    Handover,
    Kind,
    SitrepRequested,
)
from protocols.centre_commands import UplinkState
from protocols.commands import Command
from protocols.delivery import WireConfig, _Wire
from protocols.messages import (
    Ack,
    CheckpointMsg,
    Grants,
    Heartbeat,
    Hello,
    Nack,
    NackCode,
    SiteAck,
    SiteEvents,
    SiteHandover,
    SitrepRequest,
    WitnessMsg,
)
from protocols.security import KeyPair
from protocols.station_link import StationLink
from protocols.transport import Incoming, LinkEvent, Transport

JSON = Any
BATCH_EVENTS = 400  # events per SITE_EVENTS message at most
BATCH_BYTES = 384 * 1024  # and about this many bytes of event bodies
WINDOW_EVENTS = 2000  # events sent ahead of the centre's acknowledgement at most

Forward = Callable[[list[dict[str, JSON]]], None]


@dataclass(frozen=True, slots=True)
class UplinkStatus(Command[UplinkState]):
    """How the site console's link to its centre stands now (for the console header)."""


def is_revocation(document: Mapping[str, JSON]) -> bool:
    """True for a revocation document (a grant names a delegate, a revocation does not)."""
    return "grant_id" in document and "delegate" not in document


def event_row(event: Event) -> dict[str, JSON]:
    """The wire form of one journal event (everything the centre needs to re-check its hash)."""
    return {
        "seq": event.seq,
        "ts": event.ts,
        "actor": event.actor,
        "kind": event.kind,
        "incident": event.incident,
        "body": event.body,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def sitrep_zone(z: ZoneView, state: IncidentState) -> dict[str, JSON]:
    """One zone of a SITREP as every map reads it (`zone_reading`): its level, or "no data" /
    "not rated" (never "green" for a zone without data or thresholds), whether its feeds are
    stale, and its figure (indicator, value, unit)."""
    r = zone_reading(z, state.info.key_metrics, feeds=state.info.feeds)
    return {
        "zone": z.zone,
        "name": z.name,
        "level": r.rating,
        "stale": r.stale,
        "indicator": r.indicator,
        "value": r.value,
        "unit": r.unit,
    }


def compose_sitrep(state: IncidentState, now: float) -> dict[str, JSON]:
    """A situation report from the fold: each zone's level, the order counts and the open
    escalations (the summary of `sitrep.sent`)."""
    counts = state.counts()
    return {
        "as_of": now,
        "incident": state.info.id,
        "zones": [sitrep_zone(z, state) for z in state.zones.rows],
        "orders": counts.to_json(),
        "open_escalations": [
            {"id": e.id, "order_id": e.order_id, "station": e.station, "kind": e.kind}
            for e in state.escalations.rows
            if e.resolved_at is None
        ],
    }


class SiteUplink(_Wire):
    """The site's side of the centre link (see module doc)."""

    def __init__(
        self,
        journal: Journal,
        transport: Transport,
        clock: Clock,
        config: WireConfig | None = None,
        *,
        centre: str,
        origin: str = "",
        forward: Forward | None = None,
    ) -> None:
        super().__init__(journal, transport, clock, config or WireConfig())
        self.centre = centre
        self._origin = origin
        self.forward = forward
        self.connected = False  # handshake up and the centre said where it stands
        self.acked = 0  # the last seq the centre acknowledged
        self._sent = 0  # the last seq sent on this connection
        self._progress_at = clock.now()
        self.open_sitreps: dict[str, None] = {}
        for ev in journal.events(kinds=[Kind.SITREP_REQUESTED, Kind.SITREP_SENT]):
            sid = str(ev.body.get("sitrep_id", ""))
            if ev.kind == Kind.SITREP_REQUESTED:
                self.open_sitreps[sid] = None
            else:
                self.open_sitreps.pop(sid, None)

    @property
    def origin(self) -> str:
        """The name of this journal shipped with its events: its checkpoint origin when it
        signs checkpoints (what the centre's witness checks offers against)."""
        signing = self.journal.checkpointer
        if self._origin:
            return self._origin
        if signing is not None:
            return signing.origin.text
        return f"{self.journal.role}:{self.journal.owner}"

    # -- incoming -----------------------------------------------------------------------------

    def on_link_event(self, event: LinkEvent) -> None:
        """After every handshake: HELLO; the centre answers with where to resume."""
        if event.kind == "connected":
            self.connected = False  # until the centre says where to resume
            self._link_up(self.centre, "site")
        elif event.kind == "disconnected":
            self.connected = False
            self._link_down(self.centre)

    def on_incoming(self, item: Incoming) -> None:
        """Decode and dispatch one message from the centre; ack after the effect commits."""
        message = self._decode(item)
        if message is None:
            return
        self.received += 1
        now = self.clock.now()
        self._heard_upstream(self.centre, now)
        body = message.body
        msg_id = message.header.msg_id
        if isinstance(body, SiteAck):
            self._on_ack(body, now)
        elif isinstance(body, Grants | SiteHandover | SitrepRequest):
            if self.journal.mark_received(msg_id, self.centre):
                self._on_down(body)
            self._reply(self.centre, Ack(), msg_id)
        elif isinstance(body, WitnessMsg):
            self._on_witness(self.centre, message)  # the centre witnesses this journal
        elif isinstance(body, Ack | Nack | Hello | Heartbeat | CheckpointMsg):
            pass
        else:
            self._rejected(
                self.centre, NackCode.UNEXPECTED, f"{message.type} is not for a site", msg_id
            )
            self._reply(
                self.centre,
                Nack(code=NackCode.UNEXPECTED.value, text=f"{message.type} not accepted"),
                msg_id,
            )

    def _on_ack(self, body: SiteAck, now: float) -> None:
        head = self.journal.head[0]
        through = max(0, min(body.through, head))
        if through and body.hash and not self.connected:
            ours = next(iter(self.journal.events(through - 1)), None)
            if ours is not None and ours.hash != body.hash:
                # The centre mirrors another journal under this site's name (this one was
                # replaced): say so once per connection; shipping goes on after its seq.
                self._rejected(
                    self.centre,
                    NackCode.INVALID,
                    f"the centre's mirror of this site differs at seq {through}: this journal "
                    "is not the one it mirrored; give the site a new name on the centre",
                    "",
                )
        if through > self.acked or not self.connected:
            self._progress_at = now
        self.acked = through
        if not self.connected:
            self.connected = True
            self._sent = through  # a fresh connection resumes right after the centre's seq
            self._ship(now)
            self._offer(self.centre, force=True)  # our latest checkpoint, to be witnessed
            return
        self._sent = max(self._sent, through)
        self._ship(now)

    def _on_down(self, body: Grants | SiteHandover | SitrepRequest) -> None:
        documents: list[dict[str, JSON]] = []
        if isinstance(body, Grants):
            documents = [dict(d) for d in body.documents if isinstance(d, Mapping)]
            grants = [d for d in documents if not is_revocation(d)]
            if grants:
                self.journal.record(GrantsReceived(tuple(grants)), actor=self.centre)
            for rev in (d for d in documents if is_revocation(d)):
                self.journal.record(GrantRevoked(rev, str(rev["grant_id"])), actor=self.centre)
        elif isinstance(body, SiteHandover):
            handover = Handover.from_body(body.transfer)
            self.journal.record(handover, actor=self.centre)
            documents = [dict(handover.grant), dict(handover.revocation)]
        else:
            self.journal.record(
                SitrepRequested(body.sitrep_id, self.name, body.due_ts, body.asked_by, body.note),
                actor=self.centre,
            )
            self.open_sitreps[body.sitrep_id] = None
        if documents and self.forward is not None:
            self.forward(documents)

    # -- outgoing and timers --------------------------------------------------------------------

    def _ship(self, now: float) -> None:
        """Send events after the last one sent, within the window, in batches."""
        if not (self.connected and self._linked):
            return
        while self._sent - self.acked < WINDOW_EVENTS and self._sent < self.journal.head[0]:
            rows: list[dict[str, JSON]] = []
            size = 0
            limit = min(BATCH_EVENTS, WINDOW_EVENTS - (self._sent - self.acked))
            for ev in itertools.islice(self.journal.events(self._sent), limit):
                row = event_row(ev)
                size += len(json.dumps(ev.body, separators=(",", ":"))) + 200
                if rows and size > BATCH_BYTES:
                    break
                rows.append(row)
            if not rows:
                return
            self._send(self.centre, self._message(SiteEvents(self.origin, rows)))
            self._sent = int(rows[-1]["seq"])

    def flush(self) -> None:
        """Ship newly journaled events now (after a command journaled something)."""
        self._ship(self.clock.now())

    def tick(self, now: float) -> None:
        """Ship new events, go back to the acknowledged seq when the centre stalls, heartbeat,
        and note the centre's presence."""
        stalled = now - self._progress_at > self.config.retry_first_s
        if self.connected and self._sent > self.acked and stalled:
            self._sent = self.acked  # resend what the centre has not acknowledged
            self._progress_at = now
        self._ship(now)
        if self.connected:
            self._offer(self.centre)  # a new checkpoint, or one not cosigned yet
        if self._linked:
            self._heartbeat(self.centre, now)
        if self._silent_upstream(self.centre, "centre", now):
            self.connected = False

    def sitrep_sent(self, sitrep_id: str) -> None:
        """A SITREP was answered (it is no longer open)."""
        self.open_sitreps.pop(sitrep_id, None)

    def open(self) -> tuple[str, ...]:
        """SITREP requests not answered yet, oldest first."""
        return tuple(self.open_sitreps)

    def state(self) -> UplinkState:
        """Where the link stands (`UplinkState`)."""
        return UplinkState(
            centre=self.centre,
            connected=self.connected,
            shipped_through=self.acked,
            head=self.journal.head[0],
            open_sitreps=self.open(),
        )


def documents_chain(
    documents: Sequence[Mapping[str, JSON]], delegate_key: str
) -> tuple[str, ...] | None:
    """The grant ids, root first, of the chain in `documents` ending at a grant delegated to
    `delegate_key` (the newest such grant); None when the documents hold none."""
    grants = {str(d["id"]): d for d in documents if not is_revocation(d) and "id" in d}
    leaves = [d for d in grants.values() if d.get("delegate_key") == delegate_key]
    if not leaves:
        return None
    leaf = max(leaves, key=lambda d: float(d.get("issued_at", 0.0)))
    chain = [str(leaf["id"])]
    parent = leaf.get("parent")
    while parent is not None and str(parent) in grants and len(chain) < 16:
        chain.append(str(parent))
        parent = grants[str(parent)].get("parent")
    if parent is not None:
        return None  # the documents do not reach a root grant: not a whole chain
    return tuple(reversed(chain))


@dataclass(frozen=True)
class UplinkSettings:
    """Where and as whom a site connects up: the centre's name, address and CURVE public key,
    and this site's own CURVE pair (the key the centre's allow-list names as this site)."""

    centre: str
    address: str
    centre_public: bytes
    keys: KeyPair


def open_uplink(
    context: zmq.Context[Any],
    journal: Journal,
    settings: UplinkSettings,
    *,
    name: str,
    clock: Clock,
    wire: WireConfig,
    forward: Forward | None = None,
) -> tuple[StationLink, SiteUplink]:
    """The DEALER towards the centre and the uplink over it (call in the engine thread)."""
    link = StationLink(
        context,
        station_id=name,
        keys=settings.keys,
        console_public=settings.centre_public,
        address=settings.address,
        console_name=settings.centre,
        heartbeat_s=wire.heartbeat_s,
    )
    return link, SiteUplink(journal, link, clock, wire, centre=settings.centre, forward=forward)
