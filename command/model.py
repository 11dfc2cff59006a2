"""Domain types: frozen, typed dataclasses shared by every layer.

Times are UTC epoch seconds (float). JSON-shaped values (order parameters, snapshots) are plain
dicts held by frozen dataclasses; treat them as read-only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import IntEnum, StrEnum
from typing import Any, Literal

from command.errors import ValidationError

JSON = Any
ParamType = Literal["int", "float", "str", "bool", "choice"]


class RiskLevel(IntEnum):
    """The five-colour risk scale, lowest to highest."""

    GREEN = 0
    BLUE = 1
    YELLOW = 2
    ORANGE = 3
    RED = 4

    @property
    def label(self) -> str:
        """Lower-case colour name, as used in scenario files and on the wire."""
        return self.name.lower()


class Priority(IntEnum):
    """How urgent an order is."""

    ROUTINE = 1
    URGENT = 2
    IMMEDIATE = 3


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One typed parameter of an order kind, with its range or choices."""

    name: str
    type: ParamType
    title: str = ""
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    required: bool = True
    default: JSON = None

    def validate(self, value: JSON) -> JSON:
        """Return `value` coerced to this parameter's type, or raise `ValidationError`."""
        where = f"parameter {self.name!r}"
        if value is None:
            if self.required and self.default is None:
                raise ValidationError(f"{where} is required")
            return self.default
        if self.type == "bool":
            if not isinstance(value, bool):
                raise ValidationError(f"{where} must be true or false, got {value!r}")
            return value
        if self.type in ("int", "float"):
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise ValidationError(f"{where} must be a number, got {value!r}")
            try:
                number: float = float(value)
            except ValueError:
                raise ValidationError(f"{where} must be a number, got {value!r}") from None
            if not math.isfinite(number):
                raise ValidationError(f"{where} must be a finite number, got {value!r}")
            if self.type == "int":
                if number != int(number):
                    raise ValidationError(f"{where} must be a whole number, got {value!r}")
                number = int(number)
            if self.minimum is not None and number < self.minimum:
                raise ValidationError(f"{where} must be at least {self.minimum:g}, got {value}")
            if self.maximum is not None and number > self.maximum:
                raise ValidationError(f"{where} must be at most {self.maximum:g}, got {value}")
            return number
        if self.type == "choice":
            if value not in self.choices:
                raise ValidationError(
                    f"{where} must be one of {', '.join(self.choices)}, got {value!r}"
                )
            return value
        if not isinstance(value, str):
            raise ValidationError(f"{where} must be text, got {value!r}")
        return value


@dataclass(frozen=True, slots=True)
class OrderKind:
    """A kind of order a station offers (its catalogue entry), with typed parameters."""

    name: str
    title: str
    params: tuple[ParamSpec, ...] = ()
    ack_deadline_s: float = 120.0
    due_s: float = 900.0
    description: str = ""

    def validate_params(self, params: Mapping[str, JSON]) -> dict[str, JSON]:
        """Return the parameters validated and coerced, or raise naming the kind and parameter."""
        known = {p.name for p in self.params}
        unknown = sorted(set(params) - known)
        if unknown:
            raise ValidationError(f"order kind {self.name!r} has no parameter {unknown[0]!r}")
        out: dict[str, JSON] = {}
        for spec in self.params:
            try:
                out[spec.name] = spec.validate(params.get(spec.name))
            except ValidationError as err:
                raise ValidationError(f"order kind {self.name!r}: {err}") from None
        return out


@dataclass(frozen=True, slots=True)
class Zone:
    """An area of the incident with its own picture and risk level."""

    id: str
    name: str
    area_m2: float
    description: str = ""


@dataclass(frozen=True, slots=True)
class Station:
    """An agency station that receives orders, with its catalogue of order kinds."""

    id: str
    name: str
    agency: str
    catalogue: tuple[OrderKind, ...] = ()

    def kind(self, name: str) -> OrderKind:
        """The catalogue entry called `name`, or `ValidationError` naming the station."""
        for kind in self.catalogue:
            if kind.name == name:
                return kind
        raise ValidationError(f"station {self.id!r} offers no order kind {name!r}")


@dataclass(frozen=True, slots=True)
class Incident:
    """One incident under delegated command."""

    id: str
    name: str
    timezone: str
    zones: tuple[Zone, ...] = ()
    stations: tuple[Station, ...] = ()

    def zone(self, zone_id: str) -> Zone:
        """The zone with this id, or `ValidationError`."""
        for zone in self.zones:
            if zone.id == zone_id:
                return zone
        raise ValidationError(f"incident {self.id!r} has no zone {zone_id!r}")

    def station(self, station_id: str) -> Station:
        """The station with this id, or `ValidationError`."""
        for station in self.stations:
            if station.id == station_id:
                return station
        raise ValidationError(f"incident {self.id!r} has no station {station_id!r}")


@dataclass(frozen=True, slots=True)
class Order:
    """An order from the commander to one station, moving through `command.lifecycle`'s states.

    `signature` is the commander's Ed25519 signature (hex) over `signing_payload()`; it is empty
    until signed.
    """

    id: str
    incident: str
    station: str
    kind: str
    params: dict[str, JSON]
    zone: str
    priority: Priority
    issued_at: float
    ack_deadline: float
    due: float
    text: str
    grant_chain: tuple[str, ...]
    decision_id: str
    commander: str
    signature: str = ""

    def signing_payload(self) -> dict[str, JSON]:
        """Everything the signature covers: the whole order but the signature itself."""
        body = self.to_dict()
        del body["signature"]
        return body

    def to_dict(self) -> dict[str, JSON]:
        """JSON-ready form."""
        body = asdict(self)
        body["priority"] = int(self.priority)
        body["grant_chain"] = list(self.grant_chain)
        return body

    @classmethod
    def from_dict(cls, body: Mapping[str, JSON]) -> Order:
        """Rebuild from `to_dict` output; raises `ValidationError` on a missing or bad field."""
        try:
            return cls(
                id=str(body["id"]),
                incident=str(body["incident"]),
                station=str(body["station"]),
                kind=str(body["kind"]),
                params=dict(body["params"]),
                zone=str(body["zone"]),
                priority=Priority(int(body["priority"])),
                issued_at=float(body["issued_at"]),
                ack_deadline=float(body["ack_deadline"]),
                due=float(body["due"]),
                text=str(body["text"]),
                grant_chain=tuple(str(g) for g in body["grant_chain"]),
                decision_id=str(body["decision_id"]),
                commander=str(body["commander"]),
                signature=str(body.get("signature", "")),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ValidationError(f"order is malformed: {err!r}") from None


class DecisionKind(StrEnum):
    """What produced a decision entry."""

    MANUAL = "manual"  # written by the commander
    ORDER = "order"  # made automatically with every order
    SUGGESTION = "suggestion"  # approving, editing or dismissing a playbook suggestion
    CORRECTION = "correction"  # strikes an earlier entry through


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision-log entry with the Joint Decision Model fields.

    Never erased: a correction is a new entry whose `corrects` names the struck entry and whose
    `correction_reason` says why. `snapshot` is the fused picture at the moment of the decision.
    """

    id: str
    incident: str
    ts: float
    author: str
    decision: str
    rationale: str
    information: str = ""
    risk_assessment: str = ""
    powers_policy: str = ""
    options: str = ""
    kind: DecisionKind = DecisionKind.MANUAL
    order_ids: tuple[str, ...] = ()
    snapshot: dict[str, JSON] = field(default_factory=dict)
    corrects: str | None = None
    correction_reason: str = ""

    def to_dict(self) -> dict[str, JSON]:
        """JSON-ready form."""
        body = asdict(self)
        body["kind"] = self.kind.value
        body["order_ids"] = list(self.order_ids)
        return body

    @classmethod
    def from_dict(cls, body: Mapping[str, JSON]) -> Decision:
        """Rebuild from `to_dict` output."""
        try:
            return cls(
                id=str(body["id"]),
                incident=str(body["incident"]),
                ts=float(body["ts"]),
                author=str(body["author"]),
                decision=str(body["decision"]),
                rationale=str(body["rationale"]),
                information=str(body.get("information", "")),
                risk_assessment=str(body.get("risk_assessment", "")),
                powers_policy=str(body.get("powers_policy", "")),
                options=str(body.get("options", "")),
                kind=DecisionKind(body.get("kind", "manual")),
                order_ids=tuple(str(o) for o in body.get("order_ids", ())),
                snapshot=dict(body.get("snapshot") or {}),
                corrects=body.get("corrects"),
                correction_reason=str(body.get("correction_reason", "")),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ValidationError(f"decision is malformed: {err!r}") from None


class EscalationKind(StrEnum):
    """Why the commander is being warned about an order."""

    UNDELIVERED = "undelivered"  # not delivered 30 s after issue: station unreachable
    NOT_ACCEPTED = "not_accepted"  # not accepted by its acknowledgement deadline
    OVERDUE = "overdue"  # not completed by its due time


@dataclass(frozen=True, slots=True)
class Escalation:
    """A warning raised by an order timer; open until resolved."""

    id: str
    order_id: str
    station: str
    kind: EscalationKind
    raised_at: float
    message: str
    resolved_at: float | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """One feed value: what a source reported for a zone's metric at a time."""

    ts: float
    feed: str
    zone: str
    metric: str
    value: float
    source: str


@dataclass(frozen=True, slots=True)
class Signal:
    """An incoming event playbooks can trigger on (e.g. a CAP alert suspending the ferries)."""

    id: str
    ts: float
    source: str
    kind: str
    headline: str
    zone: str | None = None
    body: dict[str, JSON] = field(default_factory=dict)
