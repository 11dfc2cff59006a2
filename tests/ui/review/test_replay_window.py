"""The replay window over a real journal: scrubbing, playing, snapshots, integrity badge."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from command.clock import ManualClock
from command.errors import BatonError
from command.fold import fold_until
from command.journal import Journal
from command.model import Decision, DecisionKind, Escalation, EscalationKind
from command.review.loading import LoadedJournal, load_journal
from ui.console.qtmodels import set_display_zone
from ui.review import window as window_module
from ui.review.timeline import marker_kind
from ui.review.window import ReplayWindow, indicators_text, open_replay_window, snapshot_zones

from .journal_fixture import START, build_journal

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

ORDER = "01ORDER1"
LEVEL_AT = START + 410  # picture.level yellow
ISSUED_AT = START + 600
CORRECTED_AT = START + 821
SNAPSHOT = {
    "ts": START + 1050,
    "zones": {
        "chenyi": {
            "name": "Chenyi Square",
            "level": "blue",
            "stale": [],
            "indicators": {
                "density": {"value": 2.15, "unit": "people/m²", "level": "blue", "stale": False}
            },
        }
    },
}


def extend(path: Path) -> Path:
    """Add an escalation (raised, resolved) and a decision carrying a picture snapshot."""
    clock = ManualClock(START + 1000)
    j = Journal.open(path, clock=clock, owner="chief-li", role="console")
    j.raise_escalation(
        Escalation(
            "e1", ORDER, "security", EscalationKind.OVERDUE, START + 1000, "security is late"
        )
    )
    clock.set(START + 1050)
    j.add_decision(
        Decision(
            id="d3",
            incident="bund",
            ts=clock.now(),
            author="chief-li",
            decision="Open the Jinling gate again",
            rationale="density falling",
            kind=DecisionKind.MANUAL,
            snapshot=SNAPSHOT,
        )
    )
    clock.set(START + 1100)
    j.resolve_escalation("e1")
    j.close()
    return path


@pytest.fixture
def loaded(tmp_path: Path) -> Iterator[LoadedJournal]:
    """The fixture journal, extended, opened read-only."""
    result = load_journal(extend(build_journal(tmp_path / "console.sqlite")))
    yield result
    result.close()


@pytest.fixture(autouse=True)
def utc_tables() -> Iterator[None]:
    """The replay window shows table times in the incident's zone; put UTC back afterwards."""
    yield
    set_display_zone(UTC)


def window(qtbot: QtBot, loaded: LoadedJournal, **kw: object) -> ReplayWindow:
    w = ReplayWindow(loaded.events, loaded.replay(), source="console.sqlite", plot_fps=1.0, **kw)  # type: ignore[arg-type]
    qtbot.addWidget(w)
    w.timeline.pause()
    return w


def order_state(w: ReplayWindow) -> str | None:
    row = w.state.orders.get(ORDER)
    return None if row is None else row.state.value


def struck(w: ReplayWindow, decision_id: str) -> bool:
    i = w.state.decisions.row_of(decision_id)
    assert i is not None
    font = w.decisions_model.data(w.decisions_model.index(i, 1), Qt.ItemDataRole.FontRole)
    return font is not None and font.strikeOut()


def test_scrubbing_shows_orders_zone_levels_and_escalations_at_t(
    qtbot: QtBot, loaded: LoadedJournal
) -> None:
    w = window(qtbot, loaded)
    assert order_state(w) is None
    assert w.map.level("chenyi") == 0
    w.seek(LEVEL_AT + 1)
    assert w.map.level("chenyi") == 2  # yellow
    w.seek(ISSUED_AT + 3)
    assert order_state(w) == "delivered"
    w.seek(ISSUED_AT + 50)
    assert order_state(w) == "accepted"
    w.seek(START + 1010)
    assert order_state(w) == "completed"
    assert w.escalations_table.rowCount() == 1
    assert w.escalations_table.item(0, 4).text() == "open"
    assert w.banner.isVisibleTo(w)
    w.seek(START + 1200)
    assert w.escalations_table.item(0, 4).text() != "open"
    # resolved but never acknowledged: the banner still asks, as the console showed it then
    assert w.banner.isVisibleTo(w)
    # back: rebuilt from the start, nothing of the future left
    w.seek(START + 100)
    assert order_state(w) is None
    assert w.map.level("chenyi") == 0
    # before its first level or value the zone has no data: never drawn green by default
    assert not w.map.has_data("chenyi") and w.map.label_text("chenyi").endswith("no data")
    assert w.escalations_table.rowCount() == 0
    assert len(w.orders_model.source.rows) == 0


def test_seeking_back_equals_folding_straight_there(qtbot: QtBot, loaded: LoadedJournal) -> None:
    jumped = window(qtbot, loaded)
    jumped.seek(START + 1200)
    jumped.seek(ISSUED_AT + 50)
    straight = window(qtbot, loaded)
    straight.seek(ISSUED_AT + 50)
    for name in ("orders", "stations", "decisions", "escalations", "zones"):
        assert getattr(jumped.state, name).rows == getattr(straight.state, name).rows, name
    assert jumped.state.header == straight.state.header


def test_decision_struck_through_only_after_the_correction(
    qtbot: QtBot, loaded: LoadedJournal
) -> None:
    w = window(qtbot, loaded)
    w.seek(CORRECTED_AT - 5)
    assert not struck(w, "d1")
    assert w.state.decisions.get("d2") is None
    w.seek(CORRECTED_AT + 5)
    assert struck(w, "d1")
    assert not struck(w, "d2")
    w.seek(CORRECTED_AT - 5)
    assert not struck(w, "d1")


def test_play_advances_t_and_stops_at_the_end(qtbot: QtBot, loaded: LoadedJournal) -> None:
    w = window(qtbot, loaded)
    w.timeline.set_speed(600)
    w.timeline.play()
    assert w.timeline.playing()
    qtbot.waitUntil(lambda: w.time() > START + 30, timeout=5000)
    assert w.timeline.slider.value() > 0
    w.timeline.pause()
    assert not w.timeline.playing()
    # near the end, playing runs into the end and stops by itself
    w.timeline.seek(w.end_ts - 1)
    w.timeline.play()
    qtbot.waitUntil(lambda: not w.timeline.playing(), timeout=5000)
    assert w.time() == w.end_ts


def test_slider_drag_seeks_the_panels(qtbot: QtBot, loaded: LoadedJournal) -> None:
    w = window(qtbot, loaded)
    w.timeline.slider.setValue(int(ISSUED_AT + 50 - w.start_ts))
    assert w.time() == pytest.approx(ISSUED_AT + 50, abs=1)
    assert order_state(w) == "accepted"


def test_markers_for_decisions_orders_and_escalations(qtbot: QtBot, loaded: LoadedJournal) -> None:
    w = window(qtbot, loaded)
    kinds = [k for _, k in w.timeline.slider.markers]
    assert kinds.count("order") == 1
    assert kinds.count("decision") == 3
    assert kinds.count("escalation") == 1
    assert marker_kind("order.accept") is None


def test_selecting_a_decision_shows_its_snapshot_beside_the_replay(
    qtbot: QtBot, loaded: LoadedJournal
) -> None:
    w = window(qtbot, loaded)
    w.seek(START + 1060)
    assert w.select_decision("d3")
    assert w.selected_decision == "d3"
    assert "Open the Jinling gate again" in w.snapshot_title.text()
    t = w.snapshot_table
    assert t.rowCount() == 1
    assert t.item(0, 0).text() == "Chenyi Square"
    assert t.item(0, 1).text() == "blue"  # what the commander saw (stored)
    assert t.item(0, 2).text() == "yellow"  # the replay at the decision's time
    assert t.item(0, 2).font().bold()  # they differ
    assert "density 2.15 people/m²" in t.item(0, 3).text()
    assert t.item(0, 4).text() == "—"  # the feed had gone quiet by then (stale)
    # a decision without a stored picture says so; the replay has the feed's value then
    assert w.select_decision("d1")
    assert t.item(0, 1).text() == "not stored"
    assert t.item(0, 4).text() == "density 3.95"
    # seeking back before the decision clears the view
    w.select_decision("d3")
    w.seek(START + 900)
    assert w.selected_decision is None
    assert t.rowCount() == 0


def test_read_only_no_composer_approve_or_new_decision(qtbot: QtBot, loaded: LoadedJournal) -> None:
    w = window(qtbot, loaded)
    assert not w.new_order_action.isEnabled()
    assert not w.new_decision_action.isEnabled()
    assert not w.approve_action.isEnabled()
    assert w.command_menu.menuAction() not in w.menuBar().actions()
    for b in (w.decisions_panel.new, w.decisions_panel.correct, w.suggestions_panel.approve):
        assert not b.isVisibleTo(w)
    with qtbot.assertNotEmitted(w.order_composed):
        assert w.compose_order() is None


def test_times_in_the_incident_zone(qtbot: QtBot, loaded: LoadedJournal) -> None:
    w = window(qtbot, loaded)
    w.seek(ISSUED_AT + 50)
    shanghai = datetime.fromtimestamp(ISSUED_AT, ZoneInfo("Asia/Shanghai"))
    assert w.timeline.time_label.text().endswith("UTC+08:00")  # never the ambiguous "CST"
    i = w.state.orders.row_of(ORDER)
    assert i is not None
    issued = w.orders_model.data(w.orders_model.index(i, 5))
    assert issued == shanghai.strftime("%H:%M:%S")
    clock = w.incident_clock.text()  # the header's clock too, as the console shows it
    assert clock.startswith(
        datetime.fromtimestamp(ISSUED_AT + 50, ZoneInfo("Asia/Shanghai")).strftime("%H:%M:%S")
    )
    assert "UTC+08:00" in clock


def test_a_long_integrity_verdict_wraps_and_never_widens_the_window(
    qtbot: QtBot, loaded: LoadedJournal
) -> None:
    w = window(qtbot, loaded, verdict=(False, "NOT intact: " + "seq 12 hash mismatch; " * 20))
    assert w.badge.wordWrap()
    assert w.minimumSizeHint().width() < 1400
    w.resize(1400, 900)
    # as tall as its wrapped lines at that width, not laid out for its narrowest width
    assert w.badge.height() <= 6 * w.badge.fontMetrics().lineSpacing() + 16


def test_plots_hold_observations_up_to_t(qtbot: QtBot, loaded: LoadedJournal) -> None:
    w = window(qtbot, loaded)
    # one value every 10 s from START + 10; a point per 10 s interval once it is over
    w.seek(START + 100)
    assert w.plots.points("chenyi", "density") == 9
    w.seek(START + 305)
    assert w.plots.points("chenyi", "density") == 29
    w.seek(START + 55)
    assert w.plots.points("chenyi", "density") == 4
    assert w.plots.thresholds("density") == [(1.0, 1), (2.0, 2), (3.0, 3), (4.0, 4)]


def test_badge_intact(qtbot: QtBot, loaded: LoadedJournal) -> None:
    w = window(qtbot, loaded, verdict=loaded.verdict)
    qtbot.waitUntil(lambda: w.verdict is not None, timeout=10_000)
    assert w.verdict is not None and w.verdict[0]
    assert "intact" in w.badge.text() and "NOT" not in w.badge.text()


def test_badge_tampered_names_the_first_bad_seq(qtbot: QtBot, tmp_path: Path) -> None:
    path = build_journal(tmp_path / "tampered.sqlite")
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute(
        "UPDATE events SET body = json_set(body, '$.station', 'nobody') "
        "WHERE kind = 'station.online'"
    )
    seq = conn.execute("SELECT seq FROM events WHERE kind = 'station.online'").fetchone()[0]
    conn.commit()
    conn.close()
    tampered = load_journal(path)
    try:
        w = window(qtbot, tampered, verdict=tampered.verdict)
        qtbot.waitUntil(lambda: w.verdict is not None, timeout=10_000)
        assert w.verdict is not None and not w.verdict[0]
        assert "NOT intact" in w.badge.text()
        assert f"seq {seq}" in w.badge.text()
    finally:
        tampered.close()


def test_snapshot_helpers_read_both_shapes() -> None:
    assert snapshot_zones(SNAPSHOT)["chenyi"]["level"] == "blue"
    assert snapshot_zones({"z1": {"level": "orange", "density": 3.4}})["z1"]["level"] == "orange"
    assert indicators_text({"level": "orange", "density": 3.4}) == "density 3.40"
    assert indicators_text({}) == "—"


@pytest.mark.parametrize("save_every, bulk", [(7, 3), (1000, 1000)])
def test_any_seek_sequence_shows_the_fold_up_to_t(
    qtbot: QtBot, loaded: LoadedJournal, monkeypatch: pytest.MonkeyPatch, save_every: int, bulk: int
) -> None:
    """Saved states, detached folds and incremental folds all end where a plain fold does."""
    monkeypatch.setattr(window_module, "SAVE_EVERY", save_every)
    monkeypatch.setattr(window_module, "BULK_EVENTS", bulk)
    w = window(qtbot, loaded)
    rng = random.Random(7)
    for _ in range(25):
        t = rng.uniform(w.start_ts - 10, w.end_ts + 10)
        w.seek(t)
        expected = fold_until(loaded.events, t)
        for name in ("orders", "decisions", "escalations", "zones"):
            assert getattr(w.state, name).rows == getattr(expected, name).rows, (name, t)
        online = {r.station for r in w.state.stations.rows if r.online}
        assert online == {r.station for r in expected.stations.rows if r.online}
        assert w.orders_model.rowCount() == len(expected.orders.rows)


def test_open_replay_window_from_a_path_and_release_it_on_close(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = build_journal(tmp_path / "console.sqlite")
    w = open_replay_window(path)
    qtbot.addWidget(w)
    assert w.isVisible()
    assert w.windowTitle() == "Baton — replay of Bund light show"
    qtbot.waitUntil(lambda: w.verdict is not None, timeout=10_000)
    w.close()
    assert w.on_close is None  # the read-only journal was released


def test_open_replay_window_on_a_non_journal_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a journal", encoding="utf-8")
    with pytest.raises(BatonError) as err:
        open_replay_window(bad)
    assert "\n" not in str(err.value)


def test_stations_last_contact_is_labelled_as_the_journals(
    qtbot: QtBot, loaded: LoadedJournal
) -> None:
    w = window(qtbot, loaded)  # heartbeats are not journaled: a replay knows only journaled contact
    assert w.stations_model.journal_only
    title = w.stations_model.headerData(2, Qt.Orientation.Horizontal)
    assert title == "Last contact (journal)"
