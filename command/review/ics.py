"""ICS-214 (activity log) and ICS-213 (general message, one per order) as CSV.

The layout follows the paper forms: ICS-214 is a sectioned CSV (header fields, resources assigned,
activity log, prepared by) so it reads like the form in a spreadsheet; ICS-213 is one row per order.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from command.review.record import IncidentRecord, OrderHistory
from command.review.timefmt import local_time, zone_or_utc

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


def _activities(rec: IncidentRecord) -> Iterator[tuple[float, str]]:
    """Time-stamped notable activities, oldest first."""
    items: list[tuple[float, int, str]] = []
    stations = {s.get("id"): s.get("name", s.get("id")) for s in rec.incident.get("stations", [])}
    for d in rec.decisions.values():
        dec = d.decision
        text = f"Decision: {dec.get('decision', '')} — rationale: {dec.get('rationale', '')}"
        if dec.get("corrects"):
            text = f"Correction of entry {dec['corrects']}: {dec.get('decision', '')}"
        if d.struck_by:
            text += f" [struck through by {d.struck_by}: {d.struck_reason}]"
        items.append((float(dec.get("ts", 0.0)), d.seq, text))
    for h in rec.orders.values():
        o = h.order
        to = stations.get(o.get("station"), o.get("station"))
        items.append(
            (
                float(o.get("issued_at", 0.0)),
                h.issued_seq,
                f"Order {o.get('kind')} to {to} (zone {o.get('zone')}): {o.get('text', '')}",
            )
        )
        for s in h.steps:
            if s.step in ("accept", "decline", "complete", "fail", "cancel", "expire", "rejected"):
                reason = s.detail.get("reason")
                suffix = f" — {reason}" if reason else ""
                items.append((s.ts, s.seq, f"Order {h.id} {s.state} by {to}{suffix}"))
    for esc in rec.escalations.values():
        items.append((float(esc.get("raised_at", 0.0)), 0, f"Escalation: {esc.get('message')}"))
    for sig in rec.signals:
        items.append(
            (
                float(sig.get("ts", 0.0)),
                0,
                f"Signal from {sig.get('source')}: {sig.get('headline')}",
            )
        )
    for ts, station, online in rec.presence:
        items.append(
            (
                ts,
                0,
                f"Station {stations.get(station, station)} "
                f"{'back online' if online else 'offline'}",
            )
        )
    for g in rec.grants:
        items.append((float(g["ts"]), 0, f"Delegation: {g['kind']}"))
    items.sort(key=lambda item: (item[0], item[1]))
    for ts, _seq, text in items:
        yield ts, text


def write_ics214(rec: IncidentRecord, out: TextIO, who: Preparer) -> int:
    """Write the ICS-214 activity log for `rec`; returns the number of activity rows."""
    tz = zone_or_utc(rec.incident.get("timezone"))
    w = csv.writer(out)
    name = who.name or str(rec.incident.get("commander", ""))
    agency = who.agency or str(rec.incident.get("agency", ""))
    start = local_time(rec.first_ts, tz) if rec.first_ts is not None else ""
    end = local_time(rec.last_ts, tz) if rec.last_ts is not None else ""
    w.writerow(["ICS 214", "Activity Log"])
    w.writerow([ICS214_FIELDS[0], rec.incident_name])
    w.writerow([ICS214_FIELDS[1], f"From {start}", f"To {end}"])
    w.writerow([ICS214_FIELDS[2], name])
    w.writerow([ICS214_FIELDS[3], who.position or str(rec.incident.get("position", ""))])
    w.writerow([ICS214_FIELDS[4], agency])
    w.writerow([])
    w.writerow([ICS214_FIELDS[5], "Name", "ICS Position", "Home Agency (and Unit)"])
    for st in rec.incident.get("stations", []):
        w.writerow(["", st.get("name", st.get("id")), "Station", st.get("agency", "")])
    w.writerow([])
    w.writerow([ICS214_FIELDS[6], "Date/Time", "Notable Activities"])
    rows = 0
    for ts, text in _activities(rec):
        w.writerow(["", local_time(ts, tz), text])
        rows += 1
    w.writerow([])
    prepared = who.prepared_by or name
    w.writerow([ICS214_FIELDS[7], prepared, who.position, end])
    return rows


def _reply(h: OrderHistory) -> tuple[str, str, float | None]:
    """The station's latest answer to an order: (text, by, when)."""
    for s in reversed(h.steps):
        if s.step in ("accept", "decline", "progress", "complete", "fail", "rejected", "expire"):
            reason = s.detail.get("reason") or s.detail.get("note") or ""
            return (f"{s.state}{': ' + str(reason) if reason else ''}", s.actor, s.ts)
    return ("", "", None)


def write_ics213(rec: IncidentRecord, out: TextIO, who: Preparer) -> int:
    """Write one ICS-213 general message per order; returns the number of orders."""
    tz = zone_or_utc(rec.incident.get("timezone"))
    stations = {s.get("id"): s for s in rec.incident.get("stations", [])}
    sender = who.name or str(rec.incident.get("commander", ""))
    w = csv.writer(out)
    w.writerow(ICS213_COLUMNS)
    for h in sorted(rec.orders.values(), key=lambda h: h.issued_seq):
        o = h.order
        st = stations.get(o.get("station"), {})
        params = ", ".join(f"{k}={v}" for k, v in sorted(dict(o.get("params", {})).items()))
        due = local_time(float(o["due"]), tz, "%H:%M") if o.get("due") else ""
        message = (
            f"{o.get('text', '')} | kind {o.get('kind')} ({params}) | zone {o.get('zone')} | "
            f"priority {o.get('priority')} | due {due}"
        )
        sig = str(o.get("signature", ""))
        reply, by, when = _reply(h)
        issued = float(o.get("issued_at", 0.0))
        w.writerow(
            [
                rec.incident_name,
                f"{st.get('name', o.get('station'))} ({st.get('agency', 'station')})",
                f"{sender} ({who.position})",
                o.get("kind"),
                local_time(issued, tz, "%Y-%m-%d"),
                local_time(issued, tz, "%H:%M:%S %Z"),
                message,
                f"{sender}, Ed25519 {sig[:16]}…" if sig else sender,
                reply,
                by,
                local_time(when, tz) if when is not None else "",
                h.id,
            ]
        )
    return len(rec.orders)


def export_ics(rec: IncidentRecord, path: Path, form: str, who: Preparer) -> int:
    """Write form `ics214` or `ics213` to `path`; returns the rows written."""
    writers = {"ics214": write_ics214, "ics213": write_ics213}
    if form not in writers:
        raise ValueError(f"unknown ICS form {form!r}")
    with open(path, "w", newline="", encoding="utf-8") as out:
        return writers[form](rec, out, who)
