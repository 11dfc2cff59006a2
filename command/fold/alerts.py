"""Signals received (CAP alerts, agency warnings) and public alerts issued."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from command.cap.model import Reference
from command.cap.semantics import is_actual, msg_type_of, references_of, status_of
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
    status: str = "Actual"  # CAP status: anything else is shown marked and triggers nothing
    msg_type: str = "Alert"  # CAP msgType
    updated_by: str | None = None  # the id of a later CAP Update that references this alert
    cancelled_by: str | None = None  # the id of a later CAP Cancel that references this alert


class AlertsModel(RowModel[AlertView]):
    """Every signal received and public alert issued, in journal order.

    An Actual CAP Update or Cancel marks the earlier alerts it references (`updated_by`,
    `cancelled_by`), received or issued.
    """

    def _follow(self, refs: list[Reference], by: str, msg_type: str) -> None:
        for ref in refs:
            row = self.get(ref.identifier)
            if row is None or row.source != ref.sender:
                continue
            if msg_type == "Cancel":
                self._update(ref.identifier, replace(row, cancelled_by=by))
            elif msg_type == "Update":
                self._update(ref.identifier, replace(row, updated_by=by))

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
                    status=status_of(s),
                    msg_type=msg_type_of(s),
                ),
            )
            if is_actual(s):
                self._follow(references_of(s), key, msg_type_of(s))
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
                    status=str(a.get("status") or "Actual"),
                    msg_type=str(a.get("msg_type") or "Alert"),
                ),
            )
            if a.get("status", "Actual") == "Actual":
                refs = Reference.parse_all(str(a.get("references") or ""))
                self._follow(refs, key, str(a.get("msg_type") or "Alert"))
            return True
        return False
