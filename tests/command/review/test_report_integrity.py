"""The report's integrity section (issue #14), from a real signed and witnessed journal."""

from __future__ import annotations

from pathlib import Path

from command.fold import fold
from command.review.integrity import integrity_section, render_integrity_html
from command.review.loading import load_journal
from command.review.report import build_report, render_html
from command.review.timefmt import local_time, zone_or_utc
from tests.command.review.witnessed import write_witnessed


def _when(ts: float | None) -> str:
    return "—" if ts is None else local_time(ts, zone_or_utc("Asia/Shanghai"))


def test_section_from_a_witnessed_journal_with_a_refusal(tmp_path: Path) -> None:
    run = write_witnessed(tmp_path / "console.sqlite")
    loaded = load_journal(run.path)
    try:
        ok, line = loaded.verdict()
    finally:
        loaded.close()
    section = integrity_section(fold(run.events), line, ok, _when)
    assert section.signed_to == 12 and section.checkpoints == 3
    assert section.policy == "every 3 events / 10 s"
    assert section.unsigned_tail == 0 and section.closed
    assert [(n, seq, c) for n, seq, _, c in section.witnesses] == [
        ("Metro", 3, 1),
        ("Traffic police", 8, 2),
    ]
    [refusal] = section.refusals
    assert (refusal.witness, refusal.checkpoint, refusal.reason) == ("Metro", 8, "fork")
    assert "witness held #8" in refusal.evidence and "a different head" in refusal.evidence
    assert not section.ok  # a refusal is never "intact"
    page = render_integrity_html(section)
    assert "<h2>Integrity</h2>" in page
    assert "<tr><th>Signed up to seq</th><td>12 (3 checkpoints)</td></tr>" in page
    assert "<tr><th>Unsigned tail</th><td>0 events</td></tr>" in page
    assert "<td>Traffic police</td><td>8</td>" in page
    assert "<td>Metro</td><td>8</td><td>fork</td>" in page
    assert "not yet" in page
    assert line in page  # the verify verdict line


def test_acknowledged_refusal_and_an_unsigned_journal(tmp_path: Path) -> None:
    run = write_witnessed(tmp_path / "acked.sqlite", acknowledged=True)
    section = integrity_section(fold(run.events), "intact", True, _when)
    assert section.refusals[0].acknowledged == "chief-li"
    bare = integrity_section(fold(run.events[:3]), "intact: 3 events", True, _when)
    assert bare.ok and bare.signed_to == 0 and bare.unsigned_tail == 3
    assert bare.policy == "—" and bare.last_checkpoint == "—"
    page = render_integrity_html(bare)
    assert "No witness cosigned" in page and "class='ok'" in page


def test_the_report_carries_the_section(tmp_path: Path) -> None:
    run = write_witnessed(tmp_path / "console.sqlite")
    report = build_report(fold(run.events), integrity="intact: 13 events", integrity_ok=True)
    assert report.integrity_detail is not None and report.integrity_detail.signed_to == 12
    page = render_html(report)
    assert "<h2>Integrity</h2>" in page
    assert "<p class='bad'><b>Integrity:</b> intact: 13 events — 1 refusal(s) by witnesses" in page
    assert page.index("<h2>Integrity</h2>") < page.index("<h2>Escalations</h2>")
