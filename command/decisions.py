"""Builders for decision-log entries: the automatic entry behind every order, and corrections.

A decision entry follows the Joint Decision Model fields of `Decision`; the snapshot is the
fused picture at the moment of the decision, so a reviewer sees what the commander saw.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from command.errors import ValidationError
from command.model import Decision, DecisionKind, Order


def describe_order(order: Order) -> str:
    """One line saying what the order asks: kind, station, zone, parameters and text."""
    params = ", ".join(f"{k}={v}" for k, v in sorted(order.params.items()))
    line = f"Order {order.kind} to {order.station} in zone {order.zone}"
    if params:
        line += f" ({params})"
    if order.text:
        line += f": {order.text}"
    return line


def order_decision(
    order: Order,
    *,
    rationale: str,
    snapshot: dict[str, Any],
    information: str = "",
    risk_assessment: str = "",
    powers_policy: str = "",
    options: str = "",
    ts: float | None = None,
) -> Decision:
    """The automatic decision entry for `order` (its id is `order.decision_id`).

    Build it before signing the order: the order's signature covers `decision_id`.
    """
    if not order.decision_id:
        raise ValidationError(f"order {order.id} names no decision entry")
    if not rationale.strip():
        raise ValidationError(f"order {order.id} needs a rationale: say why it is given")
    return Decision(
        id=order.decision_id,
        incident=order.incident,
        ts=order.issued_at if ts is None else ts,
        author=order.commander,
        decision=describe_order(order),
        rationale=rationale,
        information=information,
        risk_assessment=risk_assessment,
        powers_policy=powers_policy,
        options=options,
        kind=DecisionKind.ORDER,
        order_ids=(order.id,),
        snapshot=dict(snapshot),
    )


def correction(
    original: Decision,
    *,
    id: str,
    ts: float,
    reason: str,
    decision: str | None = None,
    rationale: str | None = None,
    author: str | None = None,
    **changes: Any,
) -> Decision:
    """A correction entry for `original`: a copy with the given fields changed, marked as a
    CORRECTION that strikes `original` through (pass it to `Journal.correct_decision`)."""
    if not reason.strip():
        raise ValidationError(f"correcting decision {original.id} needs a reason")
    if id == original.id:
        raise ValidationError("a correction is a new entry: give it a new id")
    return replace(
        original,
        id=id,
        ts=ts,
        author=original.author if author is None else author,
        decision=original.decision if decision is None else decision,
        rationale=original.rationale if rationale is None else rationale,
        kind=DecisionKind.CORRECTION,
        corrects=original.id,
        correction_reason=reason,
        **changes,
    )
