"""`baton cap show`: what Baton makes of each alert, as text or JSON; bad files in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from command.cap.signature import TRUST_ENV
from data import CAP_EXAMPLE
from tests.command.cap.alerts import MANY_GEOCODES, alert_xml, edxl, key_and_cert, sign
from ui.cli import main


@pytest.fixture(autouse=True)
def _no_env_trust(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TRUST_ENV, raising=False)


def test_show_prints_header_infos_areas_signature_and_playbooks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "storm.xml"
    path.write_text(alert_xml(status="Exercise"), encoding="utf-8")
    assert main(["cap", "show", str(path), "--lang", "is-IS"]) == 0
    out = capsys.readouterr().out
    assert "CAP 1.2: IMO-2026-0001 [EXERCISE]" in out
    assert "status Exercise, msgType Alert" in out
    assert "info 2 [is-IS] (shown): Óveður á Suðurlandi → óveður_á_suðurlandi" in out
    assert "info 3 [zh-CN]: 台风红色预警 → 台风红色预警" in out
    assert "area Vík og nágrenni: 1 polygons, 2 circles, 3 geocodes" in out
    assert "parameter VTEC = a" in out
    assert "onset 2026-02-03T12:00:00-00:00" in out
    assert "signature: unsigned" in out
    assert (
        "playbooks: never triggers (status Exercise: only Actual alerts trigger playbooks)" in out
    )


def test_show_json_for_an_edxl_distribution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dist.xml"
    refs = "vakt@vedur.example.is,IMO-A,2026-02-03T08:00:00-00:00"
    path.write_text(
        edxl(
            alert_xml(identifier="IMO-A", infos=MANY_GEOCODES),
            alert_xml(identifier="IMO-B", msg_type="Update", references=refs),
        ),
        encoding="utf-8",
    )
    assert main(["cap", "show", "--json", str(path), str(CAP_EXAMPLE)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [d["identifier"] for d in doc] == ["IMO-A", "IMO-B", "KAR0-0306112239-SW"]
    first, second, amber = doc
    assert first["envelope"] == "EDXL-DE 1.0" and first["distribution"] == "DIST-42"
    assert first["counts"]["geocodes"] == 36 and first["kind"] == "flood_warning"
    assert first["triggers_playbooks"] is True
    assert second["msgType"] == "Update" and second["references"] == [refs]
    assert amber["envelope"] == "" and [i["language"] for i in amber["infos"]] == [
        "en-US",
        "es-US",
    ]


def test_show_signature_verdicts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key, cert = key_and_cert()
    signed = tmp_path / "signed.xml"
    signed.write_bytes(sign(alert_xml(), key, cert))
    tampered = tmp_path / "tampered.xml"
    tampered.write_bytes(signed.read_bytes().replace(b"Severe storm on", b"Mild storm on"))
    trust = tmp_path / "trust.pem"
    trust.write_bytes(cert)
    assert main(["cap", "show", "--json", "--trust", str(trust), str(signed), str(tampered)]) == 0
    valid, invalid = json.loads(capsys.readouterr().out)
    assert valid["signature"]["verdict"] == "valid"
    assert invalid["signature"]["verdict"] == "invalid" and "SIGNATURE INVALID" in invalid["marks"]
    assert main(["cap", "show", str(signed)]) == 0
    assert "signature: signed, no trusted key" in capsys.readouterr().out


def test_bad_files_are_one_line_each_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<alert", encoding="utf-8")
    good = tmp_path / "good.xml"
    good.write_text(alert_xml(), encoding="utf-8")
    argv = ["cap", "show", str(bad), str(tmp_path / "missing.xml"), str(tmp_path), str(good)]
    assert main(argv) == 1
    captured = capsys.readouterr()
    errors = captured.err.strip().splitlines()
    assert len(errors) == 3 and all(e.startswith("baton: ") for e in errors)
    assert "not well-formed XML" in errors[0] and "Traceback" not in captured.err
    assert "IMO-2026-0001" in captured.out  # the good file is still shown


def test_bad_trust_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.xml"
    good.write_text(alert_xml(), encoding="utf-8")
    assert main(["cap", "show", "--trust", str(tmp_path / "none.pem"), str(good)]) == 2
    assert capsys.readouterr().err.startswith("baton: ")
