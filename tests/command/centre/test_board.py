"""The centre board fold, from hand-built centre journals (`site.event` mirrors and the centre's
own grants, link, SITREP and witness events)."""

from __future__ import annotations

from command.centre import CentreBoard, path_key
from command.clock import ManualClock
from command.fold import fold
from command.journal import Journal
from command.vocabulary import Checkpoint, SiteEvent
from tests.command.centre.sites import (
    Cosigned,
    GrantRecorded,
    LinkChanged,
    RefusalReason,
    SitrepRequested,
    SitrepSent,
    WitnessRefused,
    checkpoint,
    grant_doc,
    mirror,
    site_journal,
)


def centre_journal(clock: ManualClock, name: str = "district") -> Journal:
    """An empty centre journal."""
    return Journal.in_memory(clock=clock, owner=name, role="centre")


def test_two_incidents_have_the_counts_of_their_own_fold() -> None:
    clock = ManualClock()
    bund = site_journal(clock, "bund", "INC-B", orders=3, level=4)
    ferry = site_journal(clock, "ferry", "INC-F", orders=5, level=2)
    centre = centre_journal(clock)
    mirror(centre, bund)
    mirror(centre, ferry)
    board = CentreBoard()
    board.apply_all(centre.events())
    assert [r.key for r in board.incidents()] == ["bund", "ferry"]
    for site in (bund, ferry):
        row = board.get(site.name)
        assert row is not None
        assert row.counts == fold(site.journal.events()).counts()
    rows = {r.site: r for r in board.rows}
    assert (rows["bund"].open, rows["bund"].late, rows["bund"].declined) == (2, 1, 1)
    assert rows["ferry"].open == 4 and rows["ferry"].escalations_open == 1
    assert rows["bund"].worst_level == 4 and rows["ferry"].worst_level == 2
    assert rows["bund"].incident == "INC-B" and rows["bund"].title == "bund incident"


def test_new_events_update_rows_without_refolding() -> None:
    clock = ManualClock()
    bund = site_journal(clock, "bund", "INC-B")
    centre = centre_journal(clock)
    last = mirror(centre, bund)
    board = CentreBoard()
    inserted: list[int] = []
    changed: list[int] = []

    class Listener:
        def rows_about_to_be_inserted(self, first: int, last: int) -> None:
            inserted.append(first)

        def rows_inserted(self) -> None:
            pass

        def row_changed(self, row: int) -> None:
            changed.append(row)

        def about_to_reset(self) -> None:
            raise AssertionError("no resets")

        def reset_done(self) -> None:
            raise AssertionError("no resets")

    board.listener = Listener()
    board.apply_all(centre.events())
    fold_of_bund = board.site("bund")
    assert fold_of_bund is not None
    folded = fold_of_bund.state.events
    head = centre.head[0]
    from tests.command.journal.helpers import issue

    issue(bund.journal, clock)
    mirror(centre, bund, after=last)
    board.apply_all(centre.events(after_seq=head))
    assert fold_of_bund.state.events == folded + 2  # the decision and the order, nothing refolded
    assert inserted == [0] and changed == [0]
    row = board.get("bund")
    assert row is not None and row.counts == fold(bund.journal.events()).counts()


def test_centre_grant_link_and_countdown() -> None:
    clock = ManualClock()
    bund = site_journal(clock, "bund", "INC-B")
    centre = centre_journal(clock)
    centre.record(LinkChanged("bund", True))
    # the grant arrives before any of the site's events: matched by incident once they do
    centre.record(GrantRecorded(grant_doc("G1", "INC-B", "chief-li", clock.now() + 1200)))
    mirror(centre, bund)
    board = CentreBoard()
    board.apply_all(centre.events())
    row = board.get("bund")
    assert row is not None
    assert row.commander == "chief-li" and row.grant_id == "G1" and row.key_id
    assert row.time_left(clock.now()) == 1200
    assert row.scope_text() == "stations traffic; kinds close_lane; zones promenade"
    assert row.link_up is True and row.last_heard == clock.now()
    clock.advance(60)
    centre.record(LinkChanged("bund", False, "heartbeat lost"))
    board.apply_all(centre.events(after_seq=centre.head[0] - 1))
    row = board.get("bund")
    assert row is not None and row.link_up is False and row.last_heard == clock.now() - 60


def test_revocation_and_handover_follow_the_grant() -> None:
    from command.vocabulary import GrantRevoked, Handover

    clock = ManualClock()
    bund = site_journal(clock, "bund", "INC-B")
    centre = centre_journal(clock)
    mirror(centre, bund)
    centre.record(GrantRecorded(grant_doc("G1", "INC-B", "chief-li", clock.now() + 3600)))
    centre.record(
        Handover(
            "chief-li",
            "deputy-wang",
            "G1",
            grant_doc("G2", "INC-B", "deputy-wang", clock.now() + 3600),
            {"grant_id": "G1", "reason": "handover"},
            clock.now(),
        )
    )
    board = CentreBoard()
    board.apply_all(centre.events())
    row = board.get("bund")
    assert row is not None and (row.commander, row.grant_id) == ("deputy-wang", "G2")
    centre.record(GrantRevoked({"grant_id": "G2", "reason": "stood down"}, "G2"))
    board.apply_all(centre.events(after_seq=centre.head[0] - 1))
    row = board.get("bund")
    assert row is not None and row.revoked and row.time_left(clock.now()) == 0.0


def test_sitrep_overdue_then_answered() -> None:
    clock = ManualClock()
    bund = site_journal(clock, "bund", "INC-B")
    centre = centre_journal(clock)
    last = mirror(centre, bund)
    centre.record(SitrepRequested("S1", "bund", clock.now() + 600, "duty officer", "crowd?"))
    board = CentreBoard()
    board.apply_all(centre.events())
    row = board.get("bund")
    assert row is not None
    assert [s.sitrep_id for s in row.open_sitreps()] == ["S1"]
    assert row.overdue_sitreps(clock.now()) == []
    assert [s.sitrep_id for s in row.overdue_sitreps(clock.now() + 601)] == ["S1"]
    clock.advance(700)
    head = centre.head[0]
    bund.journal.record(SitrepSent("S1", {"open": 2}, "holding", "chief-li"))
    mirror(centre, bund, after=last)
    board.apply_all(centre.events(after_seq=head))
    row = board.get("bund")
    assert row is not None and row.open_sitreps() == []
    answer = row.last_answer()
    assert answer is not None and answer.remarks == "holding" and answer.answered_late


def test_last_witnessed_checkpoint_and_its_cosigners() -> None:
    clock = ManualClock()
    bund = site_journal(clock, "bund", "INC-B")
    centre = centre_journal(clock)
    mirror(centre, bund)
    cp = checkpoint(bund, 5, ts=clock.now())
    centre.record(Cosigned(cp, "district", "44" * 32, int(clock.now()), "sig"))
    bund.journal.record(Cosigned(cp, "traffic", "55" * 32, int(clock.now()), "sig", mine=False))
    mirror(centre, bund, after=bund.journal.head[0] - 1)
    board = CentreBoard()
    board.apply_all(centre.events())
    row = board.get("bund")
    assert row is not None and row.checkpoint is not None
    assert row.checkpoint.head_seq == 5 and row.checkpoint.witnesses == ("district", "traffic")
    assert row.alarm == ""


def test_a_refusal_or_a_disagreeing_head_raises_the_alarm() -> None:
    clock = ManualClock()
    bund = site_journal(clock, "bund", "INC-B")
    ferry = site_journal(clock, "ferry", "INC-F")
    centre = centre_journal(clock)
    mirror(centre, bund)
    mirror(centre, ferry)
    stored = checkpoint(bund, 4)
    forked = Checkpoint(4, "ff" * 32, stored.key, "sig", origin=bund.origin)
    centre.record(WitnessRefused("district", RefusalReason.FORK, stored, forked))
    # ferry: a cosigned head that differs from the mirrored event at that seq
    centre.record(Cosigned(checkpoint(ferry, 3, head_hash="ee" * 32), "district", "44", 0, "s"))
    board = CentreBoard()
    board.apply_all(centre.events())
    bund_row, ferry_row = board.get("bund"), board.get("ferry")
    assert bund_row is not None and bund_row.alarm == "district refused: fork"
    assert ferry_row is not None and "differs from the witnessed head" in ferry_row.alarm


def test_a_city_centre_lists_the_incidents_of_its_districts() -> None:
    clock = ManualClock()
    bund = site_journal(clock, "bund", "INC-B")
    ferry = site_journal(clock, "ferry", "INC-F", orders=4)
    district = centre_journal(clock, "huangpu")
    district.record(LinkChanged("bund", True))
    mirror(district, bund)
    district.record(GrantRecorded(grant_doc("G1", "INC-B", "chief-li", clock.now() + 600)))
    district.record(SitrepRequested("S1", "bund", clock.now() + 60, "huangpu duty", ""))
    city = centre_journal(clock, "city")
    city.record(LinkChanged("huangpu", True))
    for e in district.events():
        city.record(
            SiteEvent(
                "huangpu",
                "baton/centre/huangpu",
                e.seq,
                e.ts,
                e.actor,
                e.kind,
                e.incident,
                e.body,
                e.hash,
            )
        )
    mirror(city, ferry)  # a site directly under the city too
    board = CentreBoard("city")
    board.apply_all(city.events())
    keys = [r.key for r in board.incidents()]
    assert keys == [path_key(("huangpu", "bund")), "ferry"]
    nested = board.get(path_key(("huangpu", "bund")))
    assert nested is not None
    assert nested.counts == fold(bund.journal.events()).counts()
    assert nested.commander == "chief-li" and nested.link_up is True
    assert [s.sitrep_id for s in nested.open_sitreps()] == ["S1"]
    district_row = board.get("huangpu")
    assert district_row is not None and district_row.is_centre and district_row.link_up


def test_without_a_centre_grant_the_row_shows_the_sites_own() -> None:
    clock = ManualClock()
    bund = site_journal(clock, "bund", "INC-B")
    bund.journal.record(GrantRecorded(grant_doc("G-SITE", "INC-B", "chief-li", clock.now() + 60)))
    centre = centre_journal(clock)
    mirror(centre, bund)
    board = CentreBoard()
    board.apply_all(centre.events())
    row = board.get("bund")
    assert row is not None
    assert (row.commander, row.grant_id, row.valid_until) == (
        "chief-li",
        "G-SITE",
        clock.now() + 60,
    )
    assert row.key_id and row.scope_text().startswith("stations traffic")


def test_witnesses_that_cosigned_different_heads_at_one_seq_raise_the_alarm() -> None:
    clock = ManualClock()
    bund = site_journal(clock, "bund", "INC-B")
    centre = centre_journal(clock)
    centre.record(Cosigned(checkpoint(bund, 3), "district", "44", 0, "s"))  # the real head
    other = checkpoint(bund, 3, head_hash="bb" * 32)
    bund.journal.record(Cosigned(other, "traffic", "55", 0, "s", mine=False))
    mirror(centre, bund)
    board = CentreBoard()
    board.apply_all(centre.events())
    row = board.get("bund")
    assert row is not None and row.alarm.startswith("witnesses disagree at seq 3")
    assert (row.alarm_template, row.alarm_args[0]) == ("witnesses disagree at seq %1: %2", "3")
    fold_ = board.site("bund")
    assert fold_ is not None
    assert any(e.category == "integrity" for e in fold_.timeline.rows)


def test_a_grant_whose_incident_several_sites_share_goes_to_the_site_that_received_it() -> None:
    from command.vocabulary import GrantsReceived

    clock = ManualClock()
    bund = site_journal(clock, "bund", "INC-1")
    ferry = site_journal(clock, "ferry", "INC-1")  # both under the district's one incident
    centre = centre_journal(clock)
    last_b = mirror(centre, bund)
    mirror(centre, ferry)
    doc = grant_doc("G-NEW", "INC-1", "deputy-wang", clock.now() + 900)
    centre.record(GrantRecorded(doc, narrowed=True))
    board = CentreBoard()
    board.apply_all(centre.events())
    row = board.get("bund")
    assert row is not None and row.grant_id != "G-NEW"  # not guessed
    head = centre.head[0]
    bund.journal.record(GrantsReceived((doc,)))
    mirror(centre, bund, after=last_b)
    board.apply_all(centre.events(after_seq=head))
    bund_row, ferry_row = board.get("bund"), board.get("ferry")
    assert bund_row is not None and (bund_row.grant_id, bund_row.commander) == (
        "G-NEW",
        "deputy-wang",
    )
    assert ferry_row is not None and ferry_row.grant_id != "G-NEW"
