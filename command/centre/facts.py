"""What a centre knows about a site beyond the site's own journal: the grant it issued, SITREP
requests and answers, and the checkpoints witnessed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from command.authority.keys import fingerprint


@dataclass(frozen=True, slots=True)
class CentreGrant:
    """The grant a centre issued for a site's incident (the latest one), as its document says."""

    grant_id: str
    commander: str
    commander_key: str
    scope: Mapping[str, Any]
    valid_from: float | None
    valid_until: float | None
    issued_at: float
    revoked: bool = False
    revoked_reason: str = ""

    @classmethod
    def of(cls, grant: Mapping[str, Any], ts: float) -> CentreGrant:
        """Read a grant document (`command.authority.grants.Grant.to_dict`)."""
        scope = grant.get("scope")
        nb, na = grant.get("not_before"), grant.get("not_after")
        return cls(
            grant_id=str(grant.get("id", "")),
            commander=str(grant.get("delegate", "")),
            commander_key=str(grant.get("delegate_key", "")),
            scope=dict(scope) if isinstance(scope, Mapping) else {},
            valid_from=None if nb is None else float(nb),
            valid_until=None if na is None else float(na),
            issued_at=ts,
        )

    @property
    def key_id(self) -> str:
        """The commander key's short fingerprint ("" when the document names none)."""
        return fingerprint(self.commander_key) if self.commander_key else ""

    def time_left(self, now: float) -> float | None:
        """Seconds of authority left (0 when revoked or expired, None without an end)."""
        if self.valid_until is None:
            return None
        return 0.0 if self.revoked else max(0.0, self.valid_until - now)


@dataclass(frozen=True, slots=True)
class SitrepView:
    """A SITREP the centre asked for, and the site's answer once it came."""

    sitrep_id: str
    site: str
    asked_at: float
    due_ts: float
    asked_by: str
    note: str = ""
    answered_at: float | None = None
    summary: Mapping[str, Any] = field(default_factory=dict)
    remarks: str = ""
    by: str = ""

    @property
    def answered(self) -> bool:
        """True once the site's `sitrep.sent` arrived."""
        return self.answered_at is not None

    def overdue(self, now: float) -> bool:
        """Unanswered after its due time (centre clock)."""
        return self.answered_at is None and now > self.due_ts

    @property
    def answered_late(self) -> bool:
        """Answered, but after the due time."""
        return self.answered_at is not None and self.answered_at > self.due_ts


@dataclass(frozen=True, slots=True)
class WitnessedCheckpoint:
    """The newest checkpoint of a site's journal that someone cosigned, and who did."""

    head_seq: int
    head_hash: str
    ts: float
    witnesses: tuple[str, ...]

    def age(self, now: float) -> float:
        """Seconds since the checkpoint was made (journal clock of the site)."""
        return max(0.0, now - self.ts)
