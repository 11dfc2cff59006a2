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

from command.fold import Counts, IncidentState
from command.lifecycle import OrderState, Step
from command.review.integrity import IntegritySection, integrity_section, render_integrity_html
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
    rejected: int
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
    counts: Counts = field(default_factory=Counts)
    plots: list[Plot] = field(default_factory=list)
    no_data: list[str] = field(default_factory=list)  # "no data for …", one per plot left out
    integrity_detail: IntegritySection | None = None  # the integrity section (issue #14)
    agreement: str = ""  # the merge's agreement check, when station journals were merged


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def incident_title(state: IncidentState) -> str:
    """The incident's name or id (a station journal knows only the id its events carry)."""
    return state.info.name or state.info.id or state.header.incident or "(unnamed incident)"


def response_times(state: IncidentState) -> list[AgencyTimes]:
    """Per station: counts and median issued→accepted, accepted→completed seconds."""
    by_station: dict[str, list[tuple[float | None, float | None, OrderState]]] = {}
    for o in state.orders.rows:
        acc = o.first(Step.ACCEPT)
        done = o.first(Step.COMPLETE)
        to_accept = acc.ts - o.issued_at if acc else None
        to_complete = done.ts - acc.ts if (acc and done) else None
        by_station.setdefault(o.station, []).append((to_accept, to_complete, o.state))
    out = []
    for sid, rows in sorted(by_station.items()):
        out.append(
            AgencyTimes(
                station=sid,
                name=state.info.stations.get(sid, sid),
                orders=len(rows),
                accepted=sum(1 for a, _, _ in rows if a is not None),
                completed=sum(1 for _, _, s in rows if s is OrderState.COMPLETED),
                declined=sum(1 for _, _, s in rows if s is OrderState.DECLINED),
                rejected=sum(1 for _, _, s in rows if s is OrderState.REJECTED),
                to_accept_s=_median([a for a, _, _ in rows if a is not None]),
                to_complete_s=_median([c for _, c, _ in rows if c is not None]),
            )
        )
    return out


def summary_rows(state: IncidentState, counts: Counts) -> list[tuple[str, str]]:
    """The summary table: the incident, then the fold's `Counts` (as the run summary and
    `baton replay --json` print them)."""
    c = counts
    return [
        ("Incident", incident_title(state)),
        ("Commander", state.info.commander or "—"),
        ("Events in the journal", str(state.events)),
        ("Orders issued", str(c.issued)),
        ("Accepted", str(c.accepted)),
        ("Completed", str(c.completed)),
        ("Declined", str(c.declined)),
        ("Rejected by the station", str(c.rejected)),
        ("Expired", str(c.expired)),
        ("Cancelled", str(c.cancelled)),
        ("Failed", str(c.failed)),
        ("Still open", str(c.open)),
        ("Late (a deadline passed)", str(c.late)),
        ("Decisions logged", str(c.decisions)),
        ("Corrections", str(sum(1 for d in state.decisions.rows if d.struck))),
        ("Escalations", str(c.escalations)),
        ("Escalations still open", str(c.escalations_open)),
        ("Suggestions", str(c.suggestions)),
        ("Alerts received", str(sum(1 for a in state.alerts.rows if not a.issued))),
        ("Public alerts issued", str(sum(1 for a in state.alerts.rows if a.issued))),
    ]


def build_report(
    state: IncidentState,
    *,
    integrity: str,
    integrity_ok: bool,
    plots: Sequence[Plot] = (),
    no_data: Sequence[str] = (),
    agreement: str = "",
) -> ReportContent:
    """Assemble the report content from the fold of a journal and its verify verdict (and, when
    station journals were merged with it, the agreement check's line)."""
    tz = zone_or_utc(state.info.timezone)

    def when(ts: float | None) -> str:
        return local_time(ts, tz) if ts is not None else "—"

    counts = state.counts()
    items: list[tuple[float, int, str, str]] = []
    for d in state.decisions.rows:
        dec = d.decision
        text = f"{dec.decision} — {dec.rationale}"
        if d.struck:
            text = f"<s>{html.escape(text)}</s> (corrected: {html.escape(d.struck_reason)})"
        else:
            text = html.escape(text)
        items.append((dec.ts, d.seq, "Decision", text))
    for o in state.orders.rows:
        late = " (late)" if o.late else ""
        items.append(
            (
                o.issued_at,
                o.seq,
                "Order",
                html.escape(
                    f"{o.kind} → {o.station} ({o.zone})"
                    + (f": {o.asks}" if o.asks else "")
                    + f" — now {o.state.value}{late}"
                ),
            )
        )
    items.sort(key=lambda it: (it[0], it[1]))
    timeline = [(when(ts), what, text) for ts, _, what, text in items]
    escalations = [
        (when(e.raised_at), e.kind, e.message)
        for e in sorted(state.escalations.rows, key=lambda e: e.raised_at)
    ]
    title = incident_title(state)
    return ReportContent(
        title=f"After-action report — {title}",
        period=f"{when(state.first_ts)} to {when(state.last_ts)}",
        summary=summary_rows(state, counts),
        timeline=timeline,
        agencies=response_times(state),
        escalations=escalations,
        integrity=integrity,
        integrity_ok=integrity_ok,
        counts=counts,
        plots=list(plots),
        no_data=list(no_data),
        integrity_detail=integrity_section(state, integrity, integrity_ok, when),
        agreement=agreement,
    )


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 60:.1f} min" if value >= 120 else f"{value:.0f} s"


def render_html(report: ReportContent) -> str:
    """The report as a self-contained HTML page (plots embedded as data URIs)."""
    e = html.escape
    refused = len(report.integrity_detail.refusals) if report.integrity_detail else 0
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{e(report.title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:0.5em 0 1.5em}"
        "td,th{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}"
        "th{background:#eee}.ok{color:#1a7f37}.bad{color:#c62828}</style></head><body>",
        f"<h1>{e(report.title)}</h1>",
        f"<p>Operational period: {e(report.period)}</p>",
        f"<p class='{'ok' if report.integrity_ok and not refused else 'bad'}'><b>Integrity:</b> "
        f"{e(report.integrity)}{f' — {refused} refusal(s) by witnesses' if refused else ''}</p>",
        *(
            [f"<p><b>Console and station journals:</b> {e(report.agreement)}</p>"]
            if report.agreement
            else []
        ),
        "<h2>Summary</h2><table>",
        *(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in report.summary),
        "</table>",
        "<h2>Response times per agency</h2><table><tr><th>Station</th><th>Orders</th>"
        "<th>Accepted</th><th>Completed</th><th>Declined</th><th>Rejected</th>"
        "<th>Median issued→accepted</th><th>Median accepted→completed</th></tr>",
        *(
            f"<tr><td>{e(a.name)}</td><td>{a.orders}</td><td>{a.accepted}</td>"
            f"<td>{a.completed}</td><td>{a.declined}</td><td>{a.rejected}</td>"
            f"<td>{_seconds(a.to_accept_s)}</td>"
            f"<td>{_seconds(a.to_complete_s)}</td></tr>"
            for a in report.agencies
        ),
        "</table>",
    ]
    if report.plots or report.no_data:
        parts.append("<h2>Key metrics</h2>")
        for plot in report.plots:
            data = base64.b64encode(plot.png).decode("ascii")
            parts.append(
                f"<p><img width='640' alt='{e(plot.title)}' title='{e(plot.title)}' "
                f"src='data:image/png;base64,{data}'/></p>"
            )
        parts += [f"<p class='nodata'>{e(line)}</p>" for line in report.no_data]
    if report.integrity_detail is not None:
        parts.append(render_integrity_html(report.integrity_detail))
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
