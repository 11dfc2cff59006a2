"""The bounded-time rule: a station judges an order at max(issued_at, received_at − skew).

Properties over real signed chains: backdating never buys more than the skew (an order claiming
to predate a revocation but received after effective_at + skew is revoked), an order signed in
the station's future beyond the skew is `clock_skew`, and one signed and received within the
skew of a revocation's effective time is judged as its signer says.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from command.authority.chain import ChainVerifier
from command.authority.grants import revoke_grant
from command.authority.orders import judged_at, verify_order
from command.authority.reasons import Reason
from tests.command.authority.factory import T0, H, Keys, build_chain, make_order

KEYS = Keys.fresh()
CHAIN = build_chain(KEYS)
CUT = T0 + 2 * H  # the leaf grant is revoked from here on (its window is T0 .. T0 + 4 h)


def _verifier() -> ChainVerifier:
    verifier = ChainVerifier([KEYS.city.public_hex])
    verifier.add_revocation(
        revoke_grant(CHAIN[2], KEYS.site, reason="recalled", effective_at=CUT, issued_at=T0)
    )
    return verifier


VERIFIER = _verifier()
times = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
skews = st.floats(min_value=0.0, max_value=3600.0, allow_nan=False)


@given(times, times, skews)
def test_judged_time_is_never_earlier_than_receipt_minus_skew(
    issued: float, received: float, skew: float
) -> None:
    at = judged_at(issued, received, skew)
    assert at >= received - skew
    assert at >= issued
    assert at in (issued, received - skew)


@given(
    backdate=st.floats(min_value=0.001, max_value=H, allow_nan=False),
    late=st.floats(min_value=0.001, max_value=H, allow_nan=False),
    skew=st.floats(min_value=0.0, max_value=600.0, allow_nan=False),
)
def test_backdated_order_received_after_effective_plus_skew_is_revoked(
    backdate: float, late: float, skew: float
) -> None:
    order = make_order(KEYS, CHAIN, issued_at=CUT - backdate)
    received = CUT + skew + late
    verdict = verify_order(order, CHAIN, received, VERIFIER, max_skew=skew)
    assert (verdict.reason, verdict.grant_id) == (Reason.REVOKED, CHAIN[2].id)


@given(
    early=st.floats(min_value=0.001, max_value=60.0, allow_nan=False),
    delay=st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
    skew=st.floats(min_value=0.0, max_value=600.0, allow_nan=False),
)
def test_order_signed_before_the_cut_and_received_within_skew_stands(
    early: float, delay: float, skew: float
) -> None:
    issued = CUT - early
    received = issued + delay * skew  # in transit no longer than the skew
    order = make_order(KEYS, CHAIN, issued_at=issued)
    assert verify_order(order, CHAIN, received, VERIFIER, max_skew=skew).ok


@given(
    ahead=st.floats(min_value=0.001, max_value=1e6, allow_nan=False),
    skew=st.floats(min_value=0.0, max_value=600.0, allow_nan=False),
)
def test_order_signed_beyond_the_skew_ahead_is_clock_skew(ahead: float, skew: float) -> None:
    received = T0 + H
    order = make_order(KEYS, CHAIN, issued_at=received + skew + ahead)
    verdict = verify_order(order, CHAIN, received, VERIFIER, max_skew=skew)
    assert verdict.reason is Reason.CLOCK_SKEW
