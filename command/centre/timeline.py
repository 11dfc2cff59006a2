"""An incident's significant events, newest last: what a centre duty officer scans."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from command.fold.rows import RowModel
from command.fold.zones import level_index
from command.lifecycle import OrderState
from command.vocabulary import (
    LEVEL_NAMES,
    DecisionAdded,
    DecisionCorrected,
    EscalationRaised,
    EventLike,
    GrantRecorded,
    GrantRevoked,
    Handover,
    LinkChanged,
    OrderIssued,
    OrderStepped,
    PictureLevel,
    SitrepSent,
    WitnessRefused,
)

NOTABLE_STATES = frozenset(
    {
        OrderState.DECLINED,
        OrderState.REJECTED,
        OrderState.FAILED,
        OrderState.EXPIRED,
        OrderState.COMPLETED,
        OrderState.CANCELLED,
    }
)


class Category(StrEnum):
    """What a timeline entry is about (the window translates these)."""

    ORDER = "order"
    DECISION = "decision"
    ESCALATION = "escalation"
    ZONE = "zone"
    AUTHORITY = "authority"
    SITREP = "sitrep"
    LINK = "link"
    INTEGRITY = "integrity"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One significant event: when, what about, the subject (order id, zone, ...) and detail."""

    ts: float
    category: Category
    subject: str
    detail: str
    centre: bool = False  # known at the centre (its own journal), not mirrored from the site


def significant(body: object) -> tuple[Category, str, str] | None:
    """The timeline entry a site event makes, or None when it is routine."""
    match body:
        case OrderIssued(order=o):
            return Category.ORDER, o.id, f"issued: {o.kind} → {o.station} ({o.zone})"
        case OrderStepped(order_id=oid, state=state) if state in NOTABLE_STATES:
            reason = str(body.detail.get("reason", "") or "")
            return Category.ORDER, oid, state.value + (f": {reason}" if reason else "")
        case DecisionAdded(decision=d):
            return Category.DECISION, d.id, d.decision
        case DecisionCorrected(decision=d, corrects=old):
            return Category.DECISION, d.id, f"corrects {old}: {d.decision}"
        case EscalationRaised(escalation=e):
            return Category.ESCALATION, e.order_id, e.message or e.kind.value
        case PictureLevel(zone=zone, level=level):
            return Category.ZONE, zone, LEVEL_NAMES[level_index(level)]
        case GrantRecorded(grant=g):
            return Category.AUTHORITY, str(g.get("id", "")), f"grant to {g.get('delegate', '?')}"
        case Handover(to=to, old_grant_id=old):
            return Category.AUTHORITY, old, f"handed over to {to}"
        case GrantRevoked(grant_id=gid, revocation=r):
            return Category.AUTHORITY, gid, f"revoked: {r.get('reason', '')}"
        case SitrepSent(sitrep_id=sid, remarks=remarks, by=by):
            return (
                Category.SITREP,
                sid,
                f"sent by {by or '?'}" + (f": {remarks}" if remarks else ""),
            )
        case LinkChanged(peer=peer, up=up):
            return Category.LINK, peer, "up" if up else "down"
        case WitnessRefused(witness=w, reason=reason):
            return Category.INTEGRITY, w, f"witness refused: {reason.value}"
    return None


class TimelineModel(RowModel[TimelineEntry]):
    """An incident's timeline, appended to as events arrive (never re-sorted)."""

    def add(self, entry: TimelineEntry) -> None:
        """Append one entry."""
        self._insert(str(len(self.rows)), entry)

    def apply(self, ev: EventLike, body: object) -> bool:
        """Append the entry a mirrored site event makes, if it is significant."""
        made = significant(body)
        if made is None:
            return False
        self.add(TimelineEntry(ev.ts, *made))
        return True
