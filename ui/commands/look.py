"""`--lang` and `--theme` for the commands that open windows (`baton demo`, `baton station`):
the View menu's choices, named here so that parsing a command line loads no Qt and no demo."""

from __future__ import annotations

import argparse

# the View menu's choices (ui.i18n.LANGUAGES, ui.theme.THEMES; a test keeps them equal)
LANGUAGE_CHOICES = ("en", "zh_CN")
THEME_CHOICES = ("light", "dark")


def add_look_options(parser: argparse.ArgumentParser, windows: str, default: str) -> None:
    """`--lang` and `--theme` for `windows`: what their View menu sets (None: `default`)."""
    parser.add_argument(
        "--lang", choices=LANGUAGE_CHOICES, help=f"language of {windows} (default: {default})"
    )
    parser.add_argument(
        "--theme", choices=THEME_CHOICES, help=f"theme of {windows} (default: {default})"
    )
