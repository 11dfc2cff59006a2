"""Numbers for people: counts as integers, other values with sensible precision, state words."""

from __future__ import annotations

from ui.console.numbers import format_value


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
