"""`baton centre`: its help names the board and the shortcuts; missing files are one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.cli import main


def test_help_describes_the_window(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["centre", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for word in ("--headless", "--grant", "--up", "SITREP", "Ctrl+G"):
        assert word in out


def test_a_missing_centre_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["centre", "--name", "huangpu", "--dir", str(tmp_path), "--signing-key", "x", "--headless"]
    )
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "centre.key_secret" in err[0] and "--dir" in err[0]


def test_centre_takes_the_windows_language_and_theme() -> None:
    from ui.cli import build_parser

    base = ["centre", "--name", "huangpu", "--dir", "d", "--signing-key", "k"]
    args = build_parser(only="centre").parse_args([*base, "--lang", "zh_CN", "--theme", "dark"])
    assert (args.lang, args.theme) == ("zh_CN", "dark")
