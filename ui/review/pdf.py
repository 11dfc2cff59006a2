"""Print the after-action report's HTML to PDF through Qt (QTextDocument on a QPdfWriter)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from command.errors import BatonError


def write_pdf(html: str, path: Path, title: str = "") -> None:
    """Render `html` to an A4 PDF at `path`. Needs a QGuiApplication."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab"):
            pass
    except OSError as err:
        raise BatonError(f"cannot write {path}: {err.strerror}; choose another -o path") from None
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("Baton")
    writer.setResolution(150)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    doc = QTextDocument()
    doc.setHtml(html)
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    doc.setPageSize(QSizeF(rect.width(), rect.height()))
    doc.print_(writer)
