"""The commander's public alerts: composed in the console, journaled as decisions, exported as CAP.

An alert is issued only when it is a valid CAP 1.2 document (`command.cap.export.export_cap`
checks the profile rules and the OASIS schema first). Issuing journals, in one transaction, a
decision entry (what was alerted and why, with the picture snapshot like every decision) and the
`alert.issued` event with the alert's fields, so the alert board, the review and
`baton export --format cap` all read it from the journal. An Update or a Cancel of an issued
alert is a new alert whose `references` name the earlier one (`command.cap.export.follow_up`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from command.cap.export import PublicAlert, export_cap, follow_up
from command.cap.profile import CapError, geojson_rings
from command.ids import new_id
from command.journal import Journal
from command.model import Decision, Incident
from command.vocabulary import AlertIssued, Kind, decode

_UNSAFE = re.compile(r"[^A-Za-z0-9._:-]+")


class DecisionWriter(Protocol):
    """What issuing needs of the console post: its journal, incident, commander and decisions."""

    journal: Journal
    incident: Incident
    commander: str

    def add_decision(self, decision: str, rationale: str, **fields: Any) -> Decision:
        """Journal a decision entry with the current picture snapshot."""
        ...


@dataclass(frozen=True, slots=True)
class IssuedAlert:
    """An issued public alert: the alert as journaled, its decision entry and its CAP XML."""

    alert: PublicAlert
    decision: Decision
    xml: bytes


def alert_identifier(incident_id: str, ts: float) -> str:
    """A new CAP identifier for an alert of `incident_id` (no spaces, commas, < or &)."""
    return f"BATON-{_UNSAFE.sub('-', incident_id).strip('-') or 'incident'}-{new_id(ts)}"


def zone_rings(
    geometry: Mapping[str, Mapping[str, Any]], zones: Iterable[str]
) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The outline rings ((lon, lat) points) of `zones` from their GeoJSON features, for the
    alert's area; `CapError` naming a zone that has no outline."""
    rings: list[tuple[tuple[float, float], ...]] = []
    for zone in zones:
        feature = geometry.get(zone)
        if feature is None:
            raise CapError(f"zone {zone!r} has no outline to put in the alert's area")
        rings.extend(geojson_rings(feature))
    return tuple(rings)


def issue_public_alert(post: DecisionWriter, alert: PublicAlert, rationale: str) -> IssuedAlert:
    """Validate `alert` as CAP 1.2, then journal its decision entry and `alert.issued` together.

    Raises `CapError` (nothing journaled) when the alert is not valid CAP or reuses an
    identifier already issued.
    """
    if not rationale.strip():
        raise CapError("a public alert needs a rationale: say why the public is alerted")
    xml = export_cap(alert)
    journal = post.journal
    if any(str(body.alert.get("identifier")) == alert.identifier for body in _issued(journal)):
        raise CapError(f"CAP identifier {alert.identifier} was already issued; use a new one")
    verb = {"Alert": "issued", "Update": "updated", "Cancel": "cancelled"}.get(
        alert.msg_type, alert.msg_type.lower()
    )
    with journal.transaction():
        decision = post.add_decision(
            f"Public alert {verb}: {alert.headline or alert.event} ({alert.area_desc})",
            rationale,
            information=f"CAP {alert.msg_type} {alert.identifier}, {alert.urgency}/"
            f"{alert.severity}/{alert.certainty}",
        )
        journal.record(
            AlertIssued(alert.to_dict()), actor=post.commander, incident=post.incident.id
        )
    return IssuedAlert(alert, decision, xml)


def issued_alert(journal: Journal, identifier: str) -> PublicAlert:
    """The public alert issued under `identifier`; `CapError` when there is none."""
    for body in _issued(journal):
        if str(body.alert.get("identifier")) == identifier:
            return PublicAlert.from_dict(body.alert)
    raise CapError(f"no public alert {identifier} was issued in this incident")


def follow_up_alert(
    post: DecisionWriter,
    identifier: str,
    msg_type: str,
    rationale: str,
    *,
    now: float,
    **changes: Any,
) -> IssuedAlert:
    """Issue an Update or a Cancel of the alert issued as `identifier`."""
    earlier = issued_alert(post.journal, identifier)
    later = follow_up(
        earlier,
        msg_type,
        identifier=alert_identifier(post.incident.id, now),
        sent=now,
        **changes,
    )
    return issue_public_alert(post, later, rationale)


def _issued(journal: Journal) -> Iterable[AlertIssued]:
    for event in journal.events(kinds=[Kind.ALERT_ISSUED]):
        body = decode(event)
        if isinstance(body, AlertIssued):
            yield body
