"""Merge a console journal with any number of station journals into one timeline.

Orders are matched across journals by order id (the message id of an order is recorded at both
ends too). Discrepancies a reviewer must see are flagged:

- `not_received`: the console issued an order that the station's journal never received;
- `unacknowledged_execution`: the station accepted/completed an order but the console never
  learnt of it (no matching transition in the console journal);
- `clock_skew`: a station's clock disagrees with the console's by more than the bound (a station
  cannot receive an order before the console issued it, nor report after the console recorded it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from command.fold import IncidentState, fold
from command.lifecycle import Step
from command.vocabulary import EventLike

EXECUTION_STEPS = (Step.ACCEPT, Step.START, Step.PROGRESS, Step.COMPLETE, Step.FAIL)
RECEIVED = "received"  # the first time the journal held the order (issued, or received)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event of the merged timeline, labelled with the journal it came from."""

    source: str
    seq: int
    ts: float
    actor: str
    kind: str
    body: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """Something the journals disagree on."""

    kind: str
    order_id: str | None
    station: str
    detail: str


@dataclass
class MergedTimeline:
    """The merged entries in time order, the discrepancies, and each station's clock offset."""

    entries: list[TimelineEntry] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    skew: dict[str, float] = field(default_factory=dict)


def _order_steps(state: IncidentState) -> dict[str, dict[str, float]]:
    """order id → {step: first time} for every order of a folded journal (`received`: when
    the journal first held it)."""
    out: dict[str, dict[str, float]] = {}
    for o in state.orders.rows:
        steps = out.setdefault(o.order_id, {RECEIVED: o.received_at})
        for s in o.history:
            steps.setdefault(s.step.value, s.ts)
    return out


def merge(
    console: Sequence[EventLike],
    stations: Mapping[str, Sequence[EventLike]],
    *,
    skew_bound_s: float = 2.0,
) -> MergedTimeline:
    """Merge `console` with `stations` (station id → its journal's events)."""
    merged = MergedTimeline()
    sources: list[tuple[str, Sequence[EventLike]]] = [("console", console)]
    sources += [(f"station:{sid}", evs) for sid, evs in sorted(stations.items())]
    for name, evs in sources:
        merged.entries += [TimelineEntry(name, e.seq, e.ts, e.actor, e.kind, e.body) for e in evs]
    merged.entries.sort(key=lambda e: (e.ts, e.source != "console", e.seq))

    console_state = fold(console)
    console_steps = _order_steps(console_state)
    issued_to = {o.order_id: o.station for o in console_state.orders.rows}

    for sid, evs in sorted(stations.items()):
        station_steps = _order_steps(fold(evs))
        # With the station clock at console time + d: an order is received after it was issued,
        # so d <= received - issued; a report is recorded by the console after it was made, so
        # d >= station step - console step. Any d in [lower, upper] explains the journals.
        upper = float("inf")
        lower = float("-inf")
        for oid, station in issued_to.items():
            if station != sid:
                continue
            got = station_steps.get(oid, {})
            if RECEIVED not in got:
                merged.discrepancies.append(
                    Discrepancy("not_received", oid, sid, "sent by the console, never received")
                )
                continue
            seen = console_steps.get(oid, {})
            upper = min(upper, got[RECEIVED] - seen[RECEIVED])
            for step in (s.value for s in EXECUTION_STEPS):
                if step in got and step not in seen:
                    merged.discrepancies.append(
                        Discrepancy(
                            "unacknowledged_execution",
                            oid,
                            sid,
                            f"station recorded {step}, the console never did",
                        )
                    )
                    break
            for step in (s.value for s in (*EXECUTION_STEPS, Step.DECLINE)):
                if step in got and step in seen:
                    lower = max(lower, got[step] - seen[step])
        for oid in sorted(set(station_steps) - set(issued_to)):
            merged.discrepancies.append(
                Discrepancy("unknown_order", oid, sid, "received an order the console never issued")
            )
        skew = upper if upper < 0 else (lower if lower > 0 else 0.0)
        if upper != float("inf") or lower != float("-inf"):
            merged.skew[sid] = skew
        if abs(skew) > skew_bound_s:
            merged.discrepancies.append(
                Discrepancy(
                    "clock_skew",
                    None,
                    sid,
                    f"station clock {'behind' if skew < 0 else 'ahead of'} the console's "
                    f"by at least {abs(skew):.1f} s",
                )
            )
    return merged
