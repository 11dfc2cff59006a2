"""The ICS-214 / ICS-213 exports, read from the one fold."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from command.fold import fold
from command.lifecycle import OrderState, Step
from command.review.ics import ICS213_COLUMNS, ICS214_FIELDS, Preparer, export_ics, write_ics214
from command.review.report import incident_title
from tests.command.review.events import incident_events


def test_the_fold_holds_what_the_forms_list() -> None:
    state = fold(incident_events())
    assert incident_title(state) == "Bund light show"
    o1, o2 = state.orders.get("o1"), state.orders.get("o2")
    assert o1 is not None and o2 is not None
    assert (o1.state, o2.state) == (OrderState.COMPLETED, OrderState.DECLINED)
    decline = o2.first(Step.DECLINE)
    assert decline is not None and decline.detail["reason"] == "show in final act"
    struck = state.decisions.get("d-o1")
    assert struck is not None
    assert (struck.struck_by, struck.struck_reason) == ("d-c1", "wrong gate named")
    assert state.escalations.keys() == ["e1"]


def test_ics214_has_every_field_and_the_activities() -> None:
    state = fold(incident_events())
    out = io.StringIO()
    rows = write_ics214(state, out, Preparer())
    text = out.getvalue()
    for name in ICS214_FIELDS:
        assert name in text
    table = list(csv.reader(io.StringIO(text)))
    assert ["1. Incident Name", "Bund light show"] in table
    assert any(r[:2] == ["3. Name", "chief-li"] for r in table)
    assert any(r[:1] == ["5. Home Agency (and Unit)"] and "Huangpu" in r[1] for r in table)
    assert any(r[1:2] == ["On-site security"] for r in table)
    assert rows >= 6
    log = "\n".join(",".join(r) for r in table)
    assert "2025-10-09 16:53:20 CST" in log  # times shown in the incident's zone
    assert "struck through by d-c1: wrong gate named" in log
    assert "declined by Lighting control — show in final act" in log


def test_ics213_is_one_message_per_order(tmp_path: Path) -> None:
    state = fold(incident_events())
    path = tmp_path / "213.csv"
    assert export_ics(state, path, "ics213", Preparer()) == 2
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(ICS213_COLUMNS)
    assert [r["Order ID"] for r in rows] == ["o1", "o2"]
    assert rows[0]["Reply"] == "completed"
    assert rows[1]["Reply"] == "declined: show in final act"
    assert rows[0]["To (Name and Position)"] == "On-site security (Police)"


def test_unknown_form_is_refused_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown ICS form"):
        export_ics(fold([]), tmp_path / "x.csv", "ics999", Preparer())
    assert not (tmp_path / "x.csv").exists()
