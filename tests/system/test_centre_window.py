"""The centre window on a live centre engine, on loopback: one bund site console process (and its
station, `tests.system.test_centre`'s rig) ships its journal up at 20x.

- the site's row appears from the allow-list (`CentreSites`) before any event arrives;
- once its order is mirrored, the row's counts are the fold of the site's own journal up to the
  seq mirrored;
- a SITREP asked from the window goes through the engine, is journaled at the centre and shows
  on the board as due.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from command.centre import BoardRow
from command.fold import fold
from command.scenarios.loader import load_scenario
from protocols.commands import Address
from protocols.runtime.centre import CentreOptions, CentreRuntime
from protocols.runtime.provision import provision, provision_centre
from tests.system.test_centre import SPEED, _site
from tests.system.world import free_port, kill
from tests.ui.conftest import isolated_look as isolated_look  # the window's settings under tmp
from ui.bridge import EngineBridge
from ui.centre.window import CentreWindow

pytestmark = pytest.mark.timeout(120)


def test_the_window_shows_a_live_site_and_asks_it_for_a_sitrep(
    qtbot: Any, tmp_path: Path, isolated_look: None
) -> None:
    scenario = load_scenario("bund")
    origin = time.time()
    site_files = provision(
        scenario,
        tmp_path / "data-site_a",
        now_scenario=scenario.start,
        authorities=tmp_path / "authorities",
    )
    files, uplinks = provision_centre(
        tmp_path / "centres",
        "huangpu",
        signing_key=site_files.authority_key,
        chain=site_files.district_grant,
        sites={"site_a": site_files},
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
    processes = []
    try:
        window.load_sites()
        qtbot.waitUntil(lambda: window.board.get("site_a") is not None, timeout=10_000)
        address = runtime.engine.call_sync(Address())
        site = _site(
            tmp_path, "site_a", origin, address, uplinks["site_a"].centre_public, site_files
        )
        processes = site.processes
        site.issue()

        def row() -> BoardRow:
            got = window.board.get("site_a")
            assert got is not None
            return got

        qtbot.waitUntil(lambda: row().counts.issued == 1, timeout=40_000)
        mirrored = window.board.site("site_a")
        assert mirrored is not None
        upto = mirrored.state.last_seq
        own = [e for e in site.events() if e.seq <= upto]
        assert len(own) == upto and fold(own).counts() == row().counts
        assert row().commander and row().grant_id

        assert window.select("site_a")
        window.exec_dialog = lambda dialog: True  # type: ignore[method-assign]
        command = window.request_sitrep()
        assert command is not None
        qtbot.waitUntil(lambda: bool(row().open_sitreps()), timeout=10_000)
        (asked,) = row().open_sitreps()
        assert asked.due_ts == command.due_ts and asked.asked_by == "huangpu"
        assert window.failures == []
    finally:
        for process in processes:
            kill(process, 15)
        runtime.stop()
