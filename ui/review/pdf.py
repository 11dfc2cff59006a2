"""Print HTML to PDF through Qt (QTextDocument on a QPdfWriter): the after-action report, and
the ICS forms with a footer (signature line, "Page N of M") on every page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from command.errors import BatonError


def check_writable(path: Path) -> None:
    """Refuse, in one line, a path that cannot be written; a missing folder is never made."""
    parent = path.parent
    if not parent.is_dir():
        raise BatonError(
            f"cannot write {path}: folder {parent} does not exist; "
            "create it first or choose another -o path"
        )
    try:
        with open(path, "ab"):
            pass
    except OSError as err:
        raise BatonError(f"cannot write {path}: {err.strerror}; choose another -o path") from None


def _writer(path: Path, title: str) -> QPdfWriter:
    check_writable(path)
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
    return writer


def write_pdf(html: str, path: Path, title: str = "") -> None:
    """Render `html` to an A4 PDF at `path`. Needs a QGuiApplication."""
    writer = _writer(path, title)
    doc = QTextDocument()
    doc.setHtml(html)
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    doc.setPageSize(QSizeF(rect.width(), rect.height()))
    doc.print_(writer)


def write_paged_pdf(html: str, path: Path, title: str, footer: str) -> int:
    """Render `html` to an A4 PDF at `path` with `footer` at the foot of every page, its
    `{page}` and `{pages}` filled in ("Page 2 of 3"); returns the page count. Needs a
    QGuiApplication."""
    writer = _writer(path, title)
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)
    doc.setHtml(html)
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    font = QFont()
    font.setPointSizeF(7.5)
    lines = footer.count("\n") + 1
    footer_h = int(writer.resolution() * 0.16 * lines) + writer.resolution() // 10
    page_h = rect.height() - footer_h
    doc.setPageSize(QSizeF(rect.width(), page_h))
    pages = max(1, doc.pageCount())
    painter = QPainter(writer)
    try:
        for i in range(pages):
            if i:
                writer.newPage()
            painter.save()
            painter.translate(0, -i * page_h)
            doc.drawContents(painter, QRectF(0, i * page_h, rect.width(), page_h))
            painter.restore()
            painter.setFont(font)
            painter.drawLine(0, page_h + 4, rect.width(), page_h + 4)
            painter.drawText(
                QRectF(0, page_h + 8, rect.width(), footer_h - 8),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                footer.replace("{page}", str(i + 1)).replace("{pages}", str(pages)),
            )
    finally:
        painter.end()
    return pages
