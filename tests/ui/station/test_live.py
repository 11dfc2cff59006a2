"""The live station window: a console engine issues a signed order over CURVE on loopback, the
station's engine verifies and journals it, the window shows it with its verification badge, the
operator answers with a click, and the console's journal sees the answer.

Everything in-process on 127.0.0.1 (two engine threads and the Qt GUI thread), bounded waits, no
sleeps; the engines are stopped and their threads gone at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from command.authority.book import AuthorityBook
from command.authority.keys import TrustedRoot
from command.clock import ManualClock
from command.drafts import OrderDraft
from command.journal import Journal
from command.lifecycle import OrderState, Step
from command.model import Incident, OrderKind, ParamSpec, Station, Zone
from command.station_desk import BookVerifier
from protocols.commands import Address, IssueOrder, SendGrants
from protocols.delivery import WireConfig
from protocols.engine import Engine
from protocols.nodes import ConsoleNode, ConsoleSettings, StationSettings
from protocols.security import CurveKeys
from tests.command.authority.factory import INCIDENT, T0, H, Keys, build_chain
from ui.labels import tip_text
from ui.station.live import LiveStation, one_line
from ui.station.window import StationWindow

EVACUATE = OrderKind("evacuate", "Evacuate", params=(ParamSpec("radius_m", "int", minimum=1),))
FIRE = Station("fire", "Fire brigade", "Pudong fire", (EVACUATE,))
WAIT_MS = 15_000


def _incident() -> Incident:
    return Incident(
        id=INCIDENT,
        name="North bank",
        timezone="Asia/Shanghai",
        zones=(Zone("z1", "North bank", 10_000.0),),
        stations=(FIRE,),
    )


@dataclass
class World:
    """A console engine and a live station window, on one manual clock."""

    clock: ManualClock
    console: Engine
    live: LiveStation
    window: StationWindow
    console_events: list[Any]
    console_journal: Path


@pytest.fixture
def world(tmp_path: Path, qtbot: QtBot) -> Iterator[World]:
    keys = Keys.fresh()
    chain = build_chain(keys)  # city → district → site → ic, for fire/evacuate/z1
    clock = ManualClock(T0 + H)
    server, station_keys = CurveKeys.generate(), CurveKeys.generate()
    threads_before = threading.active_count()
    events: list[Any] = []
    lock = threading.Lock()

    def on_batch(batch: Any) -> None:
        with lock:
            events.extend(batch.events)

    console = Engine(
        lambda ctx: ConsoleNode(
            ctx,
            ConsoleSettings(
                name="console",
                journal_path=tmp_path / "console.db",
                clock=clock,
                signer=keys.ic,
                grant_chain=tuple(g.id for g in chain),
                incident=_incident(),
                keys=server,
                allowed={station_keys.public: "fire"},
                address="tcp://127.0.0.1:*",
                wire=WireConfig(heartbeat_s=0.2),
            ),
        ),
        clock,
        on_batch=on_batch,
        name="test-console",
    ).start()
    window = StationWindow(
        "fire",
        "Fire brigade",
        "Pudong fire",
        clock=clock.now,
        timezone="Asia/Shanghai",
        kind_titles={"evacuate": "Evacuate"},
    )
    qtbot.addWidget(window)
    book = AuthorityBook([TrustedRoot("City EOC", keys.city.public_hex)], actor="fire")
    settings = StationSettings(
        station_id="fire",
        journal_path=tmp_path / "fire.db",
        clock=clock,
        verifier=BookVerifier(book),
        keys=station_keys,
        console_public=server.public,
        address=console.call_sync(Address()),
        wire=WireConfig(heartbeat_s=0.2),
    )
    live = LiveStation(window, settings, poll_ms=100)
    try:
        live.start()
        qtbot.waitUntil(lambda: window.link.online, timeout=WAIT_MS)
        console.call_sync(SendGrants("fire", tuple(g.to_dict() for g in chain)))
        yield World(clock, console, live, window, events, tmp_path / "console.db")
    finally:
        live.stop()
        console.stop()
    assert not live.engine.running and not console.running
    qtbot.waitUntil(lambda: threading.active_count() <= threads_before, timeout=WAIT_MS)


def _issue(world: World, qtbot: QtBot) -> str:
    draft = OrderDraft("fire", "evacuate", "z1", {"radius_m": 300}, text="Evacuate the bank")
    issued = world.console.call_sync(IssueOrder(draft, decision="evacuate", rationale="flood"))
    order_id = str(issued.order.id)
    qtbot.waitUntil(lambda: world.window.inbox.get(order_id) is not None, timeout=WAIT_MS)
    return order_id


def _console_state(world: World, order_id: str) -> str | None:
    body = [
        e.body
        for e in list(world.console_events)
        if e.kind.startswith("order.") and e.body.get("order_id") == order_id
    ]
    return str(body[-1].get("state")) if body else None


def test_order_arrives_verified_is_accepted_and_the_console_sees_it(
    world: World, qtbot: QtBot
) -> None:
    order_id = _issue(world, qtbot)
    window = world.window
    row = window.inbox.get(order_id)
    assert row is not None and row.authority.ok
    assert row.authority.chain == ("city", "district", "site", "ic")
    assert row.authority.valid_until == T0 + 4 * H
    window.select(order_id)
    assert "Authority verified" in window.badge.text()
    assert "city → district → site → ic" in window.badge.text()
    assert "Within the delegated scope: Evacuate in z1" in window.badge.text()
    assert "kinds evacuate" in tip_text(window.badge.toolTip())  # the whole scope
    assert "city [" in tip_text(window.badge.toolTip())  # each grant with its key's fingerprint
    assert "UTC+08:00" in window.badge.text()  # valid until, in the incident's zone (never "CST")
    assert "CST" not in window.badge.text()
    qtbot.waitUntil(
        lambda: window.inbox.get(order_id).state is OrderState.ACKNOWLEDGED,  # type: ignore[union-attr]
        timeout=WAIT_MS,
    )
    qtbot.mouseClick(window.buttons[Step.ACCEPT], qtbot_button())
    qtbot.waitUntil(lambda: _console_state(world, order_id) == "accepted", timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: window.inbox.get(order_id).state is OrderState.ACCEPTED,  # type: ignore[union-attr]
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: window.outbox == 0, timeout=WAIT_MS)
    assert "reports waiting" not in window.link_label.text()


def test_decline_needs_a_reason_and_reaches_the_console(
    world: World, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id = _issue(world, qtbot)
    window = world.window
    window.select(order_id)
    monkeypatch.setattr(window, "ask", lambda step: None)  # the operator cancels the dialog
    with qtbot.assert_not_emitted(window.action_requested):
        qtbot.mouseClick(window.buttons[Step.DECLINE], qtbot_button())
    monkeypatch.setattr(window, "ask", lambda step: {"reason": "no crew free"})
    qtbot.mouseClick(window.buttons[Step.DECLINE], qtbot_button())
    qtbot.waitUntil(lambda: _console_state(world, order_id) == "declined", timeout=WAIT_MS)
    declined = [e.body for e in world.console_events if e.kind == "order.decline"]
    assert declined and declined[-1]["detail"]["reason"] == "no crew free"


def test_a_refused_answer_is_one_line_in_the_status_bar(world: World, qtbot: QtBot) -> None:
    order_id = _issue(world, qtbot)
    world.live.answer(order_id, "complete", {})  # not accepted yet: illegal
    qtbot.waitUntil(lambda: bool(world.window.statusBar().currentMessage()), timeout=WAIT_MS)
    message = world.window.statusBar().currentMessage()
    assert "\n" not in message and order_id in message
    world.live.answer(order_id, "decline", {"reason": " "})  # a blank reason is refused
    qtbot.waitUntil(lambda: "reason" in world.window.statusBar().currentMessage(), timeout=WAIT_MS)


def test_history_is_shown_when_the_window_opens_again(
    world: World, qtbot: QtBot, tmp_path: Path
) -> None:
    order_id = _issue(world, qtbot)
    world.live.stop()
    # A second window on the same station journal (read back by a new engine).
    again = StationWindow("fire", clock=world.clock.now, timezone="Asia/Shanghai")
    qtbot.addWidget(again)
    live = LiveStation(again, world.live.settings, poll_ms=100)
    try:
        live.start()
        qtbot.waitUntil(lambda: again.inbox.get(order_id) is not None, timeout=WAIT_MS)
        assert again.inbox.get(order_id).authority.chain[-1] == "ic"  # type: ignore[union-attr]
    finally:
        live.stop()
    journal = Journal.open_readonly(tmp_path / "fire.db")
    try:
        received = [e.body for e in journal.events(kinds=["order.received"])]
    finally:
        journal.close()
    assert received[0]["verification"]["ok"] is True


def test_one_line() -> None:
    assert one_line(ValueError("first\nsecond")) == "first"
    assert one_line(ValueError("")) == "ValueError"


def qtbot_button() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
