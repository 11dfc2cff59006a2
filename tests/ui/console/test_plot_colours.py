"""A zone keeps its plot colour from run to run: colours follow the incident's zone list, not
which feed reported first (issue #15)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.console.plots import LivePlots


def test_zone_colours_follow_the_incident_list_not_arrival_order(qtbot: QtBot) -> None:
    runs = []
    for arrival in (["z1", "z2", "z3"], ["z3", "z1", "z2"]):
        plots = LivePlots(fps=30, capacity=10)
        qtbot.addWidget(plots)
        plots.set_zones(["z1", "z2", "z3"])
        for zone in arrival:
            plots.append(zone, "density", 1.0, 2.0)
        runs.append({z: plots.colour_of(z) for z in ("z1", "z2", "z3")})
    assert runs[0] == runs[1]
    assert len(set(runs[0].values())) == 3


def test_a_zone_not_listed_gets_the_next_colour(qtbot: QtBot) -> None:
    plots = LivePlots(fps=30, capacity=10)
    qtbot.addWidget(plots)
    plots.set_zones(["z1"])
    plots.append("extra", "density", 1.0, 2.0)
    assert plots.colour_of("extra") not in (None, plots.colour_of("z1"))
