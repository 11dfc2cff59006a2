"""Hand-built site and centre journals for the centre board's tests (no network, no Qt).

`site_journal` makes a site console's journal with a few orders (one declined, one late), a
decision and zone levels; `mirror` copies a journal's events into a centre journal as
`site.event`s, the way the centre link ships them up.
"""

from __future__ import annotations

from dataclasses import dataclass

from command.clock import ManualClock
from command.journal import Journal
from command.lifecycle import Step
from command.model import Escalation, EscalationKind
from command.vocabulary import (
    LEVEL_NAMES,
    Checkpoint,
    Cosigned,
    GrantRecorded,
    IncidentOpened,
    LinkChanged,
    PictureLevel,
    RefusalReason,
    SiteEvent,
    SitrepRequested,
    SitrepSent,
    WitnessRefused,
)
from tests.command.journal.helpers import issue, make_decision

STATIONS = (("traffic", "Traffic police", ("close_lane", "escort")), ("metro", "Metro", ("hold",)))
ZONES = (("promenade", "Promenade"), ("chenyi", "Chenyi Square"))


@dataclass(frozen=True, slots=True)
class Site:
    """A site console's journal and its name and checkpoint origin."""

    name: str
    origin: str
    journal: Journal


def opened(incident: str, name: str) -> IncidentOpened:
    """An `incident.opened` body with two stations and two zones."""
    return IncidentOpened(
        incident={
            "id": incident,
            "name": name,
            "timezone": "Asia/Shanghai",
            "zones": [{"id": z, "name": n} for z, n in ZONES],
            "stations": [
                {"id": s, "name": n, "kinds": [{"name": k, "title": k} for k in kinds]}
                for s, n, kinds in STATIONS
            ],
        },
        commander="Chief Li",
    )


def site_journal(
    clock: ManualClock, name: str, incident: str, *, orders: int = 3, level: int = 3
) -> Site:
    """A site journal: `orders` orders (the first declined, the second late), a decision and
    zone levels (promenade at `level`)."""
    j = Journal.in_memory(clock=clock, owner=name, role="console")
    j.record(opened(incident, f"{name} incident"), actor="cmd", incident=incident)
    ids = []
    for _ in range(orders):
        ids.append(issue(j, clock).order.id)
        clock.advance(10)
    j.record_step(ids[0], Step.DELIVER, actor="traffic")
    j.record_step(ids[0], Step.ACKNOWLEDGE, actor="traffic")
    j.record_step(ids[0], Step.DECLINE, actor="traffic", detail={"reason": "no crew"})
    if len(ids) > 1:
        j.raise_escalation(
            Escalation("E1", ids[1], "traffic", EscalationKind.OVERDUE, clock.now(), "late")
        )
    j.add_decision(make_decision(clock))
    j.record(PictureLevel("promenade", LEVEL_NAMES[level]))
    j.record(PictureLevel("chenyi", "green"))
    return Site(name, f"baton/console/{name}", j)


def mirror(centre: Journal, site: Site, *, after: int = 0, site_name: str = "") -> int:
    """Record `site`'s events after seq `after` in `centre` as `site.event`s; the last seq."""
    last = after
    for e in site.journal.events(after_seq=after):
        centre.record(
            SiteEvent(
                site_name or site.name,
                site.origin,
                e.seq,
                e.ts,
                e.actor,
                e.kind,
                e.incident,
                e.body,
                e.hash,
            )
        )
        last = e.seq
    return last


def grant_doc(gid: str, incident: str, delegate: str, not_after: float) -> dict[str, object]:
    """A grant document as `Grant.to_dict` writes it (unsigned: the board only reads it)."""
    return {
        "id": gid,
        "parent": None,
        "issuer": "district",
        "issuer_key": "11" * 32,
        "delegate": delegate,
        "delegate_key": "22" * 32,
        "incident": incident,
        "scope": {"stations": ["traffic"], "order_kinds": ["close_lane"], "zones": ["promenade"]},
        "not_before": not_after - 8 * 3600,
        "not_after": not_after,
        "redelegate_depth": 0,
        "issued_at": not_after - 8 * 3600,
        "signature": "00",
    }


def checkpoint(site: Site, seq: int, head_hash: str = "", ts: float = 0.0) -> Checkpoint:
    """A checkpoint of `site`'s journal at `seq` (its real head hash unless given)."""
    if not head_hash:
        head_hash = next(e.hash for e in site.journal.events(after_seq=seq - 1))
    return Checkpoint(seq, head_hash, "33" * 32, "sig", origin=site.origin, ts=ts)


__all__ = [
    "Cosigned",
    "GrantRecorded",
    "LinkChanged",
    "RefusalReason",
    "Site",
    "SitrepRequested",
    "SitrepSent",
    "WitnessRefused",
    "checkpoint",
    "grant_doc",
    "mirror",
    "opened",
    "site_journal",
]
