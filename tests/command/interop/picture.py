"""A small incident for the TAK tests: two zones with outlines, one at orange, two orders."""

from __future__ import annotations

from typing import Any

from command.fold import IncidentState, fold
from command.vocabulary import Kind, PictureLevel
from tests.command.review.events import T0, Ev, incident_events

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [
            [121.490, 31.240],
            [121.492, 31.240],
            [121.492, 31.242],
            [121.490, 31.242],
            [121.490, 31.240],
        ]
    ],
}
PENTAGON = {
    "type": "Polygon",
    "coordinates": [
        [
            [121.4899, 31.2412],
            [121.4914, 31.2411],
            [121.4921, 31.2426],
            [121.4904, 31.2440],
            [121.4897, 31.2426],
            [121.4899, 31.2412],
        ]
    ],
}
GEOMETRY: dict[str, dict[str, Any]] = {"z-chenyi": PENTAGON, "z-jinling": SQUARE}


def picture_events() -> list[Ev]:
    """The review incident, with Chenyi at orange and Jinling at green."""
    events = incident_events()
    orange = PictureLevel("z-chenyi", "orange", "yellow", "density", 2.1)
    green = PictureLevel("z-jinling", "green")
    n = len(events)
    return [
        *events,
        Ev(n + 1, T0 + 400, "console", Kind.PICTURE_LEVEL, orange.to_body()),
        Ev(n + 2, T0 + 401, "console", Kind.PICTURE_LEVEL, green.to_body()),
    ]


def picture_state() -> IncidentState:
    """The fold of `picture_events()`."""
    return fold(picture_events())
