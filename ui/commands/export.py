"""`baton export JOURNAL --format FORMAT -o FILE`: ICS forms, CAP alerts, after-action reports."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from command.errors import BatonError
from command.ids import short_id
from command.review.ics import (
    ICS213_FOOTER,
    Preparer,
    export_ics,
    ics213,
    ics213_html,
    ics214,
    ics214_footer,
    ics214_html,
)
from command.review.loading import LoadedJournal, load_journal
from command.review.merge import MergedTimeline, agreement_line, merge
from command.review.report import Plot, build_report, incident_title, render_html
from ui.commands.progress import progress_bar

FORMATS = ("ics214", "ics213", "ics214-pdf", "ics213-pdf", "cap", "html", "pdf", "merge")
TIMEZONE_ENV = "BATON_TIMEZONE"
"""The configured default time zone for a journal that never said its incident's."""


def register(sub: Any) -> None:
    """Add the `export` subcommand."""
    p = sub.add_parser(
        "export",
        help="export a journal as ICS-214/213 CSV, CAP 1.2 alerts, or an HTML/PDF report",
        description=(
            "ics214: FEMA ICS 214 v2 activity log (CSV). ics213: one FEMA ICS 213 v2 general "
            "message per order (CSV). ics214-pdf, ics213-pdf: the same forms printed, with the "
            "signature line and 'Page N of M' on every page. Times are in the incident's zone "
            "(a station journal without one: --timezone, else $BATON_TIMEZONE, else UTC). "
            "cap: each public alert as its own CAP 1.2 file in the directory -o. "
            "html, pdf: the after-action report with plots, response times and the integrity "
            "verdict (with --station: and the console/station agreement check). "
            "merge: the console journal merged with its --station journals: the agreement "
            "check (every order's final state at both ends) and the discrepancies, as text."
        ),
    )
    p.add_argument("journal", type=Path, help="the console or station journal (.sqlite)")
    p.add_argument("--format", "-f", choices=FORMATS, required=True)
    p.add_argument("-o", "--output", type=Path, required=True, help="file (or directory for cap)")
    p.add_argument(
        "--station",
        type=Path,
        action="append",
        default=[],
        help="a station journal to merge with the console's (repeat per station)",
    )
    p.add_argument("--name", default="", help="ICS: the commander's name (default: journal)")
    p.add_argument(
        "--position",
        default="",
        help="ICS position (default: the commander's, or 'Station operator, AGENCY')",
    )
    p.add_argument("--agency", default="", help="ICS home agency (default: journal)")
    p.add_argument("--prepared-by", default="", help="ICS-214 prepared by (default: --name)")
    p.add_argument(
        "--timezone",
        default=os.environ.get(TIMEZONE_ENV, ""),
        help="IANA zone for a journal that never said its incident's (default: "
        f"${TIMEZONE_ENV}, else UTC)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Export as asked."""
    with progress_bar("reading journal") as advance:
        loaded = load_journal(args.journal, advance)
    try:
        fmt = args.format
        if fmt.startswith("ics"):
            who = Preparer(
                args.name,
                args.position,
                args.agency,
                args.prepared_by,
                role=loaded.journal.role,
                owner=loaded.journal.owner,
                timezone=_timezone(args.timezone),
                prepared_at=time.time(),
            )
            if fmt.endswith("-pdf"):
                pages = export_ics_pdf(loaded, _writable(args.output), fmt, who)
                print(f"wrote {args.output} ({fmt}, {pages} page(s))")
            else:
                rows = export_ics(loaded.state(), _writable(args.output), fmt, who, loaded.events)
                print(f"wrote {args.output} ({fmt}, {rows} rows)")
        elif fmt == "merge":
            text = merge_text(loaded, args.station)
            _writable(args.output).write_text(text, encoding="utf-8")
            print(text.splitlines()[0])
            print(f"wrote {args.output} (merge)")
        elif fmt == "cap":
            count = export_cap(loaded, args.output)
            print(f"wrote {count} CAP 1.2 alert(s) to {args.output}/")
        else:
            html = report_html(loaded, args.station)
            if fmt == "html":
                _writable(args.output).write_text(html, encoding="utf-8")
            else:
                from ui.qtapp import ensure_app
                from ui.review.pdf import write_pdf

                ensure_app()  # a journal without plots has not made one yet

                title = f"After-action report — {incident_title(loaded.state())}"
                write_pdf(html, args.output, title)
            print(f"wrote {args.output} ({fmt} report)")
        return 0
    finally:
        loaded.close()


def _missing_folder(path: Path) -> BatonError:
    return BatonError(
        f"cannot write {path}: folder {path.parent} does not exist; "
        "create it first or choose another -o path"
    )


def _writable(path: Path) -> Path:
    """`path` if it can be written; a missing parent folder is refused, never made."""
    if not path.parent.is_dir():
        raise _missing_folder(path)
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as err:
        raise BatonError(f"cannot write {path}: {err.strerror}; choose another -o path") from None
    return path


def _timezone(name: str) -> str:
    """A configured zone, checked (an unknown name is refused in one line)."""
    if not name:
        return ""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BatonError(
            f"unknown time zone {name!r}; give an IANA name such as Asia/Shanghai or UTC"
        ) from None
    return name


def export_ics_pdf(loaded: LoadedJournal, path: Path, fmt: str, who: Preparer) -> int:
    """Print ICS 214 or ICS 213 to PDF through Qt; returns the page count."""
    from ui.qtapp import ensure_app
    from ui.review.pdf import write_paged_pdf

    ensure_app()
    state = loaded.state()
    title = incident_title(state)
    if fmt == "ics214-pdf":
        form = ics214(state, who, loaded.events)
        return write_paged_pdf(
            ics214_html(form), path, f"ICS 214 Activity Log — {title}", ics214_footer(form)
        )
    messages = ics213(state, who)
    return write_paged_pdf(
        ics213_html(messages), path, f"ICS 213 General Messages — {title}", ICS213_FOOTER
    )


def report_plots(loaded: LoadedJournal) -> tuple[list[Plot], list[str]]:
    """The key-metric plots (fused estimates, else raw observations) and a line for each
    metric left out for want of data."""
    from command.review.metrics import metric_plots, scenario_derived
    from command.review.timefmt import zone_or_utc
    from ui.qtapp import ensure_app
    from ui.review.plots import SeriesPlot, render_png

    state = loaded.state()
    chosen = metric_plots(state, loaded.journal, scenario_derived(state.info.raw))
    if not chosen.plots:
        return [], chosen.no_data
    ensure_app()
    tz = zone_or_utc(state.info.timezone)
    plots = []
    for m in chosen.plots:
        series = SeriesPlot(
            m.title, m.unit, m.times, m.values, m.thresholds, tz, m.raw_times, m.raw_values
        )
        plots.append(Plot(m.title, render_png(series)))
    return plots, chosen.no_data


def _merged(loaded: LoadedJournal, stations: list[Path]) -> MergedTimeline:
    """The console journal merged with the station journals at `stations`."""
    events = {}
    for path in stations:
        station = load_journal(path)
        try:
            events[station.journal.owner] = station.events
        finally:
            station.close()
    return merge(loaded.events, events)


def merge_text(loaded: LoadedJournal, stations: list[Path]) -> str:
    """The merge as text: the agreement check first, then each disagreement and discrepancy."""
    if not stations:
        raise BatonError("--format merge needs at least one --station JOURNAL to merge with")
    merged = _merged(loaded, stations)
    lines = [agreement_line(merged)]
    lines += [d.line for d in merged.disagreements]
    lines += [
        f"{d.kind}: {short_id(d.order_id) if d.order_id else '-'} {d.station}: {d.detail}"
        for d in merged.discrepancies
    ]
    return "\n".join(lines) + "\n"


def report_html(loaded: LoadedJournal, stations: list[Path] | None = None) -> str:
    """The after-action report as HTML, with plots and the verify verdict (and the agreement
    check when station journals are given)."""
    ok, verdict = loaded.verdict()
    plots, no_data = report_plots(loaded)
    agreement = agreement_line(_merged(loaded, stations)) if stations else ""
    report = build_report(
        loaded.state(),
        integrity=verdict,
        integrity_ok=ok,
        plots=plots,
        no_data=no_data,
        agreement=agreement,
    )
    return render_html(report)


def export_cap(loaded: LoadedJournal, directory: Path) -> int:
    """Write each alert in the journal as its own CAP 1.2 file; returns how many.

    The commander's public alerts (`alert.issued`) are written as `issued-ID.xml`; CAP alerts
    received from other agencies (`signal.received` carrying CAP fields) as `received-ID.xml`.
    """
    from command.cap import PublicAlert, export_cap, received_cap_xml

    if not directory.parent.is_dir():
        raise _missing_folder(directory)
    try:
        directory.mkdir(exist_ok=True)
    except OSError as err:
        raise BatonError(f"cannot create {directory}: {err.strerror}; choose another -o") from None
    state = loaded.state()
    count = 0
    for row in state.alerts.rows:  # the fold's alerts: issued and received, in journal order
        xml: bytes | None
        if row.issued:
            xml = export_cap(PublicAlert.from_dict(dict(row.body.get("alert", row.body))))
            prefix = "issued"
        else:  # received: every info, area, geocode, parameter and reference kept
            xml = received_cap_xml(dict(row.body), state.info.timezone)
            prefix = "received"
        if xml is None:
            continue
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in row.id)
        (directory / f"{prefix}-{name}.xml").write_bytes(xml)
        count += 1
    return count
