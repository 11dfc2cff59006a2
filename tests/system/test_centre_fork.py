"""A site restarted on a rewritten journal is flagged red at the centre (issue #16): a district
centre (in this process) and one bund site console (`tests.system.site_proc`) with its station;
the centre cosigns the site's checkpoints; the site is stopped, an early event of its journal is
rewritten and every checkpoint re-signed with the commander's own key; the site restarts on it
and reconnects. The centre refuses the forged checkpoint (`witness.refused` journaled at the
centre, naming the commander's key) and its board shows the site's row with the alarm."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from command.authority.keys import load_signer
from command.centre.board import CentreBoard
from command.journal import Journal
from command.scenarios.loader import load_scenario
from command.vocabulary import Kind, WitnessRefused, decode
from protocols.commands import Address
from protocols.runtime.centre import CentreOptions, CentreRuntime
from protocols.runtime.provision import provision, provision_centre
from tests.system.rewrite_journal import rewrite_and_resign
from tests.system.site_proc import site_scenario
from tests.system.test_centre import SPEED, SiteRun, _events, _site
from tests.system.world import PYTHON, free_port, kill, spawn, wait_for

SITE = "site_a"
pytestmark = pytest.mark.timeout(180)


@dataclass
class ForkWorld:
    """The centre, its journal and the one site."""

    centre_journal: Path
    site: SiteRun


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ForkWorld]:
    scenario = load_scenario("bund")
    origin = time.time()
    p = provision(
        site_scenario(None),
        tmp_path / f"data-{SITE}",
        now_scenario=scenario.start,
        authorities=tmp_path / "authorities",
    )
    files, uplinks = provision_centre(
        tmp_path / "centres",
        "huangpu",
        signing_key=p.authority_key,
        chain=p.district_grant,
        sites={SITE: p},
    )
    journal = tmp_path / "centre.db"
    centre = CentreRuntime(
        CentreOptions(
            files=files,
            journal=journal,
            bind=f"tcp://127.0.0.1:{free_port()}",
            clock_start=scenario.start,
            origin=origin,
            speed=SPEED,
            heartbeat_s=0.5,
        )
    ).start()
    site: SiteRun | None = None
    try:
        address = centre.engine.call_sync(Address())
        site = _site(tmp_path, SITE, origin, address, uplinks[SITE].centre_public, p)
        yield ForkWorld(journal, site)
    finally:
        for proc in site.processes if site is not None else []:
            kill(proc, 15)
        centre.stop()


def _cosigned_by_centre(site: SiteRun) -> list[int]:
    """The head seqs of the site's checkpoints the centre cosigned (as the site journaled)."""
    return [
        int(e.body["checkpoint"]["head_seq"])
        for e in _events(site.journal, [Kind.CHECKPOINT_COSIGNED])
        if e.body.get("witness") == "huangpu"
    ]


def _refusals(centre: Path) -> list[WitnessRefused]:
    out = []
    for e in _events(centre, [Kind.WITNESS_REFUSED]):
        body = decode(e)
        assert isinstance(body, WitnessRefused)
        out.append(body)
    return out


def test_a_site_restarted_on_a_rewritten_journal_is_red_at_the_centre(world: ForkWorld) -> None:
    site = world.site
    console = site.processes[0]
    site.issue()
    wait_for(
        lambda: bool(_cosigned_by_centre(site)),
        60,
        "the centre to cosign a checkpoint of the site",
        site.processes,
    )
    cosigned_through = max(_cosigned_by_centre(site))
    kill(console, 15)  # a clean stop: the close checkpoint
    assert _refusals(world.centre_journal) == []

    # The commander rewrites an early, witnessed event and re-signs every checkpoint himself.
    journal = Journal.open_readonly(site.journal)
    early = next(e for e in journal.events() if e.kind != Kind.CHECKPOINT)
    journal.close()
    assert early.seq <= cosigned_through
    forged = {**early.body, "forged": "nothing happened here"}
    commander = load_signer(site.provisioned.console_signing_key)
    assert rewrite_and_resign(site.journal, early.seq, forged, commander) > 0

    # The site restarts on it and reconnects up.
    config = site.folder / "config.json"
    console = spawn([PYTHON, "-m", "tests.system.site_proc", str(config)], site.folder / "site.log")
    site.processes[0] = console
    wait_for(
        lambda: bool(_refusals(world.centre_journal)),
        60,
        "the centre to refuse the rewritten journal's checkpoint",
        site.processes,
    )
    refusal = _refusals(world.centre_journal)[0]
    assert refusal.witness == "huangpu"
    assert refusal.reason.value in ("fork", "inconsistent")
    assert refusal.offered.key == commander.public_hex  # signed by the commander himself
    assert refusal.stored is not None  # the evidence: what the centre cosigned before

    # The centre's board (the one fold of its journal) shows the site's row red.
    board = CentreBoard("huangpu")
    board.apply_all(_events(world.centre_journal))
    fold = board.site(SITE)
    assert fold is not None
    row = fold.row()
    assert row.alarm.startswith("huangpu refused: "), row.alarm
    assert row.alarm_template == "%1 refused: %2"
