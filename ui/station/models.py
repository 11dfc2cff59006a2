"""Plain-Python view models of the station window: its inbox and its link, folded from events.

The station's journal events (order.received, order.rejected, order.<step>, link.up/down) are
folded one at a time; the Qt adapters listen for inserted and changed rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from command.lifecycle import OrderState, Step, allowed_steps
from command.model import Priority
from ui.console.models import STEP_KINDS, EventLike, RowModel


@dataclass(frozen=True, slots=True)
class Authority:
    """What the station checked about an order's authority, for the verification badge."""

    ok: bool
    reason: str = ""
    detail: str = ""
    chain: tuple[str, ...] = ()  # names, root first, the commander last
    scope: str = ""
    valid_until: float | None = None
    links: tuple[str, ...] = ()  # "issuer [key] → delegate [key]" per grant, as verified

    @classmethod
    def from_body(cls, body: Mapping[str, Any] | None) -> Authority:
        """Read a verification summary as the station desk journals it (tolerant of gaps).

        `chain` may hold names (root → commander) or, as `AuthorityBook.summary` writes it, one
        "issuer [fingerprint] → delegate [fingerprint]" string per grant; both give the names.
        """
        if not body:
            return cls(ok=True, detail="verified")
        raw = tuple(str(link) for link in body.get("chain", ()))
        until = body.get("valid_until")
        return cls(
            ok=bool(body.get("ok", True)),
            reason=str(body.get("reason", "")),
            detail=str(body.get("detail", "")),
            chain=chain_names(raw),
            scope=str(body.get("scope", "")),
            valid_until=float(until) if until is not None else None,
            links=tuple(link for link in raw if ARROW in link),
        )


ARROW = " → "


def _name(part: str) -> str:
    """A name without its trailing " [fingerprint]"."""
    part = part.strip()
    if part.endswith("]") and " [" in part:
        part = part[: part.rindex(" [")]
    return part


def chain_names(links: tuple[str, ...]) -> tuple[str, ...]:
    """Names root → commander from per-grant links ("a [k] → b [k]") or from plain names."""
    names: list[str] = []
    for link in links:
        for part in link.split(ARROW) if ARROW in link else [link]:
            name = _name(part)
            if name and (not names or names[-1] != name):
                names.append(name)
    return tuple(names)


@dataclass(frozen=True, slots=True)
class InboxView:
    """One order in the station's inbox."""

    order_id: str
    kind: str
    zone: str
    priority: Priority
    state: OrderState
    received_at: float
    ack_deadline: float
    due: float
    text: str
    commander: str
    params: Mapping[str, Any] = field(default_factory=dict)
    authority: Authority = field(default_factory=lambda: Authority(ok=True))
    detail: Mapping[str, Any] = field(default_factory=dict)
    updated_at: float = 0.0

    @property
    def actionable(self) -> tuple[Step, ...]:
        """What the operator may do now (nothing for a rejected order)."""
        if not self.authority.ok:
            return ()
        return tuple(
            s
            for s in allowed_steps(self.state)
            if s
            in (
                Step.ACKNOWLEDGE,
                Step.ACCEPT,
                Step.DECLINE,
                Step.PROGRESS,
                Step.START,
                Step.COMPLETE,
                Step.FAIL,
            )
        )

    def urgency(self, now: float) -> tuple[int, int, float]:
        """Sort key, most urgent first: open orders, higher priority, nearer deadline."""
        open_ = 1 if (self.state.open and self.authority.ok) else 0
        deadline = (
            self.due
            if self.state in (OrderState.ACCEPTED, OrderState.IN_PROGRESS)
            else self.ack_deadline
        )
        return (open_, int(self.priority), -(deadline - now))


def _row_from_order(order: Mapping[str, Any], ts: float, authority: Authority) -> InboxView:
    return InboxView(
        order_id=str(order["id"]),
        kind=str(order.get("kind", "")),
        zone=str(order.get("zone", "")),
        priority=Priority(int(order.get("priority", 2))),
        state=OrderState.DELIVERED,
        received_at=ts,
        ack_deadline=float(order.get("ack_deadline", ts)),
        due=float(order.get("due", ts)),
        text=str(order.get("text", "")),
        commander=str(order.get("commander", "")),
        params=dict(order.get("params", {})),
        authority=authority,
        updated_at=ts,
    )


class InboxModel(RowModel[InboxView]):
    """The station's orders, folded from its journal."""

    def apply(self, ev: EventLike) -> bool:
        """Fold one event; True when it changed the inbox."""
        body = ev.body
        if ev.kind == "order.received":
            order = body["order"]
            key = str(order["id"])
            if self.get(key) is None:
                auth = Authority.from_body(body.get("verification"))
                self._insert(key, _row_from_order(order, ev.ts, auth))
            return True
        if ev.kind == "order.rejected":
            key = str(body.get("order_id") or body.get("order", {}).get("id", ""))
            auth = Authority(
                ok=False,
                reason=str(body.get("reason", "")),
                detail=str(body.get("detail", "")),
            )
            row = self.get(key)
            if row is not None:
                self._update(key, replace(row, authority=auth, updated_at=ev.ts))
            elif isinstance(body.get("order"), Mapping):
                self._insert(key, _row_from_order(body["order"], ev.ts, auth))
            return True
        if ev.kind in STEP_KINDS:
            key = str(body.get("order_id", ""))
            row = self.get(key)
            if row is None:
                return False
            state = OrderState(str(body.get("state", row.state)))
            detail = dict(body.get("detail") or {})
            self._update(key, replace(row, state=state, detail=detail, updated_at=ev.ts))
            return True
        return False


@dataclass
class LinkStatus:
    """The station's connection to the console, as its journal tells it."""

    online: bool = False
    since: float | None = None
    detail: str = ""
    outbox: int = 0

    def apply(self, ev: EventLike) -> bool:
        """Fold link.up / link.down events; True when the status changed."""
        if ev.kind == "link.up":
            self.online, self.since, self.detail = True, ev.ts, str(ev.body.get("detail", ""))
            return True
        if ev.kind == "link.down":
            self.online, self.since, self.detail = False, ev.ts, str(ev.body.get("detail", ""))
            return True
        return False
