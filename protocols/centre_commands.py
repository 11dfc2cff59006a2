"""The operations centre's typed seams: what the centre window asks its engine node to do, and
what a site console's window asks about its centre.

Every authority action is signed by the centre's key in the engine thread, journaled at the
centre, and sent down the centre link to the site console (which journals it and passes it on to
its stations). Handlers return the id of what they made (grant id, revocation id, SITREP id).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from command.authority.scope import Scope
from protocols.commands import Command

# -- the centre --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssueSiteGrant(Command[str]):
    """Grant `commander` (Ed25519 key `commander_key`) command of `site`'s incident within
    `scope` until `valid_until` (centre clock); under the centre's own grant when it has one."""

    site: str
    commander: str
    commander_key: str
    scope: Scope
    valid_until: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class NarrowSiteGrant(Command[str]):
    """Replace the site's grant by a narrower one (a subset `scope`, an earlier end)."""

    site: str
    grant_id: str
    scope: Scope
    valid_until: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class ExtendSiteGrant(Command[str]):
    """Re-issue the site's grant with a later `valid_until` (same commander and scope)."""

    site: str
    grant_id: str
    valid_until: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class RevokeSiteGrant(Command[str]):
    """Revoke the site's grant (and everything under it); stations refuse later orders with
    reason `revoked`."""

    site: str
    grant_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class HandOverSite(Command[str]):
    """Hand the site's command to `successor` (key `successor_key`): a new grant for the
    successor, the old one revoked, open orders carried on (`baton grant handover`)."""

    site: str
    grant_id: str
    successor: str
    successor_key: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class RequestSitrep(Command[str]):
    """Ask `site` for a situation report by `due_ts` (centre clock); returns the SITREP id."""

    site: str
    due_ts: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class CentreSites(Command[tuple[str, ...]]):
    """The sites this centre knows (allow-listed site consoles), in board order."""


# -- the site console ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SendSitrep(Command[str]):
    """The commander answers SITREP `sitrep_id`: the summary is composed from the console's
    picture in the engine, `remarks` added; journaled (`sitrep.sent`) and shipped up."""

    sitrep_id: str
    remarks: str = ""
    by: str = ""


@dataclass(frozen=True, slots=True)
class UplinkState:
    """How the site console's link to its centre stands (for the console header)."""

    centre: str = ""
    connected: bool = False
    shipped_through: int = 0  # the last site seq the centre acknowledged
    head: int = 0  # the site journal's head seq
    open_sitreps: tuple[str, ...] = field(default_factory=tuple)
