"""The replay window draws the console's map of the journal's scenario: the same context layers
(river, roads, tunnel, landmarks), markers, Chinese names and state words as the live console."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from command.clock import ManualClock
from command.journal import Journal
from command.review.loading import load_journal
from command.scenarios.loader import load_scenario
from command.scenarios.scenario import Scenario
from protocols.runtime.console import feed_entry
from ui import i18n
from ui.console import numbers
from ui.console.controller import configure_window
from ui.console.mapview import ZoneMap
from ui.console.qtmodels import set_display_zone
from ui.console.window import ConsoleWindow
from ui.review.window import ReplayWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def module_state_reset() -> Iterator[None]:
    """Scenario names, formats and the table zone are module-wide: put them back afterwards."""
    yield
    numbers.set_metric_formats({})
    i18n.set_names_zh({})
    set_display_zone(UTC)


def typhoon_journal(path: Path, sc: Scenario, name: str = "", *, feeds: bool = False) -> Path:
    """A console journal of the typhoon scenario: its incident.opened (with `feeds`, the feeds
    as a console records them) and one zone's values."""
    clock = ManualClock(sc.start)
    j = Journal.open(path, clock=clock, owner="commander", role="console")
    inc = sc.incident
    opened = {
        "incident": {
            "id": inc.id,
            "name": inc.name,
            "timezone": inc.timezone,
            "zones": [{"id": z.id, "name": z.name} for z in inc.zones],
            "stations": [{"id": s.id, "name": s.name} for s in inc.stations],
        },
        "commander": "commander",
        "scenario": name or sc.name,
    }
    if feeds:
        opened["feeds"] = [feed_entry(f) for f in sc.feeds]
    j.append("incident.opened", opened, actor="commander", incident=inc.id)
    clock.advance(60)
    values = {"values": {"tunnel": {"lane_state": 1.0}}, "stale": []}
    j.append("picture.values", values, actor="picture", incident=inc.id)
    j.close()
    return path


def drawn(view: ZoneMap) -> dict[str, object]:
    """What a commander sees on a map, item by item (not pixels: sizes differ by dock)."""
    return {
        "context": sorted((f.kind, f.name) for f, _ in view.context_items()),
        "zones": sorted(view.zones()),
        "markers": sorted(z for z in view.zones() if view.is_marker(z)),
        "labels": {z: view.label_text(z).splitlines()[0] for z in view.zones()},
    }


def test_replay_map_has_the_scenarios_context_layers_like_the_console(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    sc = load_scenario("typhoon")
    loaded = load_journal(typhoon_journal(tmp_path / "console.sqlite", sc))
    console = ConsoleWindow(sc.incident, settings_org="BatonTest", settings_app="mapconsole")
    qtbot.addWidget(console)
    try:
        configure_window(console, sc)
        replay = ReplayWindow(
            loaded.events, loaded.replay(), source="console.sqlite", settings_org="BatonTest"
        )
        qtbot.addWidget(replay)
        replay.timeline.pause()
        kinds = {f.kind for f, _ in replay.map.context_items()}
        assert {"water", "road", "tunnel", "landmark"} <= kinds
        assert drawn(replay.map) == drawn(console.map)
        assert any(replay.map.is_marker(z) for z in replay.map.zones())  # ferry points
        # before any values: "no data" as the console draws it, never a guessed green
        assert not any(replay.map.has_data(z) for z in replay.map.zones())
        replay.seek(sc.start + 120)
        assert replay.map.has_data("tunnel")
        # state words, as the console shows them (not "1.00")
        assert "open to riders" in replay.map.label_text("tunnel")
        i18n.set_language(qapp, "zh_CN")
        qtbot.waitUntil(lambda: replay.map.label_text("river").startswith("黄浦江"))
        assert drawn(replay.map)["labels"] == {
            z: console.map.label_text(z).splitlines()[0] for z in console.map.zones()
        }
        replay.close()
    finally:
        console.timer.stop()
        console.plots.timer.stop()
        loaded.close()


def test_replay_of_an_unshipped_scenario_still_draws_its_zones(
    qtbot: QtBot, tmp_path: Path
) -> None:
    sc = load_scenario("typhoon")
    loaded = load_journal(typhoon_journal(tmp_path / "j.sqlite", sc, "not-shipped-here"))
    try:
        replay = ReplayWindow(loaded.events, loaded.replay(), source="x", settings_org="BatonTest")
        qtbot.addWidget(replay)
        replay.timeline.pause()
        assert sorted(replay.map.zones()) == sorted(z.id for z in sc.incident.zones)
        assert replay.map.context_items() == []
        replay.close()
    finally:
        loaded.close()


def test_replay_of_an_unshipped_scenario_reads_state_words_from_the_journal(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    """A reviewer without the site's scenario file reads the tunnel lane as the commander did
    ("open to riders", in Chinese 开放通行), never "1": the journal carries the words."""
    sc = load_scenario("typhoon")
    path = typhoon_journal(tmp_path / "j.sqlite", sc, "not-shipped-here", feeds=True)
    loaded = load_journal(path)
    try:
        replay = ReplayWindow(loaded.events, loaded.replay(), source="x", settings_org="BatonTest")
        qtbot.addWidget(replay)
        replay.timeline.pause()
        replay.seek(sc.start + 120)
        assert replay.map.has_data("tunnel")
        assert "open to riders" in replay.map.label_text("tunnel")
        (lane,) = [f for f in sc.feeds if f.metric == "lane_state"]
        zh = {round(lab.value): lab.zh_CN for lab in lane.labels}[1]
        i18n.set_language(qapp, "zh_CN")
        qtbot.waitUntil(lambda: zh in replay.map.label_text("tunnel"))
        replay.close()
    finally:
        i18n.set_language(qapp, "en")
        loaded.close()


def test_replay_plot_titles_follow_the_language(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    from .journal_fixture import build_journal

    loaded = load_journal(build_journal(tmp_path / "console.sqlite"))
    try:
        replay = ReplayWindow(loaded.events, loaded.replay(), source="c", settings_org="BatonTest")
        qtbot.addWidget(replay)
        replay.timeline.pause()
        plot = replay.plots.plot("density")
        assert plot.titleLabel.text == "Density (people/m²)"
        i18n.set_language(qapp, "zh_CN")
        qtbot.waitUntil(lambda: plot.titleLabel.text == "人群密度（people/m²）")
        replay.close()
    finally:
        loaded.close()
