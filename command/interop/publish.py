"""What of the fold a TAK network should see, as CoT: zone shapes by level, orders and their
states, alerts. `TakPublisher.changes(state, now)` returns the events for what changed since the
last call (everything on the first), so a bridge can poll a live journal cheaply."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from command.fold import IncidentState, zone_reading
from command.interop.cot import (
    CotError,
    centroid,
    geochat,
    order_text,
    outer_ring,
    zone_shape,
)
from command.review.ics import kind_title

JSON = Any


class TakPublisher:
    """Turns an `IncidentState` into CoT events for what changed.

    `geometry` maps zone id → GeoJSON geometry (from the scenario); zones without one are not
    drawn. Shapes are re-sent every `refresh_s` even unchanged, so late-joining TAK clients
    and servers that expire stale items keep them.
    """

    def __init__(
        self,
        geometry: Mapping[str, Mapping[str, JSON]],
        *,
        callsign: str = "Baton",
        uid: str = "baton-console",
        refresh_s: float = 60.0,
    ) -> None:
        self.geometry = dict(geometry)
        self.callsign = callsign
        self.uid = uid
        self.refresh_s = refresh_s
        self._levels: dict[str, str] = {}
        self._sent_at: dict[str, float] = {}
        self._orders: dict[str, str] = {}
        self._alerts: set[str] = set()

    def _where(self, zone: str) -> tuple[float, float]:
        ring = outer_ring(self.geometry.get(zone, {}))
        if ring:
            return centroid(ring)
        for geom in self.geometry.values():  # an order for an undrawn zone: the incident's area
            ring = outer_ring(geom)
            if ring:
                return centroid(ring)
        return 0.0, 0.0

    def changes(self, state: IncidentState, now: float) -> list[bytes]:
        """CoT events for zones whose level changed (or are due a refresh), orders that are
        new or moved on, and alerts not sent yet."""
        out: list[bytes] = []
        incident = state.info.id or state.header.incident or "incident"
        for z in state.zones.rows:
            # read as every map reads it: no data and not rated are grey, a silent feed stale
            reading = zone_reading(z, state.info.key_metrics, feeds=state.info.feeds)
            colour = reading.rating  # a risk level's colour, else grey (`cot.argb`)
            label = f"{colour}, stale" if reading.stale else colour
            due = now - self._sent_at.get(z.zone, -1e18) >= self.refresh_s
            if self._levels.get(z.zone) == label and not due:
                continue
            geom = self.geometry.get(z.zone)
            if not geom:
                continue
            value = ""
            if reading.value is not None:
                unit = f" {reading.unit}" if reading.unit else ""
                value = f" ({reading.indicator} {reading.value:g}{unit})"
            try:
                out.append(
                    zone_shape(
                        incident,
                        z.zone,
                        z.name or z.zone,
                        geom,
                        colour,
                        now,
                        remarks=f"{z.name or z.zone}: risk level {label}{value}",
                        stale_s=max(2 * self.refresh_s, 300.0),
                        label=label,
                    )
                )
            except CotError:
                continue
            self._levels[z.zone] = label
            self._sent_at[z.zone] = now
        for o in sorted(state.orders.rows, key=lambda row: row.seq):
            st = o.state.value
            if self._orders.get(o.order_id) == st:
                continue
            self._orders[o.order_id] = st
            station = state.info.stations.get(o.station, o.station)
            zone = state.info.zones.get(o.zone, o.zone)
            lat, lon = self._where(o.zone)
            text = order_text(
                o.order_id,
                station,
                kind_title(state, o.station, o.kind),
                zone,
                int(o.priority),
                st,
                o.text,
            )
            out.append(
                geochat(
                    self.uid, self.callsign, text, now, lat, lon, message_id=f"{o.order_id}.{st}"
                )
            )
        for a in state.alerts.rows:
            if a.id in self._alerts:
                continue
            self._alerts.add(a.id)
            lat, lon = self._where(a.zone or "")
            what = "PUBLIC ALERT" if a.issued else f"SIGNAL from {a.source}"
            text = f"{what}: {a.headline or a.kind}"
            out.append(
                geochat(self.uid, self.callsign, text, now, lat, lon, message_id=f"alert.{a.id}")
            )
        return out
