"""The event vocabulary: every journal event kind and its typed body, defined once.

Every event a journal holds (console, station or centre) has a `Kind` and a body. Writers build a
typed body (`OrderIssued(order=..., msg_id=...)`) and hand it to `Journal.record`, which stores
`body.kind` and `body.to_body()`; readers call `decode(event)` and get the typed body back. No
other module spells an event kind: they name `Kind` members or body classes.

The JSON shapes are the ones Baton has always journaled (a body's `to_body()` is the same dict as
before this module existed), so journals written by earlier versions open, fold and verify as
they are; readers are tolerant of fields earlier versions did not write. A kind this version does
not know decodes to `UnknownBody`, which the fold ignores.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Protocol, TypeAlias

from command.lifecycle import OrderState, Step
from command.model import Decision, Escalation, EscalationKind, Order

JSON: TypeAlias = Any


class Kind(StrEnum):
    """Every event kind a journal may hold."""

    INCIDENT_OPENED = "incident.opened"
    # orders
    ORDER_ISSUED = "order.issued"
    ORDER_RECEIVED = "order.received"
    ORDER_REJECTED = "order.rejected"  # a station refused an ORDER message (authority, malformed)
    ORDER_RECHAINED = "order.rechained"
    ORDER_CROSSED = "order.crossed"  # a step from the other end crossed a withdrawal on the wire
    ORDER_DELIVER = "order.deliver"
    ORDER_ACKNOWLEDGE = "order.acknowledge"
    ORDER_ACCEPT = "order.accept"
    ORDER_DECLINE = "order.decline"
    ORDER_REJECT = "order.reject"  # the console learnt that the station refused the order
    ORDER_START = "order.start"
    ORDER_PROGRESS = "order.progress"
    ORDER_COMPLETE = "order.complete"
    ORDER_FAIL = "order.fail"
    ORDER_CANCEL = "order.cancel"
    ORDER_EXPIRE = "order.expire"
    # the decision log
    DECISION_ADDED = "decision.added"
    DECISION_CORRECTED = "decision.corrected"
    # timers
    ESCALATION_RAISED = "escalation.raised"
    ESCALATION_RESOLVED = "escalation.resolved"
    # attention: the commander saw an item that needs a person (it stops being highlighted)
    ATTENTION_ACKNOWLEDGED = "attention.acknowledged"
    # presence and links
    STATION_ONLINE = "station.online"
    STATION_OFFLINE = "station.offline"
    LINK_UP = "link.up"
    LINK_DOWN = "link.down"
    AUTH_REJECTED = "auth.rejected"
    MESSAGE_REJECTED = "message.rejected"
    # delegation
    GRANT_ISSUED = "grant.issued"
    GRANT_NARROWED = "grant.narrowed"
    GRANT_REVOKED = "grant.revoked"
    HANDOVER = "handover"
    GRANTS_RECEIVED = "grants.received"
    # the picture
    SIGNAL_RECEIVED = "signal.received"
    ALERT_ISSUED = "alert.issued"
    PICTURE_LEVEL = "picture.level"
    PICTURE_VALUES = "picture.values"
    OBSERVATIONS_BATCH = "observations.batch"
    SUGGESTION_PROPOSED = "suggestion.proposed"
    SUGGESTION_APPROVED = "suggestion.approved"
    SUGGESTION_EDITED = "suggestion.edited"
    SUGGESTION_DISMISSED = "suggestion.dismissed"
    # integrity
    CHECKPOINT = "checkpoint"
    WITNESS_COSIGNED = "witness.cosigned"  # this journal's owner, as a witness, cosigned a peer's
    CHECKPOINT_COSIGNED = "checkpoint.cosigned"  # a witness cosigned one of this journal's
    WITNESS_REFUSED = "witness.refused"  # a witness refused a peer's checkpoint: fork evidence
    # the operations centre
    SITE_EVENT = "site.event"  # a centre's mirror of one event of a site's (or district's) journal
    SITREP_REQUESTED = "sitrep.requested"  # a centre asked a site for a situation report
    SITREP_SENT = "sitrep.sent"  # a site console answered a SITREP request


STEP_KIND: Mapping[Step, Kind] = {
    step: Kind(f"order.{step.value}") for step in Step if step is not Step.ISSUE
}
"""The event kind journaled for each order step (issuing is `order.issued`, with the order)."""
KIND_STEP: Mapping[Kind, Step] = {kind: step for step, kind in STEP_KIND.items()}
"""The order step an `order.<step>` kind records."""


class EventLike(Protocol):
    """What a reader needs of a journal event (a stored `Event`, or a test's stand-in)."""

    @property
    def seq(self) -> int: ...
    @property
    def ts(self) -> float: ...
    @property
    def actor(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def incident(self) -> str: ...
    @property
    def body(self) -> Mapping[str, JSON]: ...


class EventBody(Protocol):
    """A typed event body: knows its kind and its JSON form."""

    @property
    def kind(self) -> Kind: ...
    def to_body(self) -> dict[str, JSON]: ...


def _str(body: Mapping[str, JSON], key: str, default: str = "") -> str:
    value = body.get(key)
    return default if value is None else str(value)


def _float(body: Mapping[str, JSON], key: str) -> float | None:
    value = body.get(key)
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _map(value: JSON) -> dict[str, JSON]:
    return dict(value) if isinstance(value, Mapping) else {}


def _maps(value: JSON) -> tuple[dict[str, JSON], ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return ()
    return tuple(dict(v) for v in value if isinstance(v, Mapping))


# ---------------------------------------------------------------------------- incident


@dataclass(frozen=True, slots=True)
class IncidentOpened:
    """The incident a console journal is about: zones, stations, feeds, who commands."""

    incident: Mapping[str, JSON]
    commander: str = ""
    position: str = ""
    agency: str = ""
    scenario: str = ""
    speed: float = 1.0
    origin: float | None = None
    feeds: tuple[Mapping[str, JSON], ...] = ()
    key_metrics: tuple[Mapping[str, JSON], ...] = ()
    kind: ClassVar[Kind] = Kind.INCIDENT_OPENED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            "incident": dict(self.incident),
            "commander": self.commander,
            "position": self.position,
            "agency": self.agency,
            "scenario": self.scenario,
            "speed": self.speed,
            "origin": self.origin,
            "feeds": [dict(f) for f in self.feeds],
            "key_metrics": [dict(m) for m in self.key_metrics],
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> IncidentOpened:
        """Read the JSON form."""
        return cls(
            incident=_map(body.get("incident")),
            commander=_str(body, "commander"),
            position=_str(body, "position"),
            agency=_str(body, "agency"),
            scenario=_str(body, "scenario"),
            speed=_float(body, "speed") or 1.0,
            origin=_float(body, "origin"),
            feeds=_maps(body.get("feeds")),
            key_metrics=_maps(body.get("key_metrics")),
        )


# ---------------------------------------------------------------------------- orders


@dataclass(frozen=True, slots=True)
class OrderIssued:
    """The commander issued an order (committed before any byte leaves)."""

    order: Order
    msg_id: str = ""
    kind: ClassVar[Kind] = Kind.ORDER_ISSUED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {"order": self.order.to_dict(), "msg_id": self.msg_id}

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> OrderIssued:
        """Read the JSON form."""
        return cls(Order.from_dict(body["order"]), _str(body, "msg_id"))


@dataclass(frozen=True, slots=True)
class OrderReceived:
    """A station journaled an order it accepted onto its inbox, with what it verified."""

    order: Order
    msg_id: str = ""
    peer: str = ""
    verification: Mapping[str, JSON] | None = None
    kind: ClassVar[Kind] = Kind.ORDER_RECEIVED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            "order": self.order.to_dict(),
            "msg_id": self.msg_id,
            "peer": self.peer,
            "verification": None if self.verification is None else dict(self.verification),
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> OrderReceived:
        """Read the JSON form."""
        verification = body.get("verification")
        return cls(
            Order.from_dict(body["order"]),
            _str(body, "msg_id"),
            _str(body, "peer"),
            dict(verification) if isinstance(verification, Mapping) else None,
        )


@dataclass(frozen=True, slots=True)
class OrderRejected:
    """A station refused an ORDER message: the order is not on its inbox as executable."""

    order_id: str
    reason: str
    detail: str = ""
    order: Order | None = None
    grant_id: str = ""  # the grant the authority check failed on, when it names one
    kind: ClassVar[Kind] = Kind.ORDER_REJECTED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        body: dict[str, JSON] = {
            "order_id": self.order_id,
            "reason": self.reason,
            "detail": self.detail,
        }
        if self.order is not None:
            body["order"] = self.order.to_dict()
        if self.grant_id:
            body["grant_id"] = self.grant_id
        return body

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> OrderRejected:
        """Read the JSON form (the order itself is kept when it could be read)."""
        order: Order | None = None
        if isinstance(body.get("order"), Mapping):
            try:
                order = Order.from_dict(body["order"])
            except Exception:  # a malformed order is the reason it was rejected
                order = None
        order_id = _str(body, "order_id") or (order.id if order else "")
        return cls(
            order_id, _str(body, "reason"), _str(body, "detail"), order, _str(body, "grant_id")
        )


@dataclass(frozen=True, slots=True)
class OrderRechained:
    """A held order carried on under a successor's grant chain (handover)."""

    order_id: str
    grant_chain: tuple[str, ...]
    commander: str
    signature: str
    msg_id: str = ""
    kind: ClassVar[Kind] = Kind.ORDER_RECHAINED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            "order_id": self.order_id,
            "grant_chain": list(self.grant_chain),
            "commander": self.commander,
            "signature": self.signature,
            "msg_id": self.msg_id,
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> OrderRechained:
        """Read the JSON form."""
        return cls(
            _str(body, "order_id"),
            tuple(str(g) for g in body.get("grant_chain", ())),
            _str(body, "commander"),
            _str(body, "signature"),
            _str(body, "msg_id"),
        )


@dataclass(frozen=True, slots=True)
class OrderCrossed:
    """A step from the other end crossed the console's withdrawal (expiry or cancellation) on the
    wire. At the console: a station's report (`step`, made at `at` station time) reached an order
    already withdrawn; it is kept, not applied. At a station: the withdrawal reached an order the
    station had already finished (`step` is expire or cancel, `at` the console's time); the
    station's end state stands and the merge lists the order. `state` is this end's state."""

    order_id: str
    station: str
    step: str
    state: OrderState
    at: float
    msg_id: str = ""
    kind: ClassVar[Kind] = Kind.ORDER_CROSSED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            "order_id": self.order_id,
            "station": self.station,
            "step": self.step,
            "state": self.state.value,
            "at": self.at,
            "msg_id": self.msg_id,
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> OrderCrossed:
        """Read the JSON form."""
        return cls(
            _str(body, "order_id"),
            _str(body, "station"),
            _str(body, "step"),
            OrderState(_str(body, "state", "expired")),
            float(body.get("at", 0.0)),
            _str(body, "msg_id"),
        )


@dataclass(frozen=True, slots=True)
class OrderStepped:
    """An order took one step of its lifecycle (journaled as `order.<step>`)."""

    step: Step
    order_id: str
    state: OrderState
    detail: Mapping[str, JSON] = field(default_factory=dict)

    @property
    def kind(self) -> Kind:
        """`order.<step>`."""
        return STEP_KIND[self.step]

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {"order_id": self.order_id, "state": self.state.value, "detail": dict(self.detail)}

    @classmethod
    def read(cls, kind: Kind, body: Mapping[str, JSON]) -> OrderStepped:
        """Read the JSON form of an `order.<step>` event.

        Consoles before the `reject` step journaled a station's refusal as a decline whose reason
        starts with "authority:"; that is read as the rejection it was.
        """
        step = KIND_STEP[kind]
        detail = _map(body.get("detail"))
        state = OrderState(_str(body, "state", "issued"))
        reason = str(detail.get("reason", ""))
        if step is Step.DECLINE and reason.startswith("authority:"):
            step, state = Step.REJECT, OrderState.REJECTED
            detail = {**detail, "reason": reason.removeprefix("authority:")}
        return cls(step, _str(body, "order_id"), state, detail)


# ---------------------------------------------------------------------------- decisions


@dataclass(frozen=True, slots=True)
class DecisionAdded:
    """A decision-log entry."""

    decision: Decision
    kind: ClassVar[Kind] = Kind.DECISION_ADDED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {"decision": self.decision.to_dict()}

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> DecisionAdded:
        """Read the JSON form."""
        return cls(Decision.from_dict(body["decision"]))


@dataclass(frozen=True, slots=True)
class DecisionCorrected:
    """A new entry that strikes an earlier one through, with the reason."""

    decision: Decision
    corrects: str
    reason: str
    kind: ClassVar[Kind] = Kind.DECISION_CORRECTED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            "decision": self.decision.to_dict(),
            "corrects": self.corrects,
            "reason": self.reason,
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> DecisionCorrected:
        """Read the JSON form."""
        decision = Decision.from_dict(body["decision"])
        return cls(
            decision,
            _str(body, "corrects") or (decision.corrects or ""),
            _str(body, "reason") or decision.correction_reason,
        )


# ---------------------------------------------------------------------------- escalations


@dataclass(frozen=True, slots=True)
class EscalationRaised:
    """An order timer warned the commander."""

    escalation: Escalation
    kind: ClassVar[Kind] = Kind.ESCALATION_RAISED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        e = self.escalation
        return {
            "escalation": {
                "id": e.id,
                "order_id": e.order_id,
                "station": e.station,
                "kind": e.kind.value,
                "raised_at": e.raised_at,
                "message": e.message,
            }
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> EscalationRaised:
        """Read the JSON form."""
        e = _map(body.get("escalation"))
        return cls(
            Escalation(
                id=_str(e, "id"),
                order_id=_str(e, "order_id"),
                station=_str(e, "station"),
                kind=EscalationKind(_str(e, "kind", EscalationKind.OVERDUE.value)),
                raised_at=_float(e, "raised_at") or 0.0,
                message=_str(e, "message"),
            )
        )


@dataclass(frozen=True, slots=True)
class EscalationResolved:
    """An escalation no longer applies (the order moved on)."""

    id: str
    kind: ClassVar[Kind] = Kind.ESCALATION_RESOLVED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {"id": self.id}

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> EscalationResolved:
        """Read the JSON form."""
        return cls(_str(body, "id"))


class AttentionSubject(StrEnum):
    """What an acknowledgement is about."""

    ORDER = "order"
    ESCALATION = "escalation"
    INTEGRITY = "integrity"  # an integrity alarm (a witness's refusal), by its event's seq


@dataclass(frozen=True, slots=True)
class AttentionAcknowledged:
    """The commander acknowledged an item that needed attention (an escalation, or a late,
    expired, declined or rejected order): it stays on record but is no longer highlighted."""

    subject: str  # an AttentionSubject value: "order" | "escalation" | "integrity"
    id: str
    by: str = ""
    note: str = ""
    kind: ClassVar[Kind] = Kind.ATTENTION_ACKNOWLEDGED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {"subject": self.subject, "id": self.id, "by": self.by, "note": self.note}

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> AttentionAcknowledged:
        """Read the JSON form."""
        return cls(
            _str(body, "subject", AttentionSubject.ORDER.value),
            _str(body, "id"),
            _str(body, "by"),
            _str(body, "note"),
        )


# ---------------------------------------------------------------------------- presence, links


@dataclass(frozen=True, slots=True)
class StationPresence:
    """A station came online or went offline, as the console saw it."""

    station: str
    online: bool
    detail: str = ""

    @property
    def kind(self) -> Kind:
        """`station.online` or `station.offline`."""
        return Kind.STATION_ONLINE if self.online else Kind.STATION_OFFLINE

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {"station": self.station, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class LinkChanged:
    """The link to a peer came up or went down, as this end saw it."""

    peer: str
    up: bool
    detail: str = ""

    @property
    def kind(self) -> Kind:
        """`link.up` or `link.down`."""
        return Kind.LINK_UP if self.up else Kind.LINK_DOWN

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        body: dict[str, JSON] = {"peer": self.peer}
        if self.detail:
            body["detail"] = self.detail
        return body


@dataclass(frozen=True, slots=True)
class AuthRejected:
    """Handshakes or messages refused for transport identity (a rate-limited summary)."""

    reason: str
    detail: Mapping[str, JSON] = field(default_factory=dict)
    kind: ClassVar[Kind] = Kind.AUTH_REJECTED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {**dict(self.detail), "reason": self.reason}

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> AuthRejected:
        """Read the JSON form."""
        return cls(_str(body, "reason"), {k: v for k, v in body.items() if k != "reason"})


@dataclass(frozen=True, slots=True)
class MessageRejected:
    """A message refused by a peer, or a peer's report refused here, with the reason."""

    peer: str
    msg_id: str
    code: str
    text: str
    by: str = ""
    kind: ClassVar[Kind] = Kind.MESSAGE_REJECTED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        body: dict[str, JSON] = {
            "peer": self.peer,
            "msg_id": self.msg_id,
            "code": self.code,
            "text": self.text,
        }
        if self.by:
            body["by"] = self.by
        return body

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> MessageRejected:
        """Read the JSON form."""
        return cls(
            _str(body, "peer"),
            _str(body, "msg_id"),
            _str(body, "code"),
            _str(body, "text"),
            _str(body, "by"),
        )


# ---------------------------------------------------------------------------- delegation


@dataclass(frozen=True, slots=True)
class GrantRecorded:
    """A grant issued (by a root) or narrowed (a sub-delegation), as its signed document."""

    grant: Mapping[str, JSON]
    narrowed: bool = False

    @property
    def kind(self) -> Kind:
        """`grant.issued` or `grant.narrowed`."""
        return Kind.GRANT_NARROWED if self.narrowed else Kind.GRANT_ISSUED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {"grant": dict(self.grant)}


@dataclass(frozen=True, slots=True)
class GrantRevoked:
    """A signed revocation of a grant (and of everything below it)."""

    revocation: Mapping[str, JSON]
    grant_id: str
    kind: ClassVar[Kind] = Kind.GRANT_REVOKED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {"revocation": dict(self.revocation), "grant_id": self.grant_id}

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> GrantRevoked:
        """Read the JSON form (early versions journaled the revocation bare)."""
        revocation = _map(body.get("revocation", body))
        gid = _str(body, "grant_id") or _str(revocation, "grant_id")
        return cls(revocation, gid)


@dataclass(frozen=True, slots=True)
class Handover:
    """Command handed to a successor: the new grant, the old one's revocation, moved orders."""

    from_: str
    to: str
    old_grant_id: str
    grant: Mapping[str, JSON]
    revocation: Mapping[str, JSON]
    effective_at: float
    rechained: tuple[Mapping[str, JSON], ...] = ()
    kind: ClassVar[Kind] = Kind.HANDOVER

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            "from": self.from_,
            "to": self.to,
            "old_grant_id": self.old_grant_id,
            "grant": dict(self.grant),
            "revocation": dict(self.revocation),
            "effective_at": self.effective_at,
            "rechained": [dict(o) for o in self.rechained],
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> Handover:
        """Read the JSON form."""
        return cls(
            _str(body, "from"),
            _str(body, "to"),
            _str(body, "old_grant_id"),
            _map(body.get("grant", body.get("new"))),
            _map(body.get("revocation")),
            _float(body, "effective_at") or 0.0,
            _maps(body.get("rechained")),
        )


@dataclass(frozen=True, slots=True)
class GrantsReceived:
    """A station received grant and revocation documents (and what it found wrong with them)."""

    documents: tuple[Mapping[str, JSON], ...]
    problems: tuple[str, ...] = ()
    kind: ClassVar[Kind] = Kind.GRANTS_RECEIVED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {"documents": [dict(d) for d in self.documents], "problems": list(self.problems)}

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> GrantsReceived:
        """Read the JSON form."""
        return cls(_maps(body.get("documents")), tuple(map(str, body.get("problems") or ())))


# ---------------------------------------------------------------------------- the picture


@dataclass(frozen=True, slots=True)
class SignalReceived:
    """An incoming signal (e.g. a CAP alert) that playbooks may trigger on."""

    signal: Mapping[str, JSON]
    kind: ClassVar[Kind] = Kind.SIGNAL_RECEIVED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {"signal": dict(self.signal)}

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> SignalReceived:
        """Read the JSON form."""
        return cls(_map(body.get("signal")))


@dataclass(frozen=True, slots=True)
class AlertIssued:
    """A public alert the commander issued (CAP fields)."""

    alert: Mapping[str, JSON]
    kind: ClassVar[Kind] = Kind.ALERT_ISSUED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form: the alert's fields themselves."""
        return dict(self.alert)

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> AlertIssued:
        """Read the JSON form."""
        return cls(dict(body))


@dataclass(frozen=True, slots=True)
class PictureLevel:
    """A zone's risk level changed (with the indicator and value that moved it)."""

    zone: str
    level: str
    previous: str = ""
    indicator: str = ""
    value: float | None = None
    kind: ClassVar[Kind] = Kind.PICTURE_LEVEL

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            "zone": self.zone,
            "level": self.level,
            "previous": self.previous,
            "indicator": self.indicator,
            "value": self.value,
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> PictureLevel:
        """Read the JSON form (a level given as a number is read as its colour)."""
        level = body.get("level")
        if isinstance(level, int | float) and not isinstance(level, bool):
            level = LEVEL_NAMES[min(4, max(0, int(level)))]
        return cls(
            _str(body, "zone"),
            str(level or "green").lower(),
            _str(body, "previous"),
            _str(body, "indicator"),
            _float(body, "value"),
        )


LEVEL_NAMES = ("green", "blue", "yellow", "orange", "red")
"""The five risk levels, lowest first."""


@dataclass(frozen=True, slots=True)
class PictureValues:
    """The fused estimate of every indicator that changed since the last such event.

    `values` maps zone → indicator → value (NaN never appears: an indicator with no estimate is
    left out); `stale` lists every "zone/indicator" whose feeds are silent now (the whole set,
    each time). The console journals one per picture tick and before every decision snapshot,
    so every view (live, replay, report) reads the same fused values.
    """

    values: Mapping[str, Mapping[str, float]]
    stale: tuple[str, ...] = ()
    kind: ClassVar[Kind] = Kind.PICTURE_VALUES

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            "values": {z: dict(m) for z, m in self.values.items()},
            "stale": list(self.stale),
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> PictureValues:
        """Read the JSON form."""
        values: dict[str, dict[str, float]] = {}
        for zone, metrics in _map(body.get("values")).items():
            if isinstance(metrics, Mapping):
                values[str(zone)] = {str(k): float(v) for k, v in metrics.items() if v is not None}
        return cls(values, tuple(map(str, body.get("stale") or ())))


@dataclass(frozen=True, slots=True)
class ObservationsBatch:
    """A batch of feed values stored in `observations`, covered by one digest in the chain."""

    count: int
    digest: str
    first_ts: float
    last_ts: float
    kind: ClassVar[Kind] = Kind.OBSERVATIONS_BATCH

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            "count": self.count,
            "digest": self.digest,
            "first_ts": self.first_ts,
            "last_ts": self.last_ts,
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> ObservationsBatch:
        """Read the JSON form."""
        return cls(
            int(body.get("count", 0)),
            _str(body, "digest"),
            _float(body, "first_ts") or 0.0,
            _float(body, "last_ts") or 0.0,
        )


class SuggestionOutcome(StrEnum):
    """What became of a playbook suggestion."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    EDITED = "edited"
    DISMISSED = "dismissed"


_SUGGESTION_KIND = {o: Kind(f"suggestion.{o.value}") for o in SuggestionOutcome}


@dataclass(frozen=True, slots=True)
class SuggestionRecorded:
    """A playbook suggestion proposed, or what the commander did with it."""

    outcome: SuggestionOutcome
    suggestion_id: str
    playbook: str
    reason: str
    orders: tuple[Mapping[str, JSON], ...]
    by: str = ""
    why: str = ""
    title: str = ""
    zone: str | None = None
    signal: str | None = None
    trigger: Mapping[str, JSON] = field(default_factory=dict)
    original: tuple[Mapping[str, JSON], ...] = ()

    @property
    def kind(self) -> Kind:
        """`suggestion.<outcome>`."""
        return _SUGGESTION_KIND[self.outcome]

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        body: dict[str, JSON] = {
            "suggestion_id": self.suggestion_id,
            "playbook": self.playbook,
            "reason": self.reason,
            "orders": [dict(o) for o in self.orders],
            "by": self.by,
            "why": self.why,
        }
        if self.outcome is SuggestionOutcome.PROPOSED:
            body.update(
                title=self.title, zone=self.zone, signal=self.signal, trigger=dict(self.trigger)
            )
        if self.outcome is SuggestionOutcome.EDITED:
            body["original"] = [dict(o) for o in self.original]
        return body

    @classmethod
    def read(cls, kind: Kind, body: Mapping[str, JSON]) -> SuggestionRecorded:
        """Read the JSON form of a `suggestion.<outcome>` event."""
        zone, signal = body.get("zone"), body.get("signal")
        return cls(
            SuggestionOutcome(kind.value.split(".", 1)[1]),
            _str(body, "suggestion_id"),
            _str(body, "playbook"),
            _str(body, "reason"),
            _maps(body.get("orders")),
            _str(body, "by"),
            _str(body, "why"),
            _str(body, "title"),
            None if zone is None else str(zone),
            None if signal is None else str(signal),
            _map(body.get("trigger")),
            _maps(body.get("original")),
        )


# ---------------------------------------------------------------------------- integrity


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signature over the chain head (seq and hash) by the journal's signer.

    Since checkpoints became periodic a checkpoint names its journal (`origin`, see
    `command.journal.checkpoints.Origin`), its time `ts` (journal clock), why it was made
    (`reason`: "events", "interval", "close", "witness" or "manual") and the policy the signer
    follows (`every_events`, `every_s` in journal-clock seconds); the signature covers all of
    them (`command.journal.checkpoints.checkpoint_note`). A checkpoint written before then has
    `origin == ""` and its signature covers only `{head_seq, head_hash}`.
    """

    head_seq: int
    head_hash: str
    key: str
    signature: str
    origin: str = ""
    ts: float = 0.0
    reason: str = ""
    every_events: int = 0
    every_s: float = 0.0
    kind: ClassVar[Kind] = Kind.CHECKPOINT

    def to_body(self) -> dict[str, JSON]:
        """The JSON form (the legacy four fields only for a legacy checkpoint)."""
        body: dict[str, JSON] = {
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "key": self.key,
            "signature": self.signature,
        }
        if self.origin:
            body.update(
                origin=self.origin,
                ts=self.ts,
                reason=self.reason,
                every_events=self.every_events,
                every_s=self.every_s,
            )
        return body

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> Checkpoint:
        """Read the JSON form."""
        return cls(
            int(body.get("head_seq", 0)),
            _str(body, "head_hash"),
            _str(body, "key"),
            _str(body, "signature"),
            _str(body, "origin"),
            _float(body, "ts") or 0.0,
            _str(body, "reason"),
            int(body.get("every_events", 0) or 0),
            _float(body, "every_s") or 0.0,
        )


@dataclass(frozen=True, slots=True)
class Cosigned:
    """A witness's cosignature over a peer's checkpoint (C2SP tlog-cosignature style).

    Journaled twice: by the witness as `witness.cosigned` (`mine=True`: "I cosigned this
    checkpoint of that origin"), and by the checkpoint's signer as `checkpoint.cosigned`
    (`mine=False`: "this witness cosigned my checkpoint"). `witness` is the witness's name
    (station id, console name or centre name), `witness_key` its Ed25519 key (hex), `ts` the
    witness's time (integer seconds of its clock), `signature` over
    `command.journal.checkpoints.cosignature_message`.
    """

    checkpoint: Checkpoint
    witness: str
    witness_key: str
    ts: int
    signature: str
    mine: bool = True
    CHECKPOINT_FIELD: ClassVar[str] = "checkpoint"  # where the JSON form holds the checkpoint

    @property
    def kind(self) -> Kind:
        """`witness.cosigned` or `checkpoint.cosigned`."""
        return Kind.WITNESS_COSIGNED if self.mine else Kind.CHECKPOINT_COSIGNED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            self.CHECKPOINT_FIELD: self.checkpoint.to_body(),
            "witness": self.witness,
            "witness_key": self.witness_key,
            "ts": self.ts,
            "signature": self.signature,
        }

    @classmethod
    def read(cls, body: Mapping[str, JSON], *, mine: bool) -> Cosigned:
        """Read the JSON form."""
        return cls(
            Checkpoint.from_body(_map(body.get("checkpoint"))),
            _str(body, "witness"),
            _str(body, "witness_key"),
            int(body.get("ts", 0) or 0),
            _str(body, "signature"),
            mine,
        )


class RefusalReason(StrEnum):
    """Why a witness refused a checkpoint (`witness.refused`)."""

    SMALLER = "smaller"  # a smaller size than one it cosigned for that origin: truncated
    FORK = "fork"  # a different head at a size it cosigned: the chain was rewritten
    INCONSISTENT = "inconsistent"  # the signer's own head at the witnessed size differs
    BAD_SIGNATURE = "bad_signature"  # not signed by the origin's key
    WRONG_KEY = "wrong_key"  # signed by another key than the origin's earlier checkpoints


@dataclass(frozen=True, slots=True)
class WitnessRefused:
    """A witness refused a checkpoint; the evidence is kept whole.

    `stored` is the last checkpoint the witness cosigned for that origin, `offered` the one
    refused, `prior` the signer's own checkpoint at the witnessed size when it sent one (the
    proof of consistency that did not match). Journaled by the witness (`reported_by ==
    witness`) and, when the refusal reaches it, by the signer of the checkpoint.
    """

    witness: str
    reason: RefusalReason
    stored: Checkpoint | None
    offered: Checkpoint
    prior: Checkpoint | None = None
    detail: str = ""
    kind: ClassVar[Kind] = Kind.WITNESS_REFUSED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            "witness": self.witness,
            "reason": self.reason.value,
            "stored": None if self.stored is None else self.stored.to_body(),
            "offered": self.offered.to_body(),
            "prior": None if self.prior is None else self.prior.to_body(),
            "detail": self.detail,
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> WitnessRefused:
        """Read the JSON form."""
        stored, prior = body.get("stored"), body.get("prior")
        return cls(
            _str(body, "witness"),
            RefusalReason(_str(body, "reason")),
            Checkpoint.from_body(stored) if isinstance(stored, Mapping) else None,
            Checkpoint.from_body(_map(body.get("offered"))),
            Checkpoint.from_body(prior) if isinstance(prior, Mapping) else None,
            _str(body, "detail"),
        )


# ---------------------------------------------------------------------------- the centre


@dataclass(frozen=True, slots=True)
class SiteEvent:
    """A centre's mirror of one event of a site console's journal (or, one level up, of a
    district centre's journal), as shipped up the centre link.

    `site` is the sending console's (or centre's) name and `origin` its checkpoint origin;
    `seq`, `ts`, `actor`, `event_kind`, `incident`, `body` and `hash` are the site event's own,
    so the centre can fold a site's events with the same fold the site uses and check them
    against the site's witnessed checkpoints. Events are mirrored once each, in seq order.
    """

    site: str
    origin: str
    seq: int
    ts: float
    actor: str
    event_kind: str
    incident: str
    body: Mapping[str, JSON]
    hash: str
    kind: ClassVar[Kind] = Kind.SITE_EVENT

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            "site": self.site,
            "origin": self.origin,
            "seq": self.seq,
            "ts": self.ts,
            "actor": self.actor,
            "kind": self.event_kind,
            "incident": self.incident,
            "body": dict(self.body),
            "hash": self.hash,
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> SiteEvent:
        """Read the JSON form."""
        return cls(
            _str(body, "site"),
            _str(body, "origin"),
            int(body.get("seq", 0)),
            _float(body, "ts") or 0.0,
            _str(body, "actor"),
            _str(body, "kind"),
            _str(body, "incident"),
            _map(body.get("body")),
            _str(body, "hash"),
        )


@dataclass(frozen=True, slots=True)
class SitrepRequested:
    """A centre asked a site for a situation report by `due_ts` (journaled by the centre when it
    asks and by the site console when the request arrives)."""

    sitrep_id: str
    site: str
    due_ts: float
    asked_by: str
    note: str = ""
    kind: ClassVar[Kind] = Kind.SITREP_REQUESTED

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            "sitrep_id": self.sitrep_id,
            "site": self.site,
            "due_ts": self.due_ts,
            "asked_by": self.asked_by,
            "note": self.note,
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> SitrepRequested:
        """Read the JSON form."""
        return cls(
            _str(body, "sitrep_id"),
            _str(body, "site"),
            _float(body, "due_ts") or 0.0,
            _str(body, "asked_by"),
            _str(body, "note"),
        )


@dataclass(frozen=True, slots=True)
class SitrepSent:
    """A site console's situation report: `summary` composed from its picture (zones and levels,
    order counts, open escalations, decisions since the last report), the commander's `remarks`.
    It reaches the centre like every site event (mirrored as a `site.event`)."""

    sitrep_id: str
    summary: Mapping[str, JSON]
    remarks: str
    by: str
    kind: ClassVar[Kind] = Kind.SITREP_SENT

    def to_body(self) -> dict[str, JSON]:
        """The JSON form."""
        return {
            "sitrep_id": self.sitrep_id,
            "summary": dict(self.summary),
            "remarks": self.remarks,
            "by": self.by,
        }

    @classmethod
    def from_body(cls, body: Mapping[str, JSON]) -> SitrepSent:
        """Read the JSON form."""
        return cls(
            _str(body, "sitrep_id"),
            _map(body.get("summary")),
            _str(body, "remarks"),
            _str(body, "by"),
        )


@dataclass(frozen=True, slots=True)
class UnknownBody:
    """An event of a kind this version does not know (kept as it is, ignored by the fold)."""

    raw_kind: str
    body: Mapping[str, JSON]

    def to_body(self) -> dict[str, JSON]:
        """The JSON form, unchanged."""
        return dict(self.body)


Body: TypeAlias = (
    IncidentOpened
    | OrderIssued
    | OrderReceived
    | OrderRejected
    | OrderRechained
    | OrderCrossed
    | OrderStepped
    | DecisionAdded
    | DecisionCorrected
    | EscalationRaised
    | EscalationResolved
    | AttentionAcknowledged
    | StationPresence
    | LinkChanged
    | AuthRejected
    | MessageRejected
    | GrantRecorded
    | GrantRevoked
    | Handover
    | GrantsReceived
    | SignalReceived
    | AlertIssued
    | PictureLevel
    | PictureValues
    | ObservationsBatch
    | SuggestionRecorded
    | Checkpoint
    | Cosigned
    | WitnessRefused
    | SiteEvent
    | SitrepRequested
    | SitrepSent
    | UnknownBody
)
"""Every typed body `decode` can return."""


def decode_body(kind: str, body: Mapping[str, JSON]) -> Body:
    """The typed body of an event of `kind`; `UnknownBody` for a kind this version lacks.

    Raises `KeyError`, `ValueError` or `ValidationError` when a known kind's body is malformed.
    """
    try:
        k = Kind(kind)
    except ValueError:
        return UnknownBody(kind, body)
    if k in KIND_STEP:
        return OrderStepped.read(k, body)
    if k in _SUGGESTION_KIND.values():
        return SuggestionRecorded.read(k, body)
    if k in (Kind.STATION_ONLINE, Kind.STATION_OFFLINE):
        return StationPresence(
            _str(body, "station"), k is Kind.STATION_ONLINE, _str(body, "detail")
        )
    if k in (Kind.LINK_UP, Kind.LINK_DOWN):
        return LinkChanged(_str(body, "peer"), k is Kind.LINK_UP, _str(body, "detail"))
    if k in (Kind.WITNESS_COSIGNED, Kind.CHECKPOINT_COSIGNED):
        return Cosigned.read(body, mine=k is Kind.WITNESS_COSIGNED)
    if k in (Kind.GRANT_ISSUED, Kind.GRANT_NARROWED):
        grant = body.get("grant", body)
        return GrantRecorded(_map(grant), k is Kind.GRANT_NARROWED)
    reader: Callable[[Mapping[str, JSON]], Body] = _READERS[k]
    return reader(body)


_READERS: Mapping[Kind, Callable[[Mapping[str, JSON]], Body]] = {
    Kind.INCIDENT_OPENED: IncidentOpened.from_body,
    Kind.ORDER_ISSUED: OrderIssued.from_body,
    Kind.ORDER_RECEIVED: OrderReceived.from_body,
    Kind.ORDER_REJECTED: OrderRejected.from_body,
    Kind.ORDER_RECHAINED: OrderRechained.from_body,
    Kind.ORDER_CROSSED: OrderCrossed.from_body,
    Kind.DECISION_ADDED: DecisionAdded.from_body,
    Kind.DECISION_CORRECTED: DecisionCorrected.from_body,
    Kind.ESCALATION_RAISED: EscalationRaised.from_body,
    Kind.ESCALATION_RESOLVED: EscalationResolved.from_body,
    Kind.ATTENTION_ACKNOWLEDGED: AttentionAcknowledged.from_body,
    Kind.AUTH_REJECTED: AuthRejected.from_body,
    Kind.MESSAGE_REJECTED: MessageRejected.from_body,
    Kind.GRANT_REVOKED: GrantRevoked.from_body,
    Kind.HANDOVER: Handover.from_body,
    Kind.GRANTS_RECEIVED: GrantsReceived.from_body,
    Kind.SIGNAL_RECEIVED: SignalReceived.from_body,
    Kind.ALERT_ISSUED: AlertIssued.from_body,
    Kind.PICTURE_LEVEL: PictureLevel.from_body,
    Kind.PICTURE_VALUES: PictureValues.from_body,
    Kind.OBSERVATIONS_BATCH: ObservationsBatch.from_body,
    Kind.CHECKPOINT: Checkpoint.from_body,
    Kind.WITNESS_REFUSED: WitnessRefused.from_body,
    Kind.SITE_EVENT: SiteEvent.from_body,
    Kind.SITREP_REQUESTED: SitrepRequested.from_body,
    Kind.SITREP_SENT: SitrepSent.from_body,
}


def decode(event: EventLike) -> Body:
    """The typed body of a journal event (see `decode_body`)."""
    return decode_body(event.kind, event.body)
