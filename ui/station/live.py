"""A live station window: a `StationWindow` fed by the station's engine through the Qt bridge.

The engine thread owns the DEALER socket and the station journal; the GUI never blocks on them.
On start the window gets the journal's whole history (the engine's first batch), then every new
event; the operator's answers go to the engine as non-blocking `Engine.call(Answer(...))` and
an error comes back as one line in the status bar. The number of reports waiting for the console
(the journal's pending outbox) is asked for every second and after every batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from command.lifecycle import Step
from command.scenarios.scenario import Scenario
from protocols.commands import Answer, Pending
from protocols.engine import Engine, EngineBatch
from protocols.nodes import StationNode, StationSettings
from ui.bridge import EngineBridge
from ui.i18n import use_scenario_names
from ui.station.window import StationWindow


def window_for(station_id: str, scenario: Scenario | None, clock: Any) -> StationWindow:
    """A station window titled from `scenario` (name, agency, order kind titles, time zone)."""
    if scenario is None:
        return StationWindow(station_id, clock=clock)
    use_scenario_names(scenario)  # its Chinese names in the Chinese UI
    incident = scenario.incident
    incident_delegation = scenario.delegation
    station = next((s for s in incident.stations if s.id == station_id), None)
    titles = {k.name: k.title for k in station.catalogue} if station is not None else {}
    return StationWindow(
        station_id,
        station.name if station is not None else station_id,
        station.agency if station is not None else "",
        clock=clock,
        timezone=incident.timezone,
        kind_titles=titles,
        zone_names={z.id: z.name for z in incident.zones},
        param_titles=(
            {k.name: {p.name: p.title for p in k.params} for k in station.catalogue}
            if station is not None
            else {}
        ),
        signer_names={
            k: v
            for k, v in (
                (incident_delegation.authority, incident_delegation.authority_name),
                (incident_delegation.commander, incident_delegation.commander_name),
            )
            if v
        },
        param_units=(
            {k.name: {p.name: p.unit for p in k.params} for k in station.catalogue}
            if station is not None
            else {}
        ),
    )


def one_line(err: BaseException) -> str:
    """An error as one line for the status bar."""
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


class LiveStation(QObject):
    """Runs one station engine for one window. Create in the GUI thread; `start`, then `stop`."""

    pending = Signal(int)  # reports waiting for the console
    failed = Signal(str)  # an answer the engine refused, as one line

    def __init__(
        self,
        window: StationWindow,
        settings: StationSettings,
        *,
        poll_ms: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.settings = settings
        self.bridge = EngineBridge(self)
        self.bridge.events.connect(window.apply_events)
        queued = Qt.ConnectionType.QueuedConnection
        self.pending.connect(window.set_outbox, queued)
        self.failed.connect(window.show_error, queued)
        window.action_requested.connect(self.answer)
        self.engine = Engine(
            lambda ctx: StationNode(ctx, settings),
            settings.clock,
            on_batch=self._on_batch,
            name=f"station-{settings.station_id}",
            replay_history=True,  # the first batch is the whole journal: the window's history
        )
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.ask_pending)

    def start(self) -> LiveStation:
        """Start the engine (raises a one-line BatonError if it cannot) and the outbox poll."""
        self.engine.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        """Stop polling and the engine (bounded; the journal is closed in the engine thread)."""
        self._timer.stop()
        self.engine.stop()

    def _on_batch(self, batch: EngineBatch) -> None:
        # Engine thread: hand the events over, then say how many reports wait.
        self.bridge.post_events(batch.events)
        node = self.engine.node
        if node is not None and batch.events:
            self.pending.emit(len(node.journal.pending()))

    def ask_pending(self) -> None:
        """Ask the engine (without waiting) how many reports wait for the console."""
        if not self.engine.running:
            return
        future = self.engine.call(Pending())
        future.add_done_callback(self._pending_done)

    def _pending_done(self, future: Future[int]) -> None:
        if future.exception() is None:
            self.pending.emit(future.result())

    def answer(self, order_id: str, step: str, detail: object) -> None:
        """The operator's answer from the window (`step` a lifecycle step's name): journaled
        and sent by the engine thread."""
        fields = dict(detail) if isinstance(detail, Mapping) else {}
        try:
            command = Answer(order_id, Step(step), fields)
        except ValueError:
            self.failed.emit(f"{step!r} is not a step an order can take")
            return
        self.engine.call(command).add_done_callback(self._answer_done)

    def _answer_done(self, future: Future[None]) -> None:
        # Success shows in the journal events that follow (and the outbox count with them).
        err = future.exception()
        if err is not None:
            self.failed.emit(one_line(err))
