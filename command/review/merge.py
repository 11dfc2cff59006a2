"""Merge a console journal with any number of station journals into one timeline.

Orders are matched across journals by order id (the message id of an order is recorded at both
ends too). Discrepancies a reviewer must see are flagged:

- `not_received`: the console issued an order that the station's journal never received;
- `unacknowledged_execution`: the station accepted/completed an order but the console never
  learnt of it (no matching transition in the console journal);
- `clock_skew`: a station's clock disagrees with the console's by more than the bound (a station
  cannot receive an order before the console issued it, nor report after the console recorded it).

The agreement check compares, per order, the console's final state with its station's
(`MergedTimeline.disagreements`). Under the crossing rule (`command.lifecycle`) both ends reach the
same state; a difference is *in flight* when a message already journaled would close it (the
station is ahead of the console by steps it reports, or the console withdrew an order the station
still holds open), and *unresolved* otherwise — a person must look (`agreement_line`). A station
report that crossed a withdrawal (`order.crossed` at the console) counts as heard by the console.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from command.fold import IncidentState, fold
from command.ids import short_id
from command.lifecycle import TRANSITIONS, WITHDRAWN_STATES, OrderState, Step
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


@dataclass(frozen=True, slots=True)
class Disagreement:
    """An order whose final state differs between the console's journal and its station's."""

    order_id: str
    station: str
    console: OrderState
    at_station: OrderState
    in_flight: bool  # a message already journaled at one end would close it

    @property
    def line(self) -> str:
        """One line for a reviewer."""
        what = "in flight" if self.in_flight else "unresolved"
        return (
            f"order {short_id(self.order_id)}: console {self.console.value}, "
            f"station {self.station} {self.at_station.value} ({what})"
        )


@dataclass
class MergedTimeline:
    """The merged entries in time order, the discrepancies, each station's clock offset, and
    the agreement check: how many orders end in the same state at both ends, and which do not."""

    entries: list[TimelineEntry] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    skew: dict[str, float] = field(default_factory=dict)
    agreed: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Disagreement]:
        """Disagreements no message in either journal will close."""
        return [d for d in self.disagreements if not d.in_flight]


_REPORTED = (Step.DELIVER, *EXECUTION_STEPS, Step.ACKNOWLEDGE, Step.DECLINE)


def _ahead_by_reports(console: OrderState, station: OrderState) -> bool:
    """True when the station's state follows the console's by steps the station reports."""
    frontier, seen = [console], {console}
    while frontier:
        state = frontier.pop()
        for step in _REPORTED:
            nxt = TRANSITIONS.get((state, step))
            if nxt is not None and nxt not in seen:
                if nxt is station:
                    return True
                seen.add(nxt)
                frontier.append(nxt)
    return False


def in_flight(console: OrderState, station: OrderState) -> bool:
    """True when a journaled message would bring the two states together: the console's
    withdrawal of an order still open at the station, or station reports not yet applied."""
    if console in WITHDRAWN_STATES and not station.terminal:
        return True
    return _ahead_by_reports(console, station)


def agreement_line(merged: MergedTimeline) -> str:
    """The agreement check in one line (the report and `baton export --format merge` print it)."""
    total = merged.agreed + len(merged.disagreements)
    unresolved = merged.unresolved
    flying = len(merged.disagreements) - len(unresolved)
    tail = f"; {flying} still in flight" if flying else ""
    if not unresolved:
        return f"console and stations agree on {merged.agreed} of {total} order(s){tail}"
    return (
        f"{len(unresolved)} unresolved disagreement(s) between the console and its stations"
        f"{tail}: " + "; ".join(d.line for d in unresolved)
    )


def _order_steps(state: IncidentState) -> dict[str, dict[str, float]]:
    """order id → {step: first time} for every order of a folded journal (`received`: when
    the journal first held it)."""
    out: dict[str, dict[str, float]] = {}
    for o in state.orders.rows:
        steps = out.setdefault(o.order_id, {RECEIVED: o.received_at})
        for s in o.history:
            steps.setdefault(s.step.value, s.ts)
        for c in o.crossed:  # a report that crossed a withdrawal: heard, not applied
            steps.setdefault(c.step.value, c.ts)
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

    console_states = {o.order_id: o.state for o in console_state.orders.rows}
    for sid, evs in sorted(stations.items()):
        station_state = fold(evs)
        station_steps = _order_steps(station_state)
        for o in station_state.orders.rows:
            theirs = console_states.get(o.order_id)
            if theirs is None or issued_to.get(o.order_id) != sid:
                continue
            if theirs is o.state:
                merged.agreed += 1
            else:
                merged.disagreements.append(
                    Disagreement(o.order_id, sid, theirs, o.state, in_flight(theirs, o.state))
                )
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
