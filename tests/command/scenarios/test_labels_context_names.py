"""Scenario state labels, context layers and Chinese names: read from the YAML, checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from command.scenarios.loader import load_scenario
from command.scenarios.scenario import ScenarioError, StateLabel

SHIPPED = Path(__file__).resolve().parents[3] / "data" / "scenarios"


def test_typhoon_tunnel_lane_reads_as_words_in_both_languages() -> None:
    sc = load_scenario("typhoon")
    lane = next(f for f in sc.feeds if f.metric == "lane_state")
    assert lane.labels == (
        StateLabel(0.0, "closed", "关闭"),
        StateLabel(1.0, "open to riders", "向骑手开放"),
    )
    assert lane.unit == ""  # no more "1=open to riders" as a unit
    ferry = next(f for f in sc.feeds if f.metric == "ferry_status")
    assert [lab.en for lab in ferry.labels] == ["suspended", "running"]


@pytest.mark.parametrize("name", ["bund", "typhoon", "disney"])
def test_every_shipped_scenario_has_context_and_chinese_names(name: str) -> None:
    sc = load_scenario(name)
    assert sc.context is not None and sc.context["type"] == "FeatureCollection"
    kinds = {f["properties"]["kind"] for f in sc.context["features"]}
    assert {"road", "landmark"} <= kinds
    assert "incident" in sc.names_zh
    for zone in sc.incident.zones:
        assert sc.names_zh.get(f"zone:{zone.id}"), zone.id
    for station in sc.incident.stations:
        assert sc.names_zh.get(f"station:{station.id}"), station.id
        for kind in station.catalogue:  # order kinds are titled in the Chinese UI too
            assert sc.names_zh.get(f"kind:{station.id}.{kind.name}"), (station.id, kind.name)
    for pb in sc.playbooks:
        assert sc.names_zh.get(f"playbook:{pb.id}") and sc.names_zh.get(f"reason:{pb.id}")


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = (SHIPPED / "typhoon.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "typhoon.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    (tmp_path / "typhoon-ferry-suspension.xml").write_bytes(
        (SHIPPED / "typhoon-ferry-suspension.xml").read_bytes()
    )
    return path


def test_a_label_key_that_is_not_a_value_is_one_clear_error(tmp_path: Path) -> None:
    path = _variant(tmp_path, "labels: {0: {en: closed", "labels: {shut: {en: closed")
    with pytest.raises(ScenarioError, match=r"feeds\[\d+\]\.labels\.shut: .*key is the value"):
        load_scenario(path)


def test_a_missing_context_file_is_one_clear_error(tmp_path: Path) -> None:
    path = _variant(tmp_path, "context: typhoon-context.geojson", "context: nowhere.geojson")
    with pytest.raises(ScenarioError, match=r"context: GeoJSON file 'nowhere.geojson' not found"):
        load_scenario(path)
