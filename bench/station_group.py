"""Several bench stations on ONE engine thread (`bench.stations_proc`: 10 stations a process).

In the field every station is a machine of its own. The bench puts 50 of them on one 2-CPU
machine, and one engine thread (and one zmq I/O thread) per station made the stations'
processes spend their CPU handing the interpreter lock between ten threads, which no field
station pays. `StationGroup` is a `Node` made of `StationNode`s: each keeps its own journal
(synchronous=FULL, group-committed per poll turn as always), its own CURVE key and DEALER, its
own timers; they share the engine's loop and zmq context. A turn pumps only the stations whose
sockets have input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import zmq

from command.journal import Journal
from protocols.commands import Handlers, Update
from protocols.nodes import StationNode, StationSettings


class StationGroup:
    """A `Node` of several stations (see module doc); build it inside the engine thread."""

    def __init__(self, context: zmq.Context[Any], settings: Sequence[StationSettings]) -> None:
        if not settings:
            raise ValueError("a station group needs at least one station")
        self.nodes: list[StationNode] = []
        try:
            for one in settings:
                self.nodes.append(StationNode(context, one))
        except BaseException:
            self.close()
            raise
        # The engine reports batches of one journal; bench stations report nothing (no GUI).
        self.journal: Journal = self.nodes[0].journal
        self._owner: dict[zmq.Socket[Any], StationNode] = {}
        self._poller = zmq.Poller()
        for node in self.nodes:
            for sock in node.sockets():
                self._owner[sock] = node
                self._poller.register(sock, zmq.POLLIN)

    def sockets(self) -> list[zmq.Socket[Any]]:
        """Every station's DEALER and monitor."""
        return list(self._owner)

    def pump(self) -> int:
        """Handle the input of the stations whose sockets have some."""
        if len(self.nodes) == 1:
            return self.nodes[0].pump()
        ready = {self._owner[sock] for sock, _ in self._poller.poll(0)}
        return sum(node.pump() for node in self.nodes if node in ready)

    def tick(self, now: float) -> None:
        """Every station's timers."""
        for node in self.nodes:
            node.tick(now)

    def handlers(self) -> Handlers:
        """None: bench stations take no operator commands."""
        return Handlers()

    def drain_updates(self) -> tuple[Update, ...]:
        """Stations report through their journals only."""
        return ()

    def close(self) -> None:
        """Close every station (sockets with linger 0, journals)."""
        for node in self.nodes:
            node.close()
