"""Fixtures for review window tests: isolated QSettings, light theme and English
(`isolated_look` from tests/ui/conftest.py, for every test here)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def every_test_isolated(isolated_look: None) -> None:
    """Every test starts light, in English, with settings under tmp_path."""
