"""The order lifecycle transition table and per-state timers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from command.errors import IllegalTransition
from command.lifecycle import (
    TERMINAL_STATES,
    TRANSITIONS,
    OrderState,
    Step,
    allowed_steps,
    catch_up,
    next_state,
)
from command.model import EscalationKind
from command.timers import OrderClock, escalations_due, should_expire


def test_happy_path() -> None:
    state = OrderState.DRAFT
    for step in (Step.ISSUE, Step.DELIVER, Step.ACKNOWLEDGE, Step.ACCEPT, Step.START):
        state = next_state("o1", state, step)
    assert state is OrderState.IN_PROGRESS
    assert next_state("o1", state, Step.COMPLETE) is OrderState.COMPLETED


def test_illegal_transition_names_order_state_and_step() -> None:
    with pytest.raises(IllegalTransition) as err:
        next_state("o-42", OrderState.COMPLETED, Step.ACCEPT)
    assert str(err.value) == "order o-42 is completed: it cannot accept"


def test_terminal_states_allow_nothing() -> None:
    for state in TERMINAL_STATES:
        assert allowed_steps(state) == ()


@given(st.lists(st.sampled_from(list(Step)), max_size=40))
def test_random_steps_never_reach_an_undefined_state(steps: list[Step]) -> None:
    state = OrderState.DRAFT
    for step in steps:
        try:
            new = next_state("o", state, step)
        except IllegalTransition:
            assert (state, step) not in TRANSITIONS
            continue
        assert isinstance(new, OrderState)
        assert TRANSITIONS[(state, step)] is new
        state = new
    assert state in set(OrderState)


def test_catch_up_fills_in_implied_steps() -> None:
    assert catch_up(OrderState.ISSUED, Step.ACCEPT) == (Step.DELIVER, Step.ACKNOWLEDGE, Step.ACCEPT)
    assert catch_up(OrderState.DELIVERED, Step.ACCEPT) == (Step.ACKNOWLEDGE, Step.ACCEPT)
    assert catch_up(OrderState.ACKNOWLEDGED, Step.ACCEPT) == (Step.ACCEPT,)
    assert catch_up(OrderState.COMPLETED, Step.ACCEPT) == ()


def _clock(state: OrderState) -> OrderClock:
    return OrderClock("o", "traffic", state, issued_at=0.0, ack_deadline=120.0, due=900.0)


def test_timers_raise_escalations_per_state() -> None:
    assert escalations_due(_clock(OrderState.ISSUED), 29.9) == ()
    assert escalations_due(_clock(OrderState.ISSUED), 30.0) == (EscalationKind.UNDELIVERED,)
    assert escalations_due(_clock(OrderState.DELIVERED), 121) == (EscalationKind.NOT_ACCEPTED,)
    assert escalations_due(_clock(OrderState.ACCEPTED), 899) == ()
    assert escalations_due(_clock(OrderState.IN_PROGRESS), 900) == (EscalationKind.OVERDUE,)
    assert escalations_due(_clock(OrderState.COMPLETED), 10_000) == ()
    assert should_expire(_clock(OrderState.ACKNOWLEDGED), 900)
    assert not should_expire(_clock(OrderState.ACCEPTED), 900)
