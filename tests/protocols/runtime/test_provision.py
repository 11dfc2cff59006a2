"""Provisioning files: keys, the city → district → commander chain, trust and allow-list files.

The policy those grants carry is tested in tests/command/authority/test_provisioning.py.
"""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import pytest

from command.authority.chain import ChainVerifier, verify_chain
from command.authority.documents import load_chain
from command.authority.keys import load_public_key, load_signer, load_trust
from command.authority.orders import sign_order, verify_order
from command.authority.provisioning import ROOT_AUTHORITY, ProvisionError
from command.model import Order, Priority
from command.scenarios.loader import load_scenario, scenario_names
from command.scenarios.scenario import Scenario
from protocols.certs import load_curve_keys, load_curve_public
from protocols.runtime.provision import (
    Provisioned,
    default_data_dir,
    load_allow_list,
    load_feed_allow_list,
    load_report_keys,
    provision,
)
from protocols.security import CurveKeys

SCENARIOS = scenario_names()


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    """Every shipped scenario, loaded once."""
    return {name: load_scenario(name) for name in SCENARIOS}


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` (relative path → content)."""
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()
    }


def an_order(p: Provisioned, scenario: Scenario, station: str, kind: str, zone: str) -> Order:
    """One order from the provisioned commander, issued at the scenario start."""
    t = scenario.start
    order = Order(
        id=f"order-{station}",
        incident=scenario.incident.id,
        station=station,
        kind=kind,
        params={},
        zone=zone,
        priority=Priority.ROUTINE,
        issued_at=t,
        ack_deadline=t + 120,
        due=t + 900,
        text="provisioning test",
        grant_chain=p.chain_ids,
        decision_id="",
        commander=p.commander,
    )
    return sign_order(order, load_signer(p.console_signing_key))


@pytest.mark.parametrize("name", SCENARIOS)
def test_fresh_chain_verifies_and_authorises_a_catalogue_order_per_station(
    name: str, scenarios: dict[str, Scenario], tmp_path: Path
) -> None:
    scenario = scenarios[name]
    d = scenario.delegation
    p = provision(scenario, tmp_path, now_scenario=scenario.start)
    assert p.directory == tmp_path / name

    chain = load_chain(p.grant_chain)
    assert [g.issuer for g in chain] == [ROOT_AUTHORITY, d.authority]
    assert [g.delegate for g in chain] == [d.authority, d.commander]
    assert tuple(g.id for g in chain) == p.chain_ids
    assert load_chain(p.district_grant) == chain[:1]
    assert chain[-1].redelegate_depth == d.depth
    assert chain[0].not_before == scenario.start - 1800
    assert chain[-1].not_after == scenario.start + d.window_min * 60

    for st in p.stations:
        roots = {r.key for r in load_trust(st.trust)}
        assert verify_chain(chain, roots=roots, now=scenario.start).ok
    roots = {r.key for r in load_trust(p.trust)}
    assert roots == {load_public_key(p.root_public)}

    leaf = chain[-1]
    in_scope = [s for s in scenario.incident.stations if s.id in leaf.scope.stations]
    assert {s.id for s in in_scope} == set(d.stations)
    verifier = ChainVerifier(roots)
    for station in in_scope:
        kind = station.catalogue[0].name
        assert kind in leaf.scope.order_kinds
        order = an_order(p, scenario, station.id, kind, leaf.scope.zones[0])
        verdict = verify_order(order, chain, scenario.start + 60, verifier)
        assert verdict.ok, verdict.detail


@pytest.mark.parametrize("name", SCENARIOS)
def test_transport_keys_allow_list_and_console_key_copies(
    name: str, scenarios: dict[str, Scenario], tmp_path: Path
) -> None:
    scenario = scenarios[name]
    p = provision(scenario, tmp_path, now_scenario=scenario.start)
    console = load_curve_keys(p.console_curve_secret)
    assert load_curve_public(p.console_curve_public) == console.public
    allowed = load_allow_list(p.allow_list)
    assert sorted(allowed.values()) == sorted(s.id for s in scenario.incident.stations)
    report_keys = load_report_keys(p.allow_list)
    assert sorted(report_keys) == sorted(s.id for s in scenario.incident.stations)
    for st in p.stations:
        keys = load_curve_keys(st.curve_secret)
        assert allowed[keys.public] == st.id
        assert load_curve_public(st.console_public) == console.public
        assert st.station_args()[:2] == ["--id", st.id]
        assert (st.directory / f"{st.id}.key_secret") == st.curve_secret
        # Beside its CURVE key, the allow-list holds the key the station signs reports with.
        signer = load_signer(st.signing_key)
        assert report_keys[st.id] == signer.public_hex
        args = st.station_args()
        assert args[args.index("--signing-key") + 1] == str(st.signing_key)
    assert (
        load_signer(p.console_signing_key).public_hex == load_chain(p.grant_chain)[-1].delegate_key
    )
    lines = p.describe()
    assert any(scenario.delegation.commander in line for line in lines)
    assert any("Shanghai City Operations Centre" in line for line in lines)


def test_rerun_is_idempotent(scenarios: dict[str, Scenario], tmp_path: Path) -> None:
    scenario = scenarios["bund"]
    first = provision(scenario, tmp_path, now_scenario=scenario.start)
    before = snapshot(tmp_path)
    second = provision(scenario, tmp_path, now_scenario=scenario.start + 3600)
    assert snapshot(tmp_path) == before
    assert second.changes == ()
    assert "reused" in second.describe()[0]
    assert replace(second, changes=first.changes, summary=first.summary) == first


def test_expired_grant_is_regenerated_with_the_same_keys(
    scenarios: dict[str, Scenario], tmp_path: Path
) -> None:
    scenario = scenarios["typhoon"]
    first = provision(scenario, tmp_path, now_scenario=scenario.start)
    keys_before = {k: v for k, v in snapshot(tmp_path).items() if "grant" not in k}
    later = scenario.start + scenario.delegation.window_min * 60 + 24 * 3600
    old_chain = load_chain(first.grant_chain)
    roots = {load_public_key(first.root_public)}
    assert not verify_chain(old_chain, roots=roots, now=later).ok

    second = provision(scenario, tmp_path, now_scenario=later)
    assert "new grants" in second.changes
    assert second.chain_ids != first.chain_ids
    new_chain = load_chain(second.grant_chain)
    assert verify_chain(new_chain, roots=roots, now=later).ok
    assert new_chain[0].not_before == later - 1800
    assert {k: v for k, v in snapshot(tmp_path).items() if "grant" not in k} == keys_before


def test_grant_for_other_keys_or_corrupt_is_regenerated(
    scenarios: dict[str, Scenario], tmp_path: Path
) -> None:
    scenario = scenarios["bund"]
    first = provision(scenario, tmp_path, now_scenario=scenario.start)
    first.grant_chain.write_text("{not json", encoding="utf-8")
    second = provision(scenario, tmp_path, now_scenario=scenario.start)
    assert "new grants" in second.changes
    assert verify_chain(
        load_chain(second.grant_chain), roots={load_public_key(first.root_public)},
        now=scenario.start,
    ).ok  # fmt: skip

    # A new commander key (old one lost) gets a chain delegated to the new key.
    first.console_signing_key.unlink()
    third = provision(scenario, tmp_path, now_scenario=scenario.start)
    assert f"new signing key {scenario.delegation.commander}" in third.changes
    leaf = load_chain(third.grant_chain)[-1]
    assert leaf.delegate_key == load_signer(third.console_signing_key).public_hex


def test_damaged_public_files_are_repaired(scenarios: dict[str, Scenario], tmp_path: Path) -> None:
    scenario = scenarios["disney"]
    p = provision(scenario, tmp_path, now_scenario=scenario.start)
    st = p.stations[0]
    p.root_public.write_text("00" * 32 + "\n", encoding="utf-8")
    st.curve_public.unlink()
    st.console_public.write_text("junk", encoding="utf-8")
    again = provision(scenario, tmp_path, now_scenario=scenario.start)
    assert load_public_key(again.root_public) == load_signer(again.root_key).public_hex
    keys = load_curve_keys(st.curve_secret)
    assert load_curve_public(st.curve_public) == keys.public
    assert load_allow_list(again.allow_list)[keys.public] == st.id
    assert st.console_public.read_bytes() == p.console_curve_public.read_bytes()
    assert again.chain_ids == p.chain_ids


def test_secret_files_are_private(scenarios: dict[str, Scenario], tmp_path: Path) -> None:
    scenario = scenarios["bund"]
    provision(scenario, tmp_path, now_scenario=scenario.start)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    secrets = [p for p in files if p.name.endswith((".sign", ".key_secret"))]
    # root, district, commander, console CURVE, the simulator's CURVE; per station its CURVE
    # and its signing key
    assert len(secrets) == 3 + 1 + 1 + 2 * len(scenario.incident.stations)
    for path in secrets:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for path in files:
        assert not stat.S_IMODE(path.stat().st_mode) & 0o022, path


def test_loose_secret_is_refused_with_the_fix(
    scenarios: dict[str, Scenario], tmp_path: Path
) -> None:
    scenario = scenarios["bund"]
    p = provision(scenario, tmp_path, now_scenario=scenario.start)
    p.authority_key.chmod(0o644)
    with pytest.raises(ProvisionError, match="chmod 600") as err:
        provision(scenario, tmp_path, now_scenario=scenario.start)
    assert "\n" not in str(err.value)


def test_window_is_reanchored_when_the_run_starts_outside_it(
    scenarios: dict[str, Scenario], tmp_path: Path
) -> None:
    scenario = scenarios["bund"]
    early = scenario.start - 3 * 3600
    p = provision(scenario, tmp_path, now_scenario=early)
    assert p.not_before == early - 1800
    assert p.not_after == early + scenario.delegation.window_min * 60


def test_bad_delegation_in_a_scenario_is_one_line(
    scenarios: dict[str, Scenario], tmp_path: Path
) -> None:
    scenario = scenarios["bund"]
    d = scenario.delegation
    same = replace(scenario, delegation=replace(d, commander=d.authority))
    with pytest.raises(ProvisionError, match="must differ"):
        provision(same, tmp_path, now_scenario=scenario.start)
    unknown = replace(scenario, delegation=replace(d, order_kinds=("launch_rockets",)))
    with pytest.raises(ProvisionError, match="launch_rockets not in the parent"):
        provision(unknown, tmp_path / "x", now_scenario=scenario.start)


@pytest.mark.parametrize(
    "text,message",
    [
        ("stations: {a: short}\n", "not a Z85 CURVE public key"),
        ("[1, 2]\n", "expected 'stations:'"),
        ("stations: {}\n", "expected 'stations:'"),
    ],
)
def test_bad_allow_list_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "allow.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProvisionError, match=message):
        load_allow_list(path)
    with pytest.raises(ProvisionError, match="no such allow-list"):
        load_allow_list(tmp_path / "missing.yaml")


def test_default_data_dir_is_per_user() -> None:
    assert default_data_dir().name.lower() == "baton"


def test_allow_list_reads_both_forms_and_refuses_a_bad_signing_key(tmp_path: Path) -> None:
    curve_a, curve_b = CurveKeys.generate().public, CurveKeys.generate().public
    sign = "ab" * 32
    path = tmp_path / "allow.yaml"
    a, b = curve_a.decode(), curve_b.decode()
    path.write_text(f"stations:\n  a: {{curve: '{a}', sign: '{sign}'}}\n  b: '{b}'\n")
    assert load_allow_list(path) == {curve_a: "a", curve_b: "b"}
    assert load_report_keys(path) == {"a": sign}  # b has no signing key: its reports are refused
    path.write_text(f"stations:\n  a: {{curve: '{a}', sign: 'nothex'}}\n")
    with pytest.raises(ProvisionError, match="not an Ed25519 public key"):
        load_report_keys(path)


def test_the_simulator_is_provisioned_as_the_one_allow_listed_publisher(
    scenarios: dict[str, Scenario], tmp_path: Path
) -> None:
    scenario = scenarios["bund"]
    p = provision(scenario, tmp_path, now_scenario=scenario.start)
    sim = p.simulator
    keys = load_curve_keys(sim.curve_secret)
    assert load_curve_public(sim.curve_public) == keys.public
    assert load_feed_allow_list(p.feed_allow_list) == {keys.public: "simulator"}
    assert sim.console_public.read_bytes() == p.console_curve_public.read_bytes()
    # no station key opens the feed bus, and the simulator's opens no order link
    assert keys.public not in load_allow_list(p.allow_list)
    again = provision(scenario, tmp_path, now_scenario=scenario.start)
    assert load_feed_allow_list(again.feed_allow_list) == {keys.public: "simulator"}
    assert not [c for c in again.changes if "simulator" in c or "feed" in c]
