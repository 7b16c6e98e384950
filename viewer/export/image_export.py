"""PNG, SVG and PDF pictures of the timeline showing exactly the chosen events.

The picture is the real timeline widget rendered offscreen: the events' span fitted to the
chosen width, their lanes, the ruler, labels, links and the legend. SVG and PDF are vector.
PNG is drawn at twice the pixel density so that it stays sharp when printed, less when that
would exceed :data:`MAX_PNG_PIXELS` or :data:`MAX_PNG_SIDE` (a wide picture with many lanes),
so that drawing one never needs more than about half a gigabyte whatever the width or lanes.

The limits below are the one definition of what a picture may be: the command line and the
window's export dialog use them too.
"""

from __future__ import annotations

import math
import os
import re
import sys
from typing import IO

from viewer.export.catalogue import DEFAULT_WIDTH, MAX_WIDTH, MIN_WIDTH, PICTURE_FORMATS
from viewer.formatting import display_text
from viewer.store.errors import ExportError
from viewer.timeline.data import TimelineData

MIN_HEIGHT = 240
MAX_HEIGHT = 20_000  # the picture's height follows its lanes and legend, up to this
PNG_DENSITY = 2.0  # pixels per point when the picture is small enough
MAX_PNG_PIXELS = 100_000_000  # 400 MB of pixels at 4 bytes each: the memory bound of a PNG
MAX_PNG_SIDE = 32_767  # the widest image many decoders (browsers, Windows) open

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


def write_image(data: TimelineData, fmt: str, stream: IO[bytes], *, width: int = DEFAULT_WIDTH,
                title: str | None = None) -> int:
    """Draw ``data`` as a ``png``, ``svg`` or ``pdf`` into ``stream``; returns the event count."""
    if fmt not in PICTURE_FORMATS:
        raise ValueError(f"not an image format: {fmt}")
    check_width(width)
    ensure_application()
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPoint, QRectF, QSize, QSizeF, Qt
    from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
    from PySide6.QtSvg import QSvgGenerator

    from viewer.timeline.widget import TimelineWidget

    name = display_text(title).strip() or "Defence Timeline"
    widget = TimelineWidget()
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.set_show_all_links(True)
    widget.resize(width, 600)
    widget.set_data(data)
    widget.fit_all()
    widget.set_picture_mode(True)  # each lane as many rows as it needs: no stacks, whole labels
    height = picture_height(widget.preferred_height())
    widget.resize(width, height)  # the same width: the same view and rows
    widget.fit_all()
    widget.set_picture_mode(True)
    buffer = QBuffer()
    buffer.setData(QByteArray())
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if fmt == "png":
        pixels_wide, pixels_high = png_size(width, height)
        image = QImage(pixels_wide, pixels_high, QImage.Format.Format_RGB32)  # opaque: no alpha to store
        if image.isNull():
            raise ExportError(f"not enough memory for a {pixels_wide} × {pixels_high} picture")
        image.setDevicePixelRatio(png_density(width, height))
        image.fill(widget.palette().base().color())
        widget.render(image)
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
        painter = QPainter(generator)
        try:
            widget.render(painter, QPoint(0, 0))
        finally:
            painter.end()
    else:
        writer = QPdfWriter(buffer)
        writer.setResolution(96)
        writer.setTitle(name)
        writer.setCreator("Defence Timeline")
        writer.setPageLayout(
            QPageLayout(QPageSize(QSizeF(width, height), QPageSize.Unit.Point), QPageLayout.Orientation.Portrait,
                        QMarginsF(0, 0, 0, 0))
        )
        painter = QPainter(writer)
        try:
            scale = min(painter.device().width() / width, painter.device().height() / height)
            painter.scale(scale, scale)
            widget.render(painter, QPoint(0, 0))
        finally:
            painter.end()
    buffer.close()
    output = buffer.data().data()
    buffer.setData(QByteArray())
    stream.write(well_formed_svg(output) if fmt == "svg" else output)
    widget.deleteLater()
    return len(data.index)


def well_formed_svg(svg: bytes) -> bytes:
    """The SVG with every character XML 1.0 forbids replaced: a control by a space, others by U+FFFD.

    QSvgGenerator writes the text it draws as given, so a control character in any label
    would otherwise make the whole file unreadable to an XML parser.
    """
    text = svg.decode("utf-8", errors="replace")
    text = _NOT_XML_CONTROL.sub(" ", text)
    text = _NOT_XML_CHARACTER.sub("\ufffd", text)
    return text.encode("utf-8")
