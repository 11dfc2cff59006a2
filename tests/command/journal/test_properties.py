"""Property: after any sequence of journal operations, fold(all events) == stored projections."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from command.clock import ManualClock
from command.decisions import order_decision
from command.errors import IllegalTransition, ValidationError
from command.journal import Incoming, Journal, StepRequest, fold, verify_journal
from command.lifecycle import Step
from command.model import Escalation, EscalationKind
from command.timers import check_timers
from tests.command.journal.helpers import issue, make_decision, make_order

STATIONS = ("traffic", "security", "metro")
_index = st.integers(min_value=0, max_value=20)
_files = itertools.count()

OPS = st.one_of(
    st.tuples(st.just("issue"), st.sampled_from(STATIONS)),
    st.tuples(st.just("step"), _index, st.sampled_from(list(Step))),
    st.tuples(st.just("decide"), _index),
    st.tuples(st.just("correct"), _index),
    st.tuples(st.just("station"), st.sampled_from(STATIONS), st.booleans()),
    st.tuples(st.just("escalate"), _index, st.sampled_from(list(EscalationKind))),
    st.tuples(st.just("resolve"), _index),
    st.tuples(st.just("timers"), st.floats(min_value=0, max_value=400)),
    st.tuples(st.just("receive"), _index),
    st.tuples(st.just("abort"), _index),
    st.tuples(st.just("issue_many"), st.lists(st.sampled_from(STATIONS), max_size=4)),
    st.tuples(
        st.just("steps"), st.lists(st.tuples(_index, st.sampled_from(list(Step))), max_size=4)
    ),
    st.tuples(st.just("receive_many"), st.lists(_index, max_size=4)),
)


def run(journal: Journal, clock: ManualClock, ops: list[tuple[Any, ...]]) -> None:
    orders: list[str] = []
    decisions: list[str] = []
    escalations: list[str] = []

    def pick(items: list[str], i: int) -> str:
        return items[i % len(items)] if items else "unknown"

    for op in ops:
        clock.advance(1)
        name = op[0]
        try:
            if name == "issue":
                orders.append(issue(journal, clock, station=op[1], ack_s=60, due_s=200).order.id)
            elif name == "step":
                journal.record_step(pick(orders, op[1]), op[2], actor="x", detail={"n": op[1]})
            elif name == "decide":
                decision = make_decision(clock, text=f"decision {op[1]}")
                journal.add_decision(decision)
                decisions.append(decision.id)
            elif name == "correct":
                fix = make_decision(clock, text="corrected")
                journal.correct_decision(pick(decisions, op[1]), fix, "typo")
                decisions.append(fix.id)
            elif name == "station":
                journal.set_station_status(op[1], op[2])
            elif name == "escalate":
                order_id = pick(orders, op[1])
                esc = Escalation(
                    f"e{len(escalations)}", order_id, "traffic", op[2], clock.now(), "!"
                )
                journal.raise_escalation(esc)
                escalations.append(esc.id)
            elif name == "resolve":
                journal.resolve_escalation(pick(escalations, op[1]))
            elif name == "timers":
                check_timers(journal, clock.advance(op[1]))
            elif name == "receive":
                order = make_order(clock)
                journal.receive_order(order, msg_id=f"m{op[1]}", peer="console")
            elif name == "issue_many":
                pairs = []
                for station in op[1]:
                    order = make_order(clock, station=station, ack_s=60, due_s=200)
                    pairs.append((order, order_decision(order, rationale="r", snapshot={})))
                orders.extend(i.order.id for i in journal.issue_orders(pairs))
            elif name == "steps":
                journal.record_steps(
                    [StepRequest(pick(orders, i), step, "x", {"n": i}) for i, step in op[1]]
                )
            elif name == "receive_many":
                journal.receive_orders(
                    [Incoming(make_order(clock), f"m{i}", "console") for i in op[1]]
                )
            elif name == "abort":
                with journal.transaction():
                    journal.add_decision(make_decision(clock))
                    journal.set_station_status("metro", op[1] % 2 == 0)
                    raise RuntimeError("abandoned")
        except (IllegalTransition, ValidationError, RuntimeError):
            pass


@pytest.mark.parametrize("store", ["sqlite", "memory"])
@settings(max_examples=40, deadline=None)
@given(ops=st.lists(OPS, max_size=40))
def test_fold_equals_stored_projections(
    store: str, ops: list[tuple[Any, ...]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    clock = ManualClock()
    path: Path | None = None
    if store == "sqlite":
        path = tmp_path_factory.getbasetemp() / f"prop-{next(_files)}.journal"
        journal = Journal.open(path, clock=clock, owner="cmd", role="console")
    else:
        journal = Journal.in_memory(clock=clock, owner="cmd", role="console")
    try:
        run(journal, clock, ops)
        assert fold(journal.events()) == journal.projection_tables()
        assert [e.seq for e in journal.events()] == list(range(1, journal.head[0] + 1))
    finally:
        journal.close()
    if path is not None:
        assert verify_journal(path).ok
        path.unlink()
