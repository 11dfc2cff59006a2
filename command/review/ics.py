"""ICS 214 (Activity Log) and ICS 213 (General Message, one per order), FEMA version 2 forms.

Each form is first built field by field from the one fold (`Ics214`, `Ics213`), then written
as CSV (a sectioned sheet for ICS 214 that reads like the paper form; one row per message for
ICS 213) or as HTML for the PDF printer in `ui.review.pdf`. Dates and times are written as the
forms ask (date, 24-hour HHMM) in the incident's time zone, labelled with its IANA name and
UTC offset ("Asia/Shanghai (UTC+08:00)", "1653 UTC+08:00"), never an abbreviation such as CST.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from command.fold import IncidentState, OrderView
from command.fold.orders import params_text
from command.ids import short_id
from command.lifecycle import OrderState, Step
from command.model import Priority
from command.review.report import incident_title
from command.review.timefmt import form_date, form_datetime, form_time, zone_label, zone_or_utc
from command.vocabulary import (
    EventLike,
    GrantsReceived,
    Kind,
    LinkChanged,
    StationPresence,
    decode,
)

JSON = Any

ICS214_FIELDS = (
    "1. Incident Name",
    "2. Operational Period",
    "3. Name",
    "4. ICS Position",
    "5. Home Agency (and Unit)",
    "6. Resources Assigned",
    "7. Activity Log",
    "8. Prepared by",
)
"""The numbered blocks of FEMA ICS 214 v2, in the form's order."""
ICS214_PERIOD = ("Date From", "Date To", "Time From", "Time To")
ICS214_RESOURCE = ("Name", "ICS Position", "Home Agency (and Unit)")
ICS214_ACTIVITY = ("Date/Time", "Notable Activities")
ICS214_PREPARED = ("Name", "Position/Title", "Signature", "Date/Time")

ICS213_FIELDS = (
    "1. Incident Name (Optional)",
    "2. To (Name and Position)",
    "3. From (Name and Position)",
    "4. Subject",
    "5. Date",
    "6. Time",
    "7. Message",
    "8. Approved by: Name",
    "8. Approved by: Signature",
    "8. Approved by: Position/Title",
    "9. Reply",
    "10. Replied by: Name",
    "10. Replied by: Position/Title",
    "10. Replied by: Signature",
    "10. Date/Time",
)
"""Every field of FEMA ICS 213 v2, in the form's order (blocks 8 and 10 have sub-fields)."""
ICS213_COLUMNS = (*ICS213_FIELDS, "Order ID", "Order State")
"""The ICS 213 CSV's columns: the form's fields, then which order each message is."""

STATION_POSITION = "Station operator"
COMMANDER_POSITION = "Incident Commander"


@dataclass(frozen=True, slots=True)
class Preparer:
    """Who the form is for and who prepared it; empty fields are taken from the journal.

    `role` and `owner` say whose journal it is (a station's ICS 214 names the station, in its
    position, not the commander); `timezone` is the configured default zone for a journal
    that never said its incident's (UTC when empty); `prepared_at` is when the form was made
    (default: the journal's last event).
    """

    name: str = ""
    position: str = ""
    agency: str = ""
    prepared_by: str = ""
    role: str = "console"
    owner: str = ""
    timezone: str = ""
    prepared_at: float | None = None


@dataclass(frozen=True, slots=True)
class Resource:
    """One line of ICS 214 block 6."""

    name: str
    position: str
    agency: str


@dataclass(frozen=True, slots=True)
class Ics214:
    """ICS 214 v2, field by field (times already written in the form's zone)."""

    incident: str
    zone: str  # "Asia/Shanghai (UTC+08:00)": the zone every time on the form is in
    date_from: str
    date_to: str
    time_from: str
    time_to: str
    name: str
    position: str
    agency: str
    resources: tuple[Resource, ...]
    activities: tuple[tuple[str, str], ...]  # (date/time, notable activity)
    prepared_name: str
    prepared_position: str
    prepared_signature: str
    prepared_at: str


@dataclass(frozen=True, slots=True)
class Ics213:
    """ICS 213 v2 for one order, field by field, in `ICS213_FIELDS` order."""

    incident: str
    to: str
    from_: str
    subject: str
    date: str
    time: str
    message: str
    approved_name: str
    approved_signature: str
    approved_position: str
    reply: str
    replied_name: str
    replied_position: str
    replied_signature: str
    replied_at: str
    order_id: str = ""
    state: str = ""
    zone: str = field(default="", compare=False)

    def row(self) -> list[str]:
        """The CSV row, in `ICS213_COLUMNS` order."""
        return [
            self.incident,
            self.to,
            self.from_,
            self.subject,
            self.date,
            self.time,
            self.message,
            self.approved_name,
            self.approved_signature,
            self.approved_position,
            self.reply,
            self.replied_name,
            self.replied_position,
            self.replied_signature,
            self.replied_at,
            self.order_id,
            self.state,
        ]


LOGGED_STEPS = (
    Step.ACCEPT,
    Step.DECLINE,
    Step.REJECT,
    Step.COMPLETE,
    Step.FAIL,
    Step.CANCEL,
    Step.EXPIRE,
)
REPLY_STEPS = (
    Step.ACCEPT,
    Step.DECLINE,
    Step.REJECT,
    Step.PROGRESS,
    Step.COMPLETE,
    Step.FAIL,
    Step.EXPIRE,
)
PRESENCE_KINDS = frozenset(
    {Kind.STATION_ONLINE, Kind.STATION_OFFLINE, Kind.LINK_UP, Kind.LINK_DOWN}
)


# ---------------------------------------------------------------------------- what the journal said


def _stations(state: IncidentState) -> dict[str, Mapping[str, JSON]]:
    """Station id → its entry in `incident.opened` (name, agency, kinds), empty when never said."""
    raw = state.info.raw.get("incident", {}).get("stations", [])
    return {str(s.get("id")): s for s in raw if isinstance(s, Mapping)}


def kind_title(state: IncidentState, station: str, kind: str) -> str:
    """The order kind's title from the station's catalogue in `incident.opened` (any station's
    when this one's does not list it), else the slug made readable ("deploy_staff" → "Deploy
    staff")."""
    stations = _stations(state)
    entries = [stations.get(station, {}), *stations.values()]
    for entry in entries:
        for k in entry.get("kinds", ()) or ():
            if isinstance(k, Mapping) and k.get("name") == kind and k.get("title"):
                return str(k["title"])
    text = kind.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:] if text else kind


def priority_word(priority: int) -> str:
    """The priority as the console says it: routine, urgent, immediate."""
    try:
        return Priority(int(priority)).name.lower()
    except ValueError:
        return f"priority {priority}"


def _zone(state: IncidentState, who: Preparer) -> ZoneInfo:
    """The incident's zone; for a journal without `incident.opened` the configured default,
    else UTC (said explicitly on the form)."""
    if state.info.raw:
        return zone_or_utc(state.info.timezone)
    return zone_or_utc(who.timezone or "UTC")


def _station_name(state: IncidentState, sid: str) -> str:
    return state.info.stations.get(sid) or str(_stations(state).get(sid, {}).get("name") or sid)


def _station_position(agency: str) -> str:
    return f"{STATION_POSITION}, {agency}" if agency else STATION_POSITION


def _unit(agency: str, name: str) -> str:
    """Home agency (and unit)."""
    if agency and name and agency != name:
        return f"{agency} / {name}"
    return agency or name


def _scope_text(scope: Mapping[str, JSON]) -> str:
    parts = []
    for key, label in (("stations", "stations"), ("order_kinds", "kinds"), ("zones", "zones")):
        values = scope.get(key, scope.get("kinds") if key == "order_kinds" else None)
        if values:
            text = ", ".join(map(str, values)) if isinstance(values, list | tuple) else str(values)
            parts.append(f"{label} {text}")
    return "; ".join(parts) or "unrestricted"


def _grant_sentence(entry: Mapping[str, JSON], tz: ZoneInfo) -> str:
    """A delegation event (as the fold keeps it) as a sentence."""
    kind = entry.get("kind")
    if kind in (Kind.GRANT_ISSUED.value, Kind.GRANT_NARROWED.value):
        grant = entry.get("grant") or {}
        issuer = grant.get("issuer") or "(unknown)"
        delegate = grant.get("delegate") or "(unknown)"
        raw_scope = grant.get("scope")
        scope: Mapping[str, JSON] = raw_scope if isinstance(raw_scope, Mapping) else {}
        until = grant.get("not_after")
        until_text = f", until {form_datetime(float(until), tz)}" if until else ""
        verb = "delegated onward" if kind == Kind.GRANT_NARROWED.value else "granted"
        return (
            f"Authority {verb} by {issuer} to {delegate} (scope {_scope_text(scope)}{until_text})"
        )
    if kind == Kind.GRANT_REVOKED.value:
        rev = entry.get("revocation") or {}
        gid = entry.get("grant_id") or rev.get("grant_id") or "(unknown)"
        by = f" by {rev['issuer']}" if rev.get("issuer") else ""
        reason = f": {rev['reason']}" if rev.get("reason") else ""
        return f"Authority {gid} revoked{by}{reason}"
    if kind == Kind.HANDOVER.value:
        moved = len(entry.get("rechained") or ())
        at = entry.get("effective_at")
        when = f", effective {form_datetime(float(at), tz)}" if at else ""
        orders = f"; {moved} open order(s) moved to the new authority" if moved else ""
        return f"Command handed over by {entry.get('from')} to {entry.get('to')}{when}{orders}"
    return "Delegation changed"


def _event_sentences(
    events: Iterable[EventLike], state: IncidentState
) -> Iterator[tuple[float, str]]:
    """What the fold keeps only the latest of (presence, links) and what it does not keep
    (authority documents a station received), one sentence per event."""
    for ev in events:
        if ev.kind not in PRESENCE_KINDS and ev.kind != Kind.GRANTS_RECEIVED:
            continue
        try:
            body = decode(ev)
        except Exception:  # a malformed body is verify's business
            continue
        if isinstance(body, StationPresence):
            name = _station_name(state, body.station)
            yield ev.ts, f"Station {name} {'back online' if body.online else 'offline'}"
        elif isinstance(body, LinkChanged):
            peer = body.peer or "peer"
            detail = f" ({body.detail})" if body.detail else ""
            yield ev.ts, f"Link to {peer} {'up' if body.up else 'down'}{detail}"
        elif isinstance(body, GrantsReceived):
            grants = [d for d in body.documents if d.get("delegate")]
            said = "; ".join(
                f"grant {d.get('id', '?')} from {d.get('issuer', '?')} to {d['delegate']}"
                for d in grants
            )
            text = f"Authority documents received ({len(body.documents)})"
            text += f": {said}" if said else ""
            if body.problems:
                text += f" — problems: {'; '.join(body.problems)}"
            yield ev.ts, text


def _activities(
    state: IncidentState, events: Iterable[EventLike], tz: ZoneInfo, station_view: bool
) -> Iterator[tuple[float, str]]:
    """Time-stamped notable activities as sentences, oldest first."""
    items: list[tuple[float, int, str]] = []
    zones = state.info.zones
    for d in state.decisions.rows:
        dec = d.decision
        text = f"Decision by {dec.author}: {dec.decision} — rationale: {dec.rationale}"
        if dec.corrects:
            text = f"Correction of entry {dec.corrects} by {dec.author}: {dec.decision}"
        if d.struck:
            text += f" [struck through by {d.struck_by}: {d.struck_reason}]"
        items.append((dec.ts, d.seq, text))
    for o in state.orders.rows:
        to = _station_name(state, o.station)
        subject = kind_title(state, o.station, o.kind)
        zone = zones.get(o.zone, o.zone)
        words = f"{subject} ({priority_word(o.priority)}, zone {zone})"
        if o.asks:  # the text as signed in quotes, else the parameters; never an empty quote
            words += f": “{o.asks}”" if o.text else f": {o.asks}"
        if station_view:
            items.append(
                (
                    o.received_at,
                    o.seq,
                    f"Order {short_id(o.order_id)} received from {o.commander}: {words}",
                )
            )
        else:
            items.append(
                (o.issued_at, o.seq, f"Order {short_id(o.order_id)} issued to {to}: {words}")
            )
        for s in o.history:
            if s.step not in LOGGED_STEPS:
                continue
            reason = s.detail.get("reason")
            said = s.detail.get("text")
            suffix = f" — {reason}" if reason else ""
            suffix += f" ({said})" if said and said != reason else ""
            items.append(
                (
                    s.ts,
                    s.seq,
                    f"Order {short_id(o.order_id)} ({subject}) {s.state.value} by {to}{suffix}",
                )
            )
    for esc in state.escalations.rows:
        items.append((esc.raised_at, 0, f"Escalation: {esc.message}"))
    for a in state.alerts.rows:
        if a.issued:
            items.append((a.ts, 0, f"Public alert issued: {a.headline or a.kind}"))
        else:
            items.append((a.ts, 0, f"Signal from {a.source}: {a.headline}"))
    for ts, text in _event_sentences(events, state):
        items.append((ts, 0, text))
    for g in state.header.grants:
        items.append((float(g["ts"]), 0, _grant_sentence(g, tz)))
    items.sort(key=lambda item: (item[0], item[1]))
    for ts, _seq, text in items:
        yield ts, text


# ---------------------------------------------------------------------------- ICS 214


def ics214(state: IncidentState, who: Preparer, events: Iterable[EventLike] = ()) -> Ics214:
    """ICS 214 of the fold `state` (presence, link and authority documents from `events`).

    A console journal's log is the commander's (name, position and agency from
    `incident.opened`); a station journal's is the station's, in its own position
    ("Station operator, <agency>").
    """
    info = state.info
    tz = _zone(state, who)
    stations = _stations(state)
    station_view = who.role == "station"
    if station_view:
        entry = stations.get(who.owner, {})
        name = who.name or str(entry.get("name") or who.owner)
        agency = who.agency or str(entry.get("agency") or "")
        position = who.position or _station_position(agency)
        unit = _unit(agency, name)
        resources: tuple[Resource, ...] = (Resource(name, position, unit),)
    else:
        name = who.name or info.commander
        agency = who.agency or info.agency
        position = who.position or info.position or COMMANDER_POSITION
        unit = agency
        own = Resource(name, position, agency) if name else None
        resources = tuple(
            r
            for r in (
                own,
                *(
                    Resource(
                        str(st.get("name") or sid),
                        str(st.get("position") or _station_position(str(st.get("agency") or ""))),
                        _unit(str(st.get("agency") or ""), str(st.get("name") or sid)),
                    )
                    for sid, st in stations.items()
                ),
            )
            if r is not None
        )
    first, last = state.first_ts, state.last_ts
    activities = tuple(
        (form_datetime(ts, tz), text) for ts, text in _activities(state, events, tz, station_view)
    )
    prepared_at = who.prepared_at if who.prepared_at is not None else last
    return Ics214(
        incident=incident_title(state),
        zone=zone_label(first if first is not None else 0.0, tz),
        date_from=form_date(first, tz) if first is not None else "",
        date_to=form_date(last, tz) if last is not None else "",
        time_from=form_time(first, tz) if first is not None else "",
        time_to=form_time(last, tz) if last is not None else "",
        name=name,
        position=position,
        agency=unit,
        resources=resources,
        activities=activities,
        prepared_name=who.prepared_by or name,
        prepared_position=position,
        prepared_signature="",
        prepared_at=form_datetime(prepared_at, tz) if prepared_at is not None else "",
    )


def write_ics214(
    state: IncidentState, out: TextIO, who: Preparer, events: Iterable[EventLike] = ()
) -> int:
    """Write the ICS 214 of the fold `state` as a sectioned CSV; returns the activity rows."""
    form = ics214(state, who, events)
    w = csv.writer(out)
    w.writerow(["ICS 214", "Activity Log", "Times in", form.zone])
    w.writerow([ICS214_FIELDS[0], form.incident])
    w.writerow([ICS214_FIELDS[1], *ICS214_PERIOD])
    w.writerow(["", form.date_from, form.date_to, form.time_from, form.time_to])
    w.writerow([ICS214_FIELDS[2], form.name])
    w.writerow([ICS214_FIELDS[3], form.position])
    w.writerow([ICS214_FIELDS[4], form.agency])
    w.writerow([])
    w.writerow([ICS214_FIELDS[5], *ICS214_RESOURCE])
    for r in form.resources:
        w.writerow(["", r.name, r.position, r.agency])
    w.writerow([])
    w.writerow([ICS214_FIELDS[6], *ICS214_ACTIVITY])
    for when, text in form.activities:
        w.writerow(["", when, text])
    w.writerow([])
    w.writerow([ICS214_FIELDS[7], *ICS214_PREPARED])
    w.writerow(
        [
            "",
            form.prepared_name,
            form.prepared_position,
            form.prepared_signature,
            form.prepared_at,
        ]
    )
    return len(form.activities)


# ---------------------------------------------------------------------------- ICS 213


def _reply(o: OrderView) -> tuple[str, float | None]:
    """The station's latest answer to an order: (text, when)."""
    for s in reversed(o.history):
        if s.step in REPLY_STEPS:
            reason = s.detail.get("reason") or s.detail.get("note") or ""
            said = s.detail.get("text") or ""
            text = s.state.value + (f": {reason}" if reason else "")
            text += f" ({said})" if said and said != reason else ""
            return text, s.ts
    return "", None


def ics213(state: IncidentState, who: Preparer) -> list[Ics213]:
    """One ICS 213 per order of the fold `state`, in journal order."""
    tz = _zone(state, who)
    info = state.info
    stations = _stations(state)
    title = incident_title(state)
    out: list[Ics213] = []
    for o in sorted(state.orders.rows, key=lambda row: row.seq):
        st = stations.get(o.station, {})
        st_name = _station_name(state, o.station)
        st_agency = str(st.get("agency") or "")
        st_position = str(st.get("position") or _station_position(st_agency))
        sender = who.name or info.commander or o.commander
        position = who.position or info.position or COMMANDER_POSITION
        zone = info.zones.get(o.zone, o.zone)
        lines = [f"Zone: {zone}.", f"Priority: {priority_word(o.priority)}."]
        if o.text:
            lines.insert(0, o.text)
        if o.params:
            lines.append(f"Parameters: {params_text(o.params)}.")
        lines.append(f"Acknowledge by {form_time(o.ack_deadline, tz)}; due {form_time(o.due, tz)}.")
        sig = o.order.signature
        reply, when = _reply(o)
        answered = when is not None
        out.append(
            Ics213(
                incident=title,
                to=f"{st_name}, {st_position}",
                from_=f"{sender}, {position}" if sender else position,
                subject=kind_title(state, o.station, o.kind),
                date=form_date(o.issued_at, tz),
                time=form_time(o.issued_at, tz),
                message="\n".join(lines),
                approved_name=o.commander or sender,
                approved_signature=f"Ed25519 {sig[:16]}…" if sig else "",
                approved_position=position,
                reply=reply,
                replied_name=st_name if answered else "",
                replied_position=st_position if answered else "",
                replied_signature="",
                replied_at=form_datetime(when, tz) if when is not None else "",
                order_id=o.order_id,
                state=o.state.value if isinstance(o.state, OrderState) else str(o.state),
                zone=zone_label(o.issued_at, tz),
            )
        )
    return out


def write_ics213(
    state: IncidentState, out: TextIO, who: Preparer, events: Iterable[EventLike] = ()
) -> int:
    """Write one ICS 213 general message per order as CSV; returns the number of orders."""
    del events  # the messages are the orders: the fold has all of them
    messages = ics213(state, who)
    w = csv.writer(out)
    w.writerow(ICS213_COLUMNS)
    for m in messages:
        w.writerow(m.row())
    return len(messages)


def export_ics(
    state: IncidentState,
    path: Path,
    form: str,
    who: Preparer,
    events: Iterable[EventLike] = (),
) -> int:
    """Write form `ics214` or `ics213` (CSV) to `path`; returns the rows written."""
    writers = {"ics214": write_ics214, "ics213": write_ics213}
    if form not in writers:
        raise ValueError(f"unknown ICS form {form!r}")
    with open(path, "w", newline="", encoding="utf-8") as out:
        return writers[form](state, out, who, events)


# ---------------------------------------------------------------------------- HTML for print

_STYLE = (
    "<style>"
    "body { font-family: sans-serif; font-size: 9pt; }"
    "h1 { font-size: 13pt; margin: 0; }"
    "table { border-collapse: collapse; }"
    "td, th { border: 1px solid #000; padding: 3px; vertical-align: top; }"
    "th { background: #e8e8e8; text-align: left; }"
    ".label { font-size: 7pt; color: #333; }"
    "</style>"
)


def _e(text: str) -> str:
    return html.escape(text).replace("\n", "<br/>")


def _cell(label: str, value: str, span: int = 1) -> str:
    return (
        f'<td colspan="{span}"><span class="label">{_e(label)}</span><br/>{_e(value) or "&nbsp;"}'
        "</td>"
    )


def ics214_html(form: Ics214) -> str:
    """ICS 214 as HTML laid out like the paper form (page numbers and the signature line on
    every page are added by the printer: `ics214_footer`)."""
    rows = [
        "<h1>ACTIVITY LOG (ICS 214)</h1>",
        f'<p class="label">All times {_e(form.zone)}</p>',
        '<table width="100%" cellspacing="0">',
        "<tr>",
        _cell(ICS214_FIELDS[0], form.incident, 2),
        _cell(
            ICS214_FIELDS[1],
            f"Date From: {form.date_from}   Date To: {form.date_to}\n"
            f"Time From: {form.time_from}   Time To: {form.time_to}",
            2,
        ),
        "</tr><tr>",
        _cell(ICS214_FIELDS[2], form.name),
        _cell(ICS214_FIELDS[3], form.position),
        _cell(ICS214_FIELDS[4], form.agency, 2),
        "</tr></table>",
        f"<h3>{_e(ICS214_FIELDS[5])}</h3>",
        '<table width="100%" cellspacing="0"><tr>',
        *(f"<th>{_e(h)}</th>" for h in ICS214_RESOURCE),
        "</tr>",
        *(
            f"<tr><td>{_e(r.name)}</td><td>{_e(r.position)}</td><td>{_e(r.agency)}</td></tr>"
            for r in form.resources
        ),
        "</table>",
        f"<h3>{_e(ICS214_FIELDS[6])}</h3>",
        '<table width="100%" cellspacing="0"><tr>',
        *(f"<th>{_e(h)}</th>" for h in ICS214_ACTIVITY),
        "</tr>",
        *(
            f'<tr><td width="28%">{_e(when)}</td><td>{_e(text)}</td></tr>'
            for when, text in form.activities
        ),
        "</table>",
    ]
    return f"<html><head>{_STYLE}</head><body>{''.join(rows)}</body></html>"


def ics214_footer(form: Ics214) -> str:
    """The foot of every ICS 214 page: block 8 and the page number (`{page}`, `{pages}`)."""
    return (
        f"{ICS214_FIELDS[7]}:  Name: {form.prepared_name}   "
        f"Position/Title: {form.prepared_position}   Signature: ____________   "
        f"Date/Time: {form.prepared_at}\n"
        "ICS 214, Page {page} of {pages}"
    )


def ics213_html(messages: Sequence[Ics213]) -> str:
    """Every ICS 213 as HTML, one form per page (page numbers are added by the printer)."""
    forms = []
    for i, m in enumerate(messages):
        brk = ' style="page-break-before: always"' if i else ""
        forms.append(
            f"<div{brk}>"
            "<h1>GENERAL MESSAGE (ICS 213)</h1>"
            f'<p class="label">Order {_e(short_id(m.order_id))} ({_e(m.state)}); '
            f"times {_e(m.zone)}</p>"
            '<table width="100%" cellspacing="0">'
            f"<tr>{_cell(ICS213_FIELDS[0], m.incident, 3)}</tr>"
            f"<tr>{_cell(ICS213_FIELDS[1], m.to, 3)}</tr>"
            f"<tr>{_cell(ICS213_FIELDS[2], m.from_, 3)}</tr>"
            f"<tr>{_cell(ICS213_FIELDS[3], m.subject)}{_cell(ICS213_FIELDS[4], m.date)}"
            f"{_cell(ICS213_FIELDS[5], m.time)}</tr>"
            f"<tr>{_cell(ICS213_FIELDS[6], m.message, 3)}</tr>"
            f"<tr>{_cell(ICS213_FIELDS[7], m.approved_name)}"
            f"{_cell(ICS213_FIELDS[8], m.approved_signature or '____________')}"
            f"{_cell(ICS213_FIELDS[9], m.approved_position)}</tr>"
            f"<tr>{_cell(ICS213_FIELDS[10], m.reply, 3)}</tr>"
            f"<tr>{_cell(ICS213_FIELDS[11], m.replied_name)}"
            f"{_cell(ICS213_FIELDS[12], m.replied_position)}"
            f"{_cell(ICS213_FIELDS[13], m.replied_signature or '____________')}</tr>"
            f"<tr>{_cell(ICS213_FIELDS[14], m.replied_at, 3)}</tr>"
            "</table></div>"
        )
    if not forms:
        forms.append("<h1>GENERAL MESSAGE (ICS 213)</h1><p>No orders in this journal.</p>")
    return f"<html><head>{_STYLE}</head><body>{''.join(forms)}</body></html>"


ICS213_FOOTER = "ICS 213, Page {page} of {pages}"
"""The foot of every ICS 213 page."""
