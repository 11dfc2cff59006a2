"""A mirrored site event turned back into an event-like, so the one fold can read it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from command.vocabulary import SiteEvent

PATH_SEPARATOR = " › "
"""Between the levels of a nested incident's path: "district-a › bund"."""


@dataclass(frozen=True, slots=True)
class MirroredEvent:
    """One site event as the site journaled it (what `command.vocabulary.EventLike` needs)."""

    seq: int
    ts: float
    actor: str
    kind: str
    incident: str
    body: Mapping[str, Any]
    hash: str = ""

    @classmethod
    def of(cls, mirror: SiteEvent) -> MirroredEvent:
        """The site's own event inside a `site.event` mirror."""
        return cls(
            mirror.seq,
            mirror.ts,
            mirror.actor,
            mirror.event_kind,
            mirror.incident,
            mirror.body,
            mirror.hash,
        )


def path_key(path: Sequence[str]) -> str:
    """The board key of a site at `path` (centre levels first): "district-a › bund"."""
    return PATH_SEPARATOR.join(path)
