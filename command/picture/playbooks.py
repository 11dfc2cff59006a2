"""Playbooks: rules that propose pre-filled draft orders, and the book of suggestions.

A playbook triggers on a fused indicator's level (e.g. a zone's density ≥ orange) or on an
incoming signal kind (e.g. `ferry_suspension`), fires once per trigger episode and re-arms when
the condition clears. It never sends anything: approving a suggestion only returns the draft
orders for the commander's post to issue. Every outcome is journaled with who and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from command.cap.semantics import may_trigger
from command.clock import Clock
from command.drafts import ZONE_PLACEHOLDER, OrderDraft
from command.errors import BatonError
from command.ids import new_id
from command.model import JSON, DecisionKind, RiskLevel, Signal, Station, Zone
from command.vocabulary import EventBody, SuggestionOutcome, SuggestionRecorded


class SuggestionError(BatonError):
    """A suggestion cannot be approved, edited or dismissed as asked."""


class EventSink(Protocol):
    """What the book needs from the journal: `command.journal.Journal.record`."""

    def record(
        self,
        body: EventBody,
        *,
        actor: str | None = None,
        incident: str | None = None,
        ts: float | None = None,
    ) -> object:
        """Journal one typed event body."""
        ...


@dataclass(frozen=True, slots=True)
class LevelTrigger:
    """Fires when `indicator` of `zone` ("*": any zone, each its own episode) is ≥ `at_least`.

    Without an indicator the zone's overall level is used.
    """

    at_least: RiskLevel
    zone: str = "*"
    indicator: str | None = None

    def describe(self) -> str:
        """Human-readable condition."""
        what = self.indicator or "risk level"
        where = "any zone" if self.zone == "*" else self.zone
        return f"{what} in {where} at {self.at_least.label} or above"


@dataclass(frozen=True, slots=True)
class SignalTrigger:
    """Fires once for each incoming signal of `kind` (optionally only for one zone)."""

    kind: str
    zone: str | None = None

    def describe(self) -> str:
        """Human-readable condition."""
        return f"signal {self.kind}" + (f" for {self.zone}" if self.zone else "")


Trigger = LevelTrigger | SignalTrigger


@dataclass(frozen=True, slots=True)
class Playbook:
    """A rule: when `trigger` holds, propose `orders` with `reason`."""

    id: str
    title: str
    trigger: Trigger
    orders: tuple[OrderDraft, ...]
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One proposal made by a playbook at `ts` (scenario time) for `zone` or a `signal`."""

    id: str
    playbook: str
    title: str
    ts: float
    reason: str
    orders: tuple[OrderDraft, ...]
    zone: str | None = None
    signal: str | None = None
    trigger: dict[str, JSON] = field(default_factory=dict)

    def to_dict(self) -> dict[str, JSON]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "playbook": self.playbook,
            "title": self.title,
            "ts": self.ts,
            "reason": self.reason,
            "orders": [o.to_dict() for o in self.orders],
            "zone": self.zone,
            "signal": self.signal,
            "trigger": dict(self.trigger),
        }


APPROVED_WHY = "approved as proposed"
"""The reason journaled for an approval given without one."""


@dataclass(frozen=True, slots=True)
class Decided:
    """What the commander made of a suggestion (approved, approved with changes, dismissed),
    checked but not yet journaled: `record` is its journal body, `orders` the drafts to issue
    (none for a dismissal).

    A console journals `record`, one decision entry (`entry`) and the orders in ONE commit
    (`ConsolePost.issue_orders` with the record as its cause), then `SuggestionBook.settle`s
    it: an order that cannot be issued leaves no outcome behind and the suggestion open. A
    dismissal is a decision too: its entry, without orders, is journaled with it.
    """

    suggestion: Suggestion
    outcome: SuggestionOutcome
    orders: tuple[OrderDraft, ...]
    by: str
    why: str
    record: SuggestionRecorded
    incident: str
    ts: float

    def record_in(self, sink: EventSink) -> None:
        """Journal the outcome (`record`) in `sink`, as `by`, at `ts` (inside the caller's
        transaction when it has one open)."""
        sink.record(self.record, actor=self.by, incident=self.incident, ts=self.ts)

    def entry(self) -> dict[str, Any]:
        """The decision entry, as `ConsolePost.issue_orders` (or `add_decision`) keywords: what
        was decided (the suggestion, its playbook, approved as proposed, changed or dismissed),
        why (the commander's reason) and on what information (the playbook's reason)."""
        s = self.suggestion
        how = {
            SuggestionOutcome.EDITED: "approved with changes",
            SuggestionOutcome.DISMISSED: "dismissed",
        }.get(self.outcome, "approved")
        return {
            "decision": f"{s.title or s.playbook} (playbook {s.playbook}): {how}",
            "rationale": self.why,
            "information": s.reason,
            "kind": DecisionKind.SUGGESTION,
        }


LevelLookup = Callable[[str, str | None], RiskLevel]


class PlaybookEngine:
    """Evaluates playbooks against risk levels and signals, once per trigger episode."""

    def __init__(
        self,
        playbooks: Iterable[Playbook],
        zones: Sequence[Zone],
        *,
        id_factory: Callable[[float], str] = new_id,
    ) -> None:
        self.playbooks = tuple(playbooks)
        self._zones = {z.id: z for z in zones}
        self._new_id = id_factory
        self._active: set[tuple[str, str]] = set()  # (playbook, zone) episodes under way
        self._signals_seen: set[tuple[str, str]] = set()

    def on_levels(self, level: LevelLookup, now: float) -> list[Suggestion]:
        """Check level triggers; `level(zone, indicator_or_None)` gives the current level."""
        out: list[Suggestion] = []
        for pb in self.playbooks:
            trig = pb.trigger
            if not isinstance(trig, LevelTrigger):
                continue
            zones = sorted(self._zones) if trig.zone == "*" else [trig.zone]
            for zone_id in zones:
                current = level(zone_id, trig.indicator)
                episode = (pb.id, zone_id)
                if current >= trig.at_least:
                    if episode not in self._active:
                        self._active.add(episode)
                        out.append(self._suggest(pb, now, zone_id, None, current, trig))
                else:
                    self._active.discard(episode)  # condition cleared: re-arm
        return out

    def on_signal(
        self, signal: Signal, now: float, *, thread: str | None = None
    ) -> list[Suggestion]:
        """Playbooks triggered by this signal (each signal id fires a playbook once).

        A CAP alert whose status is not Actual (Exercise, Test, Draft, System), and a Cancel,
        Ack or Error, triggers nothing (`command.cap.semantics.may_trigger`). `thread` names the
        alert an Update continues: a playbook that fired for the thread does not fire again.
        """
        if not may_trigger(signal):
            return []
        out: list[Suggestion] = []
        for pb in self.playbooks:
            trig = pb.trigger
            if not isinstance(trig, SignalTrigger) or trig.kind != signal.kind:
                continue
            if trig.zone is not None and signal.zone not in (None, trig.zone):
                continue
            seen = (pb.id, thread or signal.id)
            if seen in self._signals_seen:
                continue
            self._signals_seen.add(seen)
            out.append(self._suggest(pb, now, signal.zone, signal, None, trig))
        return out

    def _suggest(
        self,
        pb: Playbook,
        now: float,
        zone_id: str | None,
        signal: Signal | None,
        level: RiskLevel | None,
        trig: Trigger,
    ) -> Suggestion:
        zone = self._zones.get(zone_id or "")
        orders = tuple(o.for_zone(zone) if zone else o for o in pb.orders)
        reason = pb.reason or pb.title
        if zone is not None:
            reason = reason.replace("{zone_name}", zone.name).replace(ZONE_PLACEHOLDER, zone.id)
        info: dict[str, JSON] = {"condition": trig.describe()}
        if level is not None:
            info["level"] = level.label
        if signal is not None:
            info["signal_kind"] = signal.kind
            info["headline"] = signal.headline
            reason = f"{reason} ({signal.headline})" if signal.headline else reason
        return Suggestion(
            id=self._new_id(now),
            playbook=pb.id,
            title=pb.title,
            ts=now,
            reason=reason,
            orders=orders,
            zone=zone_id,
            signal=signal.id if signal else None,
            trigger=info,
        )


class SuggestionBook:
    """Open suggestions and their outcomes; every outcome is journaled with who and why.

    Nothing is sent from here: `approve` and `edit` journal the outcome and return the draft
    orders to issue; a console uses `decide_approve` / `decide_edit` / `decide_dismiss`
    instead, journals the outcome with its decision entry and orders in one commit, then
    `settle`s it.
    """

    def __init__(
        self,
        *,
        incident: str,
        stations: Iterable[Station],
        clock: Clock,
        journal: EventSink | None = None,
    ) -> None:
        self._incident = incident
        self._stations = {s.id: s for s in stations}
        self._clock = clock
        self._journal = journal
        self._all: dict[str, Suggestion] = {}
        self._status: dict[str, str] = {}

    def propose(self, suggestion: Suggestion) -> Suggestion:
        """Record a new suggestion as open and journal `suggestion.proposed`."""
        self._all[suggestion.id] = suggestion
        self._status[suggestion.id] = "open"
        self._log(
            SuggestionOutcome.PROPOSED,
            suggestion,
            suggestion.orders,
            by="playbook",
            why=suggestion.reason,
        )
        return suggestion

    def open(self) -> list[Suggestion]:
        """Suggestions still awaiting the commander, oldest first."""
        return [s for s in self._all.values() if self._status[s.id] == "open"]

    def all(self) -> list[Suggestion]:
        """Every suggestion ever proposed, oldest first."""
        return list(self._all.values())

    def status(self, suggestion_id: str) -> str:
        """open, approved, edited or dismissed."""
        return self._status[self._get(suggestion_id).id]

    def approve(self, suggestion_id: str, *, by: str, why: str = "") -> tuple[OrderDraft, ...]:
        """Accept the suggestion as proposed, journaled at once; returns its draft orders for
        the post to issue. (A console issues them in the same commit: `decide_approve`.)"""
        return self._journal_and_settle(self.decide_approve(suggestion_id, by=by, why=why))

    def edit(
        self, suggestion_id: str, orders: Sequence[OrderDraft], *, by: str, why: str
    ) -> tuple[OrderDraft, ...]:
        """Accept with changes (see `decide_edit`), journaled at once; returns the orders."""
        return self._journal_and_settle(self.decide_edit(suggestion_id, orders, by=by, why=why))

    def decide_approve(self, suggestion_id: str, *, by: str, why: str = "") -> Decided:
        """The suggestion accepted as proposed, checked but not journaled (see `Decided`)."""
        s = self._take(suggestion_id)
        return self._decided(SuggestionOutcome.APPROVED, s, s.orders, by, why or APPROVED_WHY)

    def decide_edit(
        self, suggestion_id: str, orders: Sequence[OrderDraft], *, by: str, why: str
    ) -> Decided:
        """The suggestion accepted with changes, checked but not journaled (see `Decided`);
        each edited order is checked against its station's catalogue.

        Orders that are exactly the proposed ones (the same orders, in the same order, after
        the same validation) are no edit: the outcome is approved, with `why` when one was
        given, so the log never calls an unchanged suggestion "edited"."""
        s = self._take(suggestion_id)
        if not orders:
            raise SuggestionError(f"suggestion {suggestion_id}: an edit keeps at least one order")
        checked = tuple(self._validated(o) for o in orders)
        if [o.to_dict() for o in checked] == [self._validated(o).to_dict() for o in s.orders]:
            outcome = SuggestionOutcome.APPROVED
            return self._decided(outcome, s, s.orders, by, why.strip() or APPROVED_WHY)
        if not why.strip():
            raise SuggestionError(f"suggestion {suggestion_id}: say why it was edited")
        return self._decided(SuggestionOutcome.EDITED, s, checked, by, why)

    def settle(self, decided: Decided) -> None:
        """Mark `decided` as done once it is journaled (the suggestion is no longer open)."""
        self._take(decided.suggestion.id)
        self._status[decided.suggestion.id] = decided.outcome.value

    def _journal_and_settle(self, decided: Decided) -> tuple[OrderDraft, ...]:
        if self._journal is not None:
            decided.record_in(self._journal)
        self.settle(decided)
        return decided.orders

    def _decided(
        self,
        outcome: SuggestionOutcome,
        s: Suggestion,
        orders: tuple[OrderDraft, ...],
        by: str,
        why: str,
    ) -> Decided:
        return Decided(
            s,
            outcome,
            orders,
            by,
            why,
            self._body(outcome, s, orders, by=by, why=why),
            self._incident,
            self._clock.now(),
        )

    def dismiss(self, suggestion_id: str, *, by: str, why: str) -> None:
        """Turn the suggestion down (see `decide_dismiss`), journaled at once."""
        self._journal_and_settle(self.decide_dismiss(suggestion_id, by=by, why=why))

    def decide_dismiss(self, suggestion_id: str, *, by: str, why: str) -> Decided:
        """The suggestion turned down, checked but not journaled (see `Decided`); a reason is
        required."""
        s = self._take(suggestion_id)
        if not why.strip():
            raise SuggestionError(f"suggestion {suggestion_id}: say why it was dismissed")
        return self._decided(SuggestionOutcome.DISMISSED, s, (), by, why)

    def _validated(self, order: OrderDraft) -> OrderDraft:
        station = self._stations.get(order.station)
        if station is None:
            raise SuggestionError(f"draft order names unknown station {order.station!r}")
        params = station.kind(order.kind).validate_params(order.params)
        return replace(order, params=params)

    def _get(self, suggestion_id: str) -> Suggestion:
        s = self._all.get(suggestion_id)
        if s is None:
            raise SuggestionError(f"no suggestion {suggestion_id}")
        return s

    def _take(self, suggestion_id: str) -> Suggestion:
        s = self._get(suggestion_id)
        status = self._status[s.id]
        if status != "open":
            raise SuggestionError(f"suggestion {suggestion_id} was already {status}")
        return s

    def _log(
        self,
        outcome: SuggestionOutcome,
        s: Suggestion,
        orders: Sequence[OrderDraft],
        *,
        by: str,
        why: str,
    ) -> None:
        if self._journal is None:
            return
        ts = s.ts if outcome is SuggestionOutcome.PROPOSED else self._clock.now()
        body = self._body(outcome, s, orders, by=by, why=why)
        self._journal.record(body, actor=by, incident=self._incident, ts=ts)

    @staticmethod
    def _body(
        outcome: SuggestionOutcome,
        s: Suggestion,
        orders: Sequence[OrderDraft],
        *,
        by: str,
        why: str,
    ) -> SuggestionRecorded:
        proposed = outcome is SuggestionOutcome.PROPOSED
        return SuggestionRecorded(
            outcome,
            s.id,
            s.playbook,
            s.reason,
            tuple(o.to_dict() for o in orders),
            by=by,
            why=why,
            title=s.title if proposed else "",
            zone=s.zone if proposed else None,
            signal=s.signal if proposed else None,
            trigger=dict(s.trigger) if proposed else {},
            original=tuple(o.to_dict() for o in s.orders)
            if outcome is SuggestionOutcome.EDITED
            else (),
        )
