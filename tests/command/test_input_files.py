"""Hostile input files (issue #13, item 8): each is one line on stderr and a non-zero exit.

Alias bombs, oversize files, NaN times, 10,000-deep JSON and FIFOs given as key paths are run
through the installed `baton` console script, so what is checked is what a user sees: one
`baton: ...` line, no traceback, no hang. The reader itself (`command.files`) is tested below.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from command.authority.errors import KeyFileError
from command.errors import BatonError
from command.files import (
    MAX_SCENARIO_BYTES,
    parse_json,
    parse_yaml,
    read_file_bytes,
)
from command.scenarios.loader import SCENARIOS_DIR

BATON = Path(sys.executable).with_name("baton")

ALIAS_BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "incident: {id: BOMB, name: [*i, *i, *i]}",
        "",
    ]
)
"""The "billion laughs": 9**9 strings from a few hundred bytes."""


def baton(*argv: str | Path, timeout: float = 30.0) -> tuple[int, str]:
    """Run the `baton` console script; (exit code, stderr). Fails the test on a hang."""
    proc = subprocess.run(
        [str(BATON), *map(str, argv)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return proc.returncode, proc.stderr


def expect_one_line(code: int, err: str, *parts: str) -> str:
    """A non-zero exit and exactly one `baton: ...` line on stderr holding every part."""
    assert code != 0, err
    assert "Traceback" not in err, err
    assert err.count("\n") == 1 and err.startswith("baton: "), err
    for part in parts:
        assert part in err, err
    return err.rstrip("\n")


@pytest.fixture(scope="module")
def grant_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Keys for city and district, and a root grant city → district (made through the CLI)."""
    from ui.cli import main

    folder = tmp_path_factory.mktemp("authority")
    keys = folder / "keys"
    for name, role in (("city", "authority"), ("district", "console"), ("site", "station")):
        assert main(["keys", "init", str(keys), "--role", role, "--name", name]) == 0
    root = folder / "district.grant"
    assert main([
        "grant", "issue", "--key", str(keys / "city.sign"), "--to", "district",
        "--to-key", str(keys / "district.sign.pub"), "--incident", "INC-7",
        "--stations", "fire,police", "--kinds", "evacuate", "--zones", "z1",
        "--hours", "8", "--depth", "1", "-o", str(root),
    ]) == 0  # fmt: skip
    return {
        "root": root,
        "district.sign": keys / "district.sign",
        "site.sign.pub": keys / "site.sign.pub",
        "city.sign.pub": keys / "city.sign.pub",
    }


def narrow(files: dict[str, Path], tmp_path: Path, **paths: Path) -> list[str | Path]:
    """`grant narrow` argv from the fixture's files, some replaced by `paths`."""
    chosen = {"parent": files["root"], "key": files["district.sign"]}
    chosen["to_key"] = files["site.sign.pub"]
    chosen.update(paths)
    return [
        "grant", "narrow", "--parent", chosen["parent"], "--key", chosen["key"],
        "--to", "site", "--to-key", chosen["to_key"], "--hours", "1",
        "-o", tmp_path / "site.grant",
    ]  # fmt: skip


# -- scenarios (YAML) ------------------------------------------------------------------------


def test_alias_bomb_scenario_is_one_line(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB)
    assert len(ALIAS_BOMB) < 600
    line = expect_one_line(*baton("simulate", bomb), "bomb.yaml", "alias")
    assert "write the repeated values out" in line


def test_oversize_scenario_is_one_line(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("# padding\n" * (MAX_SCENARIO_BYTES // 10 + 1))
    line = expect_one_line(*baton("simulate", big), str(big), "too large for a scenario file")
    assert "at most 4.0 MB" in line


def test_self_referencing_yaml_scenario_is_one_line(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.write_text("incident: &x {id: LOOP, name: [*x]}\n")
    expect_one_line(*baton("simulate", loop), "loop.yaml", "alias refers to itself")


def test_shipped_scenarios_with_aliases_still_load() -> None:
    from command.scenarios.loader import load_scenario

    assert "*queue" in (SCENARIOS_DIR / "disney.yaml").read_text()
    assert load_scenario("disney").name == "disney"


# -- grants (JSON) ---------------------------------------------------------------------------


def test_grant_with_nan_time_is_one_line(grant_files: dict[str, Path], tmp_path: Path) -> None:
    doc = json.loads(grant_files["root"].read_text())
    doc["chain"][0]["not_after"] = float("nan")
    bad = tmp_path / "nan.grant"
    bad.write_text(json.dumps(doc))  # Python writes the NaN JSON does not have
    assert "NaN" in bad.read_text()
    line = expect_one_line(*baton("grant", "show", bad), str(bad), "NaN is not a number")
    assert "write a finite number" in line
    expect_one_line(*baton(*narrow(grant_files, tmp_path, parent=bad)), "NaN is not a number")


def test_deeply_nested_grant_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.grant"
    nested = "[" * 10_000 + "]" * 10_000
    deep.write_text(f'{{"format": "baton.grant-chain/1", "chain": {nested}}}')
    expect_one_line(*baton("grant", "show", deep), str(deep), "nested deeper than 64 levels")


def test_oversize_grant_is_one_line(tmp_path: Path) -> None:
    big = tmp_path / "big.grant"
    big.write_text(json.dumps({"format": "baton.grant-chain/1", "pad": "x" * (2 << 20)}))
    expect_one_line(*baton("grant", "show", big), str(big), "too large for a grant file")


# -- key, trust and grant paths must be regular files ---------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("which", ["key", "to_key", "parent"])
def test_fifo_as_key_or_grant_path_is_refused_at_once(
    grant_files: dict[str, Path], tmp_path: Path, which: str
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, err = baton(*narrow(grant_files, tmp_path, **{which: fifo}), timeout=20)
    line = expect_one_line(code, err, f"{fifo}: not a regular file")
    assert line.endswith("file itself"), line


@pytest.mark.timeout(60)
def test_fifo_as_trust_file_is_refused_at_once(
    grant_files: dict[str, Path], tmp_path: Path
) -> None:
    fifo = tmp_path / "trust.yaml"
    os.mkfifo(fifo)
    code, err = baton("grant", "show", grant_files["root"], "--trust", fifo, timeout=20)
    expect_one_line(code, err, f"{fifo}: not a regular file — give the trust file itself")


def test_directory_as_key_path_is_refused(grant_files: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "keys.d"
    folder.mkdir(mode=0o700)
    code, err = baton(*narrow(grant_files, tmp_path, key=folder))
    expect_one_line(code, err, f"{folder}: not a regular file — give the key file itself")


# -- the reader ------------------------------------------------------------------------------


@pytest.mark.timeout(10)
def test_read_file_bytes_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(KeyFileError, match="not a regular file — give the key file itself"):
        read_file_bytes(fifo, what="key", max_bytes=100, error=KeyFileError)


def test_read_file_bytes_limits_and_missing(tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.write_bytes(b"x" * 100)
    assert read_file_bytes(small, what="key", max_bytes=100) == b"x" * 100
    with pytest.raises(BatonError, match="too large for a key file"):
        read_file_bytes(small, what="key", max_bytes=99)
    with pytest.raises(BatonError, match="cannot read: no such key file"):
        read_file_bytes(tmp_path / "nope", what="key", max_bytes=99)


@pytest.mark.parametrize(
    "text,message",
    [
        ('{"t": NaN}', "NaN is not a number"),
        ('{"t": Infinity}', "Infinity is not a number"),
        ('{"t": -Infinity}', "-Infinity is not a number"),
        ("[" * 65 + "]" * 65, "nested deeper than 64 levels"),
        ("[" * 100_000 + "]" * 100_000, "nested deeper than 64 levels"),
        ("1" * 5000, "Exceeds the limit"),
        ('{"t": ', "invalid JSON at line 1 column 7"),
    ],
)
def test_parse_json_refusals_are_one_line(text: str, message: str) -> None:
    with pytest.raises(BatonError, match=message) as info:
        parse_json(text, name="g.json", what="grant")
    assert str(info.value).startswith("g.json: not a readable grant file: ")
    assert "\n" not in str(info.value)


def test_parse_json_accepts_what_it_should() -> None:
    assert parse_json("[" * 64 + "]" * 64, name="g", what="grant") is not None
    assert parse_json('{"t": 1.5e3}', name="g", what="grant") == {"t": 1500.0}


@pytest.mark.parametrize(
    "text,message",
    [
        (ALIAS_BOMB, "aliases expand to more than 10000 values"),
        ("- &a [*a]\n", "line 1: an alias refers to itself"),
        ("a: &x 1\n" + "".join(f"b{i}: *x\n" for i in range(101)), "more than 100 aliases"),
        ("[" * 65 + "]" * 65, "nested deeper than 64 levels"),
        ("[" * 5000, "nested deeper than 64 levels"),
        ("a: [1\n", "not valid YAML: line 2"),
    ],
)
def test_parse_yaml_refusals_are_one_line(text: str, message: str) -> None:
    with pytest.raises(BatonError, match=message) as info:
        parse_yaml(text, name="s.yaml", what="scenario")
    assert str(info.value).startswith("s.yaml: ")
    assert "\n" not in str(info.value)


def test_parse_yaml_keeps_shared_anchors_and_merges() -> None:
    text = "q: &q {a: 1}\nr: *q\ns: {<<: *q, b: 2}\n"
    assert parse_yaml(text, name="s", what="scenario") == {
        "q": {"a": 1},
        "r": {"a": 1},
        "s": {"a": 1, "b": 2},
    }
