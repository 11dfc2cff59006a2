"""What a grant allows: stations, order kinds and zones, with exact subset checks.

``"*"`` in a list means "all" and is allowed in root grants only: a narrowed scope must list
names (`narrow_grant` refuses, and chain verification rejects, a '*' below the root). Subset
checks are exact: a list holding ``"*"`` is a subset of another only when that holds ``"*"``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from command.authority.errors import AuthorityError

ALL = "*"
FIELDS = ("stations", "order_kinds", "zones")


def _norm(values: Iterable[str], what: str) -> tuple[str, ...]:
    items = tuple(sorted({str(v).strip() for v in values}))
    if not items or "" in items:
        raise AuthorityError(f"scope {what} must name at least one (or '*'), with no empty names")
    if ALL in items and len(items) > 1:
        items = (ALL,)
    return items


def _subset(child: tuple[str, ...], parent: tuple[str, ...]) -> bool:
    if ALL in parent:
        return True
    if ALL in child:
        return False
    return set(child) <= set(parent)


def _allows(values: tuple[str, ...], value: str) -> bool:
    return ALL in values or value in values


@dataclass(frozen=True, slots=True)
class Scope:
    """The stations, order kinds and zones a grant covers (sorted, de-duplicated tuples)."""

    stations: tuple[str, ...]
    order_kinds: tuple[str, ...]
    zones: tuple[str, ...]

    @classmethod
    def of(cls, stations: Iterable[str], order_kinds: Iterable[str], zones: Iterable[str]) -> Scope:
        """Build a normalised scope; raises `AuthorityError` on an empty list."""
        return cls(
            _norm(stations, "stations"), _norm(order_kinds, "order kinds"), _norm(zones, "zones")
        )

    @classmethod
    def from_dict(cls, body: Mapping[str, Any]) -> Scope:
        """Read `{stations, order_kinds, zones}`."""
        try:
            lists = [body[f] for f in FIELDS]
        except (KeyError, TypeError):
            raise AuthorityError("scope needs stations, order_kinds and zones") from None
        if not all(isinstance(v, list | tuple) for v in lists):
            raise AuthorityError("scope stations, order_kinds and zones must be lists")
        return cls(*(tuple(str(x) for x in v) for v in lists))

    def to_dict(self) -> dict[str, list[str]]:
        """JSON-ready form."""
        return {f: list(getattr(self, f)) for f in FIELDS}

    def subset_of(self, parent: Scope) -> bool:
        """True when every station, kind and zone here is also in `parent`."""
        return (
            _subset(self.stations, parent.stations)
            and _subset(self.order_kinds, parent.order_kinds)
            and _subset(self.zones, parent.zones)
        )

    def wider_part(self, parent: Scope) -> str:
        """Which part goes beyond `parent`, in words ('' when none does)."""
        for f in FIELDS:
            mine, theirs = getattr(self, f), getattr(parent, f)
            if not _subset(mine, theirs):
                extra = sorted(set(mine) - set(theirs))
                return f"{f.replace('_', ' ')} {', '.join(extra)} not in the parent grant"
        return ""

    def has_wildcard(self) -> bool:
        """True when any list is '*'."""
        return any(ALL in getattr(self, f) for f in FIELDS)

    def allows_station(self, station: str) -> bool:
        """True when `station` is covered."""
        return _allows(self.stations, station)

    def allows_kind(self, kind: str) -> bool:
        """True when order kind `kind` is covered."""
        return _allows(self.order_kinds, kind)

    def allows_zone(self, zone: str) -> bool:
        """True when `zone` is covered."""
        return _allows(self.zones, zone)

    def describe(self) -> str:
        """One line for operators: 'stations a, b; kinds x; zones z1'."""
        return "; ".join(
            f"{label} {', '.join(getattr(self, f))}"
            for f, label in zip(FIELDS, ("stations", "kinds", "zones"), strict=True)
        )
