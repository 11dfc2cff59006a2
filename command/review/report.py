"""The after-action report's content and its HTML form.

This module decides what the report says; drawing plots and printing PDF belong to `ui/`, which
hands the plot images in as PNG bytes and prints the HTML through Qt.
"""

from __future__ import annotations

import base64
import html
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from command.review.record import IncidentRecord
from command.review.timefmt import local_time, zone_or_utc


@dataclass(frozen=True, slots=True)
class AgencyTimes:
    """Median response times of one station: issued→accepted and accepted→completed."""

    station: str
    name: str
    orders: int
    accepted: int
    completed: int
    declined: int
    to_accept_s: float | None
    to_complete_s: float | None


@dataclass(frozen=True, slots=True)
class Plot:
    """A picture for the report: a title and a PNG."""

    title: str
    png: bytes


@dataclass
class ReportContent:
    """Everything the report shows, ready to render."""

    title: str
    period: str
    summary: list[tuple[str, str]]
    timeline: list[tuple[str, str, str]]
    agencies: list[AgencyTimes]
    escalations: list[tuple[str, str, str]]
    integrity: str
    integrity_ok: bool
    plots: list[Plot] = field(default_factory=list)


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def response_times(rec: IncidentRecord) -> list[AgencyTimes]:
    """Per station: counts and median issued→accepted, accepted→completed seconds."""
    names = {s.get("id"): s.get("name", s.get("id")) for s in rec.incident.get("stations", [])}
    by_station: dict[str, list[tuple[float | None, float | None, str]]] = {}
    for h in rec.orders.values():
        issued = float(h.order.get("issued_at", 0.0))
        acc = h.first("accept")
        done = h.first("complete")
        to_accept = acc.ts - issued if acc else None
        to_complete = done.ts - acc.ts if (acc and done) else None
        by_station.setdefault(str(h.order.get("station")), []).append(
            (to_accept, to_complete, h.state)
        )
    out = []
    for sid, rows in sorted(by_station.items()):
        out.append(
            AgencyTimes(
                station=sid,
                name=str(names.get(sid, sid)),
                orders=len(rows),
                accepted=sum(1 for a, _, _ in rows if a is not None),
                completed=sum(1 for _, _, s in rows if s == "completed"),
                declined=sum(1 for _, _, s in rows if s == "declined"),
                to_accept_s=_median([a for a, _, _ in rows if a is not None]),
                to_complete_s=_median([c for _, c, _ in rows if c is not None]),
            )
        )
    return out


def build_report(
    rec: IncidentRecord, *, integrity: str, integrity_ok: bool, plots: Sequence[Plot] = ()
) -> ReportContent:
    """Assemble the report content from an incident record and a verify verdict."""
    tz = zone_or_utc(rec.incident.get("timezone"))

    def when(ts: float | None) -> str:
        return local_time(ts, tz) if ts is not None else "—"

    states = [h.state for h in rec.orders.values()]
    live_decisions = [d for d in rec.decisions.values() if not d.decision.get("corrects")]
    summary = [
        ("Incident", rec.incident_name),
        ("Commander", str(rec.incident.get("commander", "—"))),
        ("Events in the journal", str(rec.events)),
        ("Orders issued", str(len(states))),
        ("Completed", str(states.count("completed"))),
        ("Declined", str(states.count("declined"))),
        ("Failed / expired", str(states.count("failed") + states.count("expired"))),
        ("Decisions logged", str(len(live_decisions))),
        ("Corrections", str(sum(1 for d in rec.decisions.values() if d.struck_by))),
        ("Escalations", str(len(rec.escalations))),
        ("Alerts received", str(len(rec.signals))),
    ]
    items: list[tuple[float, int, str, str]] = []
    for d in rec.decisions.values():
        dec = d.decision
        text = f"{dec.get('decision', '')} — {dec.get('rationale', '')}"
        if d.struck_by:
            text = f"<s>{html.escape(text)}</s> (corrected: {html.escape(d.struck_reason)})"
        else:
            text = html.escape(text)
        items.append((float(dec.get("ts", 0.0)), d.seq, "Decision", text))
    for h in rec.orders.values():
        o = h.order
        items.append(
            (
                float(o.get("issued_at", 0.0)),
                h.issued_seq,
                "Order",
                html.escape(
                    f"{o.get('kind')} → {o.get('station')} ({o.get('zone')}): "
                    f"{o.get('text', '')} — now {h.state}"
                ),
            )
        )
    items.sort(key=lambda it: (it[0], it[1]))
    timeline = [(when(ts), what, text) for ts, _, what, text in items]
    escalations = [
        (when(float(e.get("raised_at", 0.0))), str(e.get("kind")), str(e.get("message")))
        for e in sorted(rec.escalations.values(), key=lambda e: float(e.get("raised_at", 0.0)))
    ]
    return ReportContent(
        title=f"After-action report — {rec.incident_name}",
        period=f"{when(rec.first_ts)} to {when(rec.last_ts)}",
        summary=summary,
        timeline=timeline,
        agencies=response_times(rec),
        escalations=escalations,
        integrity=integrity,
        integrity_ok=integrity_ok,
        plots=list(plots),
    )


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 60:.1f} min" if value >= 120 else f"{value:.0f} s"


def render_html(report: ReportContent) -> str:
    """The report as a self-contained HTML page (plots embedded as data URIs)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{e(report.title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:0.5em 0 1.5em}"
        "td,th{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}"
        "th{background:#eee}.ok{color:#1a7f37}.bad{color:#c62828}</style></head><body>",
        f"<h1>{e(report.title)}</h1>",
        f"<p>Operational period: {e(report.period)}</p>",
        f"<p class='{'ok' if report.integrity_ok else 'bad'}'><b>Integrity:</b> "
        f"{e(report.integrity)}</p>",
        "<h2>Summary</h2><table>",
        *(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in report.summary),
        "</table>",
        "<h2>Response times per agency</h2><table><tr><th>Station</th><th>Orders</th>"
        "<th>Accepted</th><th>Completed</th><th>Declined</th>"
        "<th>Median issued→accepted</th><th>Median accepted→completed</th></tr>",
        *(
            f"<tr><td>{e(a.name)}</td><td>{a.orders}</td><td>{a.accepted}</td>"
            f"<td>{a.completed}</td><td>{a.declined}</td><td>{_seconds(a.to_accept_s)}</td>"
            f"<td>{_seconds(a.to_complete_s)}</td></tr>"
            for a in report.agencies
        ),
        "</table>",
    ]
    if report.plots:
        parts.append("<h2>Key metrics</h2>")
        for plot in report.plots:
            data = base64.b64encode(plot.png).decode("ascii")
            parts.append(
                f"<p><img width='640' alt='{e(plot.title)}' "
                f"src='data:image/png;base64,{data}'/></p>"
            )
    parts.append("<h2>Escalations</h2>")
    if report.escalations:
        parts.append("<table><tr><th>Time</th><th>Kind</th><th>Message</th></tr>")
        parts += [
            f"<tr><td>{e(t)}</td><td>{e(k)}</td><td>{e(m)}</td></tr>"
            for t, k, m in report.escalations
        ]
        parts.append("</table>")
    else:
        parts.append("<p>None.</p>")
    parts.append("<h2>Timeline of decisions and orders</h2>")
    parts.append("<table><tr><th>Time</th><th>What</th><th>Entry</th></tr>")
    parts += [f"<tr><td>{e(t)}</td><td>{e(w)}</td><td>{x}</td></tr>" for t, w, x in report.timeline]
    parts.append("</table></body></html>")
    return "\n".join(parts)
