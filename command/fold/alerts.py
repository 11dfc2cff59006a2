"""Signals received (CAP alerts, agency warnings) and public alerts issued."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from command.fold.rows import RowModel
from command.vocabulary import AlertIssued, EventLike, SignalReceived


@dataclass(frozen=True, slots=True)
class AlertView:
    """One alert: received (a signal) or issued by the commander."""

    id: str
    ts: float
    issued: bool  # True for the commander's own public alerts
    kind: str
    headline: str
    source: str
    zone: str | None
    body: Mapping[str, Any]


class AlertsModel(RowModel[AlertView]):
    """Every signal received and public alert issued, in journal order."""

    def apply(self, ev: EventLike, body: object) -> bool:
        """Fold one decoded event; True when it touched this model."""
        if isinstance(body, SignalReceived):
            s = body.signal
            key = str(s.get("id") or f"signal-{ev.seq}")
            if self.row_of(key) is not None:
                return False
            zone = s.get("zone")
            self._insert(
                key,
                AlertView(
                    id=key,
                    ts=float(s.get("ts") or ev.ts),
                    issued=False,
                    kind=str(s.get("kind", "")),
                    headline=str(s.get("headline", "")),
                    source=str(s.get("source", ev.actor)),
                    zone=None if zone is None else str(zone),
                    body=dict(s),
                ),
            )
            return True
        if isinstance(body, AlertIssued):
            a = body.alert
            key = str(a.get("identifier") or a.get("id") or f"alert-{ev.seq}")
            if self.row_of(key) is not None:
                return False
            info = a.get("info")
            headline = str(a.get("headline", ""))
            if not headline and isinstance(info, Mapping):
                headline = str(info.get("headline", ""))
            self._insert(
                key,
                AlertView(
                    id=key,
                    ts=ev.ts,
                    issued=True,
                    kind=str(a.get("event", a.get("kind", ""))),
                    headline=headline,
                    source=str(a.get("sender", ev.actor)),
                    zone=None,
                    body=dict(a),
                ),
            )
            return True
        return False
