"""Stations as the console knows them: presence, last heard, and their open and late orders."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from command.fold.orders import OrdersModel
from command.fold.rows import RowModel
from command.vocabulary import (
    AttentionAcknowledged,
    AttentionSubject,
    EscalationRaised,
    EventLike,
    OrderIssued,
    OrderRejected,
    OrderStepped,
    StationPresence,
)


@dataclass(frozen=True, slots=True)
class StationView:
    """One row of the stations list.

    `last_heard` is the last journaled contact: coming online, or a report the station sent.
    """

    station: str
    name: str = ""
    online: bool = False
    since: float | None = None
    last_heard: float | None = None
    detail: str = ""


class StationsModel(RowModel[StationView]):
    """Stations: presence from station events; open and late counts read from the orders."""

    def __init__(self, orders: OrdersModel) -> None:
        super().__init__()
        self.orders = orders

    def copy(self, orders: OrdersModel | None = None) -> StationsModel:
        """A copy with its own rows, reading `orders` (default: the same orders as this one)."""
        new = super().copy()
        new.orders = self.orders if orders is None else orders
        return new

    def add_station(self, station: str, name: str = "") -> None:
        """Make a station known before it is heard (from the incident's list)."""
        if station and self.row_of(station) is None:
            self._insert(station, StationView(station=station, name=name or station))

    def _touch(self, station: str, **changes: Any) -> None:
        if not station:
            return
        self.add_station(station)
        row = self.get(station)
        assert row is not None
        self._update(station, replace(row, **changes))

    def apply(self, ev: EventLike, body: object) -> bool:
        """Fold one decoded event; True when it touched this model (apply after the orders)."""
        if isinstance(body, StationPresence):
            row = self.get(body.station)
            heard = ev.ts if body.online else (row.last_heard if row else None)
            self._touch(
                body.station, online=body.online, since=ev.ts, last_heard=heard, detail=body.detail
            )
            return True
        if isinstance(body, OrderIssued):
            self._touch(body.order.station)  # its open count changed
            return True
        if isinstance(body, OrderStepped | OrderRejected):
            order = self.orders.get(body.order_id)
            if order is None:
                return False
            if ev.actor == order.station:
                self._touch(order.station, last_heard=ev.ts)
            else:
                self._touch(order.station)
            return True
        if isinstance(body, EscalationRaised | AttentionAcknowledged):
            if isinstance(body, EscalationRaised):
                oid = body.escalation.order_id
            elif body.subject == AttentionSubject.ORDER.value:
                oid = body.id
            else:
                return False
            order = self.orders.get(oid)
            if order is None:
                return False
            self._touch(order.station)  # its attention count changed
            return True
        return False

    def open_count(self, station: str) -> int:
        """Number of open orders for `station`."""
        return len(self.orders.open_orders(station))

    def open_counts(self) -> dict[str, int]:
        """Number of open orders per station, in one pass over the orders (stations with none
        are absent)."""
        counts: dict[str, int] = {}
        for r in self.orders.open_orders():
            counts[r.station] = counts.get(r.station, 0) + 1
        return counts

    def late_count(self, station: str, now: float) -> int:
        """Number of open orders for `station` past a deadline."""
        return sum(1 for r in self.orders.open_orders(station) if r.overdue(now))

    def attention_count(self, station: str) -> int:
        """Orders for `station` that need attention and were not acknowledged."""
        return len(self.orders.needing_attention(station))
