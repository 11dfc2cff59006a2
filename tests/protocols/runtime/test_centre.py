"""The centre runtime with live console runtimes in this process (bund, loopback, real keys):
provisioning a centre, a SITREP asked and answered, the console's uplink state, a district
centre shipping its own journal (mirrors included) to a city centre, and the headless run."""

from __future__ import annotations

import io
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from command.authority.documents import load_chain
from command.authority.scope import Scope
from command.drafts import OrderDraft
from command.journal import Journal
from command.vocabulary import Kind
from protocols.centre_commands import (
    CentreSites,
    NarrowSiteGrant,
    RequestSitrep,
    SendSitrep,
    UplinkState,
)
from protocols.certs import create_curve_keypair, load_curve_public
from protocols.commands import Address, IssueOrder, UplinkChanged
from protocols.runtime.centre import CentreOptions, CentreRuntime, run_headless
from protocols.runtime.console import ConsoleRuntime, ConsoleRuntimeError
from protocols.runtime.provision import (
    CentreFiles,
    Provisioned,
    load_site_allow_list,
    provision_centre,
    uplink_keys,
    write_site_allow_list,
)
from protocols.uplink import UplinkStatus
from tests.protocols.runtime.runtime_world import live_options
from tests.system.world import free_port
from tests.waiting import wait_for


def _events(path: Path, kind: Kind) -> list[dict[str, Any]]:
    journal = Journal.open_readonly(path)
    try:
        return [e.body for e in journal.events(kinds=[kind])]
    finally:
        journal.close()


def _centre(tmp: Path, sites: dict[str, Provisioned], name: str = "huangpu") -> CentreFiles:
    p = next(iter(sites.values()))
    files, _ = provision_centre(
        tmp / "centres", name, signing_key=p.authority_key, chain=p.district_grant, sites=sites
    )
    return files


def test_provision_centre_lists_each_site_and_is_idempotent(tmp_path: Path) -> None:
    options = live_options(tmp_path)
    p = options.provisioned
    files, uplinks = provision_centre(
        tmp_path / "c",
        "huangpu",
        signing_key=p.authority_key,
        chain=p.district_grant,
        sites={"bund": p},
    )
    allowed = load_site_allow_list(files.allow_list)
    assert list(allowed.values()) == ["bund"]
    assert uplinks["bund"].curve_public == uplink_keys(p)
    assert uplinks["bund"].centre_public.read_bytes() == files.curve_public.read_bytes()
    before = files.allow_list.read_bytes()
    again, _ = provision_centre(
        tmp_path / "c",
        "huangpu",
        signing_key=p.authority_key,
        chain=p.district_grant,
        sites={"bund": p},
    )
    assert again.allow_list.read_bytes() == before
    assert "--centre" in uplinks["bund"].console_args("tcp://127.0.0.1:7711")


def test_sitrep_asked_by_the_centre_is_answered_from_the_console_picture(tmp_path: Path) -> None:
    options = live_options(tmp_path)
    files = _centre(tmp_path, {"bund": options.provisioned})
    centre = CentreRuntime(
        CentreOptions(files, tmp_path / "centre.db", bind=f"tcp://127.0.0.1:{free_port()}")
    ).start()
    try:
        address = centre.engine.call_sync(Address())
        assert centre.engine.call_sync(CentreSites()) == ("bund",)
        site = replace(
            options,
            centre=address,
            centre_key=files.curve_public,
            centre_name="huangpu",
            site="bund",
        )
        updates: list[object] = []
        with ConsoleRuntime(site, lambda batch: updates.extend(batch.updates)) as console:
            wait_for(
                lambda: console.engine.call_sync(UplinkStatus()).connected,
                timeout=10,
                message="the console to reach its centre",
            )

            def uplink_updates() -> list[UplinkState]:
                return [u.state for u in list(updates) if isinstance(u, UplinkChanged)]

            wait_for(
                lambda: any(s.connected for s in uplink_updates()),
                timeout=10,
                message="the console engine to report its uplink connected",
            )
            assert uplink_updates()[-1].centre == "huangpu"
            sid = centre.engine.call_sync(RequestSitrep("bund", time.time() + 600, "by ten"))
            wait_for(
                lambda: console.engine.call_sync(UplinkStatus()).open_sitreps == (sid,),
                timeout=10,
                message="the SITREP request to reach the console",
            )
            with pytest.raises(Exception, match="no open SITREP request"):
                console.engine.call_sync(SendSitrep("nope"))
            console.engine.call_sync(SendSitrep(sid, remarks="all calm", by="chenyi"))
            state = console.engine.call_sync(UplinkStatus())
            assert state.open_sitreps == () and state.centre == "huangpu"

            def mirrored_sitrep() -> list[dict[str, Any]]:
                return [
                    e["body"]
                    for e in _events(tmp_path / "centre.db", Kind.SITE_EVENT)
                    if e["kind"] == Kind.SITREP_SENT
                ]

            wait_for(mirrored_sitrep, timeout=10, message="the SITREP to reach the centre")
            report = mirrored_sitrep()[0]
            assert report["remarks"] == "all calm"
            summary = report["summary"]
            assert {z["zone"] for z in summary["zones"]}  # each zone's level
            assert summary["orders"]["issued"] == 0
    finally:
        centre.stop()


def test_a_district_centre_ships_its_mirrors_to_the_city(tmp_path: Path) -> None:
    """City ← district ← site: the city mirrors the district's journal, whose events include the
    district's mirror of the site (nested site.event)."""
    options = live_options(tmp_path)
    p = options.provisioned
    district = _centre(tmp_path, {"bund": p}, "huangpu")
    # The district centre's own uplink pair, listed by the city centre (the city root's key).
    up_folder, city_dir = tmp_path / "district-up", tmp_path / "city"
    create_curve_keypair(up_folder, "uplink")
    create_curve_keypair(city_dir, "centre")
    write_site_allow_list(
        city_dir / "sites.yaml", {"huangpu": load_curve_public(up_folder / "uplink.key")}
    )
    city = CentreRuntime(
        CentreOptions(
            CentreFiles(
                "shanghai",
                city_dir,
                p.root_key,
                None,
                city_dir / "centre.key_secret",
                city_dir / "centre.key",
                city_dir / "sites.yaml",
            ),
            tmp_path / "city.db",
            bind=f"tcp://127.0.0.1:{free_port()}",
        )
    ).start()
    try:
        city_address = city.engine.call_sync(Address())
        mid = CentreRuntime(
            CentreOptions(
                district,
                tmp_path / "district.db",
                bind=f"tcp://127.0.0.1:{free_port()}",
                up_address=city_address,
                up_key=city_dir / "centre.key",
                up_name="shanghai",
                up_secret=up_folder / "uplink.key_secret",
            )
        ).start()
        try:
            site = replace(
                options,
                centre=mid.engine.call_sync(Address()),
                centre_key=district.curve_public,
                centre_name="huangpu",
                site="bund",
            )
            with ConsoleRuntime(site):

                def nested() -> list[dict[str, Any]]:
                    return [
                        e
                        for e in _events(tmp_path / "city.db", Kind.SITE_EVENT)
                        if e["kind"] == Kind.SITE_EVENT
                    ]

                wait_for(nested, timeout=15, message="the city to mirror the district's mirror")
                first = nested()[0]
                assert first["site"] == "huangpu"
                inner = first["body"]
                assert inner["site"] == "bund" and inner["seq"] == 1
        finally:
            mid.stop()
    finally:
        city.stop()


def test_run_headless_prints_what_each_site_shipped(tmp_path: Path) -> None:
    options = live_options(tmp_path)
    files = _centre(tmp_path, {"bund": options.provisioned})
    out = io.StringIO()
    stop = threading.Event()
    stop.set()
    assert (
        run_headless(
            CentreOptions(files, tmp_path / "c.db", bind=f"tcp://127.0.0.1:{free_port()}"),
            stop=stop,
            out=out,
        )
        == 0
    )
    assert "grants 0, revocations 0" in out.getvalue()


def test_console_refuses_a_centre_without_its_key(tmp_path: Path) -> None:
    options = replace(live_options(tmp_path), centre="tcp://127.0.0.1:1")
    with pytest.raises(ConsoleRuntimeError, match="--centre-key"):
        ConsoleRuntime(options)


def test_a_narrowed_grant_from_the_centre_becomes_the_console_signing_chain(
    tmp_path: Path,
) -> None:
    options = live_options(tmp_path)
    p = options.provisioned
    files = _centre(tmp_path, {"bund": p})
    leaf = load_chain(p.grant_chain)[-1]
    centre = CentreRuntime(
        CentreOptions(files, tmp_path / "centre.db", bind=f"tcp://127.0.0.1:{free_port()}")
    ).start()
    try:
        site = replace(
            options,
            centre=centre.engine.call_sync(Address()),
            centre_key=files.curve_public,
            centre_name="huangpu",
            site="bund",
        )
        with ConsoleRuntime(site) as console:
            wait_for(
                lambda: console.engine.call_sync(UplinkStatus()).shipped_through > 0,
                timeout=10,
                message="the centre to learn the site's grants",
            )
            scope = Scope.of(["lighting"], ["dim_show"], ["chenyi"])
            new = centre.engine.call_sync(
                NarrowSiteGrant("bund", leaf.id, scope, leaf.not_after - 60, "lighting only")
            )

            def issued_under() -> tuple[str, ...]:
                revoked = _events(options.journal, Kind.GRANT_REVOKED)
                if not revoked:
                    return ()
                order = console.engine.call_sync(
                    IssueOrder(
                        OrderDraft("lighting", "dim_show", "chenyi", {"level_percent": 40}),
                        decision="Dim the show",
                        rationale="under the narrowed grant",
                    )
                )
                return order.order.grant_chain

            chain = wait_for(issued_under, timeout=10, message="the narrowed grant to arrive")
            assert chain == (p.chain_ids[0], new)
    finally:
        centre.stop()
