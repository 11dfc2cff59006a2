"""Drafts: what the commander has written but not yet issued or journaled (Qt-free, zmq-free).

`OrderDraft` is the one order draft: what the commander's composer, a playbook's suggestion and
the command post all mean by "an order not yet issued". The post validates a draft against the
station's catalogue, signs it and journals it with its decision entry
(`command.console_post.ConsolePost.issue_order`); a playbook proposes drafts with `{zone}` /
`{zone_name}` placeholders filled for the zone that triggered (`for_zone`).

`ComposedOrder` adds what only the console's composer knows (the rationale for the order's
decision entry); `EditedSuggestion` is a playbook suggestion as the commander edited it;
`DecisionDraft` and `CorrectionDraft` are a manual
decision-log entry and a correction as the console's dialogs emit them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from command.errors import ValidationError
from command.model import Priority, Zone

JSON = Any

ZONE_PLACEHOLDER = "{zone}"


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """An order before it is issued; deadlines default to the catalogue's.

    `ack_deadline_s` and `due_s` are seconds from issue (None: the order kind's default).
    """

    station: str
    kind: str
    zone: str
    params: dict[str, JSON] = field(default_factory=dict)
    priority: Priority = Priority.ROUTINE
    text: str = ""
    ack_deadline_s: float | None = None
    due_s: float | None = None

    def to_dict(self) -> dict[str, JSON]:
        """JSON-ready form (journal bodies); deadlines only when set."""
        out: dict[str, JSON] = {
            "station": self.station,
            "kind": self.kind,
            "params": dict(self.params),
            "zone": self.zone,
            "priority": int(self.priority),
            "text": self.text,
        }
        if self.ack_deadline_s is not None:
            out["ack_deadline_s"] = self.ack_deadline_s
        if self.due_s is not None:
            out["due_s"] = self.due_s
        return out

    @classmethod
    def from_dict(cls, body: Mapping[str, JSON]) -> OrderDraft:
        """Rebuild from `to_dict` output."""
        try:
            ack = body.get("ack_deadline_s")
            due = body.get("due_s")
            return cls(
                station=str(body["station"]),
                kind=str(body["kind"]),
                zone=str(body["zone"]),
                params=dict(body.get("params") or {}),
                priority=Priority(int(body.get("priority", int(Priority.ROUTINE)))),
                text=str(body.get("text", "")),
                ack_deadline_s=None if ack is None else float(ack),
                due_s=None if due is None else float(due),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ValidationError(f"draft order is malformed: {err!r}") from None

    def with_params(self, **changes: JSON) -> OrderDraft:
        """A copy with some parameters changed (for an edited suggestion)."""
        return replace(self, params={**self.params, **changes})

    def for_zone(self, zone: Zone) -> OrderDraft:
        """Fill `{zone}` / `{zone_name}` placeholders for the zone that triggered."""

        def fill(text: str) -> str:
            return text.replace("{zone_name}", zone.name).replace(ZONE_PLACEHOLDER, zone.id)

        params = {k: fill(v) if isinstance(v, str) else v for k, v in self.params.items()}
        return replace(self, zone=fill(self.zone), text=fill(self.text), params=params)


@dataclass(frozen=True, slots=True)
class ComposedOrder:
    """An order as composed (parameters already validated against the station's catalogue),
    with the rationale that becomes its decision entry's."""

    order: OrderDraft
    rationale: str


@dataclass(frozen=True, slots=True)
class EditedSuggestion:
    """What the commander made of a playbook suggestion in the console's suggestion editor:
    the orders to issue (each the proposed draft itself unless the commander changed it, in
    the proposed order; left-out ones are absent), why, and whether anything differs from
    the proposal at all (nothing changed: it is an approval, and says so in the log)."""

    suggestion_id: str
    orders: tuple[OrderDraft, ...]
    why: str
    changed: bool


@dataclass(frozen=True, slots=True)
class DecisionDraft:
    """A decision-log entry as the commander wrote it (Joint Decision Model fields)."""

    decision: str
    rationale: str
    information: str = ""
    risk_assessment: str = ""
    powers_policy: str = ""
    options: str = ""


@dataclass(frozen=True, slots=True)
class CorrectionDraft:
    """A correction: a new entry striking `original_id` through, with the reason why."""

    original_id: str
    entry: DecisionDraft
    reason: str
