"""Delegation of authority: keys, grants, chains, revocations, signed orders.

A commander acts under a chain of signed grants from a trusted root, each narrowing the one above
it (scope, time window, redelegation depth); a station carries out an order only if its chain
verifies, every grant's window holds, and no grant was revoked when the order was issued.

The console journals the grant chain it acts under when it opens the incident and ships it to
every station (`protocols.nodes`); a station checks orders with `AuthorityBook`.
"""

from command.authority.book import AuthorityBook
from command.authority.chain import ChainResult, ChainVerifier, verify_chain
from command.authority.errors import AuthorityError, KeyFileError
from command.authority.grants import (
    Grant,
    Revocation,
    issue_grant,
    narrow_grant,
    revoke_grant,
    sign_grant,
)
from command.authority.handover import Handover, hand_over, rechain
from command.authority.keys import (
    TrustedRoot,
    create_signing_keypair,
    fingerprint,
    load_public_key,
    load_signer,
    load_trust,
    write_trust,
)
from command.authority.orders import Verdict, sign_order, verify_order
from command.authority.reasons import Reason
from command.authority.revocation import RevocationSet
from command.authority.scope import Scope

__all__ = [
    "AuthorityBook",
    "AuthorityError",
    "ChainResult",
    "ChainVerifier",
    "Grant",
    "Handover",
    "KeyFileError",
    "Reason",
    "Revocation",
    "RevocationSet",
    "Scope",
    "TrustedRoot",
    "Verdict",
    "create_signing_keypair",
    "fingerprint",
    "hand_over",
    "issue_grant",
    "load_public_key",
    "load_signer",
    "load_trust",
    "narrow_grant",
    "rechain",
    "revoke_grant",
    "sign_grant",
    "sign_order",
    "verify_chain",
    "verify_order",
    "write_trust",
]
