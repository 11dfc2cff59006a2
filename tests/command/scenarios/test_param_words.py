"""Parameter words: English titles (or a readable fallback), Chinese choice words (`choices_zh`)
and Chinese forms of a playbook order's text parameters (`params_zh`), shown and never signed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from command.scenarios import ScenarioError
from command.scenarios.loader import load_scenario, readable_title
from tests.command.scenarios.helpers import mutated


@pytest.mark.parametrize("name", ["bund", "typhoon", "disney"])
def test_every_parameter_has_an_english_title_and_every_choice_chinese_words(name: str) -> None:
    """Seen on a screenshot: the English station window said 'duration_min: 20 min'."""
    sc = load_scenario(name)
    for station in sc.incident.stations:
        for kind in station.catalogue:
            for p in kind.params:
                where = f"{station.id}.{kind.name}.{p.name}"
                assert p.title and p.title != p.name, where
                for choice in p.choices:
                    assert sc.names_zh.get(f"value:{where}:{choice}"), (where, choice)


@pytest.mark.parametrize(
    ("param", "title"),
    [
        ("duration_min", "Duration (min)"),
        ("level_percent", "Level (%)"),
        ("fade_s", "Fade (s)"),
        ("from_road", "From road"),
        ("gates", "Gates"),
        ("s", "S"),
    ],
)
def test_a_parameter_without_a_title_gets_a_readable_one(param: str, title: str) -> None:
    assert readable_title(param) == title


def test_the_loader_falls_back_to_the_readable_title(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        del doc["stations"][2]["catalogue"][0]["params"][1]["title"]  # security hold_entry

    sc = load_scenario(mutated(tmp_path, change))
    hold = sc.incident.station("security").kind("hold_entry")
    assert [p.title for p in hold.params] == ["Gates to hold", "Duration (min)"]


def test_bund_gives_chinese_choice_words_and_playbook_values() -> None:
    names = load_scenario("bund").names_zh
    assert names["value:security.one_way_flow.direction:southbound"] == "向南"
    assert names["value:metro.skip_stop.station:East Nanjing Road"] == "南京东路站"
    assert names["value:security.hold_entry.gates:all entrances to {zone_name}"] == (
        "{zone_name}所有入口"
    )


def test_the_signed_values_stay_english() -> None:
    """The Chinese words are for the screen only: the playbook's drafts keep the English."""
    sc = load_scenario("bund")
    hold = next(o for p in sc.playbooks for o in p.orders if o.kind == "hold_entry")
    assert hold.params == {"gates": "all entrances to {zone_name}", "duration_min": 20}


def test_choices_zh_needs_one_word_per_choice(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["stations"][2]["catalogue"][1]["params"][0]["choices_zh"] = ["向北"]

    with pytest.raises(ScenarioError) as info:
        load_scenario(mutated(tmp_path, change))
    assert str(info.value).startswith(
        "bund.yaml: stations[2].catalogue[1].params[0].choices_zh: expected one Chinese word "
        "per choice (2), got 1"
    ), info.value


def test_params_zh_must_name_a_text_parameter_of_the_order(tmp_path: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["playbooks"][0]["orders"][0]["params_zh"] = {"duration_min": "二十"}

    with pytest.raises(ScenarioError) as info:
        load_scenario(mutated(tmp_path, change))
    assert str(info.value).startswith(
        "bund.yaml: playbooks[0].orders[0].params_zh.duration_min: expected a text parameter"
    ), info.value
