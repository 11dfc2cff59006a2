"""Replay, report, plots and ICS forms all read the one fold: same counts, fused series, station
journals with refused orders."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from command.fold import fold
from command.ids import short_id
from command.review.ics import Preparer, write_ics213, write_ics214
from command.review.loading import LoadedJournal, load_journal
from command.review.metrics import RAW_TITLE, metric_plots
from command.review.report import build_report, render_html
from tests.command.review.events import Ev
from tests.command.review.journals import (
    OPENED,
    START,
    build_console_journal,
    build_station_journal,
)


def _load(path: Path) -> Iterator[LoadedJournal]:
    loaded = load_journal(path)
    try:
        yield loaded
    finally:
        loaded.close()


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadedJournal]:
    yield from _load(build_console_journal(tmp_path_factory.mktemp("c") / "console.sqlite"))


@pytest.fixture(scope="module")
def unfused(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadedJournal]:
    path = tmp_path_factory.mktemp("u") / "console.sqlite"
    yield from _load(build_console_journal(path, fused=False))


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadedJournal]:
    yield from _load(build_station_journal(tmp_path_factory.mktemp("s") / "security.sqlite"))


def test_counts_agree_across_summary_replay_and_report(console: LoadedJournal) -> None:
    summary = fold(console.events).counts()
    index = console.replay()
    assert index.end is not None
    replayed = index.state_at(index.end).counts
    report = build_report(console.state(), integrity="intact", integrity_ok=True)
    assert replayed == summary.to_json() == report.counts.to_json()
    assert summary.to_json() == {
        "issued": 5,
        "accepted": 2,
        "completed": 1,
        "declined": 1,
        "rejected": 1,
        "expired": 1,
        "cancelled": 0,
        "failed": 0,
        "open": 1,
        "late": 2,
        "escalations": 2,
        "escalations_open": 1,
        "decisions": 6,
        "suggestions": 0,
    }
    page = render_html(report)
    for label, value in (
        ("Orders issued", 5),
        ("Rejected by the station", 1),
        ("Expired", 1),
        ("Late (a deadline passed)", 2),
        ("Escalations still open", 1),
        ("Decisions logged", 6),
    ):
        assert f"<tr><th>{label}</th><td>{value}</td></tr>" in page


def test_report_plots_the_fused_estimate_over_the_incident_time(console: LoadedJournal) -> None:
    state = console.state()
    chosen = metric_plots(state, console.journal)
    assert chosen.no_data == []
    assert [p.title for p in chosen.plots] == ["Chenyi Square — Density", "Jinling Road — Density"]
    assert state.first_ts is not None and state.last_ts is not None
    for plot in chosen.plots:
        assert plot.fused and len(plot.times) == 60
        assert state.first_ts < min(plot.times) <= max(plot.times) <= state.last_ts
        assert plot.raw_times, "the stored observations are drawn faintly behind"
        assert all(state.first_ts <= t <= state.last_ts for t in plot.raw_times)
    chenyi = chosen.plots[0]
    assert chenyi.values[0] == pytest.approx(0.5) and chenyi.values[-1] == pytest.approx(1.68)
    assert chenyi.thresholds["orange"] == 1.5


def test_without_fused_values_the_report_plots_raw_observations_and_says_so(
    unfused: LoadedJournal,
) -> None:
    state = unfused.state()
    assert state.zones.series == {}
    chosen = metric_plots(state, unfused.journal)
    assert [p.title for p in chosen.plots] == [
        f"Chenyi Square — Density ({RAW_TITLE})",
        f"Jinling Road — Density ({RAW_TITLE})",
    ]
    chenyi = chosen.plots[0]
    assert not chenyi.fused and chenyi.values
    # crowd / area, as fusion derives density; the interval still open at the end is left out
    assert chenyi.values[-1] == pytest.approx(1.66)


def test_a_metric_with_no_data_is_left_out_with_a_line() -> None:
    opened = Ev(1, START, "chief-li", OPENED.kind, OPENED.to_body(), incident="bund")
    online = Ev(2, START + 60, "security", "station.online", {"station": "security"})
    state = fold([opened, online])  # the incident, then no values and no observations
    chosen = metric_plots(state, None)
    assert chosen.plots == []
    assert chosen.no_data == [
        "no data for Chenyi Square — Density",
        "no data for Jinling Road — Density",
    ]
    page = render_html(
        build_report(state, integrity="intact", integrity_ok=True, no_data=chosen.no_data)
    )
    assert "no data for Chenyi Square — Density" in page
    assert "data:image/png" not in page


def test_a_decision_snapshot_equals_the_replay_at_its_instant(console: LoadedJournal) -> None:
    row = console.state().decisions.get("d-o-done")
    assert row is not None and row.decision.snapshot
    stored = {
        zone: {name: e["value"] for name, e in body["indicators"].items()}
        for zone, body in row.decision.snapshot["zones"].items()
    }
    replayed = console.replay().state_at(row.decision.ts)
    assert {z["zone"]: z["values"] for z in replayed.zones} == stored
    assert {z["values_from"] for z in replayed.zones} == {"fused"}


def test_station_journal_replays_with_its_refused_orders(station: LoadedJournal) -> None:
    index = station.replay()
    assert index.end is not None
    end = index.state_at(index.end)
    assert {o["id"]: o["state"] for o in end.orders} == {
        "s-done": "completed",
        "s-later": "rejected",
        "s-forged": "rejected",
    }
    assert end.counts["rejected"] == 2 and end.counts["completed"] == 1
    assert end.zones == [] and end.escalations == []
    mid = index.state_at(START + 61)
    assert {o["id"]: o["state"] for o in mid.orders} == {"s-done": "delivered"}


def test_station_journal_forms_and_report(station: LoadedJournal) -> None:
    state = station.state()
    out = io.StringIO()
    who = Preparer(name="op-wang", role="station", owner="security")
    rows = write_ics214(state, out, who, station.events)
    log = out.getvalue()
    assert rows >= 7
    # the forms name an order by the one short form people read (command.ids.short_id)
    later = f"Order {short_id('s-later')} (Open gate) rejected by security"
    assert f"{later} — revoked (grant g1 revoked)" in log
    assert f"Order {short_id('s-forged')} (Close gate) rejected by security — bad_signature" in log
    assert "Authority documents received (1): grant g1 from mayor to chief-li" in log
    assert ",op-wang,Station operator,," in log
    assert "Link to console up" in log and "Link to console down" in log
    messages = io.StringIO()
    assert write_ics213(state, messages, Preparer()) == 3
    assert "rejected: bad_signature" in messages.getvalue()
    page = render_html(build_report(state, integrity="intact", integrity_ok=True))
    assert "After-action report — bund" in page
    assert "<tr><th>Rejected by the station</th><td>2</td></tr>" in page
