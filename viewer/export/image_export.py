"""PNG, SVG and PDF pictures of the timeline showing exactly the chosen events.

The picture is the real timeline widget rendered offscreen: the events' span fitted to the
chosen width, their lanes, the ruler, labels, links and the legend. SVG and PDF are vector.
PNG is drawn at twice the pixel density so that it stays sharp when printed, less when that
would exceed :data:`MAX_PNG_PIXELS` or :data:`MAX_PNG_SIDE` (a wide picture with many lanes),
so that drawing one never needs more than about half a gigabyte whatever the width or lanes.
Above the timeline a title and the dates it shows, below it the sources and the data file
(:mod:`viewer.export.picture_frame`), painted in the same logical pixels in every format.
A size preset (:data:`SIZES`: a 16:9 slide, an A4 landscape page) fits the timeline into a
page of fixed size; otherwise the picture is as high as its lanes need.

The limits below are the one definition of what a picture may be: the command line and the
window's export dialog use them too.
"""

from __future__ import annotations

import math
import os
import re
import sys
from typing import IO

from viewer.export.catalogue import DEFAULT_WIDTH, MAX_WIDTH, MIN_WIDTH, PICTURE_FORMATS, SIZES, PictureSize
from viewer.export.picture_frame import PictureCaption, PictureFrame, caption_from_data
from viewer.store.errors import ExportError
from viewer.store.masks import Marked
from viewer.timeline.data import TimelineData

MIN_HEIGHT = 240
MAX_HEIGHT = 20_000  # the picture's height follows its lanes and legend, up to this
PNG_DENSITY = 2.0  # pixels per point when the picture is small enough
MAX_PNG_PIXELS = 100_000_000  # 400 MB of pixels at 4 bytes each: the memory bound of a PNG
MAX_PNG_SIDE = 32_767  # the widest image many decoders (browsers, Windows) open
MIN_FRAME_TEXT_SCALE = 0.8  # the title and caption shrink with a timeline fitted into a page, down to this

# Characters XML 1.0 forbids, whoever drew them (QSvgGenerator writes text as given).
_NOT_XML_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_XML_CHARACTER = re.compile("[\ud800-\udfff\ufffe\uffff]")


def check_width(width: int) -> None:
    """Refuse a width outside :data:`MIN_WIDTH`..:data:`MAX_WIDTH` with an :class:`ExportError`."""
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ExportError(f"the picture width must be between {MIN_WIDTH} and {MAX_WIDTH} pixels, not {width}")


def picture_height(preferred: float) -> int:
    """The height of a picture whose content wants ``preferred`` pixels (clamped to the limits)."""
    return int(min(max(preferred, MIN_HEIGHT), MAX_HEIGHT))


def png_density(width: int, height: int) -> float:
    """Pixels per point for a ``width`` × ``height`` PNG: :data:`PNG_DENSITY`, less when too large."""
    fit_pixels = math.sqrt(MAX_PNG_PIXELS / (width * height))
    fit_side = MAX_PNG_SIDE / max(width, height)
    density = min(PNG_DENSITY, fit_pixels, fit_side)
    # Rounded down to 1/64 so the pixel size below never exceeds the bounds through rounding.
    return max(math.floor(density * 64) / 64, 1 / 64)


def png_size(width: int, height: int) -> tuple[int, int]:
    """The pixel size of the PNG of a ``width`` × ``height`` picture."""
    density = png_density(width, height)
    return math.ceil(width * density), math.ceil(height * density)


def ensure_application() -> None:
    """A Qt application must exist to paint; without a display, paint offscreen."""
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QApplication(sys.argv[:1])


def picture_size(size: str | int | None) -> PictureSize:
    """The size asked: a preset's key ("slide", "a4", "custom"), a width, or None for "custom"."""
    if size is None:
        return SIZES["custom"]
    if isinstance(size, int) or (isinstance(size, str) and size.strip().isdigit()):
        return PictureSize("custom", SIZES["custom"].label, int(size))
    found = SIZES.get(str(size).strip().lower())
    if found is None:
        raise ExportError(f"unknown picture size {size!r} (use {', '.join(k for k in SIZES if k != 'custom')} "
                          "or a width in pixels)")
    return found


def write_image(data: TimelineData, fmt: str, stream: IO[bytes], *, width: int = DEFAULT_WIDTH,
                title: str | None = None, caption: PictureCaption | None = None,
                size: str | int | None = None, density: float = PNG_DENSITY, marked: Marked | None = None) -> int:
    """Draw ``data`` as a ``png``, ``svg`` or ``pdf`` into ``stream``; returns the event count.

    Above the timeline: ``caption``'s title and dates; below it: its sources and data file.
    Without a caption, the title is ``title`` (else "Timeline") and the dates the data's span.
    ``size`` is a preset of :data:`SIZES` (a page of fixed size the timeline is fitted into)
    or a width; by default the picture is ``width`` logical pixels wide (points in a PDF) and
    as high as its lanes need. A PNG has ``density`` pixels per logical pixel (less when too large).
    ``marked``: the analyst's starred events and those with a note, marked as on screen.
    """
    if fmt not in PICTURE_FORMATS:
        raise ValueError(f"not an image format: {fmt}")
    chosen = picture_size(size)
    width = chosen.width or width
    check_width(width)
    ensure_application()
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPoint, QRectF, QSize, QSizeF, Qt
    from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
    from PySide6.QtSvg import QSvgGenerator

    from viewer.timeline.widget import TimelineWidget

    if caption is None:
        caption = caption_from_data(data, title=title)
    name = caption.title
    widget = TimelineWidget()
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.set_show_all_links(True)
    widget.resize(width, 600)
    widget.set_data(data)
    if marked is not None:
        widget.set_annotations(marked.starred, marked.noted)
    frame = PictureFrame(caption, width, widget.font())
    framing = frame.header_height + frame.footer_height
    if chosen.height is None:  # as high as the lanes need, the timeline at the picture's width
        scale = 1.0
        timeline_width = width
        timeline_height = min(_lay_out(widget, width), MAX_HEIGHT - framing)
        height = math.ceil(framing + timeline_height)
    else:  # a page: the timeline drawn smaller when its lanes need more than the room left
        height = chosen.height
        timeline_width, timeline_height, scale = _fit(widget, width, max(height - framing, 40.0))
        if scale < 1:  # the frame's words a little smaller too, to stay in proportion
            frame = PictureFrame(caption, width, widget.font(), text_scale=max(scale, MIN_FRAME_TEXT_SCALE))
            framing = frame.header_height + frame.footer_height
            timeline_width, timeline_height, scale = _fit(widget, width, max(height - framing, 40.0))
    widget.resize(timeline_width, math.ceil(timeline_height))
    widget.fit_all()
    widget.set_picture_mode(True)
    background = widget.palette().base().color()

    def paint(painter: QPainter) -> None:
        painter.fillRect(QRectF(0, 0, width, height), background)
        frame.paint_header(painter)
        painter.save()
        painter.translate(0, frame.header_height)
        painter.scale(scale, scale)
        widget.render(painter, QPoint(0, 0))
        painter.restore()
        frame.paint_footer(painter, height - frame.footer_height if chosen.height else
                           frame.header_height + timeline_height * scale)

    buffer = QBuffer()
    buffer.setData(QByteArray())
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if fmt == "png":
        pixel_density = min(density, png_density(width, height))
        pixels_wide, pixels_high = math.ceil(width * pixel_density), math.ceil(height * pixel_density)
        image = QImage(pixels_wide, pixels_high, QImage.Format.Format_RGB32)  # opaque: no alpha to store
        if image.isNull():
            raise ExportError(f"not enough memory for a {pixels_wide} × {pixels_high} picture")
        image.setDevicePixelRatio(pixel_density)
        image.fill(background)
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            paint(painter)
        finally:
            painter.end()
        if not image.save(buffer, "PNG"):
            raise ExportError("the PNG could not be encoded")
        del image
    elif fmt == "svg":
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(QSize(width, height))
        generator.setViewBox(QRectF(0, 0, width, height))
        generator.setTitle(name)
        generator.setDescription(f"{len(data.index)} events")
        generator.setResolution(96)  # the logical pixels the layout uses, as for PNG and PDF: text at its size
        painter = QPainter(generator)
        try:
            paint(painter)
        finally:
            painter.end()
    else:
        writer = QPdfWriter(buffer)
        writer.setResolution(96)
        writer.setTitle(name)
        writer.setCreator("Defence Timeline")
        if chosen.pdf_page_mm:
            page = QPageSize(QSizeF(*chosen.pdf_page_mm), QPageSize.Unit.Millimeter)
        else:
            page = QPageSize(QSizeF(width, height), QPageSize.Unit.Point)
        writer.setPageLayout(QPageLayout(page, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
        painter = QPainter(writer)
        try:
            scale_to_page = min(painter.device().width() / width, painter.device().height() / height)
            painter.scale(scale_to_page, scale_to_page)
            paint(painter)
        finally:
            painter.end()
    buffer.close()
    output = buffer.data().data()
    buffer.setData(QByteArray())
    stream.write(well_formed_svg(output) if fmt == "svg" else output)
    widget.deleteLater()
    return len(data.index)


def _fit(widget, width: int, room: float) -> tuple[int, float, float]:
    """Lay the timeline out to fill ``width`` × ``room`` once scaled: (width drawn at, its height, scale)."""
    timeline_width = width
    wanted = _lay_out(widget, timeline_width)
    for _attempt in range(3):  # drawn wider then scaled down, the labels need fewer rows
        if wanted * width / timeline_width <= room + 0.5:
            break
        timeline_width = min(max(math.ceil(wanted * width / room), width), MAX_WIDTH)
        wanted = _lay_out(widget, timeline_width)
    return timeline_width, wanted, min(width / timeline_width, room / wanted, 1.0)


def _lay_out(widget, width: int) -> float:
    """Lay the timeline out ``width`` wide in picture mode; returns the height its lanes need."""
    widget.resize(width, 600)
    widget.fit_all()
    widget.set_picture_mode(True)  # each lane as many rows as it needs: no stacks, whole labels
    preferred = picture_height(widget.preferred_height())
    widget.resize(width, preferred)  # the same width: the same view and rows
    widget.fit_all()
    widget.set_picture_mode(True)
    return float(picture_height(widget.preferred_height()))


def well_formed_svg(svg: bytes) -> bytes:
    """The SVG with every character XML 1.0 forbids replaced: a control by a space, others by U+FFFD.

    QSvgGenerator writes the text it draws as given, so a control character in any label
    would otherwise make the whole file unreadable to an XML parser.
    """
    text = svg.decode("utf-8", errors="replace")
    text = _NOT_XML_CONTROL.sub(" ", text)
    text = _NOT_XML_CHARACTER.sub("\ufffd", text)
    return text.encode("utf-8")
