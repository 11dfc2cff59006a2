"""`baton replay --at` shows the fold's integrity at T (issue #14), as JSON and as a line."""

from __future__ import annotations

import json

import pytest

from tests.command.review.witnessed import Witnessed, write_witnessed
from ui.cli import main


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Witnessed:
    return write_witnessed(tmp_path_factory.mktemp("j") / "console.sqlite")


def test_json_integrity_before_and_after_the_refusal(
    run: Witnessed, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(run.path), "--at", str(run.before_refusal_ts), "--json"]) == 0
    before = json.loads(capsys.readouterr().out)["integrity"]
    assert before["signed_to"] == 8 and before["unsigned_tail"] == 0
    assert before["witnesses"]["metro"]["head_seq"] == 3
    assert before["alarms"] == [] and before["open_alarms"] == 0
    assert main(["replay", str(run.path), "--at", str(run.refusal_ts + 1000), "--json"]) == 0
    after = json.loads(capsys.readouterr().out)["integrity"]
    assert after["signed_to"] == 12 and after["closed"]
    assert after["policy"] == {"every_events": 3, "every_s": 10.0}
    [alarm] = after["alarms"]
    assert (alarm["witness"], alarm["reason"], alarm["offered_seq"]) == ("metro", "fork", 8)
    assert alarm["open"] and after["open_alarms"] == 1


def test_text_summary_has_an_integrity_line(
    run: Witnessed, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(run.path), "--at", str(run.refusal_ts)]) == 0
    out = capsys.readouterr().out
    assert (
        "  integrity: signed to #8 (2 checkpoints) · unsigned tail 2 · "
        "witnessed: metro #3, police #8 · 1 refusal(s) (1 open)\n"
    ) in out
