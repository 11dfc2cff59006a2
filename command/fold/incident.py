"""`IncidentState`: every model folded together from one journal's events, and its counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from command.fold.alerts import AlertsModel
from command.fold.decisions import DecisionsModel
from command.fold.delegation import DelegationModel
from command.fold.escalations import EscalationsModel
from command.fold.integrity import IntegrityModel
from command.fold.link import LinkStatus
from command.fold.orders import OrdersModel
from command.fold.sitreps import SitrepsModel
from command.fold.stations import StationsModel
from command.fold.suggestions import SuggestionsModel
from command.fold.zones import ZonesModel
from command.lifecycle import OrderState, Step
from command.vocabulary import EventLike, IncidentOpened, decode

JSON = Any


@dataclass(frozen=True, slots=True)
class Counts:
    """What happened to the orders, escalations and decisions: the one set of counts that the
    run summary, `baton replay --json` and the report print."""

    issued: int = 0
    accepted: int = 0
    completed: int = 0
    declined: int = 0
    rejected: int = 0
    expired: int = 0
    cancelled: int = 0
    failed: int = 0
    open: int = 0
    late: int = 0
    escalations: int = 0
    escalations_open: int = 0
    decisions: int = 0
    suggestions: int = 0

    def to_json(self) -> dict[str, int]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass
class IncidentInfo:
    """What `incident.opened` said (empty on a journal that never said it)."""

    id: str = ""
    name: str = ""
    timezone: str = "UTC"
    commander: str = ""
    position: str = ""
    agency: str = ""
    scenario: str = ""
    zones: dict[str, str] = field(default_factory=dict)  # id -> name
    stations: dict[str, str] = field(default_factory=dict)  # id -> name
    feeds: tuple[Mapping[str, JSON], ...] = ()
    key_metrics: tuple[Mapping[str, JSON], ...] = ()
    raw: dict[str, JSON] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The incident's name, or its id, or a placeholder."""
        return self.name or self.id or "(unnamed incident)"


MODEL_NAMES = (
    "orders",
    "stations",
    "decisions",
    "escalations",
    "suggestions",
    "alerts",
    "zones",
    "header",
    "link",
    "integrity",
    "sitreps",
)


class IncidentState:
    """Every view model, folded together from one event stream (console or station journal)."""

    def __init__(self, me: str = "") -> None:
        self.orders = OrdersModel()
        self.stations = StationsModel(self.orders)
        self.decisions = DecisionsModel()
        self.escalations = EscalationsModel()
        self.suggestions = SuggestionsModel()
        self.alerts = AlertsModel()
        self.zones = ZonesModel()
        self.header = DelegationModel(me=me)
        self.link = LinkStatus()
        self.integrity = IntegrityModel()
        self.sitreps = SitrepsModel()
        self.info = IncidentInfo()
        self.first_ts: float | None = None
        self.last_ts: float | None = None
        self.last_seq = 0
        self.events = 0
        self.actors: set[str] = set()
        self.undecodable: list[int] = []  # seqs whose bodies could not be read

    def copy(self) -> IncidentState:
        """A copy that shares no mutable state with this one (each model copies its own
        containers; the frozen rows are shared): folding into either leaves the other as it was.
        Cheap next to `copy.deepcopy`, so replay can keep and hand out many of them."""
        new = IncidentState.__new__(IncidentState)
        new.orders = self.orders.copy()
        new.stations = self.stations.copy(new.orders)
        new.decisions = self.decisions.copy()
        new.escalations = self.escalations.copy()
        new.suggestions = self.suggestions.copy()
        new.alerts = self.alerts.copy()
        new.zones = self.zones.copy()
        new.header = self.header.copy()
        new.link = self.link.copy()
        new.integrity = self.integrity.copy()
        new.sitreps = self.sitreps.copy()
        info = self.info  # its nested values come from the frozen incident.opened body
        new.info = replace(
            info, zones=dict(info.zones), stations=dict(info.stations), raw=dict(info.raw)
        )
        new.first_ts = self.first_ts
        new.last_ts = self.last_ts
        new.last_seq = self.last_seq
        new.events = self.events
        new.actors = set(self.actors)
        new.undecodable = list(self.undecodable)
        return new

    def apply(self, ev: EventLike) -> set[str]:
        """Fold one event into every model; return the names of the models it changed."""
        self.events += 1
        self.first_ts = ev.ts if self.first_ts is None else self.first_ts
        self.last_ts = ev.ts
        self.last_seq = max(self.last_seq, ev.seq)
        if ev.actor:
            self.actors.add(ev.actor)
        try:
            body = decode(ev)
        except Exception:  # a malformed body is verify's business; the views skip it
            self.undecodable.append(ev.seq)
            return set()
        changed: set[str] = set()
        if isinstance(body, IncidentOpened):
            self._open(body)
            changed |= {"zones", "stations", "header"}
        # Orders before stations: station counts read the orders.
        if self.orders.apply(ev, body):
            changed.add("orders")
        if self.stations.apply(ev, body):
            changed.add("stations")
        for name, model in (
            ("decisions", self.decisions),
            ("escalations", self.escalations),
            ("suggestions", self.suggestions),
            ("alerts", self.alerts),
            ("zones", self.zones),
            ("integrity", self.integrity),
            ("sitreps", self.sitreps),
        ):
            if model.apply(ev, body):
                changed.add(name)
        if self.header.apply(ev, body):
            changed.add("header")
        if self.link.apply(ev, body):
            changed.add("link")
        return changed

    def apply_all(self, events: Iterable[EventLike]) -> set[str]:
        """Fold a batch of events in order; return the names of the models changed."""
        changed: set[str] = set()
        for ev in events:
            changed |= self.apply(ev)
        return changed

    def _open(self, body: IncidentOpened) -> None:
        inc = body.incident
        self.info = IncidentInfo(
            id=str(inc.get("id", "")),
            name=str(inc.get("name", "")),
            timezone=str(inc.get("timezone") or "UTC"),
            commander=body.commander,
            position=body.position,
            agency=body.agency,
            scenario=body.scenario,
            zones={str(z["id"]): str(z.get("name", z["id"])) for z in inc.get("zones", [])},
            stations={str(s["id"]): str(s.get("name", s["id"])) for s in inc.get("stations", [])},
            feeds=body.feeds,
            key_metrics=body.key_metrics,
            raw=body.to_body(),
        )
        self.header.incident = self.info.id or self.header.incident
        self.header.incident_name = self.info.name
        for zid, name in self.info.zones.items():
            self.zones.add_zone(zid, name)
        for sid, name in self.info.stations.items():
            self.stations.add_station(sid, name)

    def counts(self) -> Counts:
        """The order, escalation and decision counts of the state folded so far."""
        rows = self.orders.rows
        by_state: dict[OrderState, int] = {}
        for r in rows:
            by_state[r.state] = by_state.get(r.state, 0) + 1
        return Counts(
            issued=len(rows),
            accepted=sum(1 for r in rows if r.reached(Step.ACCEPT)),
            completed=by_state.get(OrderState.COMPLETED, 0),
            declined=by_state.get(OrderState.DECLINED, 0),
            rejected=by_state.get(OrderState.REJECTED, 0),
            expired=by_state.get(OrderState.EXPIRED, 0),
            cancelled=by_state.get(OrderState.CANCELLED, 0),
            failed=by_state.get(OrderState.FAILED, 0),
            open=sum(1 for r in rows if r.state.open),
            late=sum(1 for r in rows if r.late),
            escalations=len(self.escalations),
            escalations_open=len(self.escalations.open()),
            decisions=len(self.decisions),
            suggestions=len(self.suggestions),
        )


def fold(events: Iterable[EventLike], me: str = "") -> IncidentState:
    """The state after every event of `events` (in journal order)."""
    state = IncidentState(me)
    state.apply_all(events)
    return state


def journal_times(events: Iterable[EventLike]) -> list[float]:
    """Each event's time on the journal's own clock: the running maximum of `ts` in seq order.

    An event is in the journal no earlier than the one before it, so "the journal at time t" is
    always a prefix: the events up to the first whose time is past t. Journals written since
    timestamps were clamped never step back; older ones (and events stamped with a sender's time)
    can, and a plain search over their raw times would fold a set that was never the journal."""
    times: list[float] = []
    top = float("-inf")
    for ev in events:
        top = max(top, ev.ts)
        times.append(top)
    return times


def fold_until(
    events: Iterable[EventLike], t: float, state: IncidentState | None = None
) -> IncidentState:
    """The state holding what was known at time `t` (events with ts ≤ t, in journal order)."""
    state = state or IncidentState()
    for ev in events:
        if ev.ts > t:
            break
        state.apply(ev)
    return state
