"""Zone map: GeoJSON read, colours follow levels and theme, labels, fitting."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command.errors import BatonError
from ui import i18n, theme
from ui.console.mapview import ZoneMap, read_zones

from .conftest import DATA

ZONES = Path(__file__).resolve().parents[3] / "data" / "zones"


def test_read_zones_reads_polygons_and_multipolygons_only() -> None:
    shapes = read_zones(DATA / "zones.geojson")
    assert [s.zone for s in shapes] == ["north", "south", "plaza"]
    assert shapes[0].name == "North terrace"
    assert shapes[2].name == "Plaza" and len(shapes[2].rings) == 2


def test_read_zones_bad_file_is_one_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "z.geojson"
    bad.write_text("{not json")
    with pytest.raises(BatonError, match="cannot read zone outlines"):
        read_zones(bad)


def test_colours_follow_levels_and_theme(qtbot: QtBot, qapp: QApplication) -> None:
    view = ZoneMap()
    qtbot.addWidget(view)
    view.load(read_zones(DATA / "zones.geojson"))
    assert not view.has_data("north")  # nothing measured yet: grey and hatched, never green
    assert view.zone_brush("north") == QColor(theme.LIGHT.muted)
    assert view.zone_brush("north") != QColor(theme.LIGHT.risk[0])
    assert view.label_text("north").endswith("no data")
    for level in range(5):
        view.set_level("north", level)
        assert view.zone_brush("north") == QColor(theme.LIGHT.risk[level])
    assert view.has_data("north")
    view.set_level("south", 9)  # clamped to red
    assert view.zone_brush("south") == QColor(theme.LIGHT.risk[4])
    view.set_level("south", None)
    assert view.zone_brush("south") == QColor(theme.LIGHT.muted) and not view.has_data("south")
    theme.apply_theme(qapp, "dark")
    assert view.zone_brush("north") == QColor(theme.DARK.risk[4])
    assert len({QColor(c).name() for c in theme.LIGHT.risk}) == 5


def test_labels_show_figure_and_translated_level(qtbot: QtBot, qapp: QApplication) -> None:
    view = ZoneMap()
    qtbot.addWidget(view)
    view.load(read_zones(DATA / "zones.geojson"))
    view.set_level("plaza", 3)
    view.set_figure("plaza", "3.2 p/m²")
    assert view.label_text("plaza") == "Plaza\n3.2 p/m²  ·  orange"
    i18n.set_language(qapp, "zh_CN")  # LanguageChange is delivered through the event loop
    qtbot.waitUntil(lambda: view.label_text("plaza") == "Plaza\n3.2 p/m²  ·  橙")


def test_fits_on_resize_and_focuses_a_zone(qtbot: QtBot) -> None:
    view = ZoneMap()
    qtbot.addWidget(view)
    view.load(read_zones(DATA / "zones.geojson"))
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    all_scale = view.transform().m11()
    view.resize(800, 600)  # resizeEvent fits again
    qtbot.waitUntil(lambda: view.transform().m11() > all_scale * 1.5)
    with qtbot.wait_signal(view.zone_selected) as sig:
        assert view.focus_zone(0) == "north"
    assert sig.args == ["north"]
    assert view.transform().m11() > all_scale  # zoomed in on one zone
    assert view.focus_zone(7) is None


def test_shipped_zone_outlines_cover_their_scenarios() -> None:
    from command.scenarios.loader import load_scenario

    for name in ("bund", "disney", "typhoon"):
        shapes = read_zones(ZONES / f"{name}.geojson")
        zones = {z.id for z in load_scenario(name).incident.zones}
        assert {s.zone for s in shapes} == zones, name
