"""Scenario types: everything a scenario file describes, as frozen dataclasses."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from command.errors import BatonError
from command.model import Incident, Signal
from command.picture.fusion import DerivedSpec, MetricSpec
from command.picture.playbooks import Playbook
from command.picture.risk import Thresholds
from command.scenarios.mqtt_mapping import MqttRule


class ScenarioError(BatonError):
    """A scenario file is unreadable or invalid; the message names the file and field path."""


@dataclass(frozen=True, slots=True)
class WildSpec:
    """One source that now and then reports a wild value (value × a factor in `factor`)."""

    source: str
    probability: float = 0.05
    factor: tuple[float, float] = (2.5, 4.0)


@dataclass(frozen=True, slots=True)
class StateLabel:
    """The words for one value of a state metric (the tunnel lane: 0 closed, 1 open to riders),
    in English and, when the scenario gives it, Simplified Chinese."""

    value: float
    en: str
    zh_CN: str = ""


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """A simulated feed: one zone's metric from one or more sources, every `interval_s`.

    `curve` is (minute, value) points, interpolated linearly (or held with `step`); noise is
    relative (`noise`, a fraction) plus absolute (`noise_abs`); `gaps` are silent periods.
    """

    zone: str
    metric: str
    interval_s: float
    sources: tuple[str, ...]
    curve: tuple[tuple[float, float], ...]
    unit: str = ""
    interpolate: Literal["linear", "step"] = "linear"
    noise: float = 0.0
    noise_abs: float = 0.0
    integer: bool = False
    floor: float | None = None
    wild: WildSpec | None = None
    gaps: tuple[tuple[float, float], ...] = ()
    agree_rel: float = 0.25
    agree_abs: float = 0.0
    labels: tuple[StateLabel, ...] = ()

    @property
    def feed_id(self) -> str:
        """The feed name carried by each observation."""
        return f"{self.zone}.{self.metric}"

    def value_at(self, minute: float) -> float:
        """The noiseless curve value at scenario `minute`."""
        pts = self.curve
        if minute <= pts[0][0]:
            return pts[0][1]
        for (m0, v0), (m1, v1) in itertools.pairwise(pts):
            if m0 <= minute < m1:
                if self.interpolate == "step" or m1 == m0:
                    return v0
                return v0 + (v1 - v0) * (minute - m0) / (m1 - m0)
        return pts[-1][1]


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """How a simulated station operator answers orders (delays in seconds, as ranges)."""

    ack_s: tuple[float, float] = (5.0, 20.0)
    accept_s: tuple[float, float] = (10.0, 45.0)
    complete_s: tuple[float, float] = (120.0, 600.0)
    decline_probability: float = 0.0
    decline_reasons: tuple[str, ...] = ("no resources available",)
    fail_probability: float = 0.0
    fail_reasons: tuple[str, ...] = ("could not complete",)
    seed: int = 0


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """Something injected at `at_min`: an inline signal or a CAP alert file (already parsed)."""

    at_min: float
    signal: Signal
    cap_file: Path | None = None


@dataclass(frozen=True, slots=True)
class DelegationSpec:
    """The delegation a demo sets up: who grants whom, over what, for how long, how deep."""

    authority: str
    commander: str
    authority_name: str = ""
    commander_name: str = ""
    position: str = ""
    zones: tuple[str, ...] = ()
    stations: tuple[str, ...] = ()
    order_kinds: tuple[str, ...] = ()
    window_min: float = 240.0
    depth: int = 0


@dataclass(frozen=True, slots=True)
class Scenario:
    """A loaded, cross-checked scenario. Times are UTC epoch seconds; `start` is minute 0."""

    name: str
    path: Path
    incident: Incident
    start: float
    duration_min: float
    geometry: dict[str, dict[str, Any]]
    feeds: tuple[FeedSpec, ...]
    thresholds: tuple[Thresholds, ...]
    derived: tuple[DerivedSpec, ...]
    playbooks: tuple[Playbook, ...]
    timeline: tuple[TimelineEntry, ...]
    operators: dict[str, OperatorSpec]
    delegation: DelegationSpec
    stale_factor: float = 3.0
    trend_window_s: float = 600.0
    description: str = ""
    mqtt: tuple[MqttRule, ...] = ()  # how MQTT topics and payloads map to observations
    # context drawn under the zones (river, roads, tunnels, landmarks): a GeoJSON collection
    context: dict[str, Any] | None = None
    # Chinese names where the scenario gives them: "incident", "zone:<id>", "station:<id>",
    # "agency:<station id>", "kind:<station id>.<order kind>" (the kind's title), "playbook:<id>"
    # (title), "reason:<id>" (a playbook's reason), "signer:<id>" (the delegation's authority
    # and commander), "param:<station>.<kind>.<param>" (a parameter's title),
    # "text:<station>.<kind>:<text>" (a playbook order's text, as written, placeholders and all)
    # and "value:<station>.<kind>.<param>:<value>" (a choice's words, or a playbook order's text
    # parameter as written): shown instead, never signed
    names_zh: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def end(self) -> float:
        """Epoch seconds at which the scenario ends."""
        return self.ts(self.duration_min)

    def ts(self, minute: float) -> float:
        """Epoch seconds of scenario `minute`."""
        return self.start + minute * 60.0

    def minute(self, ts: float) -> float:
        """Scenario minute of epoch seconds `ts`."""
        return (ts - self.start) / 60.0

    def metric_specs(self) -> list[MetricSpec]:
        """Fusion settings for every fed (zone, metric)."""
        return [
            MetricSpec(
                f.zone,
                f.metric,
                f.interval_s,
                unit=f.unit,
                stale_factor=self.stale_factor,
                agree_rel=f.agree_rel,
                agree_abs=f.agree_abs,
            )
            for f in self.feeds
        ]

    def areas(self) -> dict[str, float]:
        """Zone areas in m², for derived indicators."""
        return {z.id: z.area_m2 for z in self.incident.zones}

    def operator(self, station: str) -> OperatorSpec:
        """The simulated operator of a station (defaults when the file sets none)."""
        return self.operators.get(station, OperatorSpec())
