"""Plain-Python view models of the console: incremental folds of journal events (no Qt).

Each model folds `Event`s of the contract catalogue one at a time (`apply`) and tells an optional
`RowListener` which rows were inserted or changed, so a Qt adapter can emit `beginInsertRows` /
`dataChanged` instead of resetting. The replay window reuses them through `fold_until`: build a
fresh `ConsoleState` and fold the events whose time is at most T.

Models accept anything shaped like `command.journal.Event` (see `EventLike`), so they do not
depend on the journal's storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Protocol, TypeVar

from command.lifecycle import OrderState
from command.model import Decision, Order, Priority
from command.review.record import EventLike

STEP_KINDS = frozenset(
    f"order.{step}"
    for step in (
        "deliver",
        "acknowledge",
        "accept",
        "decline",
        "start",
        "progress",
        "complete",
        "fail",
        "cancel",
        "expire",
    )
)
LATE_BEFORE_ACCEPT = (OrderState.ISSUED, OrderState.DELIVERED, OrderState.ACKNOWLEDGED)


class RowListener(Protocol):
    """Receives row notifications from a `RowModel` (a Qt adapter implements this)."""

    def rows_about_to_be_inserted(self, first: int, last: int) -> None:
        """Rows first..last are about to be appended."""

    def rows_inserted(self) -> None:
        """The announced rows are now in the model."""

    def row_changed(self, row: int) -> None:
        """Row `row` has new values."""

    def about_to_reset(self) -> None:
        """The model is about to be cleared (replay seeking back)."""

    def reset_done(self) -> None:
        """The model was cleared."""


T = TypeVar("T")


class RowModel(Generic[T]):
    """An append-only list of rows, keyed, that notifies a listener of inserts and changes."""

    def __init__(self) -> None:
        self.rows: list[T] = []
        self._index: dict[str, int] = {}
        self.listener: RowListener | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def row_of(self, key: str) -> int | None:
        """The row number of `key`, or None."""
        return self._index.get(key)

    def get(self, key: str) -> T | None:
        """The row stored under `key`, or None."""
        i = self._index.get(key)
        return None if i is None else self.rows[i]

    def _insert(self, key: str, row: T) -> int:
        i = len(self.rows)
        if self.listener:
            self.listener.rows_about_to_be_inserted(i, i)
        self.rows.append(row)
        self._index[key] = i
        if self.listener:
            self.listener.rows_inserted()
        return i

    def _update(self, key: str, row: T) -> int:
        i = self._index[key]
        self.rows[i] = row
        if self.listener:
            self.listener.row_changed(i)
        return i

    def adopt(self, other: RowModel[T]) -> None:
        """Take `other`'s rows in one reset (replay seeking back to a state folded aside)."""
        if self.listener:
            self.listener.about_to_reset()
        self.rows = list(other.rows)
        self._index = dict(other._index)
        if self.listener:
            self.listener.reset_done()

    def clear(self) -> None:
        """Drop every row (a reset: only for replay seeking back)."""
        if self.listener:
            self.listener.about_to_reset()
        self.rows.clear()
        self._index.clear()
        if self.listener:
            self.listener.reset_done()


# ---------------------------------------------------------------- orders


@dataclass(frozen=True, slots=True)
class OrderView:
    """One row of the orders table."""

    order_id: str
    station: str
    kind: str
    zone: str
    priority: Priority
    state: OrderState
    issued_at: float
    ack_deadline: float
    due: float
    updated_at: float
    text: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)
    escalation: str = ""

    def age(self, now: float) -> float:
        """Seconds since the order was issued."""
        return max(0.0, now - self.issued_at)

    def overdue(self, now: float) -> bool:
        """True when the order is still open past its due time, or unaccepted past its deadline."""
        if not self.state.open:
            return False
        if now > self.due:
            return True
        return self.state in LATE_BEFORE_ACCEPT and now > self.ack_deadline

    @property
    def last_detail(self) -> str:
        """The most telling part of the last report, as one line."""
        d = self.detail
        for key in ("reason", "note", "message"):
            if d.get(key):
                text = str(d[key])
                if key == "note" and d.get("percent") is not None:
                    text = f"{d['percent']}% {text}"
                return text
        if d.get("percent") is not None:
            return f"{d['percent']}%"
        return self.text


class OrdersModel(RowModel[OrderView]):
    """Orders folded from order.* events (and escalations that concern them)."""

    def apply(self, ev: EventLike) -> bool:
        """Fold one event; True when it touched this model."""
        kind, body = ev.kind, ev.body
        if kind in ("order.issued", "order.received"):
            order = Order.from_dict(body["order"])
            if self.row_of(order.id) is not None:
                return False
            state = OrderState.ISSUED if kind == "order.issued" else OrderState.DELIVERED
            self._insert(
                order.id,
                OrderView(
                    order_id=order.id,
                    station=order.station,
                    kind=order.kind,
                    zone=order.zone,
                    priority=order.priority,
                    state=state,
                    issued_at=order.issued_at,
                    ack_deadline=order.ack_deadline,
                    due=order.due,
                    updated_at=ev.ts,
                    text=order.text,
                ),
            )
            return True
        if kind in STEP_KINDS or kind == "order.rejected":
            row = self.get(str(body.get("order_id", "")))
            if row is None:
                return False
            if kind == "order.rejected":
                state = OrderState.DECLINED
                detail: Mapping[str, Any] = {
                    "reason": f"authority:{body.get('reason', '')}",
                    "message": body.get("detail", ""),
                }
            else:
                state = OrderState(body.get("state", row.state))
                detail = dict(body.get("detail") or {})
            self._update(row.order_id, replace(row, state=state, detail=detail, updated_at=ev.ts))
            return True
        if kind == "escalation.raised":
            esc = body.get("escalation", {})
            row = self.get(str(esc.get("order_id", "")))
            if row is None:
                return False
            self._update(row.order_id, replace(row, escalation=str(esc.get("kind", ""))))
            return True
        return False

    def open_orders(self, station: str | None = None) -> list[OrderView]:
        """Orders still open, optionally for one station."""
        return [r for r in self.rows if r.state.open and station in (None, r.station)]


# ---------------------------------------------------------------- stations


@dataclass(frozen=True, slots=True)
class StationView:
    """One row of the stations list."""

    station: str
    name: str = ""
    online: bool = False
    since: float | None = None
    last_heard: float | None = None
    detail: str = ""


class StationsModel(RowModel[StationView]):
    """Stations: presence from station.* / link.* events; open and late counts from the orders."""

    def __init__(self, orders: OrdersModel) -> None:
        super().__init__()
        self.orders = orders

    def add_station(self, station: str, name: str = "") -> None:
        """Make a station known before it is heard (from the incident's list)."""
        if self.row_of(station) is None:
            self._insert(station, StationView(station=station, name=name or station))

    def _touch(self, station: str, **changes: Any) -> None:
        if not station:
            return
        if self.row_of(station) is None:
            self.add_station(station)
        row = self.get(station)
        assert row is not None
        self._update(station, replace(row, **changes))

    def heard(self, station: str, ts: float) -> None:
        """Record that `station` was heard at `ts` (presence is not journaled)."""
        self._touch(station, last_heard=ts)

    def apply(self, ev: EventLike) -> bool:
        """Fold one event; True when it touched this model. Apply after the orders model."""
        kind, body = ev.kind, ev.body
        if kind in ("station.online", "station.offline"):
            online = kind == "station.online"
            name = str(body.get("station", ""))
            row = self.get(name)
            heard = ev.ts if online else (row.last_heard if row else None)
            self._touch(
                name,
                online=online,
                since=ev.ts,
                last_heard=heard,
                detail=str(body.get("detail", "")),
            )
            return True
        if kind.startswith("order."):
            order = body.get("order")
            station = order.get("station") if isinstance(order, Mapping) else None
            if station is None:
                row_o = self.orders.get(str(body.get("order_id", "")))
                station = row_o.station if row_o else None
            if station is None:
                return False
            if kind in STEP_KINDS and kind not in ("order.cancel", "order.expire"):
                self._touch(str(station), last_heard=ev.ts)
            else:
                self._touch(str(station))  # counts changed
            return True
        return False

    def open_count(self, station: str) -> int:
        """Number of open orders for `station`."""
        return len(self.orders.open_orders(station))

    def late_count(self, station: str, now: float) -> int:
        """Number of open orders for `station` past a deadline."""
        return sum(1 for r in self.orders.open_orders(station) if r.overdue(now))


# ---------------------------------------------------------------- decisions


@dataclass(frozen=True, slots=True)
class DecisionView:
    """One decision-log entry, possibly struck through by a later correction."""

    decision: Decision
    struck_by: str | None = None
    struck_reason: str = ""

    @property
    def struck(self) -> bool:
        """True when a later entry corrects this one."""
        return self.struck_by is not None


class DecisionsModel(RowModel[DecisionView]):
    """The decision log: entries are only added; corrections strike earlier entries through."""

    def apply(self, ev: EventLike) -> bool:
        """Fold one event; True when it touched this model."""
        if ev.kind not in ("decision.added", "decision.corrected"):
            return False
        decision = Decision.from_dict(ev.body["decision"])
        if self.row_of(decision.id) is None:
            self._insert(decision.id, DecisionView(decision))
        if ev.kind == "decision.corrected":
            original = str(ev.body.get("corrects") or decision.corrects or "")
            row = self.get(original)
            if row is not None:
                reason = str(ev.body.get("reason") or decision.correction_reason)
                self._update(original, replace(row, struck_by=decision.id, struck_reason=reason))
        return True


# ---------------------------------------------------------------- escalations


@dataclass(frozen=True, slots=True)
class EscalationView:
    """One escalation; open until resolved."""

    id: str
    order_id: str
    station: str
    kind: str
    raised_at: float
    message: str
    resolved_at: float | None = None


class EscalationsModel(RowModel[EscalationView]):
    """Escalations raised by order timers, with the open ones on top of mind."""

    def apply(self, ev: EventLike) -> bool:
        """Fold one event; True when it touched this model."""
        if ev.kind == "escalation.raised":
            e = ev.body.get("escalation", {})
            key = str(e.get("id", ""))
            if self.row_of(key) is not None:
                return False
            self._insert(
                key,
                EscalationView(
                    id=key,
                    order_id=str(e.get("order_id", "")),
                    station=str(e.get("station", "")),
                    kind=str(e.get("kind", "")),
                    raised_at=float(e.get("raised_at", ev.ts)),
                    message=str(e.get("message", "")),
                ),
            )
            return True
        if ev.kind == "escalation.resolved":
            row = self.get(str(ev.body.get("id", "")))
            if row is None:
                return False
            self._update(row.id, replace(row, resolved_at=ev.ts))
            return True
        return False

    def open(self) -> list[EscalationView]:
        """Open escalations, oldest first."""
        return [r for r in self.rows if r.resolved_at is None]


# ---------------------------------------------------------------- suggestions


@dataclass(frozen=True, slots=True)
class SuggestionView:
    """A playbook suggestion and what the commander did with it."""

    suggestion_id: str
    playbook: str
    reason: str
    orders: tuple[Mapping[str, Any], ...]
    proposed_at: float
    status: str = "proposed"  # proposed | approved | edited | dismissed
    by: str = ""
    why: str = ""

    @property
    def pending(self) -> bool:
        """True while the commander has not answered it."""
        return self.status == "proposed"


class SuggestionsModel(RowModel[SuggestionView]):
    """Suggestions proposed by playbooks, then approved, edited or dismissed."""

    def apply(self, ev: EventLike) -> bool:
        """Fold one event; True when it touched this model."""
        if not ev.kind.startswith("suggestion."):
            return False
        body = ev.body
        key = str(body.get("suggestion_id", ""))
        status = ev.kind.split(".", 1)[1]
        row = self.get(key)
        if status == "proposed":
            if row is not None:
                return False
            self._insert(
                key,
                SuggestionView(
                    suggestion_id=key,
                    playbook=str(body.get("playbook", "")),
                    reason=str(body.get("reason", "")),
                    orders=tuple(body.get("orders") or ()),
                    proposed_at=ev.ts,
                ),
            )
            return True
        if row is None or status not in ("approved", "edited", "dismissed"):
            return False
        self._update(
            key,
            replace(
                row,
                status=status,
                by=str(body.get("by", ev.actor)),
                why=str(body.get("why", "")),
            ),
        )
        return True


# ---------------------------------------------------------------- header


@dataclass(slots=True)
class HeaderModel:
    """Incident header: incident, delegation (issuer, scope, expiry), link state, outbox size.

    Grants are read from grant.issued / grant.narrowed / handover bodies shaped like
    `command.authority.grants.Grant.to_dict()` (bare or under "grant" / "new"); revocations like
    `Revocation.to_dict()` (bare or under "revocation"). The delegation shown is the latest grant
    whose delegate is `me` (any grant when `me` is empty).
    """

    incident: str = ""
    incident_name: str = ""
    me: str = ""
    issuer: str = ""
    holder: str = ""
    grant_id: str = ""
    scope: dict[str, Any] = field(default_factory=dict)
    expires: float | None = None
    revoked: bool = False
    link_up: bool | None = None
    outbox: int = 0
    _unsent: set[str] = field(default_factory=set)
    _revoked_ids: set[str] = field(default_factory=set)

    def apply(self, ev: EventLike) -> bool:
        """Fold one event; True when the header changed."""
        kind, body = ev.kind, ev.body
        if ev.incident and not self.incident:
            self.incident = ev.incident
        if kind in ("grant.issued", "grant.narrowed", "handover"):
            changed = False
            revocation = body.get("revocation")
            if isinstance(revocation, Mapping):
                changed |= self._revoke(revocation)
            grant = body.get("grant", body.get("new", body))
            if isinstance(grant, Mapping) and self._adopt(grant):
                changed = True
            return changed
        if kind == "grant.revoked":
            return self._revoke(body.get("revocation", body))
        if kind in ("link.up", "link.down"):
            self.link_up = kind == "link.up"
            return True
        if kind == "order.issued":
            self._unsent.add(str(body["order"]["id"]))
        elif kind in STEP_KINDS or kind == "order.rejected":
            self._unsent.discard(str(body.get("order_id", "")))
        else:
            return False
        self.outbox = len(self._unsent)
        return True

    def _adopt(self, grant: Mapping[str, Any]) -> bool:
        delegate = str(_first(grant, "delegate", "holder", "grantee", default=""))
        if self.me and delegate and delegate != self.me:
            return False
        self.grant_id = str(grant.get("id", ""))
        self.issuer = str(_first(grant, "issuer", "grantor", default=self.issuer))
        self.holder = delegate or self.holder
        scope = grant.get("scope")
        if isinstance(scope, Mapping):
            self.scope = dict(scope)
        expires = _first(grant, "not_after", "expires", "valid_until", default=None)
        self.expires = None if expires is None else float(expires)
        self.revoked = self.grant_id in self._revoked_ids
        return True

    def _revoke(self, revocation: Mapping[str, Any]) -> bool:
        gid = str(revocation.get("grant_id", revocation.get("id", "")))
        self._revoked_ids.add(gid)
        if (gid and gid == self.grant_id) or not gid:
            self.revoked = True
        return True

    def time_left(self, now: float) -> float | None:
        """Seconds of delegated authority left, None when no expiry is known."""
        if self.expires is None:
            return None
        return 0.0 if self.revoked else max(0.0, self.expires - now)

    def scope_text(self) -> str:
        """'stations a, b; kinds x; zones *' for the header."""
        parts = []
        for key in ("stations", "order_kinds", "kinds", "zones"):
            values = self.scope.get(key)
            if values:
                label = "kinds" if key == "order_kinds" else key
                text = ", ".join(map(str, values)) if isinstance(values, list | tuple) else values
                parts.append(f"{label} {text}")
        return "; ".join(parts)

    def allows(self, station: str, kind: str) -> bool:
        """Whether the delegation scope lets the commander give `kind` to `station`.

        An absent list in the scope means "no restriction on that axis"; "*" allows all.
        """
        if self.revoked:
            return False
        stations = self.scope.get("stations")
        kinds = self.scope.get("order_kinds", self.scope.get("kinds"))
        if stations and station not in stations and "*" not in stations:
            return False
        return not (kinds and kind not in kinds and "*" not in kinds)

    def allows_zone(self, zone: str) -> bool:
        """Whether the delegation scope covers `zone`."""
        zones = self.scope.get("zones")
        return not (zones and zone not in zones and "*" not in zones)


def _first(body: Mapping[str, Any], *names: str, default: Any) -> Any:
    for name in names:
        if body.get(name) not in (None, ""):
            return body[name]
    return default


# ---------------------------------------------------------------- zones (risk levels)


@dataclass(frozen=True, slots=True)
class ZoneView:
    """The latest risk level of a zone and the indicator that set it."""

    zone: str
    level: int = 0
    indicator: str = ""
    value: float | None = None
    since: float | None = None


class ZonesModel(RowModel[ZoneView]):
    """Zone risk levels folded from picture.level events (the map's colours)."""

    def set_zone(self, zone: str, **changes: Any) -> None:
        """Create or update a zone row (also used by live picture updates)."""
        row = self.get(zone)
        if row is None:
            self._insert(zone, replace(ZoneView(zone), **changes))
        else:
            self._update(zone, replace(row, **changes))

    def apply(self, ev: EventLike) -> bool:
        """Fold one event; True when it touched this model."""
        if ev.kind != "picture.level":
            return False
        b = ev.body
        value = b.get("value")
        self.set_zone(
            str(b.get("zone", "")),
            level=_level(b.get("level")),
            indicator=str(b.get("indicator", "")),
            value=None if value is None else float(value),
            since=ev.ts,
        )
        return True


LEVEL_NAMES = ("green", "blue", "yellow", "orange", "red")


def _level(value: Any) -> int:
    """A risk level given as int, RiskLevel or colour name, clamped to 0..4."""
    if isinstance(value, str):
        return LEVEL_NAMES.index(value.lower()) if value.lower() in LEVEL_NAMES else 0
    try:
        return min(4, max(0, int(value)))
    except (TypeError, ValueError):
        return 0


# ---------------------------------------------------------------- the whole console


class ConsoleState:
    """Every view model of the console, folded together from one event stream."""

    def __init__(self) -> None:
        self.orders = OrdersModel()
        self.stations = StationsModel(self.orders)
        self.decisions = DecisionsModel()
        self.escalations = EscalationsModel()
        self.suggestions = SuggestionsModel()
        self.zones = ZonesModel()
        self.header = HeaderModel()
        self.last_seq = 0
        self.last_ts: float | None = None

    def apply(self, ev: EventLike) -> set[str]:
        """Fold one event into every model; return the names of the models it changed."""
        changed: set[str] = set()
        # Orders before stations: station counts read the orders.
        for name in ("orders", "stations", "decisions", "escalations", "suggestions", "zones"):
            if getattr(self, name).apply(ev):
                changed.add(name)
        if self.header.apply(ev):
            changed.add("header")
        self.last_seq = max(self.last_seq, ev.seq)
        self.last_ts = ev.ts
        return changed

    def apply_all(self, events: Iterable[EventLike]) -> set[str]:
        """Fold a batch of events in order; return the names of the models changed."""
        changed: set[str] = set()
        for ev in events:
            changed |= self.apply(ev)
        return changed


def fold_until(
    events: Iterable[EventLike], t: float, state: ConsoleState | None = None
) -> ConsoleState:
    """A console state holding what was known at time `t` (events with ts ≤ t, in order)."""
    state = state or ConsoleState()
    for ev in events:
        if ev.ts > t:
            break
        state.apply(ev)
    return state
