"""The delegation policy of a provisioned run: scopes, depths, the grant window, reusing a chain.

No files: the signers are made in memory.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from command.authority.chain import verify_chain
from command.authority.provisioning import (
    LEAD_IN_S,
    ROOT_AUTHORITY,
    Parties,
    ProvisionError,
    chain_fits,
    check_names,
    commander_scope,
    district_scope,
    grant_window,
    issue_chain,
)
from command.scenarios.loader import load_scenario, scenario_names
from command.scenarios.scenario import Scenario
from command.signing import Signer

SCENARIOS = scenario_names()


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    """Every shipped scenario, loaded once."""
    return {name: load_scenario(name) for name in SCENARIOS}


@pytest.fixture(scope="module")
def bund(scenarios: dict[str, Scenario]) -> Scenario:
    """The bund scenario."""
    return scenarios["bund"]


def parties_for(scenario: Scenario) -> Parties:
    """Fresh signers for the scenario's root, authority and commander."""
    d = scenario.delegation
    return Parties(
        Signer.generate(ROOT_AUTHORITY), Signer.generate(d.authority), Signer.generate(d.commander)
    )


@pytest.mark.parametrize("name", SCENARIOS)
def test_district_gets_the_whole_incident_and_the_commander_the_delegated_part(
    name: str, scenarios: dict[str, Scenario]
) -> None:
    scenario = scenarios[name]
    inc = scenario.incident
    district = district_scope(scenario)
    assert set(district.stations) == {s.id for s in inc.stations}
    assert set(district.zones) == {z.id for z in inc.zones}
    assert set(district.order_kinds) == {k.name for s in inc.stations for k in s.catalogue}
    commander = commander_scope(scenario)
    d = scenario.delegation
    assert set(commander.stations) == set(d.stations or district.stations)
    assert set(commander.zones) == set(d.zones or district.zones)
    assert commander.wider_part(district) == ""
    if not d.order_kinds:
        in_scope = [s for s in inc.stations if s.id in commander.stations]
        assert set(commander.order_kinds) == {k.name for s in in_scope for k in s.catalogue}


def test_commander_scope_beyond_the_incident_or_without_kinds_is_refused(bund: Scenario) -> None:
    d = bund.delegation
    unknown = replace(bund, delegation=replace(d, order_kinds=("launch_rockets",)))
    with pytest.raises(ProvisionError, match="launch_rockets not in the parent"):
        commander_scope(unknown)
    bare = replace(
        bund.incident, stations=tuple(replace(s, catalogue=()) for s in bund.incident.stations)
    )
    with pytest.raises(ProvisionError, match="no order kinds"):
        commander_scope(replace(bund, incident=bare, delegation=replace(d, order_kinds=())))


def test_grant_window_leads_in_and_is_reanchored_outside_it(bund: Scenario) -> None:
    length = bund.delegation.window_min * 60
    assert grant_window(bund, bund.start) == (bund.start - LEAD_IN_S, bund.start + length)
    inside = bund.start + length - 1
    assert grant_window(bund, inside) == (bund.start - LEAD_IN_S, bund.start + length)
    early = bund.start - 3 * 3600
    assert grant_window(bund, early) == (early - LEAD_IN_S, early + length)
    late = bund.start + length + 60
    assert grant_window(bund, late) == (late - LEAD_IN_S, late + length)


def test_names_must_be_key_names_and_three_different_parties(bund: Scenario) -> None:
    check_names(bund)
    d = bund.delegation
    with pytest.raises(ProvisionError, match="must differ"):
        check_names(replace(bund, delegation=replace(d, commander=d.authority)))
    with pytest.raises(ProvisionError, match="must differ"):
        check_names(replace(bund, delegation=replace(d, authority=ROOT_AUTHORITY)))
    with pytest.raises(ProvisionError, match=bund.name):
        check_names(replace(bund, delegation=replace(d, commander="no/slashes")))


@pytest.mark.parametrize("name", SCENARIOS)
def test_issued_chain_verifies_and_carries_the_policy(
    name: str, scenarios: dict[str, Scenario]
) -> None:
    scenario = scenarios[name]
    d = scenario.delegation
    parties = parties_for(scenario)
    chain = issue_chain(scenario, parties, scenario.start)
    top, leaf = chain
    assert verify_chain(chain, roots={parties.root.public_hex}, now=scenario.start).ok
    assert [g.issuer for g in chain] == [ROOT_AUTHORITY, d.authority]
    assert [g.delegate for g in chain] == [d.authority, d.commander]
    assert (top.scope, leaf.scope) == (district_scope(scenario), commander_scope(scenario))
    assert (top.redelegate_depth, leaf.redelegate_depth) == (d.depth + 1, d.depth)
    window = grant_window(scenario, scenario.start)
    assert (leaf.not_before, leaf.not_after) == window == (top.not_before, top.not_after)
    assert chain_fits(chain, parties, scenario, scenario.start)


def test_a_kept_chain_fits_only_for_the_same_keys_scope_and_time(bund: Scenario) -> None:
    parties = parties_for(bund)
    chain = issue_chain(bund, parties, bund.start)
    assert chain_fits(chain, parties, bund, bund.start + 60)
    _, na = grant_window(bund, bund.start)
    assert not chain_fits(chain, parties, bund, na + 1), "expired"
    assert not chain_fits(chain[:1], parties, bund, bund.start), "one grant is not the chain"
    other = replace(parties, commander=Signer.generate(bund.delegation.commander))
    assert not chain_fits(chain, other, bund, bund.start), "a new commander key"
    d = bund.delegation
    deeper = replace(bund, delegation=replace(d, depth=d.depth + 1))
    assert not chain_fits(chain, parties, deeper, bund.start), "a new depth"
    narrower = replace(bund, delegation=replace(d, zones=commander_scope(bund).zones[:1]))
    assert commander_scope(narrower) != commander_scope(bund)
    assert not chain_fits(chain, parties, narrower, bund.start), "a new scope"
