"""Making grants and revocations: the refusals a user sees, documents round-trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from command.authority.documents import load_chain, load_revocation, save_chain, save_revocation
from command.authority.errors import AuthorityError, KeyFileError
from command.authority.grants import issue_grant, narrow_grant, revoke_grant
from command.authority.scope import Scope
from tests.command.authority.factory import T0, H, Keys, build_chain


def test_narrow_defaults_to_the_parent(keys: Keys) -> None:
    parent = build_chain(keys, levels=1)[0]
    child = narrow_grant(
        parent, keys.district, delegate="site", delegate_key=keys.site.public_hex, issued_at=T0
    )
    assert child.parent == parent.id and child.scope == parent.scope
    assert (child.not_before, child.not_after) == (parent.not_before, parent.not_after)
    assert child.redelegate_depth == parent.redelegate_depth - 1
    assert child.signature_ok()


@pytest.mark.parametrize(
    "kw,message",
    [
        ({"signer": "impostor"}, "not the delegate key"),
        ({"scope": Scope.of(["fire", "army"], ["evacuate"], ["z1"])}, "army not in the parent"),
        ({"scope": Scope.of(["*"], ["evacuate"], ["z1"])}, "not '\\*'"),
        ({"not_after": T0 + 99 * H}, "inside the parent"),
        ({"not_before": T0 - 1}, "inside the parent"),
        ({"redelegate_depth": 2}, "exceeds"),
    ],
)
def test_narrow_refuses_what_a_station_would_reject(
    keys: Keys, kw: dict[str, object], message: str
) -> None:
    parent = build_chain(keys, levels=1)[0]
    signer = keys.impostor if kw.pop("signer", None) else keys.district
    with pytest.raises(AuthorityError, match=message):
        narrow_grant(
            parent,
            signer,
            delegate="site",
            delegate_key=keys.site.public_hex,
            issued_at=T0,
            **kw,  # type: ignore[arg-type]
        )


def test_no_narrowing_below_depth_zero(keys: Keys) -> None:
    leaf = build_chain(keys)[2]
    with pytest.raises(AuthorityError, match="no further delegation"):
        narrow_grant(leaf, keys.ic, delegate="x", delegate_key=keys.site.public_hex, issued_at=T0)


@pytest.mark.parametrize(
    "kw,message",
    [
        ({"not_after": T0 - 1}, "ends before it starts"),
        ({"redelegate_depth": -1}, "0 or more"),
        ({"incident": ""}, "incident"),
    ],
)
def test_issue_refuses_bad_input(keys: Keys, kw: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "delegate": "d",
        "delegate_key": keys.district.public_hex,
        "incident": "I",
        "scope": Scope.of(["a"], ["b"], ["c"]),
        "not_before": T0,
        "not_after": T0 + H,
        "redelegate_depth": 0,
        "issued_at": T0,
        **kw,
    }
    with pytest.raises(AuthorityError, match=message):
        issue_grant(keys.city, **args)  # type: ignore[arg-type]


def test_empty_scope_is_refused() -> None:
    with pytest.raises(AuthorityError, match="at least one"):
        Scope.of([], ["b"], ["c"])


def test_only_the_issuer_revokes(keys: Keys) -> None:
    grant = build_chain(keys)[1]
    with pytest.raises(AuthorityError, match="only the issuer"):
        revoke_grant(grant, keys.city, reason="x", effective_at=T0, issued_at=T0)
    with pytest.raises(AuthorityError, match="reason"):
        revoke_grant(grant, keys.district, reason=" ", effective_at=T0, issued_at=T0)


def test_documents_round_trip_and_never_overwrite(keys: Keys, tmp_path: Path) -> None:
    chain = build_chain(keys)
    save_chain(tmp_path / "g.json", chain)
    assert load_chain(tmp_path / "g.json") == chain
    assert all(g.signature_ok() for g in load_chain(tmp_path / "g.json"))
    rev = revoke_grant(chain[0], keys.city, reason="x", effective_at=T0, issued_at=T0)
    save_revocation(tmp_path / "r.json", rev)
    assert load_revocation(tmp_path / "r.json") == rev
    with pytest.raises(KeyFileError, match="already exists"):
        save_chain(tmp_path / "g.json", chain)


@pytest.mark.parametrize(
    "text,message",
    [
        ("not json", "not a readable grant file"),
        ("[]", "not a grant file"),
        ('{"format": "baton.grant-chain/1", "chain": []}', "empty chain"),
        ('{"format": "baton.grant-chain/1", "chain": [{"id": "x"}]}', "malformed"),
    ],
)
def test_bad_grant_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(AuthorityError, match=message):
        load_chain(path)
    with pytest.raises(AuthorityError, match="no such"):
        load_chain(tmp_path / "missing.json")


def test_integer_times_survive_a_json_round_trip(keys: Keys, tmp_path: Path) -> None:
    grant = issue_grant(
        keys.city,
        delegate="d",
        delegate_key=keys.district.public_hex,
        incident="I",
        scope=Scope.of(["a"], ["b"], ["c"]),
        not_before=1_760_000_000,
        not_after=1_760_003_600,
        redelegate_depth=0,
        issued_at=1_760_000_000,
    )
    save_chain(tmp_path / "g.json", [grant])
    (back,) = load_chain(tmp_path / "g.json")
    assert back.signature_ok()
