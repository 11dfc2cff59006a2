"""The centre board fold: one row per delegated incident, from the centre journal's events.

Each site's mirrored events (`site.event`) are turned back into event-likes and folded by the one
fold (`command.fold.IncidentState`), so a row's counts are the site's own. Beside that the board
keeps what the centre itself journaled about the site: the grant it issued (`grant.issued`,
`grant.narrowed`, `handover`, `grant.revoked`), the link (`link.up`/`link.down`, peer = site),
SITREP requests (`sitrep.requested`, answered by the site's mirrored `sitrep.sent`), checkpoints
it witnessed (`witness.cosigned` for the site's origin) or the site's stations witnessed
(mirrored `checkpoint.cosigned`), and integrity alarms (`witness.refused` about the site, at the
centre or mirrored; a mirrored event whose hash differs from a witnessed head at its seq).
A centre grant goes to the one site whose incident it names; when several sites share that
incident (a district acting under one city grant) it waits until a site's journal says it
received it (`grants.received`), and until then the row shows the site's own grant.

Nested: a city centre mirrors a district centre's journal, whose events are themselves
`site.event`s; those incidents get rows too, keyed by their path ("district-a › bund"), and the
district's own grants, link and SITREP facts apply to its sites. Rows are only appended and
updated (a `RowModel`): `apply_all` folds a batch and rebuilds the row of each site it touched,
never refolding what came before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from command.centre.facts import CentreGrant, SitrepView, WitnessedCheckpoint
from command.centre.mirror import MirroredEvent, path_key
from command.centre.timeline import Category, TimelineEntry, TimelineModel, fill
from command.fold.incident import Counts, IncidentState
from command.fold.rows import RowModel
from command.vocabulary import (
    Checkpoint,
    Cosigned,
    EventLike,
    GrantRecorded,
    GrantRevoked,
    GrantsReceived,
    Handover,
    Kind,
    LinkChanged,
    SiteEvent,
    SitrepRequested,
    SitrepSent,
    WitnessRefused,
    decode,
)

Path = tuple[str, ...]
REFUSED = "%1 refused: %2"  # a witness refused a checkpoint: who, why


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One incident on the board (what the table shows; time-dependent values take `now`)."""

    key: str
    path: Path
    incident: str = ""
    title: str = ""
    commander: str = ""
    key_id: str = ""
    scope: Mapping[str, Any] = field(default_factory=dict)
    grant_id: str = ""
    valid_until: float | None = None
    revoked: bool = False
    link_up: bool | None = None
    last_heard: float | None = None
    worst_level: int | None = None
    counts: Counts = field(default_factory=Counts)
    checkpoint: WitnessedCheckpoint | None = None
    alarm: str = ""  # English; `alarm_template` and `alarm_args` for a translated one
    alarm_template: str = ""
    alarm_args: tuple[str, ...] = ()
    sitreps: tuple[SitrepView, ...] = ()
    is_centre: bool = False
    events: int = 0

    @property
    def site(self) -> str:
        """The site console's name (the last level of the path)."""
        return self.path[-1]

    @property
    def open(self) -> int:
        """Open orders."""
        return self.counts.open

    @property
    def late(self) -> int:
        """Orders that went late."""
        return self.counts.late

    @property
    def declined(self) -> int:
        """Orders the stations declined."""
        return self.counts.declined

    @property
    def escalations_open(self) -> int:
        """Escalations still open."""
        return self.counts.escalations_open

    def time_left(self, now: float) -> float | None:
        """Seconds of delegated authority left (0 revoked or expired; None when unknown)."""
        if self.valid_until is None:
            return None
        return 0.0 if self.revoked else max(0.0, self.valid_until - now)

    def open_sitreps(self) -> list[SitrepView]:
        """SITREPs asked for and not answered, soonest due first."""
        return sorted((s for s in self.sitreps if not s.answered), key=lambda s: s.due_ts)

    def overdue_sitreps(self, now: float) -> list[SitrepView]:
        """Unanswered SITREPs past their due time."""
        return [s for s in self.open_sitreps() if s.overdue(now)]

    def last_answer(self) -> SitrepView | None:
        """The most recently answered SITREP."""
        answered = [s for s in self.sitreps if s.answered_at is not None]
        return max(answered, key=lambda s: s.answered_at or 0.0) if answered else None

    def scope_text(self) -> str:
        """The scope in one line: "stations a, b; kinds x; zones z1" ("" when unknown)."""
        parts = []
        for key, label in (("stations", "stations"), ("order_kinds", "kinds"), ("zones", "zones")):
            values = self.scope.get(key)
            if isinstance(values, list | tuple) and values:
                parts.append(f"{label} {', '.join(map(str, values))}")
        return "; ".join(parts)


class SiteFold:
    """One site (or district centre) as the board sees it: the one fold over its mirrored events
    and the centre's facts about it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.key = path_key(path)
        self.state = IncidentState()
        self.timeline = TimelineModel()
        self.origin = ""
        self.incident = ""
        self.is_centre = False
        self.grant: CentreGrant | None = None
        self.link_up: bool | None = None
        self.last_heard: float | None = None
        self.sitreps: dict[str, SitrepView] = {}
        self.alarm = ""
        self.alarm_parts: tuple[str, tuple[str, ...]] = ("", ())
        self.hashes: dict[int, str] = {}  # mirrored event hash by site seq
        self.heads: dict[int, tuple[str, float, set[str]]] = {}  # cosigned: seq → hash, ts, who

    def note(self, ts: float, category: Category, subject: str, template: str, *args: str) -> None:
        """A centre-side timeline entry (`template` is one of `timeline.TEMPLATES`)."""
        self.timeline.add(TimelineEntry(ts, category, subject, template, args, centre=True))

    def raise_alarm(self, ts: float, template: str, *args: str) -> None:
        """Set the integrity alarm (the first reason stays; later ones go to the timeline)."""
        self.set_alarm(template, *args)
        self.note(ts, Category.INTEGRITY, self.key, template, *args)

    def set_alarm(self, template: str, *args: str) -> None:
        """Set the integrity alarm unless one is set (the first reason stays on the board)."""
        if not self.alarm:
            self.alarm, self.alarm_parts = fill(template, args), (template, args)

    def cosigned(self, cp: Checkpoint, witness: str, at: float) -> None:
        """A witness cosigned one of this site's checkpoints."""
        head = self.heads.get(cp.head_seq)
        if head is not None and head[0] != cp.head_hash:
            self.raise_alarm(at, "witnesses disagree at seq %1: %2", str(cp.head_seq), witness)
        elif head is None:
            self.heads[cp.head_seq] = (cp.head_hash, cp.ts or at, {witness})
        else:
            head[2].add(witness)
        mirrored = self.hashes.get(cp.head_seq)
        if mirrored is not None and mirrored != cp.head_hash:
            self.raise_alarm(
                at, "mirrored seq %1 differs from the witnessed head", str(cp.head_seq)
            )

    def mirrored(self, ev: MirroredEvent, at: float) -> None:
        """Check a mirrored event's hash against a witnessed head at its seq."""
        if not ev.hash:
            return
        self.hashes[ev.seq] = ev.hash
        head = self.heads.get(ev.seq)
        if head is not None and head[0] != ev.hash:
            self.raise_alarm(at, "mirrored seq %1 differs from the witnessed head", str(ev.seq))

    def witnessed(self) -> WitnessedCheckpoint | None:
        """The newest checkpoint anyone cosigned."""
        if not self.heads:
            return None
        seq = max(self.heads)
        head_hash, ts, who = self.heads[seq]
        return WitnessedCheckpoint(seq, head_hash, ts, tuple(sorted(who)))

    def _held_key_id(self) -> str:
        """The key fingerprint of the grant the site's own journal says it acts under."""
        header = self.state.header
        for entry in reversed(header.grants):
            doc = entry.get("grant")
            if isinstance(doc, Mapping) and doc.get("id") == header.grant_id:
                key = str(doc.get("delegate_key", "") or "")
                return CentreGrant.of(doc, 0.0).key_id if key else ""
        return ""

    def row(self) -> BoardRow:
        """This site's board row, from the fold and the centre's facts."""
        header, info = self.state.header, self.state.info
        grant = self.grant
        levels = [z.level for z in self.state.zones.rows if z.has_data]
        return BoardRow(
            key=self.key,
            path=self.path,
            incident=self.incident or info.id or header.incident,
            title=info.name or header.incident_name or self.incident,
            commander=(grant.commander if grant else "") or header.holder or info.commander,
            key_id=grant.key_id if grant else self._held_key_id(),
            scope=dict(grant.scope) if grant and grant.scope else dict(header.scope),
            grant_id=grant.grant_id if grant else header.grant_id,
            valid_until=grant.valid_until if grant else header.expires,
            revoked=grant.revoked if grant else header.revoked,
            link_up=self.link_up,
            last_heard=self.last_heard,
            worst_level=max(levels) if levels else None,
            counts=self.state.counts(),
            checkpoint=self.witnessed(),
            alarm=self.alarm,
            alarm_template=self.alarm_parts[0],
            alarm_args=self.alarm_parts[1],
            sitreps=tuple(self.sitreps.values()),
            is_centre=self.is_centre,
            events=self.state.events,
        )


class CentreBoard(RowModel[BoardRow]):
    """Every incident the centre (and the centres below it) delegated, one row each."""

    def __init__(self, me: str = "") -> None:
        super().__init__()
        self.me = me
        self.sites: dict[str, SiteFold] = {}
        self._by_origin: dict[str, SiteFold] = {}
        self._grant_site: dict[str, SiteFold] = {}
        self._pending_grants: dict[tuple[Path, str], CentreGrant] = {}
        # grants not yet placed on a site (its incident unknown or shared by several sites):
        # placed when a site's journal says it received them
        self._unplaced: dict[str, tuple[Path, CentreGrant]] = {}
        self._pending_cosigned: dict[str, list[tuple[Checkpoint, str, float]]] = {}
        self._pending_refused: dict[str, list[tuple[float, tuple[str, str]]]] = {}
        # relayed link and SITREP facts about a site whose events have not arrived yet
        self._waiting: dict[str, list[tuple[Path, EventLike, object, float]]] = {}

    # ---- reading
    def site(self, key: str) -> SiteFold | None:
        """The fold of the site with board key `key` (its path joined)."""
        return self.sites.get(key)

    def incidents(self) -> list[BoardRow]:
        """The rows of incidents (district centres that only relay are left out)."""
        return [r for r in self.rows if not r.is_centre]

    # ---- folding
    def add_site(self, name: str) -> SiteFold:
        """Make a site known before anything arrives (the centre's allow-listed consoles)."""
        fold = self._site((name,))
        self._refresh({fold.key})
        return fold

    def apply(self, ev: EventLike) -> set[str]:
        """Fold one centre-journal event; the keys of the rows it changed."""
        return self.apply_all((ev,))

    def apply_all(self, events: Iterable[EventLike]) -> set[str]:
        """Fold a batch of centre-journal events; rebuild each touched row once."""
        dirty: set[str] = set()
        for ev in events:
            try:
                body = decode(ev)
            except Exception:  # malformed: verify's business, the board skips it
                continue
            dirty |= self._level((), ev, body, ev.ts)
        self._refresh(dirty)
        return dirty

    def _refresh(self, keys: set[str]) -> None:
        for key, fold in self.sites.items():  # in the order the sites appeared
            if key not in keys:
                continue
            row = fold.row()
            if self.row_of(key) is None:
                self._insert(key, row)
            else:
                self._update(key, row)

    def _site(self, path: Path) -> SiteFold:
        key = path_key(path)
        fold = self.sites.get(key)
        if fold is None:
            fold = self.sites[key] = SiteFold(path)
            if len(path) > 1:
                parent = self.sites.get(path_key(path[:-1]))
                if parent is not None:
                    parent.is_centre = True
        return fold

    def _level(self, prefix: Path, ev: EventLike, body: object, at: float) -> set[str]:
        """Fold an event journaled at the centre level `prefix` (() is this centre)."""
        if isinstance(body, SiteEvent):
            return self._mirror((*prefix, body.site), body, at)
        return self._facts(prefix, ev, body, at)

    def _mirror(self, path: Path, body: SiteEvent, at: float) -> set[str]:
        fold = self._site(path)
        dirty = {fold.key}
        for prefix, ev, fact, fact_at in self._waiting.pop(fold.key, []):
            dirty |= self._facts(prefix, ev, fact, fact_at, relayed=True)
        if body.origin and not fold.origin:
            fold.origin = body.origin
            self._by_origin[body.origin] = fold
            dirty |= self._adopt_origin(fold)
        fold.last_heard = at
        inner = MirroredEvent.of(body)
        fold.mirrored(inner, at)
        if inner.incident and not fold.incident:
            fold.incident = inner.incident
            dirty |= self._adopt_grant(fold)
        try:
            inner_body = decode(inner)
        except Exception:
            inner_body = None
        if inner.kind == Kind.SITE_EVENT:  # a district centre relaying its site's event
            fold.is_centre = True
            return dirty | self._level(path, inner, inner_body, at)
        fold.state.apply(inner)
        fold.timeline.apply(inner, inner_body)
        match inner_body:
            case Cosigned(checkpoint=cp, witness=witness, mine=False):
                fold.cosigned(cp, witness, at)
            case WitnessRefused(witness=witness, reason=reason):
                fold.set_alarm(REFUSED, witness, reason.value)
            case SitrepSent():
                self._answered(fold, inner_body, at)
            case GrantsReceived(documents=docs):
                dirty |= self._received(fold, [str(d.get("id", "")) for d in docs], at)
            case GrantRecorded(grant=doc):
                dirty |= self._received(fold, [str(doc.get("id", ""))], at)
        if fold.is_centre or inner_body is not None:
            dirty |= self._facts(path, inner, inner_body, at, relayed=True)
        return dirty

    def _received(self, fold: SiteFold, grant_ids: list[str], at: float) -> set[str]:
        """The site journaled grants it received: place the centre's unplaced ones on it."""
        dirty: set[str] = set()
        for gid in grant_ids:
            placed = self._unplaced.get(gid)
            if placed is not None and placed[0] == fold.path[:-1]:
                dirty |= self._grant(fold, placed[1], at)
        return dirty

    def _answered(self, fold: SiteFold, body: SitrepSent, at: float) -> None:
        asked = fold.sitreps.get(body.sitrep_id) or SitrepView(
            body.sitrep_id, fold.path[-1], at, at, ""
        )
        fold.sitreps[body.sitrep_id] = replace(
            asked, answered_at=at, summary=dict(body.summary), remarks=body.remarks, by=body.by
        )

    def _child(
        self, prefix: Path, name: str, fact: tuple[EventLike, object, float], *, create: bool
    ) -> SiteFold | None:
        """The site `name` under centre level `prefix`; a relayed fact about a site not seen
        yet waits for its first event."""
        if not name or (prefix and name == prefix[-1]):
            return None
        path = (*prefix, name)
        if create and not prefix:
            return self._site(path)
        fold = self.sites.get(path_key(path))
        if fold is None:
            self._waiting.setdefault(path_key(path), []).append((prefix, *fact))
        return fold

    def _facts(
        self, prefix: Path, ev: EventLike, body: object, at: float, *, relayed: bool = False
    ) -> set[str]:
        """What a centre level journaled about its sites (grants, link, SITREPs, witnessing).

        `relayed` facts come from a mirrored journal: they only touch sites already known."""
        match body:
            case GrantRecorded(grant=doc):
                grant = CentreGrant.of(doc, at)
                incident = str(doc.get("incident", "") or ev.incident)
                fold = self._site_of_incident(prefix, incident, ev.incident)
                if fold is None:
                    self._pending_grants[(prefix, incident)] = grant
                    self._unplaced[grant.grant_id] = (prefix, grant)
                    return set()
                return self._grant(fold, grant, at)
            case Handover(old_grant_id=old, grant=doc, to=to):
                fold = self._grant_site.get(old)
                if fold is None:
                    new = CentreGrant.of(doc, at)
                    self._unplaced[new.grant_id] = (prefix, new)
                    return set()
                fold.note(at, Category.AUTHORITY, old, "handed over to %1", to)
                return self._grant(fold, CentreGrant.of(doc, at), at)
            case GrantRevoked(grant_id=gid, revocation=rev):
                fold = self._grant_site.get(gid)
                if fold is None or fold.grant is None or fold.grant.grant_id != gid:
                    return set()
                reason = str(rev.get("reason", ""))
                fold.grant = replace(fold.grant, revoked=True, revoked_reason=reason)
                fold.note(at, Category.AUTHORITY, gid, "revoked: %1", reason)
                return {fold.key}
            case SitrepRequested(sitrep_id=sid, site=name):
                fold = self._child(prefix, name, (ev, body, at), create=not relayed)
                if fold is None or sid in fold.sitreps:
                    return set()
                fold.sitreps[sid] = SitrepView(sid, name, at, body.due_ts, body.asked_by, body.note)
                if body.note:
                    fold.note(at, Category.SITREP, sid, "%1", body.note)
                else:
                    fold.note(at, Category.SITREP, sid, "requested")
                return {fold.key}
            case LinkChanged(peer=peer, up=up):
                fold = self._child(prefix, peer, (ev, body, at), create=not relayed)
                if fold is None:
                    return set()
                if fold.link_up is not up:
                    fold.note(at, Category.LINK, peer, "up" if up else "down")
                fold.link_up = up
                fold.last_heard = at if up else fold.last_heard
                return {fold.key}
            case Cosigned(checkpoint=cp, witness=witness, mine=True):
                fold = self._by_origin.get(cp.origin)
                if fold is None:
                    if cp.origin:
                        self._pending_cosigned.setdefault(cp.origin, []).append((cp, witness, at))
                    return set()
                fold.cosigned(cp, witness, at)
                return {fold.key}
            case WitnessRefused(witness=witness, reason=reason, offered=offered):
                why = (witness, reason.value)
                fold = self._by_origin.get(offered.origin)
                if fold is None:
                    if offered.origin and not relayed:
                        self._pending_refused.setdefault(offered.origin, []).append((at, why))
                    return set()
                fold.raise_alarm(at, REFUSED, *why)
                return {fold.key}
        return set()

    def _grant(self, fold: SiteFold, grant: CentreGrant, at: float) -> set[str]:
        self._unplaced.pop(grant.grant_id, None)
        for key, pending in list(self._pending_grants.items()):
            if pending.grant_id == grant.grant_id:
                del self._pending_grants[key]
        fold.grant = grant
        self._grant_site[grant.grant_id] = fold
        fold.note(at, Category.AUTHORITY, grant.grant_id, "grant to %1", grant.commander)
        return {fold.key}

    def _site_of_incident(self, prefix: Path, incident: str, ev_incident: str) -> SiteFold | None:
        """The one site under `prefix` the grant's incident names (by incident id or site
        name); None when none or several match (then the site's own mirrored grant shows)."""
        names = {n for n in (incident, ev_incident) if n}
        found = [
            fold
            for fold in self.sites.values()
            if fold.path[:-1] == prefix and names & {fold.incident, fold.path[-1]}
        ]
        return found[0] if len(found) == 1 else None

    def _adopt_grant(self, fold: SiteFold) -> set[str]:
        prefix = fold.path[:-1]
        for name in (fold.incident, fold.path[-1]):
            grant = self._pending_grants.pop((prefix, name), None)
            if grant is not None:
                return self._grant(fold, grant, grant.issued_at)
        return set()

    def _adopt_origin(self, fold: SiteFold) -> set[str]:
        for cp, witness, at in self._pending_cosigned.pop(fold.origin, []):
            fold.cosigned(cp, witness, at)
        for at, why in self._pending_refused.pop(fold.origin, []):
            fold.raise_alarm(at, REFUSED, *why)
        return {fold.key}
