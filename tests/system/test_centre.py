"""The centre link end to end on loopback: a district centre (in this process), two bund site
consoles (`tests.system.site_proc` processes) and one `baton station` each, all on one scenario
clock at 20x (so a 3 s wall cut is 60 s of incident time).

- the centre's mirror of each site is the site's own journal (same seqs and hashes; the fold's
  counts equal), also across a cut of the upward link and its return (nothing lost, nothing
  doubled);
- a revocation from the centre makes the next order of that site rejected at its station with
  reason `revoked`, journaled at the centre, the site and the station;
- a handover from the centre carries an open order on to its completion;
- the centre witnesses (cosigns) both sites' checkpoints;
- a key not on the centre's allow-list gets nothing mirrored.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import zmq

from command.fold import fold
from command.journal import Event
from command.scenarios.loader import load_scenario
from command.signing import Signer
from command.vocabulary import Kind
from protocols.centre_commands import HandOverSite, RevokeSiteGrant
from protocols.certs import load_curve_public
from protocols.commands import Address
from protocols.runtime.centre import CentreOptions, CentreRuntime
from protocols.runtime.provision import Provisioned, provision, provision_centre
from protocols.security import CurveKeys
from protocols.station_link import StationLink
from tests.command.fold.events import Ev
from tests.system.proxy import CuttingProxy
from tests.system.site_proc import site_scenario
from tests.system.world import PYTHON, free_port, kill, read, spawn, wait_for

SPEED = 20.0
STATION = "lighting"
# Two sites of one scenario: the second one's incident renamed, so they are two journals.
INCIDENTS: dict[str, str | None] = {"site_a": None, "site_b": "bund-b"}
pytestmark = pytest.mark.timeout(180)


@dataclass
class SiteRun:
    """One site console process, its station process and their files."""

    name: str
    folder: Path
    provisioned: Provisioned
    journal: Path
    station_journal: Path
    processes: list[subprocess.Popen[bytes]]
    orders: int = 0

    def issue(self) -> str:
        """Ask the site process for one order; returns its id once issued."""
        self.orders += 1
        n = self.orders
        (self.folder / f"issue-{n}").write_text("", encoding="utf-8")
        issued = self.folder / f"issued-{n}"
        wait_for(issued.exists, 20, f"{self.name} to issue order {n}", self.processes)
        return issued.read_text(encoding="utf-8")

    def events(self) -> list[Event]:
        return _events(self.journal)


def _events(path: Path, kinds: list[Kind] | None = None) -> list[Event]:
    got = read(path, lambda j: list(j.events(kinds=kinds)), [])
    assert isinstance(got, list)
    return got


def _mirror(centre: Path, site: str) -> list[Ev]:
    return [
        Ev(
            int(e.body["seq"]),
            float(e.body["ts"]),
            str(e.body["actor"]),
            str(e.body["kind"]),
            str(e.body["incident"]),
            dict(e.body["body"]),
        )
        for e in _events(centre, [Kind.SITE_EVENT])
        if e.body["site"] == site
    ]


def _hashes(centre: Path, site: str) -> list[tuple[int, str]]:
    return [
        (int(e.body["seq"]), str(e.body["hash"]))
        for e in _events(centre, [Kind.SITE_EVENT])
        if e.body["site"] == site
    ]


@dataclass
class World:
    tmp: Path
    centre: CentreRuntime
    centre_journal: Path
    centre_address: str
    sites: dict[str, SiteRun]
    proxy: CuttingProxy | None
    proxy_port: int
    centre_port: int

    def mirrored_through(self, site: str) -> int:
        seqs = [s for s, _ in _hashes(self.centre_journal, site)]
        return max(seqs, default=0)

    def check_mirror(self, site: str) -> None:
        """The centre holds the site's events once each, in order, equal to the site's own."""
        own = self.sites[site].events()
        head = own[-1].seq
        wait_for(
            lambda: self.mirrored_through(site) >= head,
            30,
            f"the centre to mirror {site} through {head}",
            self.sites[site].processes,
        )
        mirror = _hashes(self.centre_journal, site)
        assert [s for s, _ in mirror] == list(range(1, len(mirror) + 1))  # once each, in order
        assert mirror[:head] == [(e.seq, e.hash) for e in own[:head]]
        mirrored = [e for e in _mirror(self.centre_journal, site) if e.seq <= head]
        assert fold(mirrored).counts() == fold(own[:head]).counts()


def _site(
    tmp: Path,
    name: str,
    scenario_origin: float,
    centre: str,
    centre_key: Path,
    p: Provisioned,
    incident: str | None = None,
) -> SiteRun:
    folder = tmp / name
    folder.mkdir(exist_ok=True)
    orders = f"tcp://127.0.0.1:{free_port()}"
    config = {
        "data": str(tmp / f"data-{name}"),
        "authorities": str(tmp / "authorities"),
        "journal": str(folder / "console.db"),
        "orders": orders,
        "feeds": f"tcp://127.0.0.1:{free_port()}",
        "snapshots": f"tcp://127.0.0.1:{free_port()}",
        "centre": centre,
        "centre_key": str(centre_key),
        "uplink_key": str(p.directory / "uplink" / "uplink.key_secret"),
        "site": name,
        "origin": scenario_origin,
        "speed": SPEED,
        "incident": incident,
    }
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    console = spawn(
        [PYTHON, "-m", "tests.system.site_proc", str(folder / "config.json")],
        folder / "site.log",
    )
    files = p.station(STATION)
    station = spawn(
        [
            PYTHON,
            "-m",
            "ui.cli",
            "station",
            *files.station_args(),
            "--headless",
            "--scenario",
            "bund",
            "--origin",
            str(scenario_origin),
            "--speed",
            str(SPEED),
            "--connect",
            orders,
            "--journal",
            str(folder / "station.db"),
            "--heartbeat",
            "0.5",
        ],
        folder / "station.log",
    )
    return SiteRun(
        name, folder, p, folder / "console.db", folder / "station.db", [console, station]
    )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    scenario = load_scenario("bund")
    origin = time.time()
    now_scenario = scenario.start
    provisioned = {
        n: provision(
            site_scenario(INCIDENTS[n]),
            tmp_path / f"data-{n}",
            now_scenario=now_scenario,
            authorities=tmp_path / "authorities",
        )
        for n in ("site_a", "site_b")
    }
    a = provisioned["site_a"]
    files, uplinks = provision_centre(
        tmp_path / "centres",
        "huangpu",
        signing_key=a.authority_key,
        chain=a.district_grant,
        sites=provisioned,
    )
    centre_port, proxy_port = free_port(), free_port()
    journal = tmp_path / "centre.db"
    centre = CentreRuntime(
        CentreOptions(
            files=files,
            journal=journal,
            bind=f"tcp://127.0.0.1:{centre_port}",
            clock_start=scenario.start,
            origin=origin,
            speed=SPEED,
            heartbeat_s=0.5,
        )
    ).start()
    proxy = CuttingProxy(proxy_port, centre_port, cut_every=(1e9, 1e9)).start()
    sites: dict[str, SiteRun] = {}
    w = World(tmp_path, centre, journal, "", sites, proxy, proxy_port, centre_port)
    try:
        w.centre_address = centre.engine.call_sync(Address())
        sites["site_a"] = _site(
            tmp_path,
            "site_a",
            origin,
            f"tcp://127.0.0.1:{proxy_port}",
            uplinks["site_a"].centre_public,
            a,
        )
        sites["site_b"] = _site(
            tmp_path,
            "site_b",
            origin,
            w.centre_address,
            uplinks["site_b"].centre_public,
            provisioned["site_b"],
            INCIDENTS["site_b"],
        )
        yield w
    finally:
        for s in sites.values():
            for proc in s.processes:
                kill(proc, 15)
        if w.proxy is not None:
            w.proxy.stop()
        centre.stop()


def _order_events(path: Path, kind: Kind, order_id: str) -> list[Event]:
    return [
        e
        for e in _events(path, [kind])
        if e.body.get("order_id") == order_id
        or (isinstance(e.body.get("order"), dict) and e.body["order"].get("id") == order_id)
    ]


def test_centre_mirrors_revokes_hands_over_and_survives_a_cut(world: World) -> None:
    a, b = world.sites["site_a"], world.sites["site_b"]
    alive = a.processes + b.processes

    # 1. Both sites' journals are mirrored once each; their folds agree.
    first = a.issue()
    wait_for(lambda: bool(_order_events(a.journal, Kind.ORDER_ACCEPT, first)), 30, "accept", alive)
    b.issue()
    world.check_mirror("site_a")
    world.check_mirror("site_b")

    # 2. The upward link of site A cut for 60 s of incident time (3 s wall); the site works on.
    assert world.proxy is not None
    world.proxy.stop()
    world.proxy = None
    cut_at = world.mirrored_through("site_a")
    during = [a.issue() for _ in range(3)]
    wait_for(
        lambda: all(_order_events(a.journal, Kind.ORDER_ACCEPT, o) for o in during),
        30,
        "orders accepted at site A while its centre is unreachable",
        alive,
    )
    deadline = time.monotonic() + 3.0
    wait_for(lambda: time.monotonic() >= deadline, 10, "the cut to last 60 incident seconds")
    assert world.mirrored_through("site_a") <= cut_at + 2  # nothing more got through
    world.proxy = CuttingProxy(world.proxy_port, world.centre_port, cut_every=(1e9, 1e9)).start()
    world.check_mirror("site_a")

    # 3. A revocation from the centre: site B's next order is rejected at its station (revoked).
    leaf_b = b.provisioned.chain_ids[-1]
    world.centre.engine.call_sync(RevokeSiteGrant("site_b", leaf_b, "relieved by the district"))
    wait_for(
        lambda: bool(_events(b.journal, [Kind.GRANT_REVOKED])), 30, "site B to journal it", alive
    )
    wait_for(
        lambda: any(
            d.get("grant_id") == leaf_b
            for e in _events(b.station_journal, [Kind.GRANTS_RECEIVED])
            for d in e.body.get("documents", [])
        ),
        30,
        "the station to learn the revocation",
        alive,
    )
    refused = b.issue()
    wait_for(
        lambda: bool(_order_events(b.journal, Kind.ORDER_REJECT, refused)),
        30,
        "site B to hear its order was refused",
        alive,
    )
    at_station = _order_events(b.station_journal, Kind.ORDER_REJECTED, refused)
    assert [e.body["reason"] for e in at_station] == ["revoked"]
    assert len(_events(world.centre_journal, [Kind.GRANT_REVOKED])) == 1
    world.check_mirror("site_b")
    kinds_b = [e.kind for e in _mirror(world.centre_journal, "site_b")]
    assert Kind.GRANT_REVOKED in kinds_b and Kind.ORDER_REJECT in kinds_b

    # 4. A handover from the centre carries site A's open order on to completion.
    open_order = a.issue()
    wait_for(
        lambda: bool(_order_events(a.journal, Kind.ORDER_ACCEPT, open_order)),
        30,
        "the order to be accepted",
        alive,
    )
    assert not _order_events(a.journal, Kind.ORDER_COMPLETE, open_order)
    deputy = Signer.generate("deputy")
    leaf_a = a.provisioned.chain_ids[-1]
    world.centre.engine.call_sync(HandOverSite("site_a", leaf_a, "deputy", deputy.public_hex))
    wait_for(lambda: bool(_events(a.journal, [Kind.HANDOVER])), 30, "site A to journal it", alive)
    wait_for(
        lambda: bool(_order_events(a.journal, Kind.ORDER_COMPLETE, open_order)),
        60,
        "the open order to be completed after the handover",
        alive,
    )
    assert not _order_events(a.station_journal, Kind.ORDER_REJECTED, open_order)
    world.check_mirror("site_a")

    # 5. The centre witnesses both sites' journals: its cosignatures reach the sites.
    for site in (a, b):
        wait_for(
            lambda s=site: any(  # type: ignore[misc]
                e.body.get("witness") == "huangpu"
                for e in _events(s.journal, [Kind.CHECKPOINT_COSIGNED])
            ),
            30,
            f"the centre to cosign a checkpoint of {site.name}",
            alive,
        )

    # 6. A key the centre does not list gets nothing mirrored, and the centre says so.
    _hostile(world)


def _hostile(world: World) -> None:
    context: zmq.Context[Any] = zmq.Context()
    files_key = world.tmp / "centres" / "huangpu" / "centre.key"
    link = StationLink(
        context,
        station_id="site_a",
        keys=CurveKeys.generate(),
        console_public=load_curve_public(files_key),
        address=world.centre_address,
        console_name="huangpu",
    )
    before = len(_events(world.centre_journal, [Kind.AUTH_REJECTED]))
    try:
        link.send("huangpu", [b"BTN1", b"SITE_EVENTS", b"{}", b"{}"])
        wait_for(
            lambda: len(_events(world.centre_journal, [Kind.AUTH_REJECTED])) > before,
            20,
            "the centre to journal the refused key",
        )
    finally:
        link.close()
        context.destroy(linger=0)
    mirrored = _events(world.centre_journal, [Kind.SITE_EVENT])
    assert {e.body["site"] for e in mirrored} == {"site_a", "site_b"}
