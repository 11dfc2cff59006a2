"""Helpers for scenario tests: write a mutated copy of a shipped scenario."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from command.scenarios.loader import SCENARIOS_DIR


def mutated(tmp: Path, change: Callable[[dict[str, Any]], None], name: str = "bund") -> Path:
    """Copy data/scenarios/NAME.yaml into `tmp` with `change` applied to the document."""
    doc = yaml.safe_load((SCENARIOS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    change(doc)
    out = tmp / f"{name}.yaml"
    out.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return out
