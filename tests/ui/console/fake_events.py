"""Fake but plausible console content for the console tests, screenshots and manual looks: no
engine, no network. `EventMaker` numbers journal-shaped events for the tests.

`demo_window(scenario)` builds a `ConsoleWindow` filled with an incident, stations, orders in
every state, decisions (one corrected), an open escalation, suggestions and 30 minutes of metrics
(as the `picture.values` events the picture engine journals).
It reads the shipped scenario (`data/scenarios/NAME.yaml`) and zone outlines
(`data/zones/NAME.geojson`) when they exist; otherwise it makes up zones on a grid.
`render_png(scenario, path, theme=..., language=...)` renders that window offscreen to a PNG
(`python -m tests.ui.console.fake_events [SCENARIO] [--out DIR]`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from command.lifecycle import OrderState
from command.model import (
    Decision,
    DecisionKind,
    Incident,
    Order,
    OrderKind,
    ParamSpec,
    Priority,
    Station,
    Zone,
)
from command.scenarios.loader import ZONES_DIR
from ui.console.mapview import ZoneShape, grid_zones, read_zones

T0 = 1_751_371_200.0  # 2025-07-01 12:00 UTC: a fixed scenario time for reproducible shots


@dataclass(frozen=True, slots=True)
class DemoEvent:
    """A journal-shaped event (matches `EventLike`) for fake content and tests."""

    seq: int
    ts: float
    actor: str
    kind: str
    incident: str
    body: dict[str, Any] = field(default_factory=dict)


class EventMaker:
    """Numbers events in order: `ev(kind, body, ts=...)`."""

    def __init__(self, incident: str, actor: str = "commander") -> None:
        self.incident = incident
        self.actor = actor
        self.seq = 0

    def ev(self, kind: str, body: dict[str, Any], *, ts: float, actor: str = "") -> DemoEvent:
        """The next event."""
        self.seq += 1
        return DemoEvent(self.seq, ts, actor or self.actor, kind, self.incident, body)

    def open_grant(self, *, ts: float, delegate: str = "cmd") -> DemoEvent:
        """A grant from "district" to `delegate` of every station, order kind and zone, for
        two hours from `ts` (so the composer offers everything)."""
        body = {
            "id": "G1",
            "issuer": "district",
            "delegate": delegate,
            "not_after": ts + 7200,
            "scope": {"stations": ["*"], "order_kinds": ["*"], "zones": ["*"]},
        }
        return self.ev("grant.issued", body, ts=ts)


def default_catalogue() -> dict[str, tuple[OrderKind, ...]]:
    """Order kinds per agency, for demos when the scenario brings none."""
    lanes = ParamSpec("lanes", "int", "Lanes", minimum=1, maximum=4, default=1)
    return {
        "police": (
            OrderKind(
                "close_road",
                "Close road",
                (
                    ParamSpec("road", "str", "Road", default="Zhongshan East Rd"),
                    lanes,
                    ParamSpec("minutes", "int", "Duration", "min", 5, 240, default=30),
                ),
                description="Close lanes of a road to traffic.",
            ),
            OrderKind(
                "hold_entry",
                "Hold entry",
                (ParamSpec("gate", "choice", "Gate", choices=("north", "south", "east")),),
            ),
        ),
        "security": (
            OrderKind(
                "deploy_staff",
                "Deploy staff",
                (
                    ParamSpec("staff", "int", "Staff", minimum=1, maximum=500, default=20),
                    ParamSpec("barriers", "bool", "Bring barriers", required=False, default=False),
                ),
            ),
        ),
        "lighting": (
            OrderKind(
                "dim_lights",
                "Dim show lights",
                (ParamSpec("percent", "float", "Brightness", "%", 0, 100, default=50.0),),
            ),
        ),
        "metro": (
            OrderKind(
                "skip_station",
                "Trains skip station",
                (ParamSpec("minutes", "int", "Duration", "min", 5, 120, default=20),),
            ),
        ),
    }


def load_incident(
    name: str,
) -> tuple[Incident, list[ZoneShape], dict[str, list[tuple[float, int]]], Any]:
    """Incident, zone outlines, metric thresholds and the loaded scenario (None if made up).

    Reads `data/scenarios/NAME.yaml` through `command.scenarios` and `data/zones/NAME.geojson`;
    falls back to a made-up Bund-like incident when the scenario is not shipped.
    """
    try:
        from command.scenarios.loader import load_scenario

        scenario: Any = load_scenario(name)
    except Exception:  # not shipped, or the loader is not there: made-up content
        scenario = None
    if scenario is not None:
        incident = scenario.incident
        thresholds = {
            t.indicator: [(b, level) for level, b in enumerate(t.boundaries(), start=1)]
            for t in scenario.thresholds
        }
    else:
        incident, thresholds = _made_up_incident(name)
    geo = ZONES_DIR / f"{name}.geojson"
    shapes = read_zones(geo) if geo.exists() else []
    if not shapes:
        shapes = grid_zones([(z.id, z.name) for z in incident.zones])
    return incident, shapes, thresholds, scenario


def _made_up_incident(name: str) -> tuple[Incident, dict[str, list[tuple[float, int]]]]:
    cat = default_catalogue()
    zones = (
        Zone("promenade_n", "Promenade north", 42_000),
        Zone("promenade_c", "Promenade centre", 55_000),
        Zone("promenade_s", "Promenade south", 38_000),
        Zone("nanjing_rd", "Nanjing Rd East", 60_000),
        Zone("metro_exit", "Metro exit 7", 9_000),
        Zone("chenyi_sq", "Chen Yi Square", 14_000),
    )
    stations = (
        Station("police", "Traffic police", "Public Security", cat["police"]),
        Station("security", "On-site security", "Event security", cat["security"]),
        Station("lighting", "Lighting control", "Culture & Tourism", cat["lighting"]),
        Station("metro", "Metro line 2", "Shentong Metro", cat["metro"]),
    )
    thresholds = {"density": [(2.0, 2), (3.0, 3), (4.0, 4)], "wind": [(10.8, 2), (17.2, 4)]}
    title = "Bund riverside light show (made-up data)"
    return Incident(f"demo-{name}", title, "Asia/Shanghai", zones, stations), thresholds


def demo_events(
    incident: Incident,
    now: float,
    *,
    issuer: str = "Huangpu district centre",
    scope: dict[str, list[str]] | None = None,
    levels: bool = True,
) -> list[DemoEvent]:
    """A plausible 40-minute history ending at `now` (risk levels only when `levels`)."""
    mk = EventMaker(incident.id)
    t = now - 40 * 60
    out: list[DemoEvent] = [
        mk.ev(
            "grant.issued",
            {
                "grant": {
                    "id": "G1",
                    "issuer": issuer,
                    "delegate": "commander",
                    "scope": scope or {"stations": ["*"], "order_kinds": ["*"], "zones": ["*"]},
                    "not_before": t,
                    "not_after": now + 3 * 3600 + 17 * 60,
                }
            },
            ts=t,
        ),
        mk.ev("link.up", {"peer": "console"}, ts=t + 1),
    ]
    for i, s in enumerate(incident.stations):
        online = i != len(incident.stations) - 1
        out.append(mk.ev("station.online", {"station": s.id, "detail": ""}, ts=t + 5 + i))
        if not online:
            out.append(
                mk.ev("station.offline", {"station": s.id, "detail": "no heartbeat"}, ts=now - 95)
            )
    levels_ = [0, 1, 2, 3, 4, 1, 0, 2]
    for i, z in enumerate(incident.zones if levels else ()):
        out.append(
            mk.ev(
                "picture.level",
                {
                    "zone": z.id,
                    "level": levels_[i % len(levels_)],
                    "previous": 0,
                    "indicator": "density",
                    "value": 1.0,
                },
                ts=now - 300 + i,
            )
        )
    plan: list[tuple[OrderState, float, str]] = [
        (OrderState.COMPLETED, 35, ""),
        (OrderState.IN_PROGRESS, 22, "barriers half placed"),
        (OrderState.ACCEPTED, 12, ""),
        (OrderState.DELIVERED, 18, ""),  # not acknowledged: overdue
        (OrderState.DECLINED, 15, "no staff available"),
        (OrderState.ISSUED, 2, ""),
        (OrderState.IN_PROGRESS, 30, "lane 2 closed"),
    ]
    steps = {
        OrderState.DELIVERED: ["deliver"],
        OrderState.ACCEPTED: ["deliver", "acknowledge", "accept"],
        OrderState.IN_PROGRESS: ["deliver", "acknowledge", "accept", "progress"],
        OrderState.COMPLETED: ["deliver", "acknowledge", "accept", "progress", "complete"],
        OrderState.DECLINED: ["deliver", "acknowledge", "decline"],
        OrderState.ISSUED: [],
    }
    states = {
        "deliver": "delivered",
        "acknowledge": "acknowledged",
        "accept": "accepted",
        "progress": "in_progress",
        "complete": "completed",
        "decline": "declined",
    }
    decisions: list[Decision] = []
    for i, (final, minutes_ago, note) in enumerate(plan):
        station = incident.stations[i % len(incident.stations)]
        kind = station.catalogue[0] if station.catalogue else OrderKind("general", "General")
        zone = incident.zones[i % len(incident.zones)]
        issued = now - minutes_ago * 60
        due = issued + (6 * 60 if final is OrderState.DELIVERED else kind.due_s)
        decision = Decision(
            id=f"D{i:03d}",
            incident=incident.id,
            ts=issued,
            author="commander",
            decision=f"{kind.title} at {zone.name}",
            rationale="density rising towards orange" if i % 2 else "keep the exits clear",
            kind=DecisionKind.ORDER,
            order_ids=(f"O{i:03d}",),
        )
        decisions.append(decision)
        order = Order(
            id=f"01J{i:03d}DEMO{i:05d}",
            incident=incident.id,
            station=station.id,
            kind=kind.name,
            params={p.name: p.default for p in kind.params},
            zone=zone.id,
            priority=Priority(1 + i % 3),
            issued_at=issued,
            ack_deadline=issued + 120,
            due=due,
            text="",
            grant_chain=("G1",),
            decision_id=decision.id,
            commander="commander",
        )
        out.append(mk.ev("decision.added", {"decision": decision.to_dict()}, ts=issued))
        out.append(mk.ev("order.issued", {"order": order.to_dict(), "msg_id": f"m{i}"}, ts=issued))
        for k, step in enumerate(steps.get(final, [])):
            detail: dict[str, Any] = {}
            if step == "progress":
                detail = {"note": note, "percent": 40 + 10 * i % 50}
            if step == "decline":
                detail = {"reason": note}
            out.append(
                mk.ev(
                    f"order.{step}",
                    {"order_id": order.id, "state": states[step], "detail": detail},
                    ts=issued + 10 + 20 * k,
                    actor=station.id,
                )
            )
        if final is OrderState.DELIVERED:
            out.append(
                mk.ev(
                    "escalation.raised",
                    {
                        "escalation": {
                            "id": "E1",
                            "order_id": order.id,
                            "station": station.id,
                            "kind": "not_accepted",
                            "raised_at": issued + 120,
                            "message": f"{kind.title} not accepted after 2 min",
                        }
                    },
                    ts=issued + 120,
                )
            )
    manual = Decision(
        id="DM1",
        incident=incident.id,
        ts=now - 25 * 60,
        author="commander",
        decision="Open overflow area at Chen Yi Square",
        rationale="crowd count above plan",
        information="count 41k and rising",
        risk_assessment="crush risk at the north steps",
        kind=DecisionKind.MANUAL,
    )
    fixed = Decision(
        id="DM2",
        incident=incident.id,
        ts=now - 20 * 60,
        author="commander",
        decision="Open overflow area at Nanjing Rd East",
        rationale="crowd count above plan",
        kind=DecisionKind.CORRECTION,
        corrects="DM1",
        correction_reason="wrong square named",
    )
    out.append(mk.ev("decision.added", {"decision": manual.to_dict()}, ts=manual.ts))
    out.append(
        mk.ev(
            "decision.corrected",
            {"decision": fixed.to_dict(), "corrects": "DM1", "reason": "wrong square named"},
            ts=fixed.ts,
        )
    )
    first = incident.stations[0]
    sug_orders = [
        {
            "station": first.id,
            "kind": first.catalogue[0].name if first.catalogue else "general",
            "zone": incident.zones[0].id,
            "params": {},
        }
    ]
    out.append(
        mk.ev(
            "suggestion.proposed",
            {
                "suggestion_id": "S1",
                "playbook": "crowd-orange",
                "reason": "density ≥ 3 p/m² for 2 min",
                "orders": sug_orders,
            },
            ts=now - 8 * 60,
        )
    )
    out.append(
        mk.ev(
            "suggestion.proposed",
            {
                "suggestion_id": "S2",
                "playbook": "wind-yellow",
                "reason": "wind gusts above 10.8 m/s",
                "orders": sug_orders,
            },
            ts=now - 4 * 60,
        )
    )
    out.append(
        mk.ev(
            "suggestion.approved",
            {"suggestion_id": "S1", "by": "commander", "why": "agreed"},
            ts=now - 7 * 60,
        )
    )
    out.sort(key=lambda e: e.ts)
    return [DemoEvent(i + 1, e.ts, e.actor, e.kind, e.incident, e.body) for i, e in enumerate(out)]


def demo_metrics(incident: Incident, now: float, minutes: int = 30) -> Iterator[dict[str, Any]]:
    """Picture-update dicts, one per 10 s, for `minutes` up to `now` (density and wind)."""
    rnd = random.Random(7)
    zones = incident.zones[:4]
    for k in range(minutes * 6):
        ts = now - (minutes * 6 - k) * 10
        update: dict[str, Any] = {"ts": ts, "zones": {}}
        for i, z in enumerate(zones):
            base = 1.2 + 0.6 * i + 0.8 * math.sin(k / 25 + i)
            update["zones"][z.id] = {
                "metrics": {"density": max(0.1, base + rnd.gauss(0, 0.08))},
            }
            if i == 0:
                update["zones"][z.id]["metrics"]["wind"] = (
                    9 + 3 * math.sin(k / 40) + rnd.gauss(0, 0.5)
                )
        yield update


def scenario_pictures(
    scenario: Any, t0: float, t1: float, step_s: float = 10.0
) -> Iterator[tuple[dict[str, Any], list[DemoEvent]]]:
    """Run the scenario's feeds through fusion and risk from t0 to t1: (snapshot, events), the
    events being the `picture.values` and `picture.level` the engine would journal.

    The same pipeline as the engine (FeedSimulator → Fusion → RiskBoard → picture_snapshot),
    without journal or network.
    """
    from command.picture.fusion import Fusion
    from command.picture.risk import RiskBoard
    from command.picture.snapshot import picture_snapshot
    from command.scenarios.simulation import FeedSimulator

    zones = scenario.incident.zones
    sim = FeedSimulator(scenario, seed=1, batch_s=step_s)
    fusion = Fusion(
        scenario.metric_specs(),
        areas=scenario.areas(),
        derived=scenario.derived,
        trend_window_s=scenario.trend_window_s,
        stale_factor=scenario.stale_factor,
    )
    board = RiskBoard(scenario.thresholds, zones=[z.id for z in zones])
    mk = EventMaker(scenario.incident.id, actor="fusion")
    for batch in sim.batches_between(t0, t1):
        if not batch:
            continue
        fusion.ingest(batch)
        now = max(o.ts for o in batch)
        changes = board.update(fusion.indicators(now), now)
        snapshot = picture_snapshot(zones, fusion, board, now)
        events = [values_event(mk, snapshot)]
        events += [mk.ev("picture.level", c.to_body(), ts=c.ts) for c in changes]
        yield snapshot, events


def values_event(mk: EventMaker, update: dict[str, Any]) -> DemoEvent:
    """A `picture.values` event holding every value of a picture snapshot or demo update."""
    values: dict[str, dict[str, float]] = {}
    stale: list[str] = []
    for zone, z in update["zones"].items():
        for name, m in dict(z.get("indicators") or z.get("metrics") or {}).items():
            value = m if isinstance(m, int | float) else m.get("value")
            if not isinstance(m, int | float) and m.get("stale"):
                stale.append(f"{zone}/{name}")
            if value is not None:
                values.setdefault(zone, {})[name] = float(value)
    return mk.ev("picture.values", {"values": values, "stale": stale}, ts=float(update["ts"]))


def demo_window(scenario: str = "bund", *, minute: float = 75.0, **kwargs: Any) -> Any:
    """A `ConsoleWindow` full of content for `scenario` at scenario `minute` (needs a QApp).

    With a shipped scenario the live picture is real (its feeds through fusion and risk over
    the last 30 minutes); orders, decisions and suggestions are made up around it.
    """
    from ui.console.window import ConsoleWindow

    incident, shapes, thresholds, loaded = load_incident(scenario)
    now = loaded.ts(minute) if loaded is not None else T0
    window = ConsoleWindow(incident, clock=lambda: now, commander="commander", **kwargs)
    window.set_zone_shapes(shapes)
    for metric, lines in thresholds.items():
        window.set_thresholds(metric, lines)
    if loaded is not None:
        d = loaded.delegation
        scope = {
            "stations": list(d.stations) or ["*"],
            "order_kinds": list(d.order_kinds) or ["*"],
            "zones": list(d.zones) or ["*"],
        }
        window.apply_events(
            demo_events(
                incident, now, issuer=d.authority_name or d.authority, scope=scope, levels=False
            )
        )
        for _, events in scenario_pictures(loaded, max(loaded.start, now - 1800), now):
            window.apply_events(events)
    else:
        window.apply_events(demo_events(incident, now))
        mk = EventMaker(incident.id, actor="picture")
        window.apply_events([values_event(mk, u) for u in demo_metrics(incident, now)])
    window.plots.redraw()
    return window


def render_png(
    scenario: str,
    path: Path,
    *,
    theme_name: str = "light",
    language: str = "en",
    size: tuple[int, int] = (1500, 920),
) -> Path:
    """Render the demo console offscreen to `path` (PNG) in the given theme and language."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui import i18n, theme

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    theme.apply_theme(app, theme_name)
    i18n.set_language(app, language)
    window = demo_window(scenario, settings_org="BatonDemo", settings_app="shots")
    window.resize(*size)
    window.show()
    for _ in range(5):
        app.processEvents()
    window.plots.redraw()
    app.processEvents()
    path.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(path))
    window.timer.stop()
    window.plots.timer.stop()
    window.hide()
    window.deleteLater()
    app.processEvents()
    return path


def main(argv: list[str] | None = None) -> int:
    """`python -m tests.ui.console.fake_events [SCENARIO] [--out DIR]`: light/dark × en/zh_CN
    shots."""
    import argparse

    parser = argparse.ArgumentParser(description="Render the console with demo content to PNG.")
    parser.add_argument("scenario", nargs="?", default="bund")
    parser.add_argument("--out", type=Path, default=Path("/tmp/baton-shots"))
    parser.add_argument("--theme", choices=("light", "dark"), action="append")
    parser.add_argument("--language", choices=("en", "zh_CN"), action="append")
    args = parser.parse_args(argv)
    for theme_name in args.theme or ["light", "dark"]:
        for language in args.language or ["en", "zh_CN"]:
            path = args.out / f"console-{args.scenario}-{theme_name}-{language}.png"
            render_png(args.scenario, path, theme_name=theme_name, language=language)
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
