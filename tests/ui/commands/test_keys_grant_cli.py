"""`baton keys` and `baton grant` end to end in a temporary directory."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from command.authority.chain import ChainVerifier
from command.authority.documents import load_chain, load_revocation
from command.authority.keys import load_public_key
from command.authority.revocation import RevocationSet
from ui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `baton ARGV...`; (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def keydir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Keys for city (authority), district (console), site (console) and ic (console)."""
    keys = tmp_path / "keys"
    for name, role in (("city", "authority"), ("district", "console"), ("site", "station")):
        code, out, err = run(capsys, "keys", "init", str(keys), "--role", role, "--name", name)
        assert code == 0, err
        assert name in out
    return keys


def test_keys_init_writes_private_secrets(keydir: Path) -> None:
    names = sorted(p.name for p in keydir.iterdir())
    assert names == sorted(
        ["city.sign", "city.sign.pub"]
        + [
            f"{n}.{s}"
            for n in ("district", "site")
            for s in ("sign", "sign.pub", "key", "key_secret")
        ]
    )
    for secret in ("city.sign", "district.sign", "site.sign", "site.key_secret"):
        assert stat.S_IMODE((keydir / secret).stat().st_mode) == 0o600


def test_keys_init_refuses_to_overwrite(keydir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "keys", "init", str(keydir), "--role", "station", "--name", "site")
    assert code == 2
    assert err.startswith("baton: ") and "already exists" in err and err.count("\n") == 1


def test_issue_narrow_show_revoke_show(
    keydir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    k = keydir
    trust = tmp_path / "trust.yaml"
    assert run(capsys, "keys", "trust", str(k / "city.sign.pub"), "-o", str(trust))[0] == 0
    root = tmp_path / "district.grant"
    code, _, err = run(
        capsys,
        "grant", "issue", "--key", str(k / "city.sign"), "--to", "district",
        "--to-key", str(k / "district.sign.pub"), "--incident", "INC-7",
        "--stations", "fire,police,water", "--kinds", "evacuate,close_road",
        "--zones", "z1,z2", "--hours", "8", "--depth", "1", "-o", str(root),
    )  # fmt: skip
    assert code == 0, err
    site = tmp_path / "site.grant"
    code, _, err = run(
        capsys,
        "grant", "narrow", "--parent", str(root), "--key", str(k / "district.sign"),
        "--to", "site", "--to-key", str(k / "site.sign.pub"), "--stations", "fire",
        "--zones", "z1", "--hours", "2", "-o", str(site),
    )  # fmt: skip
    assert code == 0, err
    chain = json.loads(site.read_text())["chain"]
    assert [g["delegate"] for g in chain] == ["district", "site"]

    code, out, _ = run(capsys, "grant", "show", str(site), "--trust", str(trust))
    assert code == 0
    assert "city [" in out and "→ district [" in out and "→ site [" in out
    assert "stations:    fire\n" in out and "zones:       z1\n" in out
    assert "UTC" in out and "left" in out and "may redelegate 0 more" in out
    assert out.rstrip().endswith("Status: VALID (root city is in the trust file)")

    rev = tmp_path / "site.rev"
    code, _, err = run(
        capsys,
        "grant", "revoke", str(site), "--key", str(k / "district.sign"),
        "--reason", "stood down", "-o", str(rev),
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run(
        capsys, "grant", "show", str(site), "--trust", str(trust), "--revocations", str(rev)
    )
    assert code == 1
    status = out.rstrip().splitlines()[-1]
    assert status.startswith("Status: REVOKED") and "stood down" in status


def test_show_without_trust_and_with_a_foreign_root(
    keydir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    k = keydir
    grant = tmp_path / "g"
    run(
        capsys,
        "grant", "issue", "--key", str(k / "city.sign"), "--to", "site",
        "--to-key", str(k / "site.sign.pub"), "--incident", "I", "--stations", "fire",
        "--kinds", "evacuate", "--zones", "z1", "--from", "2020-01-01T00:00Z",
        "--until", "2020-01-02T00:00", "-o", str(grant),
    )  # fmt: skip
    code, out, _ = run(capsys, "grant", "show", str(grant))
    assert code == 1 and "Status: EXPIRED" in out and "ended" in out
    other = tmp_path / "other.yaml"
    run(capsys, "keys", "trust", str(k / "site.sign.pub"), "-o", str(other))
    code, out, _ = run(capsys, "grant", "show", str(grant), "--trust", str(other))
    assert code == 1 and "Status: UNKNOWN ROOT" in out


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--hours", "0"], "--hours must be positive"),
        (["--until", "tomorrow"], "not an ISO 8601 time"),
        (["--stations", ",", "--hours", "1"], "--stations needs at least one name"),
        ([], "say how long the grant lasts"),
    ],
)
def test_issue_user_errors_are_one_line(
    keydir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    base = {
        "--key": str(keydir / "city.sign"),
        "--to": "site",
        "--to-key": str(keydir / "site.sign.pub"),
        "--incident": "I",
        "--stations": "fire",
        "--kinds": "evacuate",
        "--zones": "z1",
        "-o": str(tmp_path / "g"),
    }
    extra = dict(zip(argv[::2], argv[1::2], strict=True))
    flat = [x for kv in {**base, **extra}.items() for x in kv]
    code, _, err = run(capsys, "grant", "issue", *flat)
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_narrow_with_the_wrong_key_and_wider_scope(
    keydir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    k = keydir
    root = tmp_path / "root"
    run(
        capsys,
        "grant", "issue", "--key", str(k / "city.sign"), "--to", "district",
        "--to-key", str(k / "district.sign.pub"), "--incident", "I", "--stations", "fire",
        "--kinds", "evacuate", "--zones", "z1", "--hours", "1", "--depth", "1", "-o", str(root),
    )  # fmt: skip
    common = ["--to", "site", "--to-key", str(k / "site.sign.pub"), "-o", str(tmp_path / "n")]
    code, _, err = run(
        capsys, "grant", "narrow", "--parent", str(root), "--key", str(k / "site.sign"), *common
    )
    assert code == 2 and "not the delegate key" in err
    code, _, err = run(
        capsys,
        "grant", "narrow", "--parent", str(root), "--key", str(k / "district.sign"),
        "--stations", "fire,army", *common,
    )  # fmt: skip
    assert code == 2 and "army not in the parent" in err


def test_loose_key_file_is_refused(
    keydir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (keydir / "city.sign").chmod(0o644)
    code, _, err = run(
        capsys,
        "grant", "issue", "--key", str(keydir / "city.sign"), "--to", "x",
        "--to-key", str(keydir / "site.sign.pub"), "--incident", "I", "--stations", "a",
        "--kinds", "b", "--zones", "c", "--hours", "1", "-o", str(tmp_path / "g"),
    )  # fmt: skip
    assert code == 2 and f"chmod 600 {keydir / 'city.sign'}" in err


# -- handover ---------------------------------------------------------------------------------


def iso(ts: float) -> str:
    """Epoch seconds as ISO 8601 UTC (minute precision is enough for these windows)."""
    return datetime.fromtimestamp(ts, UTC).isoformat()


@pytest.fixture
def site_chain(keydir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """city → district → site, a window from 2 h ago to 8 h ahead; plus deputy's keys."""
    k = keydir
    code, _, err = run(capsys, "keys", "init", str(k), "--role", "console", "--name", "deputy")
    assert code == 0, err
    start = datetime.now(UTC).timestamp() - 2 * 3600
    root = tmp_path / "district.grant"
    code, _, err = run(
        capsys,
        "grant", "issue", "--key", str(k / "city.sign"), "--to", "district",
        "--to-key", str(k / "district.sign.pub"), "--incident", "INC-9",
        "--stations", "fire,police", "--kinds", "evacuate", "--zones", "z1",
        "--from", iso(start), "--hours", "10", "--depth", "2", "-o", str(root),
    )  # fmt: skip
    assert code == 0, err
    site = tmp_path / "site.grant"
    code, _, err = run(
        capsys,
        "grant", "narrow", "--parent", str(root), "--key", str(k / "district.sign"),
        "--to", "site", "--to-key", str(k / "site.sign.pub"), "--stations", "fire",
        "-o", str(site),
    )  # fmt: skip
    assert code == 0, err
    return site


def handover_argv(keydir: Path, chain: Path, out: Path, at: str, **extra: str) -> list[str]:
    """`baton grant handover` arguments (district hands site's grant to deputy by default)."""
    opts = {
        "--chain": str(chain),
        "--key": str(keydir / "district.sign"),
        "--to": "deputy",
        "--to-key": str(keydir / "deputy.sign.pub"),
        "--at": at,
        "-o": str(out),
        **extra,
    }
    return ["grant", "handover", *(x for kv in opts.items() for x in kv)]


def test_handover_writes_the_new_grant_and_the_revocation(
    keydir: Path, site_chain: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trust = tmp_path / "trust.yaml"
    run(capsys, "keys", "trust", str(keydir / "city.sign.pub"), "-o", str(trust))
    at = datetime.now(UTC).timestamp() - 3600
    out = tmp_path / "deputy.grant"
    code, text, err = run(capsys, *handover_argv(keydir, site_chain, out, iso(at)))
    assert code == 0, err
    rev = tmp_path / "deputy.rev"
    assert "site [" in text and "hands command to deputy [" in text
    assert str(out) in text and str(rev) in text and "stay valid" in text
    assert "revoked from" in text and "handover from site to deputy" in text

    old = load_chain(site_chain)
    new = load_chain(out)
    assert [g.delegate for g in new] == ["district", "deputy"]
    assert new[0] == old[0] and new[1].parent == old[0].id
    assert new[1].scope == old[1].scope and new[1].not_after == old[1].not_after
    revocation = load_revocation(rev)
    assert revocation.grant_id == old[1].id and revocation.effective_at == pytest.approx(at)

    code, shown, _ = run(capsys, "grant", "show", str(out), "--trust", str(trust))
    assert code == 0 and "→ deputy [" in shown
    code, shown, _ = run(
        capsys, "grant", "show", str(site_chain), "--trust", str(trust), "--revocations", str(rev)
    )
    assert code == 1 and "Status: REVOKED" in shown

    # An order the predecessor issued before the handover time still verifies.
    revs = RevocationSet()
    revs.add(revocation)
    verifier = ChainVerifier({load_public_key(keydir / "city.sign.pub")}, revs)
    now = datetime.now(UTC).timestamp()
    assert verifier.verify(old, now, at=at - 60).ok
    assert not verifier.verify(old, now, at=at + 60).ok


def test_handover_revocation_out_option(
    keydir: Path, site_chain: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rev = tmp_path / "elsewhere" / "cut.json"
    rev.parent.mkdir()
    out = tmp_path / "new"
    argv = handover_argv(
        keydir,
        site_chain,
        out,
        iso(datetime.now(UTC).timestamp()),
        **{"--revocation-out": str(rev)},
    )
    code, _, err = run(capsys, *argv)
    assert code == 0, err
    assert rev.exists() and out.exists() and not (tmp_path / "new.rev").exists()


@pytest.mark.parametrize(
    "change,message",
    [
        ({"--key": "site.sign"}, "did not issue grant"),
        ({"--to-key": "site.sign.pub"}, "successor's key is the predecessor's"),
        ({"--at": "2001-01-01T00:00Z"}, "must lie inside the predecessor's grant window"),
        ({"--at": "after lunch"}, "--at 'after lunch' is not an ISO 8601 time"),
        ({"--chain": "missing.grant"}, "no such grant file"),
        ({"--revocation-out": "nodir/x.rev"}, "is not a directory: create it first"),
    ],
)
def test_handover_user_errors_are_one_line_and_write_nothing(
    keydir: Path,
    site_chain: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, str],
    message: str,
) -> None:
    out = tmp_path / "deputy.grant"
    argv = handover_argv(keydir, site_chain, out, iso(datetime.now(UTC).timestamp()))
    for opt, value in change.items():
        if value.endswith((".sign", ".pub", ".grant", ".rev")):
            value = str((keydir if ".sign" in value else tmp_path) / value)
        argv += [opt, value] if opt not in argv else []
        argv[argv.index(opt) + 1] = value
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err and err.count("\n") == 1
    assert not out.exists() and not (tmp_path / "deputy.rev").exists()


def test_handover_refuses_to_overwrite_either_output(
    keydir: Path, site_chain: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "deputy.grant"
    (tmp_path / "deputy.rev").write_text("keep me", encoding="utf-8")
    code, _, err = run(
        capsys, *handover_argv(keydir, site_chain, out, iso(datetime.now(UTC).timestamp()))
    )
    assert code == 2 and "deputy.rev already exists" in err
    assert not out.exists()
    assert (tmp_path / "deputy.rev").read_text(encoding="utf-8") == "keep me"
