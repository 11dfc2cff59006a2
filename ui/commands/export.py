"""`baton export JOURNAL --format FORMAT -o FILE`: ICS forms, CAP alerts, after-action reports."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from command.errors import BatonError
from command.review.ics import Preparer, export_ics
from command.review.loading import LoadedJournal, load_journal
from command.review.report import Plot, build_report, render_html
from ui.commands.progress import progress_bar

FORMATS = ("ics214", "ics213", "cap", "html", "pdf")


def register(sub: Any) -> None:
    """Add the `export` subcommand."""
    p = sub.add_parser(
        "export",
        help="export a journal as ICS-214/213 CSV, CAP 1.2 alerts, or an HTML/PDF report",
        description=(
            "ics214: activity log (CSV). ics213: one general message per order (CSV). "
            "cap: each public alert as its own CAP 1.2 file in the directory -o. "
            "html, pdf: the after-action report with plots, response times and the integrity "
            "verdict."
        ),
    )
    p.add_argument("journal", type=Path, help="the console journal (.sqlite)")
    p.add_argument("--format", "-f", choices=FORMATS, required=True)
    p.add_argument("-o", "--output", type=Path, required=True, help="file (or directory for cap)")
    p.add_argument("--name", default="", help="ICS: the commander's name (default: journal)")
    p.add_argument("--position", default="Incident Commander", help="ICS position")
    p.add_argument("--agency", default="", help="ICS home agency (default: journal)")
    p.add_argument("--prepared-by", default="", help="ICS-214 prepared by (default: --name)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Export as asked."""
    with progress_bar("reading journal") as advance:
        loaded = load_journal(args.journal, advance)
    try:
        fmt = args.format
        if fmt in ("ics214", "ics213"):
            who = Preparer(args.name, args.position, args.agency, args.prepared_by)
            rows = export_ics(loaded.record(), _writable(args.output), fmt, who)
            print(f"wrote {args.output} ({fmt}, {rows} rows)")
        elif fmt == "cap":
            count = export_cap(loaded, args.output)
            print(f"wrote {count} CAP 1.2 alert(s) to {args.output}/")
        else:
            html = report_html(loaded)
            if fmt == "html":
                _writable(args.output).write_text(html, encoding="utf-8")
            else:
                from ui.review.pdf import write_pdf

                write_pdf(
                    html, args.output, f"After-action report — {loaded.record().incident_name}"
                )
            print(f"wrote {args.output} ({fmt} report)")
        return 0
    finally:
        loaded.close()


def _writable(path: Path) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as err:
        raise BatonError(f"cannot write {path}: {err.strerror}; choose another -o path") from None
    return path


def report_plots(loaded: LoadedJournal) -> list[Plot]:
    """Plots of the key metrics the journal names, with their thresholds."""
    from ui.qtapp import ensure_app
    from ui.review.plots import SeriesPlot, render_png

    opened = next((e for e in loaded.events if e.kind == "incident.opened"), None)
    if opened is None:
        return []
    ensure_app()
    index = loaded.replay()
    plots = []
    for km in opened.body.get("key_metrics", []):
        times, values = index.series(
            str(km["zone"]), str(km["metric"]), index.start or 0.0, index.end or 0.0
        )
        title = str(km.get("title") or f"{km['zone']} {km['metric']}")
        series = SeriesPlot(
            title, str(km.get("unit", "")), times, values, dict(km.get("thresholds", {}))
        )
        plots.append(Plot(title, render_png(series)))
    return plots


def report_html(loaded: LoadedJournal) -> str:
    """The after-action report as HTML, with plots and the verify verdict."""
    ok, verdict = loaded.verdict()
    report = build_report(
        loaded.record(), integrity=verdict, integrity_ok=ok, plots=report_plots(loaded)
    )
    return render_html(report)


def export_cap(loaded: LoadedJournal, directory: Path) -> int:
    """Write each alert in the journal as its own CAP 1.2 file; returns how many.

    The commander's public alerts (`alert.issued`) are written as `issued-ID.xml`; CAP alerts
    received from other agencies (`signal.received` carrying CAP fields) as `received-ID.xml`.
    """
    from command.cap import PublicAlert, export_cap, received_alert

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BatonError(f"cannot create {directory}: {err.strerror}; choose another -o") from None
    timezone = str(loaded.record().incident.get("timezone") or "UTC")
    count = 0
    for ev in loaded.events:
        alert: PublicAlert | None = None
        prefix = "issued"
        if ev.kind == "alert.issued":
            alert = PublicAlert.from_dict(dict(ev.body.get("alert", ev.body)))
        elif ev.kind == "signal.received":
            alert = received_alert(dict(ev.body.get("signal", {})), timezone)
            prefix = "received"
        if alert is None:
            continue
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in alert.identifier)
        (directory / f"{prefix}-{name}.xml").write_bytes(export_cap(alert))
        count += 1
    return count
