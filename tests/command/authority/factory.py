"""Real signed documents for the delegation tests: a three-grant chain city → district → site → ic.

Nothing here mocks cryptography: every grant and order is signed with a fresh Ed25519 key.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from command.authority.grants import Grant, sign_grant
from command.authority.orders import sign_order
from command.authority.scope import Scope
from command.model import Order, Priority
from command.signing import Signer

T0 = 1_760_000_000.0
H = 3600.0
INCIDENT = "INC-1"


@dataclass(frozen=True)
class Keys:
    """Everyone's signing key."""

    city: Signer
    district: Signer
    site: Signer
    ic: Signer
    impostor: Signer
    successor: Signer

    @classmethod
    def fresh(cls) -> Keys:
        """New keys for every party."""
        return cls(*(Signer.generate(n) for n in ("city", "district", "site", "ic", "eve", "sue")))

    def parties(self) -> list[tuple[Signer, Signer]]:
        """(issuer, delegate) per level, root first."""
        return [(self.city, self.district), (self.district, self.site), (self.site, self.ic)]


BASE: list[dict[str, Any]] = [
    {
        "scope": Scope.of(
            ["fire", "police", "water"], ["close_road", "evacuate", "pump"], ["z1", "z2", "z3"]
        ),
        "not_before": T0,
        "not_after": T0 + 8 * H,
        "redelegate_depth": 2,
    },
    {
        "scope": Scope.of(["fire", "police"], ["close_road", "evacuate"], ["z1", "z2"]),
        "not_before": T0,
        "not_after": T0 + 6 * H,
        "redelegate_depth": 1,
    },
    {
        "scope": Scope.of(["fire", "police"], ["evacuate"], ["z1"]),
        "not_before": T0,
        "not_after": T0 + 4 * H,
        "redelegate_depth": 0,
    },
]

WIDER: dict[int, Scope] = {
    0: Scope.of(["fire", "police", "water", "army"], ["close_road", "evacuate", "pump"], ["z1"]),
    1: Scope.of(["fire", "police"], ["close_road", "evacuate", "pump", "detonate"], ["z1", "z2"]),
    2: Scope.of(["fire", "police"], ["evacuate"], ["z1", "z9"]),
}


def build_chain(
    keys: Keys,
    overrides: dict[int, dict[str, Any]] | None = None,
    signed_by: dict[int, Signer] | None = None,
    levels: int = 3,
) -> list[Grant]:
    """The standard chain, with per-level field overrides and signers, each link re-signed."""
    overrides = overrides or {}
    signed_by = signed_by or {}
    chain: list[Grant] = []
    parent: str | None = None
    for i, (issuer, delegate) in enumerate(keys.parties()[:levels]):
        signer = signed_by.get(i, issuer)
        fields: dict[str, Any] = {
            "id": f"G{i}",
            "parent": parent,
            "issuer": signer.name,
            "issuer_key": signer.public_hex,
            "delegate": delegate.name,
            "delegate_key": delegate.public_hex,
            "incident": INCIDENT,
            "issued_at": T0,
            **BASE[i],
        }
        fields.update(overrides.get(i, {}))
        grant = sign_grant(Grant(**fields), signer)
        chain.append(grant)
        parent = grant.id
    return chain


def tamper(chain: list[Grant], level: int, **changes: Any) -> list[Grant]:
    """The chain with one link altered after signing (signature left as it was)."""
    out = list(chain)
    out[level] = replace(out[level], **changes)
    return out


def make_order(
    keys: Keys, chain: list[Grant], signer: Signer | None = None, **changes: Any
) -> Order:
    """An order under `chain`, signed by the leaf's holder (or `signer`)."""
    leaf = chain[-1]
    fields: dict[str, Any] = {
        "id": "O-1",
        "incident": INCIDENT,
        "station": "fire",
        "kind": "evacuate",
        "params": {"radius_m": 300},
        "zone": "z1",
        "priority": Priority.URGENT,
        "issued_at": T0 + H,
        "ack_deadline": T0 + H + 120,
        "due": T0 + 2 * H,
        "text": "Evacuate the north bank",
        "grant_chain": tuple(g.id for g in chain),
        "decision_id": "D-1",
        "commander": leaf.delegate,
    }
    fields.update(changes)
    return sign_order(Order(**fields), signer or keys.ic)
