"""Public alerts from the console: valid CAP or nothing journaled; decision and alert together;
language versions; Update and Cancel reference the alert they follow."""

from __future__ import annotations

import pytest
from lxml import etree

from command.cap.export import AlertText, PublicAlert, validate_cap
from command.cap.profile import CapError
from command.clock import ManualClock
from command.console_post import ConsolePost
from command.fold import fold
from command.journal import Journal
from command.public_alerts import (
    alert_identifier,
    follow_up_alert,
    issue_public_alert,
    zone_rings,
)
from command.signing import Signer
from command.vocabulary import Kind
from tests.protocols.wiring import incident

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


@pytest.fixture
def post() -> ConsolePost:
    clock = ManualClock(1_785_190_000.0)
    journal = Journal.in_memory(clock=clock, owner="console", role="console")
    return ConsolePost(journal, clock, Signer.generate("commander"), ("g1",), incident())


def alert(**changes: object) -> PublicAlert:
    base: dict[str, object] = dict(
        identifier=alert_identifier("INC 1/bund", 1_785_190_000.0),
        sender="commander@bund.example",
        sent=1_785_190_000.0,
        event="Crowd crush risk",
        headline="Avoid the Bund promenade",
        description="The promenade is full.",
        area_desc="Bund promenade",
        instruction="Use Nanjing Road East instead.",
        response_types=("Avoid",),
        web="https://example.org/bund",
        contact="12345",
        timezone="Asia/Shanghai",
        polygons=(((121.49, 31.23), (121.50, 31.23), (121.50, 31.24)),),
        translations=(
            AlertText("zh-CN", "踩踏风险", "请避开外滩滨江步道", "步道已满。", "请改走南京东路。"),
        ),
    )
    base.update(changes)
    return PublicAlert(**base)  # type: ignore[arg-type]


def test_identifier_is_a_valid_cap_identifier() -> None:
    ident = alert_identifier("INC 1/bund", 1_785_190_000.0)
    assert " " not in ident and "/" not in ident and ident.startswith("BATON-INC-1-bund-")


def test_issuing_journals_the_decision_and_the_alert_together(post: ConsolePost) -> None:
    a = alert()
    issued = issue_public_alert(post, a, "density 4.1/m² and rising")
    assert validate_cap(issued.xml) == []
    kinds = [e.kind for e in post.journal.events()]
    assert kinds[-2:] == [Kind.DECISION_ADDED, Kind.ALERT_ISSUED]
    state = fold(post.journal.events())
    shown = [row for row in state.alerts.rows if row.issued]
    assert [row.id for row in shown] == [a.identifier]
    assert "Avoid the Bund promenade" in state.decisions.rows[-1].decision.decision


def test_every_language_version_is_an_info_with_the_same_area(post: ConsolePost) -> None:
    xml = issue_public_alert(post, alert(), "why").xml
    infos = etree.fromstring(xml).findall(f"{CAP}info")
    assert [i.findtext(f"{CAP}language") for i in infos] == ["en-US", "zh-CN"]
    assert infos[1].findtext(f"{CAP}headline") == "请避开外滩滨江步道"
    for info in infos:
        assert info.findtext(f"{CAP}responseType") == "Avoid"
        assert info.findtext(f"{CAP}web") == "https://example.org/bund"
        assert info.find(f"{CAP}area/{CAP}polygon") is not None


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"urgency": "Soon-ish"}, "urgency"),
        ({"response_types": ("Run",)}, "response type"),
        ({"event": " "}, "event"),
        ({"identifier": "has space"}, "identifier"),
        ({"translations": (AlertText("en-US", "e", "h", "d"),)}, "two versions"),
    ],
)
def test_an_invalid_alert_is_refused_and_nothing_is_journaled(
    post: ConsolePost, changes: dict[str, object], words: str
) -> None:
    before = post.journal.head
    with pytest.raises(CapError, match=words):
        issue_public_alert(post, alert(**changes), "why")
    assert post.journal.head == before


def test_a_rationale_is_required_and_identifiers_are_not_reused(post: ConsolePost) -> None:
    with pytest.raises(CapError, match="rationale"):
        issue_public_alert(post, alert(), "  ")
    a = alert()
    issue_public_alert(post, a, "why")
    with pytest.raises(CapError, match="already issued"):
        issue_public_alert(post, a, "again")


@pytest.mark.parametrize("msg_type", ["Update", "Cancel"])
def test_update_and_cancel_reference_the_issued_alert(post: ConsolePost, msg_type: str) -> None:
    first = alert()
    issue_public_alert(post, first, "why")
    later = follow_up_alert(post, first.identifier, msg_type, "all clear", now=first.sent + 600)
    assert validate_cap(later.xml) == []
    assert first.identifier in later.alert.references
    state = fold(post.journal.events())
    row = state.alerts.get(first.identifier)
    assert row is not None
    assert (row.cancelled_by if msg_type == "Cancel" else row.updated_by) == later.alert.identifier


def test_following_up_an_alert_never_issued_is_refused(post: ConsolePost) -> None:
    with pytest.raises(CapError, match="no public alert"):
        follow_up_alert(post, "BATON-x", "Cancel", "why", now=1.0)


def test_zone_rings_from_geojson_and_a_zone_without_outline() -> None:
    feature = {
        "type": "Feature",
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[121.0, 31.0], [121.1, 31.0], [121.1, 31.1]]],
        },
    }
    rings = zone_rings({"z1": feature}, ["z1"])
    assert rings and rings[0][0] == (121.0, 31.0)
    with pytest.raises(CapError, match="z2"):
        zone_rings({"z1": feature}, ["z2"])
