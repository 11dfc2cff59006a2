"""Test-wide settings: Qt offscreen, warnings are errors (pyproject), hypothesis profiles; the
project compiled to bytecode once per session for the child interpreters the tests start."""

from __future__ import annotations

import compileall
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("command", "protocols", "ui", "bench", "tests")

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.register_profile(
    "ci",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    max_examples=60,
    derandomize=True,
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


def pytest_sessionstart() -> None:
    """Write the project's bytecode (`__pycache__/`, git-ignored) before any test runs.

    The suite starts a few hundred Python processes (stations, consoles, demos, CLIs). Where
    PYTHONDONTWRITEBYTECODE is set (as on this CI machine), none of them writes bytecode, so each
    compiled every project module it imports again (~0.5 s of CPU per process). They still read
    bytecode that exists and is current; compiling once here (about 1 s) is all it takes.
    """
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=2)  # a broken file fails its own test
