"""Signed station reports: what a station's signature over a REPORT covers, and the checks the
console runs before a report may move an order.

A station signs the canonical JSON of ``{"report": 1, "station", "order_id", "step", "ts",
"detail"}`` with its Ed25519 signing key (`command.signing`); the console verifies it against
the key its allow-list holds for that station, so a report is the station's word even when the
transport key or the console's journal of it is questioned later. The stated time `ts` must lie
between the order's issue time minus the skew and the console's receipt time plus the skew.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from command.canonical import canonical_bytes
from command.signing import Signer, verify_signature

JSON = Any

REPORT_SIGNATURE = "report_signature"
"""Refusal code: the report's signature is missing, forged, or the station has no known key."""
CLOCK_SKEW = "clock_skew"
"""Refusal code: the report's stated time is outside the skew bound."""


def report_bytes(
    station: str, order_id: str, step: str, ts: float, detail: Mapping[str, JSON]
) -> bytes:
    """The canonical bytes a station's report signature covers."""
    return canonical_bytes(
        {
            "report": 1,
            "station": station,
            "order_id": order_id,
            "step": step,
            "ts": float(ts),
            "detail": dict(detail),
        }
    )


def sign_report(
    signer: Signer, station: str, order_id: str, step: str, ts: float, detail: Mapping[str, JSON]
) -> str:
    """The station's signature (hex) over one report."""
    return signer.sign(report_bytes(station, order_id, step, ts, detail))


def check_report(
    *,
    station: str,
    order_id: str,
    step: str,
    ts: float,
    detail: Mapping[str, JSON],
    signature: str,
    key: str | None,
    now: float,
    issued_at: float | None,
    max_skew: float,
) -> tuple[str, str] | None:
    """None when a report may be applied, else (refusal code, one-line text).

    `key` is the station's signing public key (hex) from the console's allow-list, `now` the
    console's receipt time, `issued_at` the order's issue time when the console knows the order.
    """
    if not key:
        return (REPORT_SIGNATURE, f"no signing key is allow-listed for station {station}")
    if not signature:
        return (REPORT_SIGNATURE, f"report {step} for order {order_id} is not signed")
    try:
        data = report_bytes(station, order_id, step, ts, detail)
    except (TypeError, ValueError) as err:
        return (REPORT_SIGNATURE, f"report {step} for order {order_id} cannot be signed: {err}")
    if not verify_signature(key, data, signature):
        return (
            REPORT_SIGNATURE,
            f"report {step} for order {order_id}: signature does not match {station}'s key",
        )
    if not math.isfinite(ts) or ts > now + max_skew:
        return (
            CLOCK_SKEW,
            f"report {step} for order {order_id} stamped {ts - now:.0f} s ahead of the console "
            f"(at most {max_skew:g} s allowed)",
        )
    if issued_at is not None and ts < issued_at - max_skew:
        return (
            CLOCK_SKEW,
            f"report {step} for order {order_id} stamped {issued_at - ts:.0f} s before the "
            f"order was issued (at most {max_skew:g} s allowed)",
        )
    return None
