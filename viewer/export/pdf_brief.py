"""The brief (:mod:`viewer.export.brief`) laid out in pages: a PDF file, or a printer's pages.

The blocks are put into a Qt text document through a cursor, as plain text with formats
(never as HTML or Markdown parsed from the data, so no data text becomes markup), with the
selection's picture under the lead. The pages are painted here rather than by
``QTextDocument.print_`` so that each gets a footer (the brief's title and "Page 2 of 5") and the
picture is scaled to the text width. Source addresses are links; in a PDF they are clickable.
"""

from __future__ import annotations

from datetime import datetime
from typing import IO

from viewer.export.brief import (
    LINK_COLOUR,
    MUTED_COLOUR,
    PICTURE_HEIGHT_SHARE,
    Block,
    Brief,
    Bullets,
    Data,
    Heading,
    Inline,
    Paragraph,
    Picture,
    References,
    WebLink,
)
from viewer.export.image_export import ensure_application
from viewer.formatting import display_text
from viewer.progress import Progress

PDF_RESOLUTION = 300  # dots per inch of the layout (the PDF is vector; this is the text's grid)
MARGIN_MM = 20.0
FOOTER_PT = 22.0  # the band at the foot of each page with the title and the page number
_SIZES_PT = {1: 18.0, 2: 14.0, 3: 11.5}
BODY_PT = 10.0
REFERENCE_INDENT_PT = 24.0  # a reference's lines after the first start here, clear of "[12]"


def write_pdf_brief(
    brief: Brief, stream: IO[bytes], *, picture: bytes | None = None, now: datetime | None = None,
    progress: Progress | None = None,
) -> int:
    """Write ``brief`` as an A4 PDF, the PNG ``picture`` under its lead; returns the event count."""
    ensure_application()
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

    del now  # Qt stamps the PDF with the time it is written
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    writer.setTitle(display_text(brief.title))
    writer.setCreator("Defence Timeline")
    paint_brief_pages(brief, writer, picture=picture, progress=progress)
    buffer.close()
    stream.write(bytes(data))
    return brief.count


def paint_brief_pages(brief: Brief, device, *, picture: bytes | None = None, progress: Progress | None = None) -> int:
    """Lay out ``brief`` on the pages of ``device`` (a QPdfWriter or a QPrinter); returns the page count."""
    document = brief_document(brief, device, picture=picture, progress=progress)
    return paint_pages(document, device, display_text(brief.title))


def brief_document(brief: Brief, device, *, picture: bytes | None = None, progress: Progress | None = None):
    """The brief as a QTextDocument laid out for ``device``'s pages (less their footer)."""
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, display_text(brief.title))
    document.setDocumentMargin(0)
    width, height = device.width(), device.height() - _points(device, FOOTER_PT)
    document.setPageSize(QSizeF(width, height))
    writer = _DocumentWriter(document, device, width, picture)
    for block in brief.blocks(progress):
        writer.add(block)
    return document


def paint_pages(document, device, footer: str) -> int:
    """Paint a paginated ``document`` on ``device``, a footer with ``footer`` and the page number on each page."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QFont, QFontMetricsF, QPainter, QPalette

    pages = max(document.pageCount(), 1)
    page_height = document.pageSize().height()
    width = device.width()
    painter = QPainter(device)
    try:
        font = QFont(document.defaultFont())
        font.setPointSizeF(8)
        metrics = QFontMetricsF(font, device)
        for page in range(pages):
            if page:
                device.newPage()
            painter.save()
            painter.translate(0, -page * page_height)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(0, page * page_height, width, page_height)
            context.palette.setColor(QPalette.ColorRole.Text, QColor("black"))
            painter.setClipRect(context.clip)
            document.documentLayout().draw(painter, context)
            painter.restore()
            painter.setFont(font)
            painter.setPen(QColor(MUTED_COLOUR))
            band = QRectF(0, device.height() - metrics.height(), width, metrics.height())
            number = f"Page {page + 1} of {pages}"
            room = width - metrics.horizontalAdvance(number) - _points(device, 12)
            title = metrics.elidedText(footer, Qt.TextElideMode.ElideRight, max(room, 0))
            painter.drawText(band, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
            painter.drawText(band, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, number)
    finally:
        painter.end()
    return pages


def _points(device, points: float) -> float:
    return points * device.logicalDpiY() / 72.0


class _DocumentWriter:
    """Puts the brief's blocks into a QTextDocument through a cursor: text and formats, no markup."""

    def __init__(self, document, device, width: float, picture: bytes | None) -> None:
        from PySide6.QtGui import QTextCursor

        self._document = document
        self._device = device
        self._width = width
        self._picture = picture
        self._cursor = QTextCursor(document)
        self._first = True

    def add(self, block: Block) -> None:
        if isinstance(block, Heading):
            self._block(top=(0.0, 14.0, 10.0)[block.level - 1], bottom=(8.0, 6.0, 3.0)[block.level - 1],
                        heading=block.level)
            self._inline(block.text, size=_SIZES_PT[block.level], bold=True)
        elif isinstance(block, Paragraph):
            self._block(bottom=5.0)
            for number, line in enumerate(block.lines):
                if number:
                    self._cursor.insertText("\u2028")  # a line break inside the paragraph
                self._inline(line, colour=MUTED_COLOUR if block.role == "dates" else None)
        elif isinstance(block, Bullets):
            self._list(block)
        elif isinstance(block, References):
            self._references(block)
        elif isinstance(block, Picture) and self._picture:
            self._image()

    def _block(self, *, top: float = 0.0, bottom: float = 0.0, heading: int = 0, form=None) -> None:
        """A new block; ``form`` (a block format of a list's item) makes it an item of that list:
        joining by format costs nothing, where ``QTextList.add`` renumbers the whole list each time."""
        from PySide6.QtGui import QColor, QTextBlockFormat, QTextCharFormat

        form = QTextBlockFormat(form) if form is not None else QTextBlockFormat()
        form.setTopMargin(_points(self._device, top))
        form.setBottomMargin(_points(self._device, bottom))
        form.setHeadingLevel(heading)
        if heading:
            form.setPageBreakPolicy(QTextBlockFormat.PageBreakFlag.PageBreak_Auto)
        plain = QTextCharFormat()  # the block's own: what a list's number or bullet is drawn in
        plain.setFontPointSize(BODY_PT)
        plain.setForeground(QColor("black"))
        if self._first:
            self._cursor.setBlockFormat(form)
            self._cursor.setBlockCharFormat(plain)
            self._first = False
        else:
            self._cursor.insertBlock(form, plain)

    def _item(self, lists: dict, level: int, style, *, bottom: float) -> None:
        """A new block as an item of the list of ``level`` in ``lists``, the list made when there is none."""
        from PySide6.QtGui import QTextListFormat

        if level in lists:
            self._block(bottom=bottom, form=lists[level])
            return
        self._block(bottom=bottom)
        form = QTextListFormat()
        form.setStyle(style)
        form.setIndent(level)
        self._cursor.createList(form)
        lists[level] = self._cursor.blockFormat()

    def _references(self, block: References) -> None:
        """The sources numbered "[1]", "[2]"…, each a paragraph with a hanging indent (a list of
        thousands of items would make Qt renumber it at every item)."""
        from PySide6.QtGui import QTextBlockFormat

        hanging = _points(self._device, REFERENCE_INDENT_PT)
        for entry in block.entries:
            self._block(bottom=3.0)
            form = QTextBlockFormat(self._cursor.blockFormat())
            form.setLeftMargin(hanging)
            form.setTextIndent(-hanging)
            self._cursor.setBlockFormat(form)
            self._inline((f"[{entry.number}] ", *entry.text))

    def _list(self, block: Bullets) -> None:
        from PySide6.QtGui import QTextListFormat

        styles = {1: QTextListFormat.Style.ListDisc, 2: QTextListFormat.Style.ListCircle}
        lists: dict = {}
        for item in block.items:
            for level, text in ((1, item.text), *((2, child) for child in item.children)):
                self._item(lists, level, styles[level], bottom=2.0)
                self._inline(text)
            lists.pop(2, None)  # the next item's children are a list of their own
        form = self._cursor.blockFormat()
        form.setBottomMargin(_points(self._device, 5.0))  # the list ends as a paragraph does
        self._cursor.setBlockFormat(form)

    def _inline(self, parts: Inline, *, size: float = BODY_PT, bold: bool = False, colour: str | None = None) -> None:
        from PySide6.QtGui import QColor, QFont, QTextCharFormat

        plain = QTextCharFormat()
        plain.setFontPointSize(size)
        plain.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        if colour:
            plain.setForeground(QColor(colour))
        for part in _merged(parts):
            if isinstance(part, str):
                self._cursor.insertText(part, plain)
            elif isinstance(part, WebLink):
                link = QTextCharFormat(plain)
                link.setAnchor(True)
                link.setAnchorHref(part.url)
                link.setForeground(QColor(LINK_COLOUR))
                link.setFontUnderline(True)
                self._cursor.insertText(display_text(part.url), link)

    def _image(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QImage, QTextDocument, QTextImageFormat

        image = QImage.fromData(self._picture or b"", "PNG")
        if image.isNull():
            return
        self._block(bottom=8.0)
        name = "brief:picture"
        self._document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
        form = QTextImageFormat()
        form.setName(name)
        ratio = image.height() / max(image.width(), 1)
        width = min(self._width, self._document.pageSize().height() * PICTURE_HEIGHT_SHARE / ratio)
        scale = self._device.logicalDpiY() / 96.0  # Qt scales an image's size by the device's dots per 96
        form.setWidth(width / scale)
        form.setHeight(width * ratio / scale)
        self._cursor.insertImage(form)


def _merged(parts: Inline) -> list[str | WebLink]:
    """The parts as runs of plain text (data text made displayable, citations as "[3]") between links."""
    runs: list[str | WebLink] = []
    texts: list[str] = []
    for part in parts:
        if isinstance(part, WebLink):
            if texts:
                runs.append("".join(texts))
                texts = []
            runs.append(part)
        else:
            texts.append(part if isinstance(part, str) else
                         display_text(part.text) if isinstance(part, Data) else f"[{part.number}]")
    if texts:
        runs.append("".join(texts))
    return runs
