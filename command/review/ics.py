"""ICS-214 (activity log) and ICS-213 (general message, one per order) as CSV.

The layout follows the paper forms: ICS-214 is a sectioned CSV (header fields, resources assigned,
activity log, prepared by) so it reads like the form in a spreadsheet; ICS-213 is one row per order.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from command.fold import IncidentState, OrderView
from command.lifecycle import Step
from command.review.report import incident_title
from command.review.timefmt import local_time, zone_or_utc
from command.vocabulary import EventLike, LinkChanged, StationPresence, decode

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

ICS213_COLUMNS = (
    "Incident Name",
    "To (Name and Position)",
    "From (Name and Position)",
    "Subject",
    "Date",
    "Time",
    "Message",
    "Approved by",
    "Reply",
    "Replied by",
    "Reply Date/Time",
    "Order ID",
)


@dataclass(frozen=True, slots=True)
class Preparer:
    """Who the form is for and who prepared it (defaults come from the journal)."""

    name: str = ""
    position: str = "Incident Commander"
    agency: str = ""
    prepared_by: str = ""


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


def _stations(state: IncidentState) -> dict[str, Mapping[str, Any]]:
    """Station id → its entry in `incident.opened` (name, agency), empty when never said."""
    raw = state.info.raw.get("incident", {}).get("stations", [])
    return {str(s.get("id")): s for s in raw if isinstance(s, Mapping)}


def _presence(events: Iterable[EventLike], names: Mapping[str, str]) -> Iterator[tuple[float, str]]:
    """Station presence (console) and link changes (station) as activities: the fold keeps
    only the latest of each, the log lists every change."""
    for ev in events:
        if ev.kind not in ("station.online", "station.offline", "link.up", "link.down"):
            continue
        try:
            body = decode(ev)
        except Exception:  # a malformed body is verify's business
            continue
        if isinstance(body, StationPresence):
            name = names.get(body.station, body.station)
            yield ev.ts, f"Station {name} {'back online' if body.online else 'offline'}"
        elif isinstance(body, LinkChanged):
            peer = body.peer or "peer"
            yield ev.ts, f"Link to {peer} {'up' if body.up else 'down'}"


def _activities(
    state: IncidentState, events: Iterable[EventLike] = ()
) -> Iterator[tuple[float, str]]:
    """Time-stamped notable activities, oldest first."""
    items: list[tuple[float, int, str]] = []
    names = dict(state.info.stations)
    for d in state.decisions.rows:
        dec = d.decision
        text = f"Decision: {dec.decision} — rationale: {dec.rationale}"
        if dec.corrects:
            text = f"Correction of entry {dec.corrects}: {dec.decision}"
        if d.struck:
            text += f" [struck through by {d.struck_by}: {d.struck_reason}]"
        items.append((dec.ts, d.seq, text))
    for o in state.orders.rows:
        to = names.get(o.station, o.station)
        items.append((o.issued_at, o.seq, f"Order {o.kind} to {to} (zone {o.zone}): {o.text}"))
        for s in o.history:
            if s.step in LOGGED_STEPS:
                reason = s.detail.get("reason")
                suffix = f" — {reason}" if reason else ""
                items.append((s.ts, s.seq, f"Order {o.order_id} {s.state.value} by {to}{suffix}"))
    for esc in state.escalations.rows:
        items.append((esc.raised_at, 0, f"Escalation: {esc.message}"))
    for a in state.alerts.rows:
        if a.issued:
            items.append((a.ts, 0, f"Public alert issued: {a.headline or a.kind}"))
        else:
            items.append((a.ts, 0, f"Signal from {a.source}: {a.headline}"))
    for ts, text in _presence(events, names):
        items.append((ts, 0, text))
    for g in state.header.grants:
        items.append((float(g["ts"]), 0, f"Delegation: {g['kind']}"))
    items.sort(key=lambda item: (item[0], item[1]))
    for ts, _seq, text in items:
        yield ts, text


def write_ics214(
    state: IncidentState, out: TextIO, who: Preparer, events: Iterable[EventLike] = ()
) -> int:
    """Write the ICS-214 activity log of the fold `state` (presence and link changes from
    `events`); returns the number of activity rows."""
    info = state.info
    tz = zone_or_utc(info.timezone)
    w = csv.writer(out)
    name = who.name or info.commander
    agency = who.agency or info.agency
    start = local_time(state.first_ts, tz) if state.first_ts is not None else ""
    end = local_time(state.last_ts, tz) if state.last_ts is not None else ""
    w.writerow(["ICS 214", "Activity Log"])
    w.writerow([ICS214_FIELDS[0], incident_title(state)])
    w.writerow([ICS214_FIELDS[1], f"From {start}", f"To {end}"])
    w.writerow([ICS214_FIELDS[2], name])
    w.writerow([ICS214_FIELDS[3], who.position or info.position])
    w.writerow([ICS214_FIELDS[4], agency])
    w.writerow([])
    w.writerow([ICS214_FIELDS[5], "Name", "ICS Position", "Home Agency (and Unit)"])
    for sid, st in _stations(state).items():
        w.writerow(["", st.get("name", sid), "Station", st.get("agency", "")])
    w.writerow([])
    w.writerow([ICS214_FIELDS[6], "Date/Time", "Notable Activities"])
    rows = 0
    for ts, text in _activities(state, events):
        w.writerow(["", local_time(ts, tz), text])
        rows += 1
    w.writerow([])
    prepared = who.prepared_by or name
    w.writerow([ICS214_FIELDS[7], prepared, who.position, end])
    return rows


def _reply(o: OrderView) -> tuple[str, str, float | None]:
    """The station's latest answer to an order: (text, by, when)."""
    for s in reversed(o.history):
        if s.step in REPLY_STEPS:
            reason = s.detail.get("reason") or s.detail.get("note") or ""
            return (f"{s.state.value}{': ' + str(reason) if reason else ''}", s.actor, s.ts)
    return ("", "", None)


def write_ics213(
    state: IncidentState, out: TextIO, who: Preparer, events: Iterable[EventLike] = ()
) -> int:
    """Write one ICS-213 general message per order; returns the number of orders."""
    del events  # the messages are the orders: the fold has all of them
    tz = zone_or_utc(state.info.timezone)
    stations = _stations(state)
    sender = who.name or state.info.commander
    title = incident_title(state)
    w = csv.writer(out)
    w.writerow(ICS213_COLUMNS)
    orders = sorted(state.orders.rows, key=lambda o: o.seq)
    for o in orders:
        st = stations.get(o.station, {})
        params = ", ".join(f"{k}={v}" for k, v in sorted(dict(o.params).items()))
        due = local_time(o.due, tz, "%H:%M") if o.due else ""
        message = (
            f"{o.text} | kind {o.kind} ({params}) | zone {o.zone} | "
            f"priority {int(o.priority)} | due {due}"
        )
        sig = o.order.signature
        reply, by, when = _reply(o)
        w.writerow(
            [
                title,
                f"{st.get('name', o.station)} ({st.get('agency', 'station')})",
                f"{sender or o.commander} ({who.position})",
                o.kind,
                local_time(o.issued_at, tz, "%Y-%m-%d"),
                local_time(o.issued_at, tz, "%H:%M:%S %Z"),
                message,
                f"{sender or o.commander}, Ed25519 {sig[:16]}…" if sig else sender,
                reply,
                by,
                local_time(when, tz) if when is not None else "",
                o.order_id,
            ]
        )
    return len(orders)


def export_ics(
    state: IncidentState,
    path: Path,
    form: str,
    who: Preparer,
    events: Iterable[EventLike] = (),
) -> int:
    """Write form `ics214` or `ics213` to `path`; returns the rows written."""
    writers = {"ics214": write_ics214, "ics213": write_ics213}
    if form not in writers:
        raise ValueError(f"unknown ICS form {form!r}")
    with open(path, "w", newline="", encoding="utf-8") as out:
        return writers[form](state, out, who, events)
