"""The centre link in one process on loopback with real CURVE keys: a site console's journal
mirrored once each at the centre, backfilled after a cut, the centre's grants, revocations,
handovers and SITREP requests journaled at the site, and refused keys and names."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import zmq

from command.authority.grants import Grant, issue_grant, narrow_grant
from command.authority.scope import Scope
from command.centre.board import CentreBoard
from command.clock import ManualClock
from command.console_post import ConsolePost
from command.fold import fold
from command.journal import Journal
from command.journal.checkpoints import CheckpointPolicy, Origin, sign_checkpoint
from command.signing import Signer
from command.vocabulary import (
    GrantRecorded,
    Kind,
    LinkChanged,
    SiteEvent,
    WitnessRefused,
    decode,
)
from protocols.centre_commands import (
    CentreSites,
    HandOverSite,
    IssueSiteGrant,
    RequestSitrep,
    RevokeSiteGrant,
)
from protocols.centre_node import CentreNode, CentreSettings
from protocols.delivery import WireConfig
from protocols.messages import CheckpointMsg
from protocols.security import CurveKeys
from protocols.station_link import StationLink
from protocols.transport import LinkEvent
from protocols.uplink import SiteUplink, UplinkSettings, documents_chain, open_uplink
from tests.protocols.wiring import ANY_PORT, incident
from tests.waiting import wait_for

T0 = 1_751_371_200.0
WIRE = WireConfig(heartbeat_s=0.5, retry_first_s=1.0)


@dataclass
class Site:
    """One site console: its journal, post and uplink."""

    name: str
    keys: CurveKeys
    journal: Journal
    post: ConsolePost
    link: StationLink
    uplink: SiteUplink
    forwarded: list[list[dict[str, Any]]] = field(default_factory=list)


@dataclass
class World:
    """A centre (district authority under the city) and its sites, pumped by hand."""

    context: zmq.Context[Any]
    clock: ManualClock
    city: Signer
    district: Signer
    commander: Signer
    chain: tuple[Grant, Grant]
    centre_keys: CurveKeys
    centre: CentreNode
    sites: dict[str, Site]

    def connect(self, name: str) -> Site:
        """(Re)connect site `name`'s uplink (a fresh DEALER, as after a restart)."""
        site = self.sites[name]
        site.link.close()
        settings = UplinkSettings(
            "centre", self.centre.link.address, self.centre_keys.public, site.keys
        )
        site.link, site.uplink = open_uplink(
            self.context,
            site.journal,
            settings,
            name=name,
            clock=self.clock,
            wire=WIRE,
            forward=site.forwarded.append,
        )
        return site

    def pump(self, until: Callable[[], bool], timeout: float = 5.0) -> None:
        """Move messages and run timers until `until()` holds (bounded in wall time)."""
        deadline = time.monotonic() + timeout
        while not until():
            moved = self.centre.pump()
            for s in self.sites.values():
                moved += s.uplink.pump()
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not reached in {timeout:g} s")
            if not moved:
                self.clock.advance(0.05)
                self.centre.tick(self.clock.now())
                for s in self.sites.values():
                    s.uplink.tick(self.clock.now())
                self.centre.link.wait(0.002)

    def mirrored(self, site: str) -> list[SiteEvent]:
        """The centre's mirror of `site`, in order."""
        out = []
        for ev in self.centre.journal.events(kinds=[Kind.SITE_EVENT]):
            body = decode(ev)
            assert isinstance(body, SiteEvent)
            if body.site == site:
                out.append(body)
        return out

    def synced(self, site: str) -> bool:
        return self.centre.wire.mirrors[site].seq == self.sites[site].journal.head[0]


@pytest.fixture
def world() -> Iterator[World]:
    context: zmq.Context[Any] = zmq.Context()
    clock = ManualClock(T0)
    city, district, commander = (Signer.generate(n) for n in ("city", "district", "commander"))
    top = issue_grant(
        city,
        delegate="district",
        delegate_key=district.public_hex,
        incident="inc-1",
        scope=Scope.of(["st-a"], ["patrol", "close_road"], ["z1"]),
        not_before=T0 - 3600,
        not_after=T0 + 86_400,
        redelegate_depth=2,
        issued_at=T0,
    )
    leaf = narrow_grant(
        top, district, delegate="commander", delegate_key=commander.public_hex, issued_at=T0
    )
    centre_keys = CurveKeys.generate()
    site_keys = {n: CurveKeys.generate() for n in ("site-a", "site-b")}
    centre = CentreNode(
        context,
        CentreSettings(
            name="centre",
            journal_path=None,
            clock=clock,
            signer=district,
            keys=centre_keys,
            allowed={k.public: n for n, k in site_keys.items()},
            chain=(top,),
            address=ANY_PORT,
            wire=WIRE,
        ),
    )
    sites: dict[str, Site] = {}
    for name, keys in site_keys.items():
        journal = Journal.in_memory(clock=clock, owner=name, role="console")
        post = ConsolePost(journal, clock, commander, (top.id, leaf.id), incident(("st-a",)))
        with journal.transaction():
            journal.record(GrantRecorded(top.to_dict()), actor="city")
            journal.record(GrantRecorded(leaf.to_dict(), narrowed=True), actor="district")
        forwarded: list[list[dict[str, Any]]] = []
        link, uplink = open_uplink(
            context,
            journal,
            UplinkSettings("centre", centre.link.address, centre_keys.public, keys),
            name=name,
            clock=clock,
            wire=WIRE,
            forward=forwarded.append,
        )
        sites[name] = Site(name, keys, journal, post, link, uplink, forwarded)
    w = World(context, clock, city, district, commander, (top, leaf), centre_keys, centre, sites)
    try:
        yield w
    finally:
        for s in w.sites.values():
            s.link.close()
            s.journal.close()
        centre.close()
        context.destroy(linger=0)


def test_site_journal_mirrored_once_in_order_and_folds_the_same(world: World) -> None:
    site = world.sites["site-a"]
    for n in range(30):
        site.post.add_decision(f"decision {n}", "because")
    world.pump(lambda: world.synced("site-a"))
    mirror = world.mirrored("site-a")
    own = list(site.journal.events())
    assert [m.seq for m in mirror] == [e.seq for e in own]
    assert [m.hash for m in mirror] == [e.hash for e in own]
    assert fold(own).counts() == fold(_as_events(mirror)).counts()
    assert fold(own).counts().decisions == 30
    assert world.centre.handlers().run(CentreSites()) == ("site-a", "site-b")


def test_cut_and_return_backfills_without_loss_or_double(world: World) -> None:
    site = world.sites["site-a"]
    site.post.add_decision("before the cut", "x")
    world.pump(lambda: world.synced("site-a"))
    site.link.close()  # the centre is unreachable: the site keeps journaling
    for n in range(250):
        site.post.add_decision(f"while cut {n}", "x")
    world.clock.advance(60.0)
    world.connect("site-a")
    world.pump(lambda: world.synced("site-a"))
    mirror = world.mirrored("site-a")
    assert [m.seq for m in mirror] == list(range(1, site.journal.head[0] + 1))
    # A resend of everything (a site that lost the centre's ack) doubles nothing.
    site.uplink._sent = 0
    site.uplink.acked = 0
    site.uplink.flush()
    world.pump(lambda: site.uplink.acked == site.journal.head[0])
    assert len(world.mirrored("site-a")) == site.journal.head[0]


def test_revocation_from_the_centre_is_journaled_and_forwarded(world: World) -> None:
    site = world.sites["site-a"]
    world.pump(lambda: world.synced("site-a"))
    leaf = world.chain[1]
    world.centre.handlers().run(RevokeSiteGrant("site-a", leaf.id, "relieved"))
    world.pump(lambda: bool(site.forwarded))
    revoked = [decode(e) for e in site.journal.events(kinds=[Kind.GRANT_REVOKED])]
    assert len(revoked) == 1 and site.forwarded[0][0]["grant_id"] == leaf.id
    at_centre = list(world.centre.journal.events(kinds=[Kind.GRANT_REVOKED]))
    assert len(at_centre) == 1
    world.pump(lambda: not world.centre.journal.pending("site-a"))  # acked, not resent
    # the site's record of it reaches the centre's mirror too
    world.pump(lambda: world.synced("site-a"))
    assert any(m.event_kind == Kind.GRANT_REVOKED for m in world.mirrored("site-a"))


def test_new_grant_and_handover_reach_the_site_as_whole_chains(world: World) -> None:
    site = world.sites["site-a"]
    world.pump(lambda: world.synced("site-a"))
    successor = Signer.generate("deputy")
    gid = world.centre.handlers().run(
        IssueSiteGrant(
            "site-a",
            "commander",
            world.commander.public_hex,
            Scope.of(["st-a"], ["patrol"], ["z1"]),
            T0 + 7200,
        )
    )
    world.pump(lambda: len(site.forwarded) == 1)
    assert documents_chain(site.forwarded[0], world.commander.public_hex) == (
        world.chain[0].id,
        gid,
    )
    new = world.centre.handlers().run(
        HandOverSite("site-a", world.chain[1].id, "deputy", successor.public_hex)
    )
    world.pump(lambda: len(site.forwarded) == 2)
    handovers = [decode(e) for e in site.journal.events(kinds=[Kind.HANDOVER])]
    assert len(handovers) == 1 and site.forwarded[1][0]["id"] == new


def test_sitrep_request_is_journaled_at_the_site_once(world: World) -> None:
    site = world.sites["site-b"]
    sid = world.centre.handlers().run(RequestSitrep("site-b", T0 + 600, "by ten"))
    world.pump(lambda: bool(site.uplink.open()))
    assert site.uplink.open() == (sid,)
    world.pump(lambda: not world.centre.journal.pending("site-b"))
    assert len(list(site.journal.events(kinds=[Kind.SITREP_REQUESTED]))) == 1


def test_the_centre_journals_each_site_link_and_the_board_shows_it(world: World) -> None:
    """A site's first message journals `link.up` at the centre, three silent heartbeat
    intervals `link.down`, its return `link.up` again; the board's link column follows."""
    site = world.sites["site-a"]
    world.pump(lambda: world.synced("site-a"))

    def links() -> list[tuple[str, bool]]:
        out = []
        for ev in world.centre.journal.events(kinds=[Kind.LINK_UP, Kind.LINK_DOWN]):
            body = decode(ev)
            assert isinstance(body, LinkChanged)
            if body.peer == "site-a":
                out.append((body.peer, body.up))
        return out

    def board_link() -> bool | None:
        board = CentreBoard("centre")
        board.apply_all(world.centre.journal.events())
        fold = board.site("site-a")
        assert fold is not None
        return fold.row().link_up

    assert links() == [("site-a", True)]
    assert board_link() is True
    site.link.close()  # the site goes silent (not pumped while it is away)
    del world.sites["site-a"]
    world.pump(lambda: len(links()) == 2)
    assert links()[-1] == ("site-a", False)
    assert board_link() is False
    world.sites["site-a"] = site
    world.connect("site-a")
    world.pump(lambda: len(links()) == 3)
    assert links()[-1] == ("site-a", True) and board_link() is True


def test_a_key_claiming_another_site_mirrors_nothing(world: World) -> None:
    """site-b's allow-listed key speaking as site-a: refused as an impostor, nothing mirrored
    for either name."""
    site_a = world.sites["site-a"]
    site_a.link.close()
    world.sites["site-b"].link.close()
    site_a.post.add_decision("a", "x")
    link = StationLink(
        world.context,
        station_id="site-a",
        keys=world.sites["site-b"].keys,
        console_public=world.centre_keys.public,
        address=world.centre.link.address,
        console_name="centre",
    )
    try:
        impostor = SiteUplink(site_a.journal, link, world.clock, WIRE, centre="centre")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not list(
            world.centre.journal.events(kinds=[Kind.AUTH_REJECTED])
        ):
            impostor.pump()
            impostor.connected = True  # ship even without the centre's ack
            impostor.flush()
            world.centre.pump()
            link.wait(0.005)
        assert list(world.centre.journal.events(kinds=[Kind.AUTH_REJECTED]))
        assert world.mirrored("site-a") == [] and world.mirrored("site-b") == []
    finally:
        link.close()


def test_an_unlisted_key_is_refused_at_the_handshake(world: World) -> None:
    stranger = StationLink(
        world.context,
        station_id="site-a",
        keys=CurveKeys.generate(),
        console_public=world.centre_keys.public,
        address=world.centre.link.address,
        console_name="centre",
    )
    try:
        world.sites["site-a"].link.close()
        world.sites["site-b"].link.close()

        def refused() -> bool:
            world.centre.pump()
            item = stranger.recv()
            assert not (isinstance(item, LinkEvent) and item.kind == "connected")
            return bool(list(world.centre.journal.events(kinds=[Kind.AUTH_REJECTED])))

        wait_for(refused, message="the centre to refuse an unlisted key")
        assert world.mirrored("site-a") == []
    finally:
        stranger.close()


def test_a_tampered_event_is_refused(world: World) -> None:
    """An event whose body no longer matches its hash is not mirrored, and the centre says why."""
    site = world.sites["site-a"]
    site.post.add_decision("true", "x")
    original = site.journal.events

    def tampered(after_seq: int = 0, kinds: Any = None) -> Iterator[Any]:
        for ev in original(after_seq, kinds):
            if ev.kind == Kind.DECISION_ADDED:
                ev.body["decision"] = dict(ev.body["decision"], decision="false")
            yield ev

    site.journal.events = tampered  # type: ignore[method-assign]
    world.pump(lambda: bool(list(world.centre.journal.events(kinds=[Kind.MESSAGE_REJECTED]))))
    assert all(m.event_kind != Kind.DECISION_ADDED for m in world.mirrored("site-a"))


def _as_events(mirror: list[SiteEvent]) -> list[Any]:
    from tests.command.fold.events import Ev

    return [Ev(m.seq, m.ts, m.actor, m.event_kind, m.incident, dict(m.body)) for m in mirror]


def test_a_replaced_site_journal_is_named_not_silently_skipped(world: World) -> None:
    site = world.sites["site-a"]
    site.post.add_decision("first life", "x")
    world.pump(lambda: world.synced("site-a"))
    site.link.close()
    old = site.journal
    site.journal = Journal.in_memory(clock=world.clock, owner="site-a", role="console")
    old.close()
    for n in range(4):
        site.journal.record(GrantRecorded(world.chain[0].to_dict()), actor=f"other {n}")
    world.connect("site-a")
    world.pump(lambda: bool(list(site.journal.events(kinds=[Kind.MESSAGE_REJECTED]))))
    (line,) = [e.body for e in site.journal.events(kinds=[Kind.MESSAGE_REJECTED])]
    assert "differs at seq" in line["text"]


def test_the_centre_witnesses_each_site_journal(world: World) -> None:
    """A site that signs checkpoints offers them up; the centre cosigns each, journaled at both
    ends, and the centre signs its own journal too."""
    site = world.sites["site-a"]
    origin = Origin.of("inc-1", "console", "site-a", world.commander)
    site.journal.sign_with(world.commander, origin, CheckpointPolicy(every_events=5))
    for n in range(12):
        site.post.add_decision(f"decision {n}", "x")
    world.pump(lambda: bool(list(site.journal.events(kinds=[Kind.CHECKPOINT_COSIGNED]))))
    cosigned = [e.body for e in world.centre.journal.events(kinds=[Kind.WITNESS_COSIGNED])]
    assert cosigned and all(c["witness"] == "centre" for c in cosigned)
    world.pump(lambda: world.synced("site-a"))
    assert world.centre.journal.checkpointer is not None


def test_two_sites_whose_origins_differ_only_by_key_are_both_witnessed(world: World) -> None:
    """Two sites of one incident with commanders of one name: one book per site, no false fork."""
    for name in ("site-a", "site-b"):
        site = world.sites[name]
        signer = Signer.generate("commander")
        origin = Origin.of("inc-1", "console", "commander", signer)
        site.journal.sign_with(signer, origin, CheckpointPolicy(every_events=4))
        for n in range(6):
            site.post.add_decision(f"{name} {n}", "x")

    def both() -> bool:
        return all(
            list(s.journal.events(kinds=[Kind.CHECKPOINT_COSIGNED])) for s in world.sites.values()
        )

    world.pump(both)
    assert not list(world.centre.journal.events(kinds=[Kind.WITNESS_REFUSED]))


def test_a_site_that_rewrites_its_cosigned_history_is_refused_with_evidence(world: World) -> None:
    """An attacker holding the site's key signs a checkpoint at a size the centre cosigned but
    over another hash (a rewritten journal): the centre refuses it and journals the evidence."""
    site = world.sites["site-a"]
    policy = CheckpointPolicy(every_events=4)
    origin = Origin.of("inc-1", "console", "site-a", world.commander)
    site.journal.sign_with(world.commander, origin, policy)
    for n in range(6):
        site.post.add_decision(f"decision {n}", "x")
    world.pump(lambda: bool(list(site.journal.events(kinds=[Kind.CHECKPOINT_COSIGNED]))))
    cosigned = site.journal.latest_checkpoint
    assert cosigned is not None
    forged = sign_checkpoint(
        world.commander,
        origin,
        cosigned.head_seq,
        "f" * 64,
        ts=world.clock.now(),
        policy=policy,
        reason="events",
    )
    site.uplink._send("centre", site.uplink._message(CheckpointMsg(forged.to_body())))
    world.pump(lambda: bool(list(world.centre.journal.events(kinds=[Kind.WITNESS_REFUSED]))))
    (refused,) = [decode(e) for e in world.centre.journal.events(kinds=[Kind.WITNESS_REFUSED])]
    assert isinstance(refused, WitnessRefused) and refused.offered.head_hash == "f" * 64


def test_a_sitrep_reads_zones_as_the_map_does_never_green_by_default() -> None:
    """`compose_sitrep`: a zone without thresholds is "not rated", one with nothing measured
    "no data", one whose feeds went silent is stale; the figure travels with its unit."""
    from command.fold import IncidentState
    from command.vocabulary import IncidentOpened, PictureLevel, PictureValues
    from protocols.uplink import compose_sitrep
    from tests.command.fold.events import EventMaker

    mk = EventMaker()
    key_metrics = ({"zone": "chenyi", "metric": "density", "unit": "persons/m²"},)
    state = IncidentState()
    for body in (
        IncidentOpened({"id": "INC"}, key_metrics=key_metrics),
        PictureLevel("chenyi", "orange", indicator="density", value=2.1),
        PictureValues(
            {"chenyi": {"density": 2.1}, "park": {"visitors": 900.0}}, ("chenyi/density",)
        ),
    ):
        state.apply(mk.ev(str(body.kind), body.to_body(), ts=1_760_000_000.0))
    state.zones.add_zone("gate", "Gate")
    zones = {z["zone"]: z for z in compose_sitrep(state, 0.0)["zones"]}
    assert zones["chenyi"]["level"] == "orange" and zones["chenyi"]["stale"] is True
    assert (zones["chenyi"]["value"], zones["chenyi"]["unit"]) == (2.1, "persons/m²")
    assert zones["park"]["level"] == "not rated" and zones["park"]["stale"] is False
    assert zones["gate"]["level"] == "no data" and zones["gate"]["value"] is None
