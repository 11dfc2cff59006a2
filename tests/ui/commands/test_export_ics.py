"""`baton export -f ics214-pdf / ics213-pdf` and the ICS CSVs of console and station journals:
printed through Qt with the signature line and "Page N of M"; a missing folder is refused."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.command.review.journals import build_console_journal, build_station_journal
from ui.cli import main


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_console_journal(tmp_path_factory.mktemp("c") / "console.sqlite")


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_station_journal(tmp_path_factory.mktemp("s") / "security.sqlite")


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _pages(path: Path) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]


def test_ics214_pdf_has_every_block_signature_line_and_page_numbers(
    console: Path, tmp_path: Path
) -> None:
    out = tmp_path / "214.pdf"
    assert main(["export", str(console), "-f", "ics214-pdf", "-o", str(out)]) == 0
    pages = _pages(out)
    text = " ".join(pages)
    for block in ("1. Incident Name", "2. Operational Period", "3. Name", "4. ICS Position"):
        assert block in text
    for block in ("5. Home Agency (and Unit)", "6. Resources Assigned", "7. Activity Log"):
        assert block in text
    for n, page in enumerate(pages, 1):
        assert f"ICS 214, Page {n} of {len(pages)}" in page
        assert "8. Prepared by" in page and "Signature:" in page and "Position/Title:" in page
    assert "UTC+08:00" in text and "CST" not in text


def test_ics213_pdf_is_one_form_per_page(console: Path, tmp_path: Path) -> None:
    out = tmp_path / "213.pdf"
    assert main(["export", str(console), "-f", "ics213-pdf", "-o", str(out)]) == 0
    csv_out = tmp_path / "213.csv"
    assert main(["export", str(console), "-f", "ics213", "-o", str(csv_out)]) == 0
    with csv_out.open(encoding="utf-8", newline="") as f:
        orders = len(list(csv.DictReader(f)))
    pages = _pages(out)
    assert len(pages) >= orders >= 1
    for n, page in enumerate(pages, 1):
        assert f"ICS 213, Page {n} of {len(pages)}" in page
    text = " ".join(pages)
    for field in ("4. Subject", "8. Approved by: Name", "8. Approved by: Position/Title"):
        assert field in text
    for field in ("9. Reply", "10. Replied by: Name", "10. Replied by: Signature"):
        assert field in text


def test_station_ics214_is_the_stations_own_log_in_a_stated_zone(
    station: Path, tmp_path: Path
) -> None:
    out = tmp_path / "214.csv"
    args = ["export", str(station), "-f", "ics214", "-o", str(out), "--agency", "Huangpu police"]
    assert main(args) == 0
    rows = _rows(out)
    assert rows[0][-1] == "UTC"  # no incident.opened, no configured zone: said to be UTC
    assert ["4. ICS Position", "Station operator, Huangpu police"] in rows
    assert not any("Incident Commander" in cell for row in rows for cell in row)
    zoned = tmp_path / "214-sh.csv"
    assert main([*args[:4], "-o", str(zoned), "--timezone", "Asia/Shanghai"]) == 0
    rows = _rows(zoned)
    assert rows[0][-1] == "Asia/Shanghai (UTC+08:00)"


@pytest.mark.parametrize("fmt", ["ics214", "ics213-pdf", "html", "cap"])
def test_a_missing_folder_is_one_line_and_never_made(
    console: Path, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nonexistent-dir"
    assert main(["export", str(console), "-f", fmt, "-o", str(missing / "x.out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"folder {missing} does not exist" in err and "create it first" in err
    assert not missing.exists()


def test_an_unknown_timezone_is_one_line(
    station: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.csv"
    args = ["export", str(station), "-f", "ics214", "-o", str(out), "--timezone", "Mars/Base"]
    assert main(args) == 2
    assert "unknown time zone 'Mars/Base'" in capsys.readouterr().err
