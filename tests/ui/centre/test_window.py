"""The centre window over a hand-built centre journal and a fake engine: the board, the
authority dialogs and SITREP requests, colours of alarms and overdue SITREPs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from command.centre import path_key
from command.fold import fold
from command.vocabulary import Checkpoint, SiteEvent, SitrepRequested, SitrepSent, WitnessRefused
from protocols.centre_commands import (
    ExtendSiteGrant,
    IssueSiteGrant,
    NarrowSiteGrant,
    RequestSitrep,
    RevokeSiteGrant,
)
from tests.command.centre.sites import RefusalReason, checkpoint, mirror, site_journal
from tests.ui.centre.conftest import Centre, FakeEngine
from ui import i18n, theme
from ui.centre.dialogs import ExtendDialog, GrantDialog, RevokeDialog, SitrepDialog
from ui.centre.qtmodels import COLUMNS, STATUS_ROLE
from ui.centre.window import CentreWindow
from ui.console.qtmodels import KEY_ROLE


def window_of(qtbot: Any, centre: Centre, engine: FakeEngine | None = None) -> CentreWindow:
    """A centre window fed the centre journal."""
    w = CentreWindow(engine, clock=centre.clock.now, me="huangpu", timezone="Asia/Shanghai")
    qtbot.addWidget(w)
    w.apply_events(list(centre.journal.events()))
    return w


def cell(w: CentreWindow, key: str, column: str, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    """The board's cell of incident `key` in `column`, through the proxy the table shows."""
    for r in range(w.proxy.rowCount()):
        if w.proxy.index(r, 0).data(KEY_ROLE) == key:
            return w.proxy.index(r, COLUMNS.index(column)).data(role)
    raise AssertionError(f"no row {key}")


def test_the_board_shows_two_incidents_with_the_counts_of_their_folds(
    qtbot: Any, centre: Centre
) -> None:
    w = window_of(qtbot, centre)
    assert w.proxy.rowCount() == 2
    for site in (centre.bund, centre.ferry):
        counts = fold(site.journal.events()).counts()
        assert cell(w, site.name, "open") == str(counts.open)
        assert cell(w, site.name, "late") == str(counts.late)
        assert cell(w, site.name, "declined") == str(counts.declined)
        assert cell(w, site.name, "escalations") == str(counts.escalations_open)
    assert cell(w, "bund", "commander").startswith("chief-li (")
    assert cell(w, "bund", "left") == "2h00m"
    assert cell(w, "bund", "zone") == "red" and cell(w, "ferry", "zone") == "orange"
    assert cell(w, "bund", "link").startswith("online")
    assert cell(w, "bund", "integrity") == "OK"
    # the first incident is selected and its detail shows the site's own orders and timeline
    assert w.selected == "bund"
    assert w.orders_view.model().rowCount() == 3
    assert w.timeline_view.model().rowCount() > 0
    assert w.map.level("promenade") == 4


def test_the_site_map_reads_as_the_site_console_draws_it(qtbot: Any, centre: Centre) -> None:
    """The centre's map of a site follows the same rule as the site's console: a zone whose
    metrics have no thresholds is "not rated" (it was drawn green), figures carry their unit,
    and a zone whose feeds went silent reads "stale"."""
    from command.journal import Journal
    from command.vocabulary import IncidentOpened, PictureLevel, PictureValues
    from tests.command.centre.sites import Site, opened

    j = Journal.in_memory(clock=centre.clock, owner="park", role="console")
    base = opened("INC-P", "park incident")
    key_metrics = ({"zone": "promenade", "metric": "density", "unit": "persons/m²"},)
    j.record(
        IncidentOpened(
            base.incident,
            commander=base.commander,
            key_metrics=key_metrics,
            feeds=({"zone": "chenyi", "metric": "visitors", "unit": "persons"},),
        ),
        actor="cmd",
        incident="INC-P",
    )
    j.record(PictureLevel("promenade", "orange", indicator="density", value=2.4))
    j.record(PictureValues({"promenade": {"density": 2.4}, "chenyi": {"visitors": 10480.0}}))
    head = centre.journal.head[0]
    mirror(centre.journal, Site("park", "baton/console/park", j))
    w = window_of(qtbot, centre)
    assert w.select("park")
    qtbot.waitUntil(lambda: w.selected == "park")
    assert w.map.label_text("promenade").endswith("2.40 persons/m²  ·  orange")
    assert not w.map.is_rated("chenyi")
    assert w.map.label_text("chenyi").endswith("10,480 persons  ·  not rated")
    shipped = j.head[0]
    j.record(PictureValues({}, ("promenade/density",)))
    mirror(centre.journal, Site("park", "baton/console/park", j), after=shipped)
    w.apply_events(list(centre.journal.events(after_seq=head)))
    qtbot.waitUntil(lambda: w.map.is_stale("promenade"))
    assert w.map.label_text("promenade").endswith("orange  ·  stale")


def river_site_reads(qtbot: Any, centre: Centre, scenario: str, *, feeds: bool) -> str:
    """The centre's label of the tunnel of a typhoon site whose journal names `scenario` (with
    `feeds`: its feeds as a console records them), its lane open."""
    from command.journal import Journal
    from command.scenarios.loader import load_scenario
    from command.vocabulary import IncidentOpened, PictureValues
    from protocols.runtime.console import feed_entry, key_metrics
    from tests.command.centre.sites import Site
    from ui.console import numbers

    sc = load_scenario("typhoon")
    j = Journal.in_memory(clock=centre.clock, owner="river", role="console")
    zones = [{"id": z.id, "name": z.name} for z in sc.incident.zones]
    j.record(
        IncidentOpened(
            {"id": "INC-R", "name": "river", "zones": zones},
            scenario=scenario,
            feeds=tuple(feed_entry(f) for f in sc.feeds) if feeds else (),
            key_metrics=tuple(key_metrics(sc)),
        ),
        actor="cmd",
        incident="INC-R",
    )
    j.record(PictureValues({"tunnel": {"lane_state": 1.0}}))
    mirror(centre.journal, Site("river", "baton/console/river", j))
    try:
        w = window_of(qtbot, centre)
        assert w.select("river")
        qtbot.waitUntil(lambda: w.selected == "river")
        return w.map.label_text("tunnel")
    finally:
        numbers.set_metric_formats({})


def test_the_site_map_reads_state_words_the_journal_carries(qtbot: Any, centre: Centre) -> None:
    """A site running a scenario the centre does not have reads as its console does: the
    state words and the units come with its journal's incident.opened."""
    label = river_site_reads(qtbot, centre, "river-of-my-own", feeds=True)
    assert label.endswith("open to riders  ·  not rated")


def test_the_site_map_reads_state_words_of_a_shipped_scenario(qtbot: Any, centre: Centre) -> None:
    """A typhoon site's tunnel lane reads "open to riders" on the centre too, never "1" (a
    journal written before feeds carried their words: from the shipped scenario)."""
    label = river_site_reads(qtbot, centre, "typhoon", feeds=False)
    assert label.endswith("open to riders  ·  not rated")


def test_new_events_insert_rows_without_reset(qtbot: Any, centre: Centre) -> None:
    w = window_of(qtbot, centre)
    resets: list[int] = []
    w.board_model.modelReset.connect(lambda: resets.append(1))
    extra = site_journal(centre.clock, "tunnel", "INC-T", orders=1, level=1)
    head = centre.journal.head[0]
    mirror(centre.journal, extra)
    with qtbot.wait_signal(w.board_model.rowsInserted):
        w.apply_events(list(centre.journal.events(after_seq=head)))
    assert w.proxy.rowCount() == 3 and resets == []


def test_the_grant_dialog_issues_the_picked_scope(
    qtbot: Any, centre: Centre, engine: FakeEngine, key_file: Path
) -> None:
    w = window_of(qtbot, centre, engine)
    assert w.select("ferry")

    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, GrantDialog)
        # the checklists come from the incident's stations, kinds and zones
        assert [dialog.stations.item(i).data(Qt.ItemDataRole.UserRole) for i in range(2)] == [
            "traffic",
            "metro",
        ]
        dialog.accept()
        assert dialog.error.text()  # nothing filled in: refused with a reason
        dialog.commander.setText("deputy-wang")
        dialog.key_file.path.setText(str(key_file))
        dialog.stations.set_checked(["metro"])
        dialog.kinds.set_checked(["hold"])
        dialog.zones.set_checked(["promenade", "chenyi"])
        dialog.valid_until.set_ts(centre.clock.now() + 3600)
        dialog.accept()
        assert dialog.error.text() == ""
        return True

    w.exec_dialog = fill  # type: ignore[method-assign]
    with qtbot.wait_signal(w.command_done):
        w.issue_grant()
    (command,) = engine.calls
    assert isinstance(command, IssueSiteGrant)
    assert (command.site, command.commander) == ("ferry", "deputy-wang")
    assert command.scope.stations == ("metro",)
    assert command.scope.order_kinds == ("hold",)
    assert command.scope.zones == ("chenyi", "promenade")
    assert command.valid_until == centre.clock.now() + 3600
    assert len(command.commander_key) == 64


def test_narrow_keeps_inside_the_current_scope_and_extend_needs_a_later_end(
    qtbot: Any, centre: Centre, engine: FakeEngine
) -> None:
    w = window_of(qtbot, centre, engine)
    assert w.select("bund")

    def narrow(dialog: Any) -> bool:
        assert isinstance(dialog, GrantDialog) and dialog.narrowing == "G-BUND"
        assert dialog.stations.count() == 1  # only what the current grant covers
        dialog.valid_until.set_ts(centre.clock.now() + 9000)
        dialog.accept()
        assert "later" in dialog.error.text()
        dialog.valid_until.set_ts(centre.clock.now() + 600)
        return True

    w.exec_dialog = narrow  # type: ignore[method-assign]
    w.narrow_grant()

    def extend(dialog: Any) -> bool:
        assert isinstance(dialog, ExtendDialog)
        dialog.valid_until.set_ts(centre.clock.now() + 60)
        dialog.accept()
        assert dialog.error.text()
        dialog.valid_until.set_ts(centre.clock.now() + 4 * 3600)
        return True

    w.exec_dialog = extend  # type: ignore[method-assign]
    w.extend_grant()
    narrowed, extended = engine.calls
    assert isinstance(narrowed, NarrowSiteGrant) and narrowed.grant_id == "G-BUND"
    assert narrowed.valid_until == centre.clock.now() + 600
    assert isinstance(extended, ExtendSiteGrant)
    assert extended.valid_until == centre.clock.now() + 4 * 3600


def test_revoke_asks_for_confirmation_and_sends_the_revocation(
    qtbot: Any, centre: Centre, engine: FakeEngine
) -> None:
    w = window_of(qtbot, centre, engine)
    assert w.select("bund")
    asked: list[str] = []

    def give_reason(dialog: Any) -> bool:
        assert isinstance(dialog, RevokeDialog)
        dialog.accept()
        assert dialog.error.text() == "Give a reason."
        dialog.reason.setText("stood down")
        return True

    w.exec_dialog = give_reason  # type: ignore[method-assign]

    def say_no(title: str, question: str) -> bool:
        asked.append(question)
        return False

    w.confirm = say_no  # type: ignore[method-assign]
    assert w.revoke_grant() is None  # said no
    assert engine.calls == [] and "chief-li" in asked[0]
    w.confirm = lambda title, question: True  # type: ignore[method-assign]
    w.revoke_grant()
    assert engine.calls == [RevokeSiteGrant("bund", "G-BUND", "stood down")]


def test_a_sitrep_request_is_sent_and_an_overdue_one_turns_amber_then_red(
    qtbot: Any, centre: Centre, engine: FakeEngine
) -> None:
    w = window_of(qtbot, centre, engine)
    assert w.select("ferry")

    def ask(dialog: Any) -> bool:
        assert isinstance(dialog, SitrepDialog)
        dialog.due_min.setValue(10)
        dialog.note.setText("crowd at the ferry?")
        return True

    w.exec_dialog = ask  # type: ignore[method-assign]
    w.request_sitrep()
    (command,) = engine.calls
    assert command == RequestSitrep("ferry", centre.clock.now() + 600, "crowd at the ferry?")
    # the engine journals the request; the board shows it, then it goes overdue
    head = centre.journal.head[0]
    centre.journal.record(SitrepRequested("S1", "ferry", command.due_ts, "huangpu", command.note))
    w.apply_events(list(centre.journal.events(after_seq=head)))
    assert cell(w, "ferry", "sitrep") == "due in 10m00s"
    assert cell(w, "ferry", "sitrep", STATUS_ROLE) == ""
    th = theme.current()
    centre.clock.advance(601)
    w.tick()
    assert cell(w, "ferry", "sitrep") == "overdue by 1s"
    assert cell(w, "ferry", "sitrep", STATUS_ROLE) == "amber"
    assert cell(w, "ferry", "sitrep", Qt.ItemDataRole.BackgroundRole).color() == th.risk_color(3)
    centre.clock.advance(15 * 60)
    w.tick()
    assert cell(w, "ferry", "sitrep", STATUS_ROLE) == "red"
    assert cell(w, "ferry", "sitrep", Qt.ItemDataRole.BackgroundRole).color() == th.risk_color(4)
    assert "1 SITREPs overdue" in w.summary.text()
    assert "S1" in w.sitreps_view.toPlainText()
    # the site's answer reads as its console showed it before sending, never as raw data
    from protocols.uplink import compose_sitrep
    from ui.console.sitrep import summary_lines

    summary = compose_sitrep(fold(centre.ferry.journal.events()), centre.clock.now())
    shipped = centre.ferry.journal.head[0]
    centre.ferry.journal.record(SitrepSent("S1", summary, "holding", "chief-li"))
    head = centre.journal.head[0]
    mirror(centre.journal, centre.ferry, after=shipped)
    w.apply_events(list(centre.journal.events(after_seq=head)))
    text = w.sitreps_view.toPlainText()
    assert "Answer by chief-li: holding" in text and "{" not in text
    assert all(line in text for line in summary_lines(summary))
    assert "Promenade: orange" in text


def test_an_integrity_alarm_paints_the_row_red(qtbot: Any, centre: Centre) -> None:
    w = window_of(qtbot, centre)
    stored = checkpoint(centre.ferry, 4)
    forked = Checkpoint(4, "ff" * 32, stored.key, "sig", origin=centre.ferry.origin)
    head = centre.journal.head[0]
    centre.journal.record(WitnessRefused("huangpu", RefusalReason.FORK, stored, forked))
    w.apply_events(list(centre.journal.events(after_seq=head)))
    red = theme.current().color("banner_bg")
    for column in COLUMNS:
        assert cell(w, "ferry", column, STATUS_ROLE) == "alarm"
        assert cell(w, "ferry", column, Qt.ItemDataRole.BackgroundRole).color() == red
    assert cell(w, "ferry", "integrity") == "ALARM: huangpu refused: fork"
    assert cell(w, "bund", "integrity", STATUS_ROLE) == ""
    assert "1 integrity alarms" in w.summary.text()


def test_authority_under_30_minutes_is_amber_and_an_offline_link_red(
    qtbot: Any, centre: Centre
) -> None:
    from command.vocabulary import LinkChanged

    w = window_of(qtbot, centre)
    centre.clock.advance(2 * 3600 - 20 * 60)
    head = centre.journal.head[0]
    centre.journal.record(LinkChanged("bund", False, "heartbeat lost"))
    w.apply_events(list(centre.journal.events(after_seq=head)))
    assert cell(w, "bund", "left") == "20m00s"
    assert cell(w, "bund", "left", STATUS_ROLE) == "amber"
    assert cell(w, "bund", "link", STATUS_ROLE) == "red"
    assert cell(w, "bund", "link").startswith("offline")


def test_a_city_centre_shows_district_incidents_by_path(qtbot: Any, centre: Centre) -> None:
    from command.clock import ManualClock
    from command.journal import Journal

    city = Journal.in_memory(clock=centre.clock, owner="city", role="centre")
    for e in centre.journal.events():
        city.record(
            SiteEvent(
                "huangpu", "o/huangpu", e.seq, e.ts, e.actor, e.kind, e.incident, e.body, e.hash
            )
        )
    assert isinstance(centre.clock, ManualClock)
    w = CentreWindow(None, clock=centre.clock.now, me="city")
    qtbot.addWidget(w)
    w.apply_events(list(city.events()))
    keys = [w.proxy.index(r, 0).data(KEY_ROLE) for r in range(w.proxy.rowCount())]
    assert keys == [path_key(("huangpu", "bund")), path_key(("huangpu", "ferry"))]
    assert cell(w, path_key(("huangpu", "bund")), "commander").startswith("chief-li")
    assert not w.actions_by_name["sitrep"].isEnabled()  # the district asks its own sites


def test_the_window_speaks_chinese(qtbot: Any, centre: Centre, qapp: QApplication) -> None:
    w = window_of(qtbot, centre)
    w.set_language("zh_CN")
    assert i18n.current_language() == "zh_CN"
    qtbot.waitUntil(lambda: w.windowTitle() == "Baton — 指挥中心")
    assert w.board_model.headerData(0, Qt.Orientation.Horizontal) == "事件"
    assert cell(w, "bund", "integrity") == "正常"
    assert w.buttons["sitrep"].text() == "索取态势报告(&S)…"
    w.set_language("en")
    qtbot.waitUntil(lambda: w.windowTitle() == "Baton — operations centre")


def test_every_timeline_template_is_marked_for_translation() -> None:
    from command.centre.timeline import TEMPLATES
    from ui.centre.qtmodels import TIMELINE_TEMPLATES

    assert {t for t in TEMPLATES if t != "%1"} == {str(t) for t in TIMELINE_TEMPLATES}


def test_hand_over_names_the_successor_and_reads_the_key_file(
    qtbot: Any, centre: Centre, engine: FakeEngine, key_file: Path
) -> None:
    from protocols.centre_commands import HandOverSite
    from ui.centre.dialogs import HandoverDialog

    w = window_of(qtbot, centre, engine)
    assert w.select("bund")

    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, HandoverDialog)
        dialog.successor.setText("deputy-wang")
        dialog.key_file.path.setText(str(key_file.with_name("missing.sign.pub")))
        dialog.accept()
        assert "missing.sign.pub" in dialog.error.text()  # one line naming the file
        dialog.key_file.path.setText(str(key_file))
        dialog.accept()
        assert dialog.error.text() == ""
        return True

    w.exec_dialog = fill  # type: ignore[method-assign]
    w.hand_over()
    (command,) = engine.calls
    assert isinstance(command, HandOverSite)
    assert (command.site, command.grant_id, command.successor) == ("bund", "G-BUND", "deputy-wang")
    assert command.successor_key == key_file.read_text(encoding="utf-8").strip()


def test_a_refused_command_is_one_line_in_the_status_bar(qtbot: Any, centre: Centre) -> None:
    from concurrent.futures import Future

    class Refusing:
        def call(self, command: Any) -> Future[Any]:
            future: Future[Any] = Future()
            future.set_exception(ValueError("site 'ferry' has not reported its incident yet"))
            return future

    w = window_of(qtbot, centre)
    w.engine = Refusing()
    w.select("ferry")
    w.exec_dialog = lambda dialog: True  # type: ignore[method-assign]
    with qtbot.wait_signal(w.command_failed):
        w.request_sitrep()
    assert w.failures == ["request sitrep: site 'ferry' has not reported its incident yet"]
    assert "Could not request sitrep" in w.statusBar().currentMessage()


def test_layout_theme_and_language_are_remembered(
    qtbot: Any, centre: Centre, qapp: QApplication
) -> None:
    first = CentreWindow(None, clock=centre.clock.now, settings_org="BatonTest", settings_app="c")
    qtbot.addWidget(first)
    first.set_theme("dark")
    first.save_layout()
    theme.apply_theme(qapp, "light")
    second = CentreWindow(None, clock=centre.clock.now, settings_org="BatonTest", settings_app="c")
    qtbot.addWidget(second)
    assert second.restore_layout()
    assert theme.current().name == "dark"


def test_a_site_heard_of_only_through_its_events_goes_silent_in_amber(qapp: QApplication) -> None:
    from command.centre import BoardRow, CentreBoard
    from ui.centre.qtmodels import BoardTableModel, link_text

    now = 1_000_000.0
    heard = BoardRow("bund", ("bund",), last_heard=now - 60)
    assert link_text(heard, now) == "1 min ago"
    silent = BoardRow("bund", ("bund",), last_heard=now - 301)
    assert link_text(silent, now).startswith("silent")
    model = BoardTableModel(CentreBoard(), clock=lambda: now)
    assert model.status(silent, "link", now) == "amber"
    assert model.status(BoardRow("b", ("b",), link_up=False), "link", now) == "red"
