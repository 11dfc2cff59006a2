"""Who may do what, and when, in a provisioned run of one scenario: the delegation policy.

A run acts under a two-grant chain, city root → district authority → commander:

- the district gets the whole incident (every station, every catalogue order kind, every zone)
  and may redelegate one level more than the commander;
- the commander gets the scenario's `delegation.scope` (order kinds default to every kind in the
  catalogues of the stations in scope) and the scenario's redelegation depth.

Both grants share one window in scenario time: from 30 min before the scenario starts to
`window_min` after; when the run starts outside that (well into or after the window), the window
is anchored at the run's start instead. A chain kept from an earlier run is reused only while it
still verifies and still names the current keys, scopes and depths (`chain_fits`); otherwise a
fresh one is issued (`issue_chain`). Writing the keys and grants to files is not done here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from command.authority.chain import verify_chain
from command.authority.errors import KeyFileError
from command.authority.grants import Grant, issue_grant, narrow_grant
from command.authority.keys import check_name
from command.authority.scope import Scope
from command.errors import BatonError
from command.scenarios.scenario import Scenario
from command.signing import Signer

ROOT_AUTHORITY = "shanghai_ops"
ROOT_AUTHORITY_NAME = "Shanghai City Operations Centre"
LEAD_IN_S = 30 * 60.0  # the grant window opens this long before the scenario starts


class ProvisionError(BatonError):
    """A run's keys or grants cannot be set up; the message names the file or field and the fix."""


@dataclass(frozen=True)
class Parties:
    """The three signers of a run's chain: the city root, the district and the commander."""

    root: Signer
    district: Signer
    commander: Signer


def check_names(scenario: Scenario) -> None:
    """Raise ProvisionError unless the root, authority, commander and station names are valid
    key names and the root, authority and commander are three different parties."""
    d = scenario.delegation
    names = [ROOT_AUTHORITY, d.authority, d.commander]
    try:
        for n in names:
            check_name(n)
        for s in scenario.incident.stations:
            check_name(s.id)
    except KeyFileError as err:
        raise ProvisionError(f"{scenario.name}: {err}") from None
    if len(set(names)) != 3:
        raise ProvisionError(
            f"{scenario.name}: delegation.authority and delegation.commander must differ from "
            f"each other and from the city root {ROOT_AUTHORITY!r}"
        )


def district_scope(scenario: Scenario) -> Scope:
    """The whole incident: every station, every catalogue order kind, every zone."""
    inc = scenario.incident
    return Scope.of(
        [s.id for s in inc.stations],
        [k.name for s in inc.stations for k in s.catalogue],
        [z.id for z in inc.zones],
    )


def commander_scope(scenario: Scenario) -> Scope:
    """The scenario's delegation scope; order kinds default to those stations' catalogues."""
    d = scenario.delegation
    inc = scenario.incident
    stations = d.stations or tuple(s.id for s in inc.stations)
    zones = d.zones or tuple(z.id for z in inc.zones)
    kinds = d.order_kinds or tuple(
        k.name for s in inc.stations if s.id in stations for k in s.catalogue
    )
    if not kinds:
        raise ProvisionError(
            f"{scenario.name}: the stations in delegation.scope have no order kinds in their "
            "catalogues: add some or list delegation.scope.order_kinds"
        )
    scope = Scope.of(stations, kinds, zones)
    wider = scope.wider_part(district_scope(scenario))
    if wider:
        raise ProvisionError(f"{scenario.name}: delegation.scope: {wider} of the incident")
    return scope


def grant_window(scenario: Scenario, now_scenario: float) -> tuple[float, float]:
    """[start − 30 min, start + window_min], re-anchored at `now_scenario` if it lies outside."""
    length = scenario.delegation.window_min * 60.0
    anchor = scenario.start
    if not anchor - LEAD_IN_S <= now_scenario <= anchor + length:
        anchor = now_scenario
    return anchor - LEAD_IN_S, anchor + length


def chain_fits(chain: Sequence[Grant], parties: Parties, scenario: Scenario, now: float) -> bool:
    """Whether a kept chain can be reused at `now`: it verifies against the root, and its two
    grants name the current district and commander keys, the incident, scopes and depths."""
    if len(chain) != 2:
        return False
    top, leaf = chain
    d = scenario.delegation
    return (
        verify_chain(list(chain), roots={parties.root.public_hex}, now=now).ok
        and top.delegate == parties.district.name
        and top.delegate_key == parties.district.public_hex
        and leaf.delegate == parties.commander.name
        and leaf.delegate_key == parties.commander.public_hex
        and leaf.incident == scenario.incident.id
        and top.scope == district_scope(scenario)
        and leaf.scope == commander_scope(scenario)
        and top.redelegate_depth == d.depth + 1
        and leaf.redelegate_depth == d.depth
    )


def issue_chain(scenario: Scenario, parties: Parties, now: float) -> list[Grant]:
    """A fresh chain [root → district, district → commander] over the window at `now`."""
    nb, na = grant_window(scenario, now)
    d = scenario.delegation
    top = issue_grant(
        parties.root,
        delegate=parties.district.name,
        delegate_key=parties.district.public_hex,
        incident=scenario.incident.id,
        scope=district_scope(scenario),
        not_before=nb,
        not_after=na,
        redelegate_depth=d.depth + 1,
        issued_at=nb,
    )
    leaf = narrow_grant(
        top,
        parties.district,
        delegate=parties.commander.name,
        delegate_key=parties.commander.public_hex,
        scope=commander_scope(scenario),
        not_before=nb,
        not_after=na,
        redelegate_depth=d.depth,
        issued_at=nb,
    )
    return [top, leaf]
