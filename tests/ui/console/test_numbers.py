"""Numbers for people: counts as integers, other values with sensible precision, state words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from command.scenarios.scenario import StateLabel
from ui import i18n
from ui.console.numbers import MetricFormat, duration, format_value, journal_formats, metric_title


def test_counts_are_integers() -> None:
    assert format_value(24.0, "riders") == "24 riders"
    assert format_value(97.6, "buses") == "98 buses"
    assert format_value(1400.0, "riders") == "1,400 riders"
    assert format_value(7.0, "", integer=True) == "7"


def test_other_values_keep_sensible_precision() -> None:
    assert format_value(3.14159, "p/m²") == "3.14 p/m²"
    assert format_value(25.53, "m/s") == "25.5 m/s"
    assert format_value(1600.4, "veh/h") == "1,600 veh/h"


def test_states_read_as_words_when_labelled() -> None:
    labels = {0: "closed", 1: "open to riders"}
    assert format_value(0.0, "1=open to riders", labels) == "closed"
    assert format_value(1.0, "1=open to riders", labels) == "open to riders"
    assert format_value(1.0, "", {"1": "running"}) == "running"


def test_durations_read_in_the_ui_language(qapp: QApplication) -> None:
    assert [duration(s) for s in (None, 45, 120, 725, 11460)] == [
        "—",
        "45s",
        "2m00s",
        "12m05s",
        "3h11m",
    ]
    i18n.set_language(qapp, "zh_CN")
    assert [duration(s) for s in (45, 120, 11460)] == ["45秒", "2分00秒", "3小时11分"]
    left = QCoreApplication.translate("IncidentHeader", "Delegated by %1 · scope %2 · %3 left")
    assert left.replace("%3", duration(11460)).endswith("剩余3小时11分")


def test_plot_titles_read_in_the_ui_language(qapp: QApplication) -> None:
    assert metric_title("density", "persons/m²") == "Density (persons/m²)"
    assert metric_title("queue_lane_b") == "Queue at lane B"
    assert metric_title("made_up_metric", "kg") == "Made up metric (kg)"
    i18n.set_language(qapp, "zh_CN")
    assert metric_title("density", "persons/m²") == "人群密度（人/m²）"
    assert metric_title("water_level", "m") == "水位（m）"
    assert metric_title("queue_lane_b") == "B号通道排队"


def test_short_id_is_command_ids_short_id(monkeypatch: pytest.MonkeyPatch) -> None:
    from command import ids
    from ui.console import numbers

    full = "01JDXYZABCDEFGHJKMNPQRSTVW"
    assert numbers.short_id(full) == ids.short_id(full) == full[-ids.SHORT_ID :]
    monkeypatch.setattr(ids, "SHORT_ID", 8)  # one definition: the console follows it
    assert numbers.short_id(full) == full[-8:]


def test_journal_formats_read_what_incident_opened_recorded() -> None:
    feeds = [
        {
            "zone": "tunnel",
            "metric": "lane_state",
            "unit": "",
            "labels": [
                {"value": 0, "en": "closed", "zh_CN": "关闭"},
                {"value": 1, "en": "open to riders"},
            ],
        },
        {"zone": "pier", "metric": "queue", "unit": "riders", "integer": True},
    ]
    formats = journal_formats(feeds)
    assert formats[("tunnel", "lane_state")].labels == (
        StateLabel(0.0, "closed", "关闭"),
        StateLabel(1.0, "open to riders", ""),
    )
    assert formats[("pier", "queue")] == MetricFormat("riders", True, ())


def test_journal_formats_fill_an_older_journal_from_the_scenario() -> None:
    """A journal written before feeds carried their words keeps the shipped scenario's."""
    base = {("tunnel", "lane_state"): MetricFormat("", False, (StateLabel(1.0, "open"),))}
    old = [{"zone": "tunnel", "metric": "lane_state", "interval_s": 10, "unit": "state"}]
    assert journal_formats(old, base)[("tunnel", "lane_state")] == MetricFormat(
        "state", False, (StateLabel(1.0, "open"),)
    )
    assert base[("tunnel", "lane_state")].unit == ""  # the base is not changed


def test_journal_formats_skip_what_a_damaged_journal_holds() -> None:
    hostile: list[dict[str, object]] = [
        {"zone": 3, "metric": "x"},
        {"metric": "x"},
        {"zone": "a", "metric": "m", "unit": ["not", "text"], "integer": "yes"},
        {"zone": "b", "metric": "m", "labels": "closed"},
        {
            "zone": "c",
            "metric": "m",
            "labels": [
                7,
                {"value": True, "en": "x"},
                {"value": "1", "en": "x"},
                {"value": 2, "en": None},
                {"value": 1, "en": "ok", "zh_CN": 5},
            ],
        },
    ]
    formats = journal_formats(hostile)
    assert set(formats) == {("a", "m"), ("b", "m"), ("c", "m")}
    assert formats[("a", "m")] == MetricFormat()
    assert formats[("b", "m")].labels == ()
    assert formats[("c", "m")].labels == (StateLabel(1.0, "ok", ""),)
