"""A map a commander reads: context under the zones, point zones as markers above areas, labels
that never overlap, a true scale bar, state words instead of numbers, Chinese names, units."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import combinations
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command.interop.cot import UnitPosition
from command.journal import Event
from command.scenarios.loader import load_scenario
from command.scenarios.scenario import Scenario
from ui import i18n, theme
from ui.console import numbers
from ui.console.controller import configure_window
from ui.console.mapview import ZoneMap, ZoneShape, nice_length, read_context, read_zones
from ui.console.window import ConsoleWindow
from ui.labels import tip_text


@pytest.fixture(autouse=True)
def formats_reset() -> Iterator[None]:
    """The scenario's formats and Chinese names are module-wide: start and end without any."""
    numbers.set_metric_formats({})
    i18n.set_names_zh({})
    yield
    numbers.set_metric_formats({})
    i18n.set_names_zh({})


def typhoon_map(qtbot: QtBot, sc: Scenario, size: tuple[int, int] = (760, 560)) -> ZoneMap:
    view = ZoneMap()
    qtbot.addWidget(view)
    shapes = read_zones({"type": "FeatureCollection", "features": list(sc.geometry.values())})
    names = {z.id: z.name for z in sc.incident.zones}
    view.load([ZoneShape(s.zone, names[s.zone], s.rings) for s in shapes])
    assert sc.context is not None
    view.set_context(read_context(sc.context))
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    for zone in view.zones():
        view.set_level(zone, 2)
        view.set_figure(zone, "1,234 riders")
    view.declutter()
    return view


def test_ferry_points_are_markers_above_the_river_and_context_lies_under(qtbot: QtBot) -> None:
    view = typhoon_map(qtbot, load_scenario("typhoon"))
    ferries = [z for z in view.zones() if z.startswith("ferry_")]
    assert ferries and all(view.is_marker(z) for z in ferries)
    assert not view.is_marker("river") and not view.is_marker("tunnel")
    areas = [view.zone_item(z).zValue() for z in ("river", "tunnel")]
    assert all(view.marker(z).zValue() > max(areas) for z in ferries)
    kinds = {f.kind for f, _ in view.context_items()}
    assert {"water", "road", "tunnel", "landmark"} <= kinds
    assert all(item.zValue() < min(areas) for _, item in view.context_items())
    # a marker's colour is its zone's risk colour, opaque
    assert view.marker("ferry_jinling").brush().color() == QColor(theme.LIGHT.risk[2])


def test_a_point_zone_without_data_is_hollow_never_a_risk_colour(qtbot: QtBot) -> None:
    view = typhoon_map(qtbot, load_scenario("typhoon"))
    view.set_level("ferry_fuxing", None)
    fill = view.marker("ferry_fuxing").brush().color()
    assert fill.name() not in {QColor(c).name() for c in theme.LIGHT.risk}
    assert view.zone_brush("river") == QColor(theme.LIGHT.risk[2])
    assert view.label_text("ferry_fuxing").endswith("no data")
    view.set_level("river", None)
    assert view.zone_brush("river") == QColor(theme.LIGHT.muted)  # hatched grey, as before


@pytest.mark.parametrize("size", [(760, 560), (420, 300)])
@pytest.mark.parametrize("name", ["typhoon", "bund", "disney"])
def test_labels_do_not_overlap_each_other_or_markers(
    qtbot: QtBot, name: str, size: tuple[int, int]
) -> None:
    view = typhoon_map(qtbot, load_scenario(name), size)
    rects = view.label_rects()
    assert len(rects) == len(view.zones())
    for (a, ra), (b, rb) in combinations(rects.items(), 2):
        assert not ra.intersects(rb), (a, b, ra, rb)
    for zone, marker in view.marker_rects().items():
        for other, rect in rects.items():
            assert not rect.intersects(marker), (other, "covers the marker of", zone)


def test_scale_bar_length_matches_the_map_scale(qtbot: QtBot) -> None:
    view = typhoon_map(qtbot, load_scenario("typhoon"))
    metres, px = view.scale_bar()
    assert metres in {1.0 * 10**k for k in range(5)} | {2.0 * 10**k for k in range(5)} | {
        5.0 * 10**k for k in range(5)
    }
    # two view points px apart horizontally are `metres` apart on the ground
    a = view.mapToScene(QPoint(100, 200))
    b = view.mapToScene(QPoint(100 + round(px), 200))
    assert math.isclose(b.x() - a.x(), metres, rel_tol=0.02)
    # and the scene is in metres: 0.001° of latitude is 111.32 m
    p, q = view.project(121.5, 31.23), view.project(121.5, 31.231)
    assert math.isclose(p.y() - q.y(), 111.32, rel_tol=1e-6)
    assert 60 <= px <= 180
    assert nice_length(446) == 500 and nice_length(130) == 100 and nice_length(0) == 0


def test_state_label_is_shown_instead_of_a_number(qtbot: QtBot, qapp: QApplication) -> None:
    sc = load_scenario("typhoon")
    window = ConsoleWindow(sc.incident, settings_org="BatonTest", settings_app="mapread")
    qtbot.addWidget(window)
    try:
        configure_window(window, sc)
        values = {
            "values": {"tunnel": {"lane_state": 1.0}, "ferry_jinling": {"ferry_status": 0.0}},
            "stale": [],
        }
        window.apply_events([Event(1, sc.ts(60), "picture", "picture.values", "", values, "", "")])
        assert window.map.label_text("tunnel").splitlines()[1].startswith("open to riders")
        assert "1=" not in window.map.label_text("tunnel")
        assert window.map.label_text("ferry_jinling").splitlines()[1].startswith("suspended")
        assert numbers.format_metric("tunnel", "lane_state", 0.0) == "closed"
        assert numbers.format_metric("tunnel", "riders_escorted", 1400.0) == "1,400 riders"
        i18n.set_language(qapp, "zh_CN")
        assert numbers.format_metric("tunnel", "lane_state", 1.0) == "向骑手开放"
        window.apply_events([Event(2, sc.ts(61), "picture", "picture.values", "", values, "", "")])
        qtbot.waitUntil(lambda: window.map.label_text("tunnel").startswith("复兴东路隧道"))
        qtbot.waitUntil(lambda: "向骑手开放" in window.map.label_text("tunnel"))
    finally:
        window.timer.stop()
        window.plots.timer.stop()


def test_chinese_ui_shows_the_scenarios_chinese_names(qtbot: QtBot, qapp: QApplication) -> None:
    sc = load_scenario("typhoon")
    window = ConsoleWindow(sc.incident, settings_org="BatonTest", settings_app="mapzh")
    qtbot.addWidget(window)
    try:
        configure_window(window, sc)
        assert window.map.label_text("river").startswith("Huangpu River")
        assert i18n.local_name("station:ferry", "Ferry operations room") == "Ferry operations room"
        i18n.set_language(qapp, "zh_CN")
        qtbot.waitUntil(lambda: window.map.label_text("river").startswith("黄浦江外滩至陆家嘴段"))
        assert i18n.local_name("station:ferry", "Ferry operations room") == "轮渡调度室"
        assert "黄浦江" in window.map.context_labels() or "Huangpu River" in (
            window.map.context_labels()
        )
    finally:
        window.timer.stop()
        window.plots.timer.stop()


def test_tak_units_are_drawn_with_callsigns(qtbot: QtBot) -> None:
    view = typhoon_map(qtbot, load_scenario("typhoon"))
    unit = UnitPosition("u-1", "Escort-1", "a-f-G-U-C", 31.2275, 121.4960, 0.0, 60.0)
    view.set_units([unit])
    assert view.unit_label("u-1") == "Escort-1"
    view.set_units([])
    with pytest.raises(KeyError):
        view.unit_label("u-1")


def test_short_order_id_everywhere_full_id_in_the_tooltip() -> None:
    full = "01JD5W3YJ6Q8R2ZB7XK4M9TNPA"
    assert numbers.short_id(full) == "M9TNPA"
    assert numbers.short_id("abc") == "abc"


def test_station_names_fit_or_elide_in_the_middle_with_the_full_name_as_tooltip(
    qtbot: QtBot, qapp: QApplication
) -> None:
    from PySide6.QtCore import Qt

    sc = load_scenario("typhoon")
    window = ConsoleWindow(sc.incident, settings_org="BatonTest", settings_app="stations")
    qtbot.addWidget(window)
    try:
        configure_window(window, sc)
        panel = window.stations_panel
        table, model = panel.table, panel.model
        assert model.rowCount() == len(sc.incident.stations)
        assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
        panel.resize(700, 300)
        panel.fit_columns()
        metrics = table.fontMetrics()
        names = [str(model.index(r, 0).data()) for r in range(model.rowCount())]
        longest = max(metrics.horizontalAdvance(n) for n in names)
        assert table.columnWidth(0) >= min(longest, panel.NAME_MAX_PX)  # not cut in a wide dock
        panel.resize(240, 300)
        panel.fit_columns()
        assert panel.NAME_MIN_PX <= table.columnWidth(0) <= panel.NAME_MAX_PX
        tip = model.index(names.index("Meteorological service duty forecaster"), 0)
        assert (
            tip_text(tip.data(Qt.ItemDataRole.ToolTipRole))
            == "Meteorological service duty forecaster"
        )
        i18n.set_language(qapp, "zh_CN")
        assert "气象局值班预报员" in [
            str(model.index(r, 0).data()) for r in range(model.rowCount())
        ]
    finally:
        window.timer.stop()
        window.plots.timer.stop()


def test_playbook_titles_and_reasons_in_chinese(qapp: QApplication) -> None:
    sc = load_scenario("typhoon")
    i18n.set_names_zh(sc.names_zh)
    english = "Riders waiting at Jinling East Road ferry point (Puxi) reached orange."
    assert i18n.playbook_reason("riders_orange_shelter", english, "ferry_jinling") == english
    i18n.set_language(qapp, "zh_CN")
    assert (
        i18n.playbook_reason("riders_orange_shelter", english, "ferry_jinling")
        == "金陵东路轮渡站（浦西）等候骑手达到橙色。"
    )
    assert i18n.local_name("playbook:water_level_orange", "x").startswith("江水达到警戒水位")
    assert i18n.playbook_reason("no_such_playbook", "as written") == "as written"


def test_header_names_the_incident_in_chinese(qtbot: QtBot, qapp: QApplication) -> None:
    sc = load_scenario("typhoon")
    window = ConsoleWindow(sc.incident, settings_org="BatonTest", settings_app="hdr")
    qtbot.addWidget(window)
    try:
        configure_window(window, sc)
        opened = {"incident": {"id": sc.incident.id, "name": sc.incident.name}}
        window.apply_events([Event(1, sc.start, "console", "incident.opened", "", opened, "", "")])
        assert window.header.incident.text() == sc.incident.name
        i18n.set_language(qapp, "zh_CN")
        qtbot.waitUntil(lambda: window.header.incident.text() == "台风：轮渡停航与过江疏导")
    finally:
        window.timer.stop()
        window.plots.timer.stop()


def test_units_read_in_chinese_in_the_chinese_ui(qapp: QApplication) -> None:
    sc = load_scenario("typhoon")
    numbers.set_metric_formats(numbers.metric_formats(sc))
    assert numbers.format_metric("ferry_jinling", "riders_waiting", 87.0) == "87 riders"
    i18n.set_language(qapp, "zh_CN")
    assert numbers.format_metric("ferry_jinling", "riders_waiting", 87.0) == "87 人"
    assert numbers.format_metric("river", "wind", 25.04) == "25.0 m/s"  # symbols stay
    assert numbers.unit_text("buses") == "辆"


def test_the_map_follows_the_units_file_baton_tak_writes(qtbot: QtBot, tmp_path: Path) -> None:
    from command.interop.cot import feature_collection

    view = typhoon_map(qtbot, load_scenario("typhoon"))
    path = tmp_path / "units.geojson"
    view.follow_units(path, every_ms=50)  # no file yet: nothing drawn, no error
    unit = UnitPosition("u-7", "Escort-7", "a-f-G-U-C", 31.2275, 121.4960, 5.0, 65.0)
    path.write_text(json.dumps(feature_collection([unit])), encoding="utf-8")
    qtbot.waitUntil(lambda: "u-7" in view.units(), timeout=3000)
    assert view.unit_label("u-7") == "Escort-7"
    os.utime(path, (1.0, 1.0))  # a half-written file keeps the last units
    path.write_text("{not json", encoding="utf-8")
    view._reload_units()
    assert view.unit_label("u-7") == "Escort-7"


@contextmanager
def typhoon_console(
    qtbot: QtBot, app: str
) -> Iterator[tuple[Scenario, ConsoleWindow, dict[str, object]]]:
    """A console window on typhoon and the `incident.opened` body its journal would start
    with (the key metrics with their thresholds); its timers stopped afterwards."""
    from protocols.runtime.console import key_metrics

    sc = load_scenario("typhoon")
    window = ConsoleWindow(sc.incident, settings_org="BatonTest", settings_app=app)
    qtbot.addWidget(window)
    try:
        configure_window(window, sc)
        yield sc, window, {"incident": {"id": sc.incident.id}, "key_metrics": key_metrics(sc)}
    finally:
        window.timer.stop()
        window.plots.timer.stop()


def test_a_zone_without_thresholds_is_not_rated_never_green(
    qtbot: QtBot, qapp: QApplication
) -> None:
    with typhoon_console(qtbot, "unrated") as (sc, window, opened):
        values = {
            "values": {"tunnel": {"lane_state": 1.0}, "ferry_jinling": {"riders_waiting": 20}},
            "stale": [],
        }
        window.apply_events(
            [
                Event(1, sc.start, "console", "incident.opened", "", opened, "", ""),
                Event(2, sc.ts(60), "picture", "picture.values", "", values, "", ""),
            ]
        )
        assert not window.map.is_rated("tunnel") and window.map.is_rated("ferry_jinling")
        assert window.map.zone_brush("tunnel").name() != QColor(theme.LIGHT.risk[0]).name()
        assert window.map.label_text("tunnel").endswith("open to riders  ·  not rated")
        assert window.map.label_text("ferry_jinling").endswith("20 riders  ·  green")
        i18n.set_language(qapp, "zh_CN")
        qtbot.waitUntil(lambda: window.map.label_text("tunnel").endswith("未评级"))


def test_a_zone_whose_feeds_went_silent_reads_stale_never_fresh(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """The fold knows which indicators went silent: the map says "stale" and cross-hatches
    the last known level instead of showing it as a fresh fill."""
    from PySide6.QtCore import Qt

    with typhoon_console(qtbot, "stale") as (sc, window, opened):
        fresh = {"values": {"ferry_jinling": {"riders_waiting": 20}}, "stale": []}
        silent = {"values": {}, "stale": ["ferry_jinling/riders_waiting"]}
        events = [
            Event(1, sc.start, "console", "incident.opened", "", opened, "", ""),
            Event(2, sc.ts(60), "picture", "picture.values", "", fresh, "", ""),
        ]
        window.apply_events(events)
        brush = window.map._items["ferry_jinling"].brush()
        assert not window.map.is_stale("ferry_jinling")
        assert brush.style() == Qt.BrushStyle.SolidPattern or window.map.is_marker("ferry_jinling")
        window.apply_events([Event(3, sc.ts(65), "picture", "picture.values", "", silent, "", "")])
        assert window.map.is_stale("ferry_jinling")
        assert window.map.label_text("ferry_jinling").endswith("20 riders  ·  green  ·  stale")
        item = window.map._items["ferry_jinling"]
        marker = window.map._markers.get("ferry_jinling")
        if marker is not None:
            assert marker.pen().style() == Qt.PenStyle.DashLine
        else:
            assert item.brush().style() == Qt.BrushStyle.DiagCrossPattern
        i18n.set_language(qapp, "zh_CN")
        qtbot.waitUntil(lambda: window.map.label_text("ferry_jinling").endswith("数据中断"))
        i18n.set_language(qapp, "en")
        window.apply_events([Event(4, sc.ts(70), "picture", "picture.values", "", fresh, "", "")])
        assert not window.map.is_stale("ferry_jinling")
        assert window.map.label_text("ferry_jinling").endswith("20 riders  ·  green")


def test_suggestions_name_their_playbook_by_its_title(qapp: QApplication) -> None:
    sc = load_scenario("typhoon")
    i18n.use_scenario_names(sc)
    playbook = sc.playbooks[0]
    assert i18n.local_name(f"playbook:{playbook.id}", playbook.id) == playbook.title
    i18n.set_language(qapp, "zh_CN")
    assert (
        i18n.local_name(f"playbook:{playbook.id}", playbook.id)
        == sc.names_zh[f"playbook:{playbook.id}"]
    )
