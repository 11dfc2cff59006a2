"""Domain errors: each carries one line that names the thing and, where possible, the fix."""

from __future__ import annotations


class BatonError(Exception):
    """Base of every error a user can cause; `str(err)` is the one line shown to them."""


class ValidationError(BatonError):
    """A value (order parameter, scenario field, message field) is not what was expected."""


class IllegalTransition(BatonError):
    """An order was asked to take a lifecycle step its current state does not allow."""

    def __init__(self, order_id: str, state: str, step: str) -> None:
        self.order_id = order_id
        self.state = state
        self.step = step
        super().__init__(f"order {order_id} is {state}: it cannot {step}")


class JournalError(BatonError):
    """The journal cannot be opened or written; nothing was sent because nothing was logged."""
