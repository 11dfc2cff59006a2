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
    """One significant event: when, what about, the subject (order id, zone, ...) and what
    happened as an English `template` with `%1`, `%2`... filled from `args` (the window
    translates the template; `detail` is the English text)."""

    ts: float
    category: Category
    subject: str
    template: str
    args: tuple[str, ...] = ()
    centre: bool = False  # known at the centre (its own journal), not mirrored from the site

    @property
    def detail(self) -> str:
        """The English text."""
        return fill(self.template, self.args)


def fill(template: str, args: tuple[str, ...]) -> str:
    """`template` with `%1`, `%2`, ... replaced by `args` (highest number first)."""
    for i in range(len(args), 0, -1):
        template = template.replace(f"%{i}", args[i - 1])
    return template


TEMPLATES: tuple[str, ...] = (
    "issued: %1 → %2 (%3)",
    *(state.value for state in sorted(NOTABLE_STATES)),
    *(f"{state.value}: %1" for state in sorted(NOTABLE_STATES)),
    "%1",
    "corrects %1: %2",
    *LEVEL_NAMES,
    "grant to %1",
    "handed over to %1",
    "revoked: %1",
    "sent by %1",
    "sent by %1: %2",
    "requested",
    "up",
    "down",
    "%1 refused: %2",
    "witnesses disagree at seq %1: %2",
    "mirrored seq %1 differs from the witnessed head",
)
"""Every template an entry can carry (the window marks each for translation)."""

Made = tuple[Category, str, str, tuple[str, ...]]


def significant(body: object) -> Made | None:
    """The timeline entry a site event makes (category, subject, template, args), or None when
    it is routine."""
    match body:
        case OrderIssued(order=o):
            return Category.ORDER, o.id, "issued: %1 → %2 (%3)", (o.kind, o.station, o.zone)
        case OrderStepped(order_id=oid, state=state) if state in NOTABLE_STATES:
            reason = str(body.detail.get("reason", "") or "")
            if reason:
                return Category.ORDER, oid, f"{state.value}: %1", (reason,)
            return Category.ORDER, oid, state.value, ()
        case DecisionAdded(decision=d):
            return Category.DECISION, d.id, "%1", (d.decision,)
        case DecisionCorrected(decision=d, corrects=old):
            return Category.DECISION, d.id, "corrects %1: %2", (old, d.decision)
        case EscalationRaised(escalation=e):
            return Category.ESCALATION, e.order_id, "%1", (e.message or e.kind.value,)
        case PictureLevel(zone=zone, level=level):
            return Category.ZONE, zone, LEVEL_NAMES[level_index(level)], ()
        case GrantRecorded(grant=g):
            gid = str(g.get("id", ""))
            return Category.AUTHORITY, gid, "grant to %1", (str(g.get("delegate", "?")),)
        case Handover(to=to, old_grant_id=old):
            return Category.AUTHORITY, old, "handed over to %1", (to,)
        case GrantRevoked(grant_id=gid, revocation=r):
            return Category.AUTHORITY, gid, "revoked: %1", (str(r.get("reason", "")),)
        case SitrepSent(sitrep_id=sid, remarks=remarks, by=by):
            if remarks:
                return Category.SITREP, sid, "sent by %1: %2", (by or "?", remarks)
            return Category.SITREP, sid, "sent by %1", (by or "?",)
        case LinkChanged(peer=peer, up=up):
            return Category.LINK, peer, "up" if up else "down", ()
        case WitnessRefused(witness=w, reason=reason):
            return Category.INTEGRITY, w, "%1 refused: %2", (w, reason.value)
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
