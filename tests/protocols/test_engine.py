"""The engine thread: commands over inproc, batched events, and a clean, bounded shutdown."""

from __future__ import annotations

import threading
import time
import typing
from pathlib import Path
from typing import Any

import pytest
import zmq

from command.clock import ManualClock
from command.errors import ValidationError
from command.lifecycle import OrderState, Step
from command.station_desk import AcceptAll
from protocols.commands import (
    Address,
    Answer,
    ApproveSuggestion,
    Command,
    FeedHookOutput,
    Handlers,
    Inbox,
    IssueOrder,
    Pending,
    Status,
    SuggestionsProposed,
    UnknownCommand,
)
from protocols.delivery import WireConfig
from protocols.engine import Engine, EngineBatch, EngineError
from protocols.nodes import ConsoleNode, StationNode, StationSettings
from protocols.security import CurveKeys
from tests.protocols.wiring import console_settings, draft, feed_console_settings
from tests.waiting import wait_for


def _wait(cond: Any, seconds: float = 10.0) -> None:
    wait_for(cond, timeout=seconds, interval=0.01, message="the engine condition")


def test_console_and_station_engines_round_trip(tmp_path: Path) -> None:
    clock = ManualClock()
    server, station_keys = CurveKeys.generate(), CurveKeys.generate()
    batches: list[EngineBatch] = []
    console = Engine(
        lambda ctx: ConsoleNode(
            ctx,
            console_settings(
                clock,
                server,
                journal_path=tmp_path / "console.db",
                allowed={station_keys.public: "st-a"},
            ),
        ),
        clock,
        on_batch=batches.append,
    ).start()
    station = None
    try:
        address = console.call_sync(Address())
        station = Engine(
            lambda ctx: StationNode(
                ctx,
                StationSettings(
                    station_id="st-a",
                    journal_path=tmp_path / "st-a.db",
                    clock=clock,
                    verifier=AcceptAll(),
                    keys=station_keys,
                    console_public=server.public,
                    address=address,
                ),
            ),
            clock,
        ).start()
        _wait(lambda: console.call_sync(Status()).online == ("st-a",))
        issued = console.call_sync(IssueOrder(draft("st-a"), decision="patrol", rationale="r"))
        kinds = lambda: [e.kind for b in batches for e in b.events]  # noqa: E731
        _wait(lambda: "order.deliver" in kinds())
        # The operator answers through engine commands (as the station window does).
        order_id = issued.order.id
        station.call_sync(Answer(order_id, Step.ACCEPT, {"note": "on it"}))
        station.call_sync(Answer(order_id, Step.PROGRESS, {"percent": 50, "note": "half"}))
        station.call_sync(Answer(order_id, Step.COMPLETE))
        with pytest.raises(Exception, match="cannot"):
            station.call_sync(Answer(order_id, Step.FAIL, {"reason": "late"}))
        assert station.call_sync(Inbox()) == []  # completed: no open orders left
        assert isinstance(station.call_sync(Pending()), int)
        _wait(lambda: "order.complete" in kinds())
        assert kinds().index("order.issued") < kinds().index("order.deliver")
        assert issued.order.station == "st-a"
        with pytest.raises(ValidationError):
            console.call_sync(IssueOrder(draft("st-nowhere"), decision="x", rationale="r"))
        with pytest.raises(UnknownCommand, match="Pending"):
            console.call_sync(Pending())  # a station's command
    finally:
        if station is not None:
            station.stop()
        console.stop()
    assert not console.running
    from command.journal import Journal

    j = Journal.open_readonly(tmp_path / "console.db")
    row = j.order(issued.order.id)
    assert row is not None and row.state is OrderState.COMPLETED
    assert [e.kind for e in j.events(kinds=["checkpoint"])] == ["checkpoint"]
    j.close()


def test_engine_start_failure_is_reported_and_leaves_no_thread(tmp_path: Path) -> None:
    def broken(ctx: zmq.Context[Any]) -> Any:
        raise ValidationError("broken node")

    before = threading.active_count()
    with pytest.raises(ValidationError, match="broken node"):
        Engine(broken, ManualClock()).start()
    _wait(lambda: threading.active_count() == before)


def test_stop_never_hangs_even_with_a_busy_port(tmp_path: Path) -> None:
    clock = ManualClock()
    engine = Engine(
        lambda ctx: StationNode(
            ctx,
            StationSettings(
                station_id="st-a",
                journal_path=None,
                clock=clock,
                verifier=AcceptAll(),
                keys=CurveKeys.generate(),
                console_public=CurveKeys.generate().public,
                address="tcp://127.0.0.1:9",  # nobody there: reconnect forever
                wire=WireConfig(heartbeat_s=0.1),
            ),
        ),
        clock,
    ).start()
    started = time.monotonic()
    engine.stop(timeout=5)
    assert not engine.running
    assert time.monotonic() - started < 5
    assert isinstance(engine.call(Inbox()).exception(), EngineError)


def test_console_engine_journals_feed_batches(tmp_path: Path) -> None:
    from command.model import Observation
    from protocols.feedbus import FeedPublisher

    clock = ManualClock()
    seen: list[Any] = []
    batches: list[EngineBatch] = []
    console_keys, publisher_keys = CurveKeys.generate(), CurveKeys.generate()
    console = Engine(
        lambda ctx: ConsoleNode(
            ctx,
            feed_console_settings(
                clock,
                console_keys,
                {publisher_keys.public: "sim"},
                on_feed=lambda pub, obs, sig: seen.append((pub, obs)) or {"zones": len(obs)},
            ),
        ),
        clock,
        on_batch=batches.append,
    ).start()
    context: zmq.Context[Any] = zmq.Context()
    try:
        node = console.node
        assert isinstance(node, ConsoleNode) and node.feeds is not None
        publisher = FeedPublisher(
            context,
            "sim",
            feed_address=node.feeds.feed_address,
            snapshot_address=node.feeds.snapshot_address,
            keys=publisher_keys,
            server_key=console_keys.public,
        )
        try:
            n = 0

            def fed() -> bool:
                nonlocal n
                if any(e.kind == "observations.batch" for b in batches for e in b.events):
                    return True
                n += 1
                publisher.publish([Observation(clock.now(), "crowd", "z1", "count", n, "cam")])
                return False

            wait_for(fed, timeout=10, interval=0.02, message="observations journaled")
        finally:
            publisher.close()
        assert seen and seen[0][0] == "sim"
        _wait(lambda: any(isinstance(u, FeedHookOutput) for b in batches for u in b.updates))
        assert console.errors == 0
    finally:
        console.stop()
        context.destroy(linger=0)


def test_console_engine_runs_the_picture_and_approves_suggestions(tmp_path: Path) -> None:
    from command.model import Signal
    from command.picture.engine import PictureEngine
    from command.scenarios.loader import load_scenario
    from protocols.feedbus import FeedPublisher

    scenario = load_scenario("typhoon")
    clock = ManualClock(scenario.start if hasattr(scenario, "start") else 1_760_000_000.0)
    batches: list[EngineBatch] = []
    console_keys, publisher_keys = CurveKeys.generate(), CurveKeys.generate()
    console = Engine(
        lambda ctx: ConsoleNode(
            ctx,
            feed_console_settings(
                clock,
                console_keys,
                {publisher_keys.public: "water"},
                journal_path=tmp_path / "console.db",
                incident=scenario.incident,
                picture_factory=lambda j: PictureEngine(scenario, clock=clock, journal=j),
            ),
        ),
        clock,
        on_batch=batches.append,
    ).start()
    context: zmq.Context[Any] = zmq.Context()
    try:
        node = console.node
        assert isinstance(node, ConsoleNode) and node.feeds is not None
        publisher = FeedPublisher(
            context,
            "water",
            feed_address=node.feeds.feed_address,
            snapshot_address=node.feeds.snapshot_address,
            keys=publisher_keys,
            server_key=console_keys.public,
        )
        try:
            n = 0

            def fed() -> bool:
                nonlocal n
                if any(isinstance(u, SuggestionsProposed) for b in batches for u in b.updates):
                    return True
                n += 1
                publisher.publish_signal(
                    Signal(
                        f"sig-{n}", clock.now(), "water", "ferry_suspension", "Ferries suspended"
                    )
                )
                return False

            wait_for(fed, timeout=10, interval=0.05, message="suggestion proposed")
        finally:
            publisher.close()
        suggestion = next(
            u.suggestions[0]
            for b in batches
            for u in b.updates
            if isinstance(u, SuggestionsProposed)
        )
        issued = console.call_sync(ApproveSuggestion(suggestion.id, why="as planned"))
        assert issued and all(i.order.station for i in issued)
        with pytest.raises(Exception, match="already approved"):
            console.call_sync(ApproveSuggestion(suggestion.id))
        assert console.errors == 0
    finally:
        console.stop()
        context.destroy(linger=0)
    from command.journal import Journal

    j = Journal.open_readonly(tmp_path / "console.db")
    try:
        kinds = [e.kind for e in j.events()]
        assert "signal.received" in kinds and "suggestion.approved" in kinds
        decisions = [e.body["decision"]["kind"] for e in j.events(kinds=["decision.added"])]
        assert decisions and set(decisions) == {"suggestion"}
    finally:
        j.close()


def test_a_port_in_use_is_one_clear_line() -> None:
    import socket as sockets

    holder = sockets.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]

    class Binder:
        journal: Any = None

        def __init__(self, ctx: zmq.Context[Any]) -> None:
            self.sock = ctx.socket(zmq.ROUTER)
            self.sock.linger = 0
            try:
                self.sock.bind(f"tcp://127.0.0.1:{port}")
            except zmq.ZMQError:
                self.sock.close(0)
                raise

    try:
        with pytest.raises(EngineError) as err:
            Engine(Binder, ManualClock(), name="test-console").start()  # type: ignore[arg-type]
        text = str(err.value)
        assert "\n" not in text
        assert text.startswith("test-console cannot start: Address already in use")
        assert "choose another address" in text
    finally:
        holder.close()


def _result_type(kind: type[Command[Any]]) -> Any:
    """The `R` of `class X(Command[R])` (through a generic base such as `_Decided[R]`)."""
    for base in getattr(kind, "__orig_bases__", ()):
        args = typing.get_args(base)
        if args:
            return args[0]
    raise AssertionError(f"{kind.__name__} names no result type")


def _handlers_match_their_commands(handlers: Handlers) -> None:
    for kind in handlers.kinds():
        handler = handlers.handler(kind)
        assert handler is not None
        hints = typing.get_type_hints(handler)
        params = [v for k, v in hints.items() if k != "return"]
        assert params[0] in (kind, kind | None), f"{kind.__name__}: handler takes {params[0]}"
        assert hints["return"] == _result_type(kind), (
            f"{kind.__name__} promises {_result_type(kind)}, its handler returns {hints['return']}"
        )


def test_every_handler_takes_its_command_and_returns_what_the_command_promises(
    tmp_path: Path,
) -> None:
    # The one hop a type checker cannot follow (class → handler in the table), checked here.
    from command.picture.engine import PictureEngine
    from command.scenarios.loader import load_scenario
    from protocols.commands import PictureSnapshot

    scenario = load_scenario("typhoon")
    clock = ManualClock(scenario.start)
    context: zmq.Context[Any] = zmq.Context()
    try:
        console = ConsoleNode(
            context,
            console_settings(
                clock,
                CurveKeys.generate(),
                incident=scenario.incident,
                picture_factory=lambda j: PictureEngine(scenario, clock=clock, journal=j),
            ),
        )
        station = StationNode(
            context,
            StationSettings(
                station_id="st-a",
                journal_path=None,
                clock=clock,
                verifier=AcceptAll(),
                keys=CurveKeys.generate(),
                console_public=CurveKeys.generate().public,
                address="tcp://127.0.0.1:9",
            ),
        )
        try:
            assert PictureSnapshot in console.handlers().kinds()
            _handlers_match_their_commands(console.handlers())
            _handlers_match_their_commands(station.handlers())
        finally:
            console.close()
            station.close()
    finally:
        context.destroy(linger=0)
