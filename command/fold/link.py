"""A station's link to its console, as the station's journal tells it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from command.vocabulary import EventLike, LinkChanged


@dataclass
class LinkStatus:
    """The connection to the peer: up or down, since when, and why."""

    online: bool = False
    since: float | None = None
    detail: str = ""
    known: bool = False  # False until the journal said anything about the link

    def copy(self) -> LinkStatus:
        """A copy (every field is immutable)."""
        return replace(self)

    def apply(self, ev: EventLike, body: object) -> bool:
        """Fold one decoded event; True when the status changed."""
        if not isinstance(body, LinkChanged):
            return False
        self.online, self.since, self.detail, self.known = body.up, ev.ts, body.detail, True
        return True
