"""Printing the selection's timeline picture and its brief, through a print preview.

The picture printed is the export's own SVG (the same title, caption and layout as the file),
scaled to the page as vector graphics; the brief is the PDF brief's pages, with its picture
(:func:`viewer.export.pdf_brief.paint_brief_pages`). Both are made from the selection as an
export would make them, so what is printed is what would be sent.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QPageLayout, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget


def paint_picture(printer: QPrinter, svg: bytes) -> None:
    """Draw the SVG picture on ``printer``'s page, as large as fits with its proportions kept."""
    renderer = QSvgRenderer(QByteArray(svg))
    painter = QPainter(printer)
    try:
        page = QRectF(printer.pageRect(QPrinter.Unit.DevicePixel))
        page.moveTo(0, 0)
        size = renderer.defaultSize()
        scale = min(page.width() / max(size.width(), 1), page.height() / max(size.height(), 1))
        target = QRectF(0, 0, size.width() * scale, size.height() * scale)
        renderer.render(painter, target)
    finally:
        painter.end()


def preview(parent: QWidget, title: str, paint: Callable[[QPrinter], None], *, landscape: bool) -> QPrintPreviewDialog:
    """Open a print preview (non-blocking) whose pages ``paint(printer)`` draws; returns it."""
    dialog = QPrintPreviewDialog(parent)  # its own printer, which lives as long as it does
    printer = dialog.printer()
    printer.setDocName(title)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)
    dialog.setObjectName("printPreview")
    dialog.setAccessibleName(f"Print preview: {title}")
    dialog.setWindowTitle(f"Print Preview: {title}")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.resize(1000, 760)
    dialog.paintRequested.connect(paint)
    dialog.open()
    return dialog
