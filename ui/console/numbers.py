"""Numbers for people: counts as integers ("24 riders", "98 buses"), other values with sensible
precision (`command.picture.samples.number`), states by their words when labels are given."""

from __future__ import annotations

from collections.abc import Mapping

from command.picture.samples import number

# units that count things: never shown with decimals
COUNT_UNITS = frozenset(
    {"riders", "people", "persons", "buses", "vehicles", "boats", "units", "orders", "count"}
)


def is_count(unit: str) -> bool:
    """True when `unit` counts things ("riders", "buses", "people", "veh")."""
    return unit.strip().lower() in COUNT_UNITS


def format_value(
    value: float,
    unit: str = "",
    labels: Mapping[int | str, str] | None = None,
    *,
    integer: bool = False,
) -> str:
    """A metric's value as people read it: "24 riders", "3.1 p/m²", "closed" (from labels)."""
    if labels:
        key = round(value)
        word = labels.get(key, labels.get(str(key)))
        if word is not None and abs(value - key) < 1e-9:
            return word
    text = f"{round(value):,}" if integer or is_count(unit) else number(value)
    return f"{text} {unit}".strip()
