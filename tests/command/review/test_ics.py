"""The ICS 214 / ICS 213 exports, read from the one fold, checked field by field against the
FEMA version 2 forms."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from command.fold import fold
from command.lifecycle import OrderState, Step
from command.review.ics import (
    ICS213_COLUMNS,
    ICS213_FIELDS,
    ICS214_FIELDS,
    Preparer,
    export_ics,
    ics213,
    ics213_html,
    ics214,
    ics214_footer,
    ics214_html,
    write_ics214,
)
from command.review.report import incident_title
from command.vocabulary import Kind
from tests.command.review.events import T0, Ev, incident_events, without_text

# FEMA ICS 213 (General Message), v2: every block, with its sub-fields.
FEMA_ICS213 = (
    "1. Incident Name (Optional)",
    "2. To (Name and Position)",
    "3. From (Name and Position)",
    "4. Subject",
    "5. Date",
    "6. Time",
    "7. Message",
    "8. Approved by: Name",
    "8. Approved by: Signature",
    "8. Approved by: Position/Title",
    "9. Reply",
    "10. Replied by: Name",
    "10. Replied by: Position/Title",
    "10. Replied by: Signature",
    "10. Date/Time",
)
# FEMA ICS 214 (Activity Log), v2: the numbered blocks and the columns inside them.
FEMA_ICS214 = (
    "1. Incident Name",
    "2. Operational Period",
    "3. Name",
    "4. ICS Position",
    "5. Home Agency (and Unit)",
    "6. Resources Assigned",
    "7. Activity Log",
    "8. Prepared by",
)
FEMA_ICS214_PERIOD = ["Date From", "Date To", "Time From", "Time To"]
FEMA_ICS214_RESOURCES = ["Name", "ICS Position", "Home Agency (and Unit)"]
FEMA_ICS214_LOG = ["Date/Time", "Notable Activities"]
FEMA_ICS214_PREPARED = ["Name", "Position/Title", "Signature", "Date/Time"]

HHMM = re.compile(r"^\d{4} UTC([+-]\d{2}:\d{2})?$")
PREPARED = T0 + 3600


def _who(**kw: object) -> Preparer:
    return Preparer(prepared_at=PREPARED, **kw)  # type: ignore[arg-type]


def test_the_fold_holds_what_the_forms_list() -> None:
    state = fold(incident_events())
    assert incident_title(state) == "Bund light show"
    o1, o2 = state.orders.get("o1"), state.orders.get("o2")
    assert o1 is not None and o2 is not None
    assert (o1.state, o2.state) == (OrderState.COMPLETED, OrderState.DECLINED)
    decline = o2.first(Step.DECLINE)
    assert decline is not None and decline.detail["reason"] == "show in final act"


def test_the_field_lists_are_femas() -> None:
    assert ICS213_FIELDS == FEMA_ICS213
    assert ICS213_COLUMNS[: len(FEMA_ICS213)] == FEMA_ICS213
    assert ICS214_FIELDS == FEMA_ICS214


def _sheet(text: str) -> dict[str, list[list[str]]]:
    """The ICS 214 CSV by block: each numbered block's header row and the rows under it."""
    blocks: dict[str, list[list[str]]] = {}
    current = ""
    for row in csv.reader(io.StringIO(text)):
        if row and row[0] in FEMA_ICS214:
            current = row[0]
            blocks[current] = [row[1:]]
        elif row and row[0] == "" and current:
            blocks[current].append(row[1:])
    return blocks


def test_ics214_field_by_field() -> None:
    out = io.StringIO()
    rows = write_ics214(fold(incident_events()), out, _who())
    text = out.getvalue()
    first = next(csv.reader(io.StringIO(text)))
    assert first == ["ICS 214", "Activity Log", "Times in", "Asia/Shanghai (UTC+08:00)"]
    b = _sheet(text)
    assert list(b) == list(FEMA_ICS214)  # every block, in the form's order
    assert b["1. Incident Name"] == [["Bund light show"]]
    assert b["2. Operational Period"] == [
        FEMA_ICS214_PERIOD,
        ["2025-10-09", "2025-10-09", "1653 UTC+08:00", "1656 UTC+08:00"],
    ]
    assert b["3. Name"] == [["chief-li"]]
    assert b["4. ICS Position"] == [["Incident Commander"]]  # from incident.opened
    assert b["5. Home Agency (and Unit)"] == [["Huangpu police station"]]
    assert b["6. Resources Assigned"] == [
        FEMA_ICS214_RESOURCES,
        ["chief-li", "Incident Commander", "Huangpu police station"],
        ["On-site security", "Station operator, Police", "Police / On-site security"],
        ["Lighting control", "Station operator, Culture", "Culture / Lighting control"],
    ]
    log = b["7. Activity Log"]
    assert log[0] == FEMA_ICS214_LOG
    assert len(log) - 1 == rows >= 6
    for when, _text in log[1:]:
        date, hhmm, zone = when.split(" ")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) and HHMM.match(f"{hhmm} {zone}")
    texts = [t for _w, t in log[1:]]
    assert any("struck through by d-c1: wrong gate named" in t for t in texts)
    assert any(
        t.startswith("Order o1 issued to On-site security: Hold entry at gates (urgent")
        for t in texts
    )
    assert "Order o2 (Dim show) declined by Lighting control — show in final act" in texts
    assert not any(re.search(r"\b[a-z]+\.[a-z_]+\b", t) for t in texts)  # no raw event kinds
    assert b["8. Prepared by"] == [
        FEMA_ICS214_PREPARED,
        ["chief-li", "Incident Commander", "", "2025-10-09 1753 UTC+08:00"],
    ]
    assert "CST" not in text


def test_an_order_without_text_reads_its_parameters_not_an_empty_quote() -> None:
    events = without_text(incident_events(), "o2", {"level_percent": 30})
    texts = [t for _w, t in ics214(fold(events), _who(), events).activities]
    assert (
        "Order o2 issued to Lighting control: Dim show (urgent, zone z-chenyi): level percent 30"
        in texts
    )
    assert not any("“”" in t for t in texts)


def test_ics214_delegation_rows_are_sentences() -> None:
    grant = {
        "id": "g1",
        "issuer": "mayor",
        "delegate": "chief-li",
        "scope": {"stations": ["security"], "order_kinds": ["hold_entry"], "zones": ["*"]},
        "not_after": T0 + 7200,
    }
    revocation = {"grant_id": "g1", "issuer": "mayor", "reason": "shift over"}
    events = [
        *incident_events(),
        Ev(90, T0 + 5, "mayor", Kind.GRANT_ISSUED, {"grant": grant}),
        Ev(91, T0 + 6, "mayor", Kind.GRANT_REVOKED, {"revocation": revocation, "grant_id": "g1"}),
    ]
    texts = [t for _w, t in ics214(fold(events), _who(), events).activities]
    assert (
        "Authority granted by mayor to chief-li (scope stations security; kinds hold_entry; "
        "zones *, until 2025-10-09 1853 UTC+08:00)"
    ) in texts
    assert "Authority g1 revoked by mayor: shift over" in texts
    assert not any("grant.issued" in t or "Delegation:" in t for t in texts)


def test_ics214_html_and_footer_carry_every_block() -> None:
    form = ics214(fold(incident_events()), _who())
    page = ics214_html(form)
    for name in FEMA_ICS214[:7]:
        assert name in page
    footer = ics214_footer(form)
    for part in ("8. Prepared by", "Name: chief-li", "Position/Title: Incident Commander"):
        assert part in footer
    assert "Signature:" in footer and "Date/Time: 2025-10-09 1753 UTC+08:00" in footer
    assert "Page {page} of {pages}" in footer


def test_ics213_field_by_field(tmp_path: Path) -> None:
    state = fold(incident_events())
    path = tmp_path / "213.csv"
    assert export_ics(state, path, "ics213", _who()) == 2
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(ICS213_COLUMNS)
    assert [r["Order ID"] for r in rows] == ["o1", "o2"]
    m1, m2 = rows
    assert m1["1. Incident Name (Optional)"] == "Bund light show"
    assert m1["2. To (Name and Position)"] == "On-site security, Station operator, Police"
    assert m1["3. From (Name and Position)"] == "chief-li, Incident Commander"
    assert m1["4. Subject"] == "Hold entry at gates"  # the catalogue's title, not the slug
    assert m2["4. Subject"] == "Dim show"  # no title in the catalogue: the slug, readable
    assert m1["5. Date"] == "2025-10-09"
    assert m1["6. Time"] == "1654 UTC+08:00"
    assert "hold_entry now" in m1["7. Message"]
    assert "Priority: urgent." in m1["7. Message"] and "priority 2" not in m1["7. Message"]
    assert m1["8. Approved by: Name"] == "chief-li"
    assert m1["8. Approved by: Signature"].startswith("Ed25519 abab")
    assert m1["8. Approved by: Position/Title"] == "Incident Commander"
    assert m1["9. Reply"] == "completed"
    assert m2["9. Reply"] == "declined: show in final act"
    assert m1["10. Replied by: Name"] == "On-site security"  # the station's name, not its id
    assert m1["10. Replied by: Position/Title"] == "Station operator, Police"
    assert m1["10. Replied by: Signature"] == ""
    assert m1["10. Date/Time"] == "2025-10-09 1658 UTC+08:00"
    assert "CST" not in path.read_text(encoding="utf-8")


def test_ics213_html_is_one_form_per_page() -> None:
    messages = ics213(fold(incident_events()), _who())
    page = ics213_html(messages)
    for name in FEMA_ICS213:
        assert name in page
    assert page.count("GENERAL MESSAGE (ICS 213)") == 2
    assert page.count("page-break-before: always") == 1


def test_station_journal_without_incident_opened_says_its_zone() -> None:
    events = [e for e in incident_events() if e.kind != Kind.INCIDENT_OPENED]
    state = fold(events)
    utc = ics214(state, _who(role="station", owner="security", agency="Police"))
    assert utc.zone == "UTC"
    assert utc.name == "security" and utc.position == "Station operator, Police"
    assert utc.time_from.endswith(" UTC")
    configured = ics214(state, _who(role="station", owner="security", timezone="Asia/Shanghai"))
    assert configured.zone == "Asia/Shanghai (UTC+08:00)"
    assert configured.position == "Station operator"
    assert all("received from chief-li" in t for _w, t in configured.activities if "received" in t)


def test_station_journal_with_incident_opened_is_the_stations_log() -> None:
    form = ics214(fold(incident_events()), _who(role="station", owner="security"))
    assert (form.name, form.position) == ("On-site security", "Station operator, Police")
    assert form.agency == "Police / On-site security"
    assert form.zone == "Asia/Shanghai (UTC+08:00)"
    assert "Incident Commander" not in form.position


def test_unknown_form_is_refused_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown ICS form"):
        export_ics(fold([]), tmp_path / "x.csv", "ics999", Preparer())
    assert not (tmp_path / "x.csv").exists()


def test_ics213_of_an_order_without_text_starts_with_what_it_asks() -> None:
    events = without_text(incident_events(), "o2", {"level_percent": 30})
    form = next(f for f in ics213(fold(events), _who()) if f.subject == "Dim show")
    lines = form.message.split("\n")
    assert lines[0] == "Zone: z-chenyi." and "Parameters: level percent 30." in lines
