"""The operations centre's engine node: the centre end of the centre link, its journal and its
authority desk.

The centre binds a CURVE-server ROUTER (`protocols.console_link.ConsoleLink`) whose allow-list
maps each site console's uplink key to the site's name; a message whose claimed sender is not
the name its key belongs to is refused like an impostor station at a console. Each site event
that arrives (`SITE_EVENTS`) is checked against the site's hash chain (seq follows the last one
mirrored, `prev_hash` is its hash, the hash recomputes) and mirrored once as `site.event`; what
the centre holds already is skipped, a gap or a broken link is refused (journaled once per
cause) and the centre acknowledges the seq it holds (`SITE_ACK`), so the site sends again from
there.

Authority actions (the `protocols.centre_commands` seams) are signed with the centre's own key
under the centre's own grant (a district centre acts under the city's grant to it: it can only
narrow within it, `command.authority.grants.narrow_grant` checks), journaled, and queued
durably for the site in the centre journal's outbox (ack and redelivery as on the order link).

The centre witnesses each site's journal: it judges every checkpoint a site offers
(`protocols.witnessing.Witness`, as a station does for its console) and journals its cosignature
(`witness.cosigned`) or the refusal evidence (`witness.refused`, a fork); its own journal is
signed periodically (origin side "centre").

With `uplink` the centre is also a site one level up: it ships its own journal (mirrors
included) to the centre above with the same `protocols.uplink.SiteUplink`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zmq

from command.authority.errors import AuthorityError
from command.authority.grants import Grant, issue_grant, narrow_grant, revoke_grant
from command.authority.handover import hand_over
from command.authority.scope import Scope
from command.canonical import canonical_text
from command.clock import Clock
from command.errors import JournalError, ValidationError
from command.ids import new_id
from command.journal import Event, Journal, OutMessage
from command.journal.chain import GENESIS, event_hash
from command.journal.checkpoints import CheckpointPolicy, Origin
from command.signing import Signer
from command.vocabulary import (
    AuthRejected,
    Cosigned,
    GrantRecorded,
    GrantRevoked,
    Handover,
    Kind,
    LinkChanged,
    MessageRejected,
    SiteEvent,
    SitrepRequested,
    WitnessRefused,
    decode,
)
from protocols.centre_commands import (
    CentreSites,
    ExtendSiteGrant,
    HandOverSite,
    IssueSiteGrant,
    NarrowSiteGrant,
    RequestSitrep,
    RevokeSiteGrant,
)
from protocols.commands import Address, Handlers, Update
from protocols.console_link import ConsoleLink
from protocols.delivery import WireConfig, _Wire
from protocols.messages import (
    Ack,
    Body,
    CheckpointMsg,
    Heartbeat,
    Hello,
    Nack,
    NackCode,
    SiteAck,
    SiteEvents,
    SiteHandover,
    SitrepRequest,
)
from protocols.nodes import open_journal
from protocols.security import KeyPair, RejectionSummaries
from protocols.station_link import StationLink
from protocols.transport import Incoming, LinkEvent, Transport
from protocols.uplink import SiteUplink, UplinkSettings, open_uplink
from protocols.witnessing import Problem, Witness

JSON = Any
DEFAULT_CENTRE_ADDRESS = "tcp://127.0.0.1:7711"
HANDOVER_MSG = "SITE_HANDOVER"
SITREP_MSG = "SITREP_REQUEST"


def _side_of(origin: str) -> str:
    try:
        return Origin.parse(origin).side
    except ValueError:
        return ""


def _witnessed_origin(event: Event) -> str:
    """The origin of the checkpoint a witness event is about ("" for other events)."""
    try:
        body = decode(event)
    except (KeyError, TypeError, ValueError):
        return ""
    if isinstance(body, Cosigned):
        return body.checkpoint.origin
    if isinstance(body, WitnessRefused):
        return body.offered.origin
    return ""


class _SiteWitnessing:
    """The centre journal as one site's witness sees it: only the witnessing events about that
    site's journal (its origin, as its SITE_EVENTS name it); writes go to the journal."""

    def __init__(self, journal: Journal, origin: Callable[[], str]) -> None:
        self._journal = journal
        self._origin = origin

    def events(self, after_seq: int = 0, kinds: Any = None) -> Iterator[Event]:
        """The journal's events of `kinds` about this site's journal."""
        origin = self._origin()
        for event in self._journal.events(after_seq, kinds):
            if _witnessed_origin(event) == origin:
                yield event

    def record(self, body: Any, **kw: Any) -> Event:
        """Journal `body` in the centre journal."""
        return self._journal.record(body, **kw)


@dataclass
class Mirror:
    """Where the centre's mirror of one site's journal stands."""

    seq: int = 0
    hash: str = GENESIS
    origin: str = ""
    incident: str = ""


class CentreWire(_Wire):
    """Delivery at the centre: mirror site events once each, acknowledge cumulatively, send the
    durable down messages in journal order and retry them until the site acks."""

    def __init__(
        self,
        journal: Journal,
        transport: Transport,
        clock: Clock,
        config: WireConfig,
        *,
        sites: tuple[str, ...],
        on_mirrored: Callable[[str, str, Mapping[str, JSON]], None] | None = None,
        signer: Signer | None = None,
    ) -> None:
        super().__init__(journal, transport, clock, config)
        # The centre witnesses each site's journal with a book of its own (two sites of one
        # incident may have commanders of one name: their origins differ only by key).
        self._signer = signer
        self._witnesses: dict[str, Witness] = {}
        self.sites = sites
        self.mirrors: dict[str, Mirror] = {s: Mirror() for s in sites}
        for ev in journal.events(kinds=[Kind.SITE_EVENT]):
            m = self.mirrors.setdefault(str(ev.body.get("site", "")), Mirror())
            m.seq, m.hash = int(ev.body.get("seq", 0)), str(ev.body.get("hash", ""))
            m.origin = str(ev.body.get("origin", ""))
            m.incident = m.incident or str(ev.incident)
        self._ready: set[str] = set()
        self._online: set[str] = set()
        self._logged: dict[str, float] = {}
        self.rejections = RejectionSummaries(
            every_s=config.auth_log_every_s, clock=clock.now, service="centre"
        )
        self._on_mirrored = on_mirrored

    def _wire_body(self, out: OutMessage) -> Body:
        if out.msg_type == HANDOVER_MSG:
            return SiteHandover(transfer=dict(out.body["transfer"]))
        if out.msg_type == SITREP_MSG:
            b = out.body
            return SitrepRequest(
                str(b["sitrep_id"]), float(b["due_ts"]), str(b["asked_by"]), str(b["note"])
            )
        return super()._wire_body(out)

    def _once(self, cause: str, record: MessageRejected | AuthRejected) -> None:
        now = self.clock.now()
        if now - self._logged.get(cause, -1e18) >= self.config.auth_log_every_s:
            self._logged[cause] = now
            self.journal.record(record, actor="link")

    def on_link_event(self, event: LinkEvent) -> None:
        """Refused handshakes: one summary per peer address and reason per interval."""
        if event.kind != "auth_rejected":
            return
        detail = dict(event.detail)
        peer = str(detail.pop("peer", "") or detail.get("endpoint", "") or "?")
        reason = str(detail.pop("reason", "") or "refused")
        rejected = self.rejections.note(peer, reason, detail)
        if rejected is not None:
            self.journal.record(rejected, actor="link")

    def on_incoming(self, item: Incoming) -> None:
        """Authenticate (the key's site must be the claimed one), decode, dispatch."""
        if item.peer != item.claimed:
            self._once(
                f"impostor:{item.peer}:{item.claimed}",
                AuthRejected(
                    "identity_mismatch", {"claimed": item.claimed, "key_owner": item.peer}
                ),
            )
            return
        site = item.peer
        message = self._decode(item)
        if message is None:
            return
        self.received += 1
        self.received_from[site] += 1
        self._last_heard[site] = self.clock.now()
        if site not in self._online:
            self._online.add(site)
            self.journal.record(LinkChanged(site, True), actor="link")
        body = message.body
        if isinstance(body, Hello) or site not in self._ready:
            self._ready.add(site)
            self._send_ack(site)
            self._send_pending(site, force=True)
        if isinstance(body, SiteEvents):
            self._mirror(site, body, message.header.msg_id)
            self._send_ack(site)
        elif isinstance(body, CheckpointMsg):
            origin = self.mirrors.setdefault(site, Mirror()).origin
            if origin and body.latest.get("origin") != origin:
                text = f"checkpoint of {body.latest.get('origin')!r}, not of {site}'s journal"
                self._refuse_message(site, Problem(NackCode.INVALID, text), message.header.msg_id)
            else:
                self.witness = self._witness_for(site)
                self._on_checkpoint(site, message)
        elif isinstance(body, Ack):
            if self._settled(site, message.header.ack_of) is not None:
                self.journal.mark_acked(message.header.ack_of)
        elif isinstance(body, Nack):
            if message.header.ack_of and self._settled(site, message.header.ack_of):
                ack_of = message.header.ack_of
                self._rejected(site, body.code, f"site refused: {body.text}", ack_of)
                self.journal.mark_acked(message.header.ack_of)
        elif isinstance(body, Hello | Heartbeat):
            pass
        else:
            msg_id = message.header.msg_id
            self._rejected(site, NackCode.UNEXPECTED, f"{message.type} is not for a centre", msg_id)
            self._reply(
                site,
                Nack(code=NackCode.UNEXPECTED.value, text=f"{message.type} not accepted"),
                msg_id,
            )

    def _witness_for(self, site: str) -> Witness | None:
        """`site`'s witness (made at its first checkpoint, its book rebuilt from this journal's
        cosignatures and refusals of that site's journal); None without a signing key."""
        if self._signer is None:
            return None
        witness = self._witnesses.get(site)
        if witness is None:
            m = self.mirrors.setdefault(site, Mirror())
            view = _SiteWitnessing(self.journal, lambda: m.origin)
            witness = self._witnesses[site] = Witness(
                view,  # type: ignore[arg-type]  # what Witness reads and writes of a journal
                self.name,
                self._signer,
                side=_side_of(m.origin) or "console",
                owner_is_peer=_side_of(m.origin) == "centre",
                refusal_burst=self.config.refusal_burst,
                refusal_every_s=self.config.refusal_every_s,
            )
        return witness

    def _send_ack(self, site: str) -> None:
        m = self.mirrors.setdefault(site, Mirror())
        self._send(site, self._message(SiteAck(m.seq, m.hash if m.seq else "")))

    def _mirror(self, site: str, body: SiteEvents, msg_id: str) -> None:
        m = self.mirrors.setdefault(site, Mirror())
        for row in body.events:
            try:
                seq, prev, digest = int(row["seq"]), str(row["prev_hash"]), str(row["hash"])
                ts, actor = float(row["ts"]), str(row["actor"])
                kind, incident, ev_body = str(row["kind"]), str(row["incident"]), row["body"]
                if not isinstance(ev_body, dict):
                    raise TypeError("body is not an object")
                text = canonical_text(ev_body)
            except (KeyError, TypeError, ValueError) as err:
                self._once(
                    f"bad:{site}",
                    MessageRejected(site, msg_id, NackCode.BAD_BODY.value, f"site event: {err}"),
                )
                return
            if seq <= m.seq:
                continue  # held already: a resend after a cut, mirrored once
            if seq != m.seq + 1 or prev != m.hash:
                return  # a gap (an earlier batch was lost): the ack says where to resume
            if event_hash(prev, seq, ts, actor, kind, incident, text) != digest:
                self._once(
                    f"chain:{site}",
                    MessageRejected(
                        site,
                        msg_id,
                        NackCode.INVALID.value,
                        f"site event {seq} does not match its hash: the site's record and "
                        "what it reported differ",
                    ),
                )
                return
            self.journal.record(
                SiteEvent(site, body.origin, seq, ts, actor, kind, incident, ev_body, digest),
                actor=site,
                incident=incident,
            )
            m.seq, m.hash, m.origin = seq, digest, body.origin
            m.incident = m.incident or incident
            if self._on_mirrored is not None:
                self._on_mirrored(site, kind, ev_body)

    def flush(self, site: str) -> None:
        """Send what is newly pending for `site` now."""
        if site in self._ready:
            self._send_pending(site, reload=True)
        else:
            self._outbox.pop(site, None)

    def tick(self, now: float) -> None:
        """Retries, heartbeats, presence and refusal summaries."""
        due = self.rejections.due()
        if due:
            with self.journal.transaction():
                for rejected in due:
                    self.journal.record(rejected, actor="link")
        for site in sorted(self._ready):
            self._send_pending(site)
            self._heartbeat(site, now)
        for site in self._gone_silent(self._online, now):
            self._online.discard(site)
            self._ready.discard(site)
            self.journal.record(LinkChanged(site, False, self._silence), actor="link")

    def online(self) -> set[str]:
        """Sites heard within the presence interval."""
        return set(self._online)


@dataclass(frozen=True)
class CentreSettings:
    """Everything a centre node needs."""

    name: str
    journal_path: Path | None
    clock: Clock
    signer: Signer  # the centre authority's signing key
    keys: KeyPair  # the centre's CURVE pair (server)
    allowed: Mapping[bytes, str]  # site console uplink key (Z85) → site name
    chain: tuple[Grant, ...] = ()  # the centre's own grant chain, root first; () for a root
    address: str = DEFAULT_CENTRE_ADDRESS
    wire: WireConfig = field(default_factory=WireConfig)
    uplink: UplinkSettings | None = None  # ship this centre's journal to the centre above
    checkpoints: CheckpointPolicy | None = None  # periodic checkpoints (None: the default)


class CentreNode:
    """The centre's engine node (see module doc)."""

    def __init__(self, context: zmq.Context[Any], settings: CentreSettings) -> None:
        self.settings = settings
        self.journal = open_journal(
            settings.journal_path, clock=settings.clock, owner=settings.name, role="centre"
        )
        try:
            incident = settings.chain[-1].incident if settings.chain else "-"
            origin = Origin.of(incident, "centre", settings.name, settings.signer)
            self.journal.sign_with(settings.signer, origin, settings.checkpoints)
        except BaseException:
            self.journal.close()
            raise
        self.up: SiteUplink | None = None
        self.up_link: StationLink | None = None
        self._updates: list[Update] = []
        try:
            self.link = ConsoleLink(
                context,
                name=settings.name,
                keys=settings.keys,
                allowed=settings.allowed,
                address=settings.address,
                heartbeat_s=settings.wire.heartbeat_s,
            )
            self.grants: dict[str, Grant] = {}
            self.site_of: dict[str, str] = {}  # grant id → site it was sent to or reported by
            self.revoked: set[str] = set()
            for g in settings.chain:
                self.grants[g.id] = g
            self.wire = CentreWire(
                self.journal,
                self.link,
                settings.clock,
                settings.wire,
                sites=tuple(sorted(set(settings.allowed.values()))),
                on_mirrored=self._learn,
                signer=settings.signer,
            )
            self._load()
            if settings.uplink is not None:
                self.up_link, self.up = open_uplink(
                    context,
                    self.journal,
                    settings.uplink,
                    name=settings.name,
                    clock=settings.clock,
                    wire=settings.wire,
                )
        except BaseException:
            self.close()
            raise

    # -- what the centre knows about grants ---------------------------------------------------

    def _load(self) -> None:
        for ev in self.journal.events(
            kinds=[
                Kind.GRANT_ISSUED,
                Kind.GRANT_NARROWED,
                Kind.GRANT_REVOKED,
                Kind.HANDOVER,
                Kind.SITE_EVENT,
            ]
        ):
            if ev.kind == Kind.SITE_EVENT:
                self._learn(
                    str(ev.body.get("site", "")),
                    str(ev.body.get("kind", "")),
                    ev.body.get("body") or {},
                )
            else:
                self._learn(str(ev.actor), ev.kind, ev.body, own=True)

    def _learn(self, site: str, kind: str, body: Mapping[str, JSON], *, own: bool = False) -> None:
        """Note grants and revocations journaled here or in a site's mirrored events."""
        docs: list[Mapping[str, JSON]] = []
        if kind in (Kind.GRANT_ISSUED, Kind.GRANT_NARROWED):
            docs = [body.get("grant") or {}]
        elif kind == Kind.GRANTS_RECEIVED:
            docs = list(body.get("documents") or [])
        elif kind == Kind.HANDOVER:
            docs = [body.get("grant") or {}]
            self.revoked.add(str(body.get("old_grant_id", "")))
        elif kind == Kind.GRANT_REVOKED:
            self.revoked.add(str(body.get("grant_id", "")))
        for d in docs:
            if not isinstance(d, Mapping) or "delegate" not in d:
                continue
            try:
                g = Grant.from_dict(d)
            except AuthorityError:
                continue
            if g.signature_ok():
                self.grants.setdefault(g.id, g)
                if not own:
                    self.site_of.setdefault(g.id, site)

    def _grant(self, site: str, grant_id: str) -> Grant:
        g = self.grants.get(grant_id)
        if g is None:
            raise ValidationError(
                f"no grant {grant_id!r} known for site {site!r}: pick one the site reported"
            )
        return g

    def _site(self, site: str) -> str:
        if site not in self.wire.sites:
            known = ", ".join(self.wire.sites) or "none"
            raise ValidationError(f"no site {site!r} on this centre's allow-list (known: {known})")
        return site

    def _chain_docs(self, leaf: Grant) -> list[dict[str, JSON]]:
        """`leaf` with every ancestor this centre knows, root first."""
        chain = [leaf]
        while chain[-1].parent is not None and chain[-1].parent in self.grants and len(chain) < 16:
            chain.append(self.grants[str(chain[-1].parent)])
        return [g.to_dict() for g in reversed(chain)]

    def _incident(self, site: str) -> str:
        m = self.wire.mirrors.get(site)
        if self.settings.chain:
            return self.settings.chain[-1].incident
        if m is not None and m.incident:
            return m.incident
        raise ValidationError(f"site {site!r} has not reported its incident yet: wait for it")

    def _send(self, site: str, msg_type: str, body: dict[str, JSON]) -> str:
        return self.journal.enqueue(site, msg_type, body)

    # -- commands -------------------------------------------------------------------------------

    def handlers(self) -> Handlers:
        """The centre window's commands, by class."""
        return (
            Handlers()
            .on(IssueSiteGrant, self.issue_grant)
            .on(NarrowSiteGrant, self.narrow_grant)
            .on(ExtendSiteGrant, self.extend_grant)
            .on(RevokeSiteGrant, self.revoke_grant)
            .on(HandOverSite, self.hand_over)
            .on(RequestSitrep, self.request_sitrep)
            .on(CentreSites, self.sites)
            .on(Address, self.address)
        )

    def _new_grant(
        self, site: str, *, delegate: str, key: str, scope: Scope, nb: float, na: float
    ) -> Grant:
        now = self.settings.clock.now()
        own = self.settings.chain
        if own:
            return narrow_grant(
                own[-1],
                self.settings.signer,
                delegate=delegate,
                delegate_key=key,
                scope=scope,
                not_before=nb,
                not_after=na,
                issued_at=now,
            )
        return issue_grant(
            self.settings.signer,
            delegate=delegate,
            delegate_key=key,
            incident=self._incident(site),
            scope=scope,
            not_before=nb,
            not_after=na,
            redelegate_depth=0,
            issued_at=now,
        )

    def _ship_grant(self, site: str, grant: Grant, extra: list[dict[str, JSON]]) -> str:
        with self.journal.transaction():
            self.journal.record(
                GrantRecorded(grant.to_dict(), narrowed=grant.parent is not None),
                incident=grant.incident,
            )
            for doc in extra:
                self.journal.record(
                    GrantRevoked(doc, str(doc["grant_id"])), incident=grant.incident
                )
            self._send(site, "GRANTS", {"documents": self._chain_docs(grant) + extra})
        self.grants[grant.id] = grant
        self.site_of[grant.id] = site
        self.wire.flush(site)
        return grant.id

    def issue_grant(self, cmd: IssueSiteGrant) -> str:
        """Grant a commander the site's incident within the centre's own grant."""
        site = self._site(cmd.site)
        now = self.settings.clock.now()
        nb = self.settings.chain[-1].not_before if self.settings.chain else now
        grant = self._new_grant(
            site,
            delegate=cmd.commander,
            key=cmd.commander_key,
            scope=cmd.scope,
            nb=nb,
            na=cmd.valid_until,
        )
        return self._ship_grant(site, grant, [])

    def narrow_grant(self, cmd: NarrowSiteGrant) -> str:
        """A narrower grant for the same commander; the old one revoked from now on."""
        site = self._site(cmd.site)
        old = self._grant(site, cmd.grant_id)
        if not cmd.scope.subset_of(old.scope):
            raise ValidationError(
                f"not narrower than grant {old.id}: {cmd.scope.wider_part(old.scope)}"
            )
        if cmd.valid_until > old.not_after:
            raise ValidationError(f"not narrower: ends after grant {old.id}; use extend instead")
        grant = self._new_grant(
            site,
            delegate=old.delegate,
            key=old.delegate_key,
            scope=cmd.scope,
            nb=old.not_before,
            na=cmd.valid_until,
        )
        now = self.settings.clock.now()
        rev = revoke_grant(
            old,
            self.settings.signer,
            reason=cmd.note or f"narrowed to grant {grant.id}",
            effective_at=now,
            issued_at=now,
        )
        self.revoked.add(old.id)
        return self._ship_grant(site, grant, [rev.to_dict()])

    def extend_grant(self, cmd: ExtendSiteGrant) -> str:
        """The same commander and scope until a later end (the old grant simply ends earlier)."""
        site = self._site(cmd.site)
        old = self._grant(site, cmd.grant_id)
        if cmd.valid_until <= old.not_after:
            raise ValidationError(f"not an extension: grant {old.id} already runs that long")
        grant = self._new_grant(
            site,
            delegate=old.delegate,
            key=old.delegate_key,
            scope=old.scope,
            nb=old.not_before,
            na=cmd.valid_until,
        )
        return self._ship_grant(site, grant, [])

    def revoke_grant(self, cmd: RevokeSiteGrant) -> str:
        """Revoke the site's grant from now on; returns the down message's id."""
        site = self._site(cmd.site)
        old = self._grant(site, cmd.grant_id)
        now = self.settings.clock.now()
        rev = revoke_grant(
            old, self.settings.signer, reason=cmd.reason, effective_at=now, issued_at=now
        )
        with self.journal.transaction():
            self.journal.record(GrantRevoked(rev.to_dict(), old.id), incident=old.incident)
            msg_id = self._send(site, "GRANTS", {"documents": [rev.to_dict()]})
        self.revoked.add(old.id)
        self.wire.flush(site)
        return msg_id

    def hand_over(self, cmd: HandOverSite) -> str:
        """A grant for the successor, the old one revoked from now; open orders carry on."""
        site = self._site(cmd.site)
        old = self._grant(site, cmd.grant_id)
        now = self.settings.clock.now()
        h = hand_over(
            old,
            self.settings.signer,
            successor=cmd.successor,
            successor_key=cmd.successor_key,
            effective_at=now,
            issued_at=now,
            reason=cmd.note,
        )
        body = Handover(
            old.delegate, cmd.successor, old.id, h.new.to_dict(), h.revocation.to_dict(), now
        )
        with self.journal.transaction():
            self.journal.record(body, incident=old.incident)
            self._send(site, HANDOVER_MSG, {"transfer": body.to_body()})
        self.grants[h.new.id] = h.new
        self.site_of[h.new.id] = site
        self.revoked.add(old.id)
        self.wire.flush(site)
        return h.new.id

    def request_sitrep(self, cmd: RequestSitrep) -> str:
        """Ask the site for a SITREP; returns its id."""
        site = self._site(cmd.site)
        sitrep_id = new_id(self.settings.clock.now())
        body = SitrepRequested(sitrep_id, site, cmd.due_ts, self.settings.name, cmd.note)
        with self.journal.transaction():
            self.journal.record(body)
            self._send(
                site,
                SITREP_MSG,
                {
                    "sitrep_id": sitrep_id,
                    "due_ts": cmd.due_ts,
                    "asked_by": self.settings.name,
                    "note": cmd.note,
                },
            )
        self.wire.flush(site)
        return sitrep_id

    def address(self, _: Address) -> str:
        """The ROUTER's bound address (resolves a `tcp://host:*` bind)."""
        return str(self.link.address)

    def sites(self, _: CentreSites | None = None) -> tuple[str, ...]:
        """The allow-listed sites, by name."""
        return self.wire.sites

    # -- the engine's node protocol -------------------------------------------------------------

    def sockets(self) -> list[zmq.Socket[Any]]:
        """The ROUTER and its monitor, and the uplink's DEALER when there is one."""
        return self.link.sockets() + (self.up_link.sockets() if self.up_link else [])

    def pump(self) -> int:
        """Handle incoming messages (sites, then the centre above)."""
        count = self.wire.pump()
        if self.up is not None:
            count += self.up.pump()
        return count

    def tick(self, now: float) -> None:
        """Periodic checkpoint, retries, heartbeats, presence; ship this journal up."""
        self.journal.tick(now)
        self.wire.tick(now)
        if self.up is not None:
            self.up.tick(now)

    def drain_updates(self) -> tuple[Update, ...]:
        """The centre reports through its journal only."""
        updates, self._updates = tuple(self._updates), []
        return updates

    def close(self) -> None:
        """Close the links, then the journal (signing a checkpoint)."""
        try:
            if getattr(self, "wire", None) is not None:
                due = self.wire.rejections.flush()
                if due:
                    with self.journal.transaction():
                        for r in due:
                            self.journal.record(r, actor="link")
            if self.up_link is not None:
                self.up_link.close()
            if getattr(self, "link", None) is not None:
                self.link.close()
        finally:
            try:
                self.journal.close(self.settings.signer)
            except JournalError:
                self.journal.close()
                raise
