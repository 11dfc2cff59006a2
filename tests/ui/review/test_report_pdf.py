"""The after-action report as PDF: pages, embedded plot images, text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from command.errors import BatonError
from command.fold import fold
from command.review.report import Plot, build_report, render_html
from tests.command.review.events import T0, incident_events
from ui.review.pdf import write_pdf
from ui.review.plots import SeriesPlot, render_png


def _embedded_images(reader: PdfReader) -> int:
    """Image XObjects on every page (counted without decoding them)."""
    count = 0
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        for ref in xobjects.values():
            if ref.get_object().get("/Subtype") == "/Image":
                count += 1
    return count


def _density_plot(zone: str = "Chenyi Square") -> SeriesPlot:
    times = [T0 + 60 * i for i in range(120)]
    values = [1.0 + 3.0 * (i / 119) for i in range(120)]
    return SeriesPlot(
        f"{zone} — crowd density",
        "people/m²",
        times,
        values,
        {"blue": 1.5, "yellow": 2.0, "orange": 3.0, "red": 4.0},
    )


def test_plot_renders_a_png(qtbot: QtBot) -> None:
    png = render_png(_density_plot(), width=600, height=240)
    image = QImage.fromData(png, "PNG")
    assert (image.width(), image.height()) == (600, 240)
    assert not image.isNull()


def test_pdf_has_pages_text_and_embedded_plots(qtbot: QtBot, tmp_path: Path) -> None:
    plots = [Plot(p.title, render_png(p)) for p in (_density_plot(), _density_plot("Jinling"))]
    report = build_report(
        fold(incident_events()), integrity="intact", integrity_ok=True, plots=plots
    )
    path = tmp_path / "report.pdf"
    write_pdf(render_html(report), path, report.title)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    assert len(reader.pages) >= 1
    assert _embedded_images(reader) >= 2
    text = " ".join("".join(page.extract_text() for page in reader.pages).split())
    assert "After-action report" in text
    assert "Response times per agency" in text


def test_unwritable_pdf_path_is_one_line(qtbot: QtBot, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(BatonError, match=r"cannot write .*choose another -o path"):
        write_pdf("<p>x</p>", blocker / "report.pdf")
