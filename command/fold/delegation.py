"""The delegation a journal acts under (issuer, scope, expiry), its link state and outbox size."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from command.lifecycle import OrderState
from command.vocabulary import (
    EventLike,
    GrantRecorded,
    GrantRevoked,
    Handover,
    LinkChanged,
    OrderIssued,
    OrderStepped,
)


def _first(body: Mapping[str, Any], *names: str, default: Any) -> Any:
    for name in names:
        if body.get(name) not in (None, ""):
            return body[name]
    return default


@dataclass(slots=True)
class DelegationModel:
    """Incident header: incident, delegation (issuer, scope, expiry), link state, outbox size.

    The delegation shown is the latest grant whose delegate is `me` (any grant when `me` is
    empty). `outbox` counts orders issued and not yet delivered.
    """

    incident: str = ""
    incident_name: str = ""
    me: str = ""
    issuer: str = ""
    holder: str = ""
    grant_id: str = ""
    scope: dict[str, Any] = field(default_factory=dict)
    expires: float | None = None
    revoked: bool = False
    link_up: bool | None = None
    outbox: int = 0
    grants: list[dict[str, Any]] = field(default_factory=list)  # every grant and revocation seen
    _unsent: set[str] = field(default_factory=set)
    _revoked_ids: set[str] = field(default_factory=set)

    def copy(self) -> DelegationModel:
        """A copy with its own scope, grants (few, copied deeply) and order sets."""
        return replace(
            self,
            scope=copy.deepcopy(self.scope),
            grants=copy.deepcopy(self.grants),
            _unsent=set(self._unsent),
            _revoked_ids=set(self._revoked_ids),
        )

    def apply(self, ev: EventLike, body: object) -> bool:
        """Fold one decoded event; True when the header changed."""
        if ev.incident and not self.incident:
            self.incident = ev.incident
        if isinstance(body, GrantRecorded):
            self.grants.append({"kind": body.kind.value, "ts": ev.ts, "grant": dict(body.grant)})
            return self._adopt(body.grant)
        if isinstance(body, Handover):
            self.grants.append({"kind": body.kind.value, "ts": ev.ts, **body.to_body()})
            changed = self._revoke(body.revocation)
            return self._adopt(body.grant) or changed
        if isinstance(body, GrantRevoked):
            self.grants.append({"kind": body.kind.value, "ts": ev.ts, **body.to_body()})
            return self._revoke({**body.revocation, "grant_id": body.grant_id})
        if isinstance(body, LinkChanged):
            self.link_up = body.up
            return True
        if isinstance(body, OrderIssued):
            self._unsent.add(body.order.id)
        elif isinstance(body, OrderStepped) and body.state is not OrderState.ISSUED:
            if body.order_id not in self._unsent:
                return False
            self._unsent.discard(body.order_id)
        else:
            return False
        self.outbox = len(self._unsent)
        return True

    def _adopt(self, grant: Mapping[str, Any]) -> bool:
        delegate = str(_first(grant, "delegate", "holder", "grantee", default=""))
        if self.me and delegate and delegate != self.me:
            return False
        self.grant_id = str(grant.get("id", ""))
        self.issuer = str(_first(grant, "issuer", "grantor", default=self.issuer))
        self.holder = delegate or self.holder
        scope = grant.get("scope")
        if isinstance(scope, Mapping):
            self.scope = dict(scope)
        expires = _first(grant, "not_after", "expires", "valid_until", default=None)
        self.expires = None if expires is None else float(expires)
        self.revoked = self.grant_id in self._revoked_ids
        return True

    def _revoke(self, revocation: Mapping[str, Any]) -> bool:
        gid = str(revocation.get("grant_id", revocation.get("id", "")))
        self._revoked_ids.add(gid)
        if (gid and gid == self.grant_id) or not gid:
            self.revoked = True
        return True

    def time_left(self, now: float) -> float | None:
        """Seconds of delegated authority left, None when no expiry is known."""
        if self.expires is None:
            return None
        return 0.0 if self.revoked else max(0.0, self.expires - now)

    def scope_text(self) -> str:
        """'stations a, b; kinds x; zones *' for the header."""
        parts = []
        for key in ("stations", "order_kinds", "kinds", "zones"):
            values = self.scope.get(key)
            if values:
                label = "kinds" if key == "order_kinds" else key
                text = ", ".join(map(str, values)) if isinstance(values, list | tuple) else values
                parts.append(f"{label} {text}")
        return "; ".join(parts)

    def allows(self, station: str, kind: str) -> bool:
        """Whether the delegation scope lets the commander give `kind` to `station`.

        An absent list in the scope means "no restriction on that axis"; "*" allows all.
        """
        if self.revoked:
            return False
        stations = self.scope.get("stations")
        kinds = self.scope.get("order_kinds", self.scope.get("kinds"))
        if stations and station not in stations and "*" not in stations:
            return False
        return not (kinds and kind not in kinds and "*" not in kinds)

    def allows_zone(self, zone: str) -> bool:
        """Whether the delegation scope covers `zone`."""
        zones = self.scope.get("zones")
        return not (zones and zone not in zones and "*" not in zones)
