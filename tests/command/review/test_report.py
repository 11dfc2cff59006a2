"""The after-action report: response times per agency and the HTML it renders."""

from __future__ import annotations

from dataclasses import replace

from command.fold import DecisionView, fold
from command.review.report import Plot, build_report, render_html, response_times
from tests.command.review.events import incident_events, without_text

PNG = b"\x89PNG\r\n\x1a\nfake"


def test_response_times_are_medians_per_station() -> None:
    times = {a.station: a for a in response_times(fold(incident_events()))}
    assert times["security"].to_accept_s == 10.0
    assert times["security"].to_complete_s == 230.0
    assert times["security"].completed == 1
    assert times["lighting"].declined == 1
    assert times["lighting"].to_accept_s is None


def test_html_report_has_every_section() -> None:
    report = build_report(
        fold(incident_events()),
        integrity="intact: 10 events, 0 checkpoints",
        integrity_ok=True,
        plots=[Plot("Crowd density", PNG)],
    )
    page = render_html(report)
    for heading in (
        "Summary",
        "Response times per agency",
        "Key metrics",
        "Escalations",
        "Timeline of decisions and orders",
    ):
        assert f"<h2>{heading}</h2>" in page
    assert "intact: 10 events" in page
    assert "data:image/png;base64," in page
    assert "<s>Hold entry at Chenyi gates" in page
    assert "3.8 min" in page  # 230 s accepted→completed


def test_html_escapes_what_people_typed() -> None:
    state = fold(incident_events())
    row = state.decisions.get("d-o1")
    assert isinstance(row, DecisionView)
    state.decisions.rows[0] = replace(row, decision=replace(row.decision, decision="<b>x</b>"))
    page = render_html(build_report(state, integrity="ok", integrity_ok=True))
    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


def test_an_order_without_text_reads_its_parameters_in_the_timeline() -> None:
    events = without_text(incident_events(), "o2", {"level_percent": 30, "fade_s": 60})
    page = render_html(build_report(fold(events), integrity="ok", integrity_ok=True))
    assert "dim_show → lighting (z-chenyi): fade s 60, level percent 30 — now declined" in page
    assert "(z-chenyi):  —" not in page
