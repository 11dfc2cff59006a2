"""Machine-readable reasons an order or a chain of grants is refused, with plain words for each."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a chain of grants or an order failed verification (the code journaled and sent)."""

    BROKEN_CHAIN = "broken_chain"
    UNKNOWN_GRANT = "unknown_grant"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_ROOT = "unknown_root"
    ISSUER_KEY_MISMATCH = "issuer_key_mismatch"
    SCOPE_WIDER_THAN_PARENT = "scope_wider_than_parent"
    WINDOW_OUTSIDE_PARENT = "window_outside_parent"
    DEPTH_EXCEEDED = "depth_exceeded"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    ORDER_SIGNATURE_BAD = "order_signature_bad"
    COMMANDER_KEY_MISMATCH = "commander_key_mismatch"
    INCIDENT_MISMATCH = "incident_mismatch"
    STATION_OUT_OF_SCOPE = "station_out_of_scope"
    KIND_OUT_OF_SCOPE = "kind_out_of_scope"
    ZONE_OUT_OF_SCOPE = "zone_out_of_scope"
    REPLAYED_ORDER = "replayed_order"
    CLOCK_SKEW = "clock_skew"

    @property
    def plain(self) -> str:
        """The reason in words a station operator understands."""
        return _PLAIN[self]


_PLAIN = {
    Reason.BROKEN_CHAIN: "the grants do not form one chain from a root",
    Reason.UNKNOWN_GRANT: "a grant in the order's chain has not been received",
    Reason.BAD_SIGNATURE: "a grant's signature is forged or the grant was altered",
    Reason.UNKNOWN_ROOT: "the chain does not start at a trusted authority",
    Reason.ISSUER_KEY_MISMATCH: "a grant was signed by someone who did not hold the grant above",
    Reason.SCOPE_WIDER_THAN_PARENT: "a grant gives more than its issuer held",
    Reason.WINDOW_OUTSIDE_PARENT: "a grant runs outside its issuer's time window",
    Reason.DEPTH_EXCEEDED: "a grant was passed on further than allowed",
    Reason.NOT_YET_VALID: "the authority has not started yet",
    Reason.EXPIRED: "the authority has expired",
    Reason.REVOKED: "the authority was revoked",
    Reason.ORDER_SIGNATURE_BAD: "the order's signature is forged or the order was altered",
    Reason.COMMANDER_KEY_MISMATCH: "the order's commander is not the holder of the grant",
    Reason.INCIDENT_MISMATCH: "the order is for another incident than the grant",
    Reason.STATION_OUT_OF_SCOPE: "the grant does not cover this station",
    Reason.KIND_OUT_OF_SCOPE: "the grant does not cover this kind of order",
    Reason.ZONE_OUT_OF_SCOPE: "the grant does not cover this zone",
    Reason.REPLAYED_ORDER: "this order id was already received",
    Reason.CLOCK_SKEW: "the order is signed further in the future than clocks may disagree",
}
