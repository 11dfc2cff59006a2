"""Scope subset checks are exact (property tests, modest example counts)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from command.authority.scope import ALL, Scope

NAMES = st.sets(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=1)


@settings(max_examples=40)
@given(NAMES, NAMES, NAMES, NAMES, NAMES, NAMES)
def test_subset_is_set_inclusion(
    s1: set[str], k1: set[str], z1: set[str], s2: set[str], k2: set[str], z2: set[str]
) -> None:
    child, parent = Scope.of(s1, k1, z1), Scope.of(s2, k2, z2)
    assert child.subset_of(parent) == (s1 <= s2 and k1 <= k2 and z1 <= z2)
    assert (child.wider_part(parent) == "") == child.subset_of(parent)


@settings(max_examples=20)
@given(NAMES, NAMES, NAMES)
def test_wildcard(s: set[str], k: set[str], z: set[str]) -> None:
    named = Scope.of(s, k, z)
    everything = Scope.of([ALL], [ALL], [ALL])
    assert named.subset_of(everything)
    assert not everything.subset_of(named)
    assert everything.allows_station("anything") and not named.allows_station("zz")


def test_normalised_and_described() -> None:
    scope = Scope.of(["b", "a", "a"], ["x", "*"], ["z1"])
    assert scope.stations == ("a", "b") and scope.order_kinds == ("*",)
    assert scope.describe() == "stations a, b; kinds *; zones z1"
    assert Scope.from_dict(scope.to_dict()) == scope
