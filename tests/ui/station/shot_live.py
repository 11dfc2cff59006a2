"""Screenshot of the live station window (typhoon, traffic police): `python -m
tests.ui.station.shot_live OUT.png`. A console engine and the station's engine on loopback; a
few real orders, verified by the station's authority book, one accepted with a progress report."""

from __future__ import annotations

import itertools
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from command.authority.book import AuthorityBook
from command.authority.grants import Grant, sign_grant
from command.authority.keys import TrustedRoot
from command.authority.scope import Scope
from command.clock import ManualClock
from command.desk import BookVerifier
from command.post import OrderDraft
from command.scenarios.loader import load_scenario
from command.signing import Signer
from protocols.delivery import WireConfig
from protocols.engine import Engine
from protocols.nodes import ConsoleNode, ConsoleSettings, StationSettings
from protocols.security import CurveKeys
from ui.qtapp import ensure_app
from ui.station.live import LiveStation, window_for


def _chain(scenario, names: list[str], now: float) -> tuple[list[Grant], Signer, Signer]:
    inc = scenario.incident
    scope = Scope.of(
        [s.id for s in inc.stations],
        sorted({k.name for s in inc.stations for k in s.catalogue}),
        [z.id for z in inc.zones],
    )
    signers = [Signer.generate(n) for n in names]
    chain: list[Grant] = []
    parent = None
    for i, (a, b) in enumerate(itertools.pairwise(signers)):
        g = sign_grant(
            Grant(
                f"G{i}",
                parent,
                a.name,
                a.public_hex,
                b.name,
                b.public_hex,
                inc.id,
                scope,
                now - 600,
                now + 6 * 3600,
                3 - i,
                now - 600,
            ),
            a,
        )
        chain.append(g)
        parent = g.id
    return chain, signers[0], signers[-1]


def _pump(app: QApplication, cond, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            raise SystemExit("condition not reached")
        app.processEvents()
        time.sleep(0.01)


def main(out: Path) -> None:
    app = ensure_app()
    sc = load_scenario("typhoon")
    clock = ManualClock(sc.start + 40 * 60)
    chain, root, commander = _chain(
        sc, ["Shanghai EOC", "Huangpu district EOC", "Bund site command", "chief-wang"], clock.now()
    )
    server, skeys = CurveKeys.generate(), CurveKeys.generate()
    tmp = Path(tempfile.mkdtemp())
    console = Engine(
        lambda ctx: ConsoleNode(
            ctx,
            ConsoleSettings(
                name="console",
                journal_path=tmp / "c.db",
                clock=clock,
                signer=commander,
                grant_chain=tuple(g.id for g in chain),
                incident=sc.incident,
                keys=server,
                allowed={skeys.public: "traffic_police"},
                address="tcp://127.0.0.1:*",
                wire=WireConfig(heartbeat_s=30.0),
            ),
        ),
        clock,
    ).start()
    window = window_for("traffic_police", sc, clock.now)
    book = AuthorityBook([TrustedRoot(root.name, root.public_hex)], actor="traffic_police")
    settings = StationSettings(
        station_id="traffic_police",
        journal_path=tmp / "s.db",
        clock=clock,
        verifier=BookVerifier(book),
        keys=skeys,
        console_public=server.public,
        address=console.call_sync("address"),
        wire=WireConfig(heartbeat_s=30.0),
    )
    live = LiveStation(window, settings, poll_ms=100).start()
    try:
        window.show()
        _pump(app, lambda: window.link.online)
        console.call_sync("send_grants", "traffic_police", [g.to_dict() for g in chain])
        drafts = [
            OrderDraft(
                "traffic_police",
                "open_lane_non_motorised",
                "tunnel",
                {
                    "tunnel": "Fuxing East Road Tunnel",
                    "lane": 1,
                    "batch_size": 40,
                    "interval_min": 8,
                    "escort": True,
                },
                3,
                "Open the north lane of the Fuxing East Road tunnel to riders; "
                "escort in batches of 40.",
            ),
            OrderDraft(
                "traffic_police",
                "escort_batch",
                "ferry_jinling",
                {"riders": 60, "from_point": "Jinling East Rd ferry"},
                2,
                "Escort the riders waiting at Jinling ferry to the tunnel entrance.",
            ),
            OrderDraft(
                "traffic_police",
                "escort_batch",
                "ferry_dongchang",
                {"riders": 35, "from_point": "Dongchang Rd ferry"},
                1,
                "",
            ),
        ]
        ids = []
        for d in drafts:
            ids.append(
                console.call_sync(
                    "issue_order", d, decision=d.kind, rationale="ferries suspended"
                ).order.id
            )
            clock.advance(45)
        _pump(app, lambda: all(window.inbox.get(i) is not None for i in ids))
        live.answer(ids[1], "accept", {"note": "two cars on the way"})
        _pump(app, lambda: window.inbox.get(ids[1]).state.value == "accepted")
        live.answer(ids[1], "progress", {"percent": 30, "note": "first batch of 20 across"})
        clock.advance(30)
        window.select(ids[0])
        _pump(app, lambda: window.inbox.get(ids[0]).state.value == "acknowledged")
        for _ in range(20):
            app.processEvents()
            time.sleep(0.02)
        window.resize(1200, 680)
        for _ in range(10):
            app.processEvents()
        window.grab().save(str(out))
        print(out)
    finally:
        live.stop()
        console.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/baton-shots/station-live.png"))
