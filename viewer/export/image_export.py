"""PNG, SVG and PDF pictures of the timeline showing exactly the chosen events.

The picture is the real timeline widget rendered offscreen: the events' span fitted to the
chosen width, their lanes, the ruler, labels, links and the legend. PNG is drawn at twice
the pixel density so that it stays sharp when printed; SVG and PDF are vector.
"""

from __future__ import annotations

import os
import sys
from typing import IO

from viewer.timeline.data import TimelineData

DEFAULT_WIDTH = 1600
IMAGE_FORMATS = ("png", "svg", "pdf")


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
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"not an image format: {fmt}")
    ensure_application()
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPoint, QRectF, QSize, QSizeF, Qt
    from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
    from PySide6.QtSvg import QSvgGenerator

    from viewer.timeline.widget import TimelineWidget

    widget = TimelineWidget()
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.set_show_all_links(True)
    widget.resize(width, 600)
    widget.set_data(data)
    height = int(min(max(widget.preferred_height(), 240), 20_000))
    widget.resize(width, height)
    widget.fit_all()
    buffer = QBuffer()
    buffer.setData(QByteArray())
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if fmt == "png":
        image = QImage(width * 2, height * 2, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(2.0)
        image.fill(widget.palette().base().color())
        widget.render(image)
        if not image.save(buffer, "PNG"):
            raise OSError("the PNG could not be encoded")
    elif fmt == "svg":
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(QSize(width, height))
        generator.setViewBox(QRectF(0, 0, width, height))
        generator.setTitle(title or "Defence Timeline")
        generator.setDescription(f"{len(data.index)} events")
        painter = QPainter(generator)
        try:
            widget.render(painter, QPoint(0, 0))
        finally:
            painter.end()
    else:
        writer = QPdfWriter(buffer)
        writer.setResolution(96)
        writer.setTitle(title or "Defence Timeline")
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
    stream.write(bytes(buffer.data()))
    widget.deleteLater()
    return len(data.index)
