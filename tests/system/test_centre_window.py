"""The centre window on a live centre engine, on loopback: bund site console processes (each with
its station, `tests.system.test_centre`'s rig) ship their journals up at 20x.

- a site's row appears from the allow-list (`CentreSites`) before any event arrives;
- once its order is mirrored, the row's counts are the fold of the site's own journal up to the
  seq mirrored;
- a SITREP asked from the window goes through the engine, is journaled at the centre and shows
  on the board as due;
- a grant issued from the window's dialog (two sites under one incident) lands on the site it
  was issued for, and revoking it (confirmed) shows it revoked there.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from command.authority.keys import create_signing_keypair
from command.centre import BoardRow
from command.fold import fold
from command.scenarios.loader import load_scenario
from protocols.commands import Address
from protocols.runtime.centre import CentreOptions, CentreRuntime
from protocols.runtime.provision import provision, provision_centre
from tests.system.test_centre import SPEED, SiteRun, _site
from tests.system.world import free_port, kill
from tests.ui.conftest import isolated_look as isolated_look  # the window's settings under tmp
from ui.bridge import EngineBridge
from ui.centre.dialogs import GrantDialog
from ui.centre.window import CentreWindow

pytestmark = pytest.mark.timeout(120)
SITES = ("site_a", "site_b")


@dataclass
class Live:
    """The window on a running centre, and the site processes."""

    window: CentreWindow
    runtime: CentreRuntime
    sites: dict[str, SiteRun]

    def row(self, site: str) -> BoardRow:
        """The board row of `site` (it must exist)."""
        got = self.window.board.get(site)
        assert got is not None
        return got


@pytest.fixture
def live(qtbot: Any, tmp_path: Path, isolated_look: None) -> Iterator[Live]:
    """A district centre (window and engine in this process) and two bund site processes."""
    scenario = load_scenario("bund")
    origin = time.time()
    provisioned = {
        n: provision(
            scenario,
            tmp_path / f"data-{n}",
            now_scenario=scenario.start,
            authorities=tmp_path / "authorities",
        )
        for n in SITES
    }
    first = provisioned[SITES[0]]
    files, uplinks = provision_centre(
        tmp_path / "centres",
        "huangpu",
        signing_key=first.authority_key,
        chain=first.district_grant,
        sites=provisioned,
    )
    bridge = EngineBridge()
    runtime = CentreRuntime(
        CentreOptions(
            files=files,
            journal=tmp_path / "centre.db",
            bind=f"tcp://127.0.0.1:{free_port()}",
            clock_start=scenario.start,
            origin=origin,
            speed=SPEED,
            heartbeat_s=0.5,
        ),
        on_batch=lambda batch: bridge.post_events(batch.events),
    )
    window = CentreWindow(runtime.engine, clock=runtime.clock.now, me="huangpu")
    qtbot.addWidget(window)
    bridge.events.connect(window.apply_events)
    runtime.start()
    sites: dict[str, SiteRun] = {}
    try:
        window.load_sites()
        qtbot.waitUntil(lambda: all(window.board.get(n) for n in SITES), timeout=10_000)
        address = runtime.engine.call_sync(Address())
        for n in SITES:
            sites[n] = _site(tmp_path, n, origin, address, uplinks[n].centre_public, provisioned[n])
        yield Live(window, runtime, sites)
    finally:
        for site in sites.values():
            for process in site.processes:
                kill(process, 15)
        runtime.stop()


def test_the_board_folds_a_live_site_and_asks_it_for_a_sitrep(qtbot: Any, live: Live) -> None:
    window, site = live.window, live.sites["site_a"]
    site.issue()
    qtbot.waitUntil(lambda: live.row("site_a").counts.issued == 1, timeout=40_000)
    mirrored = window.board.site("site_a")
    assert mirrored is not None
    upto = mirrored.state.last_seq
    own = [e for e in site.events() if e.seq <= upto]
    assert len(own) == upto and fold(own).counts() == live.row("site_a").counts
    assert live.row("site_a").commander and live.row("site_a").grant_id

    assert window.select("site_a")
    window.exec_dialog = lambda dialog: True  # type: ignore[method-assign]
    command = window.request_sitrep()
    assert command is not None
    qtbot.waitUntil(lambda: bool(live.row("site_a").open_sitreps()), timeout=10_000)
    (asked,) = live.row("site_a").open_sitreps()
    assert asked.due_ts == command.due_ts and asked.asked_by == "huangpu"
    assert window.failures == []


def test_a_grant_issued_and_revoked_from_the_screen_lands_on_its_site(
    qtbot: Any, live: Live, tmp_path: Path
) -> None:
    window = live.window
    qtbot.waitUntil(lambda: all(live.row(n).events > 5 for n in SITES), timeout=30_000)
    other = live.row("site_b").grant_id
    key_file = create_signing_keypair(tmp_path / "keys", "deputy").public
    assert window.select("site_a")

    def fill(dialog: Any) -> bool:
        if isinstance(dialog, GrantDialog):
            dialog.commander.setText("deputy")
            dialog.key_file.path.setText(str(key_file))
            dialog.stations.set_checked(["lighting"])
            dialog.kinds.set_checked(["dim_show"])
            dialog.zones.set_checked(["chenyi"])
            dialog.valid_until.set_ts(live.runtime.clock.now() + 3600)
        else:
            dialog.reason.setText("stood down")
        return True

    window.exec_dialog = fill  # type: ignore[method-assign]
    with qtbot.wait_signal(window.command_done, timeout=10_000) as done:
        window.issue_grant()
    grant_id = done.args[1]
    qtbot.waitUntil(lambda: live.row("site_a").grant_id == grant_id, timeout=20_000)
    row = live.row("site_a")
    assert row.commander == "deputy" and row.key_id
    assert row.scope_text() == "stations lighting; kinds dim_show; zones chenyi"
    assert live.row("site_b").grant_id == other  # the same incident, not its grant

    window.confirm = lambda title, question: True  # type: ignore[method-assign]
    window.revoke_grant()
    qtbot.waitUntil(lambda: live.row("site_a").revoked, timeout=10_000)
    assert live.row("site_a").time_left(live.runtime.clock.now()) == 0.0
    assert window.failures == []
