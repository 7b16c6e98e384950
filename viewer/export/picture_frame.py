"""The frame around an exported picture: a title and the dates above the timeline, the sources
and the data file below it, so that a picture can be sent as it is.

The words (:class:`PictureCaption`) are found without Qt, from the store or from the timeline
data; :class:`PictureFrame` lays them out for a width and paints them on any ``QPainter``
(a PNG's image, an SVG generator, a PDF writer) in the same logical pixels.
Everything from the data is drawn as text (never markup), on one line per piece, and bounded:
a title of any length takes at most :data:`TITLE_LINES` lines, the sources at most
:data:`SOURCES_LINES`, ending "and N more".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from viewer.formatting import display_text, format_events_span, format_instant_range, is_web_link
from viewer.store.model import Event, Source

if TYPE_CHECKING:
    from PySide6.QtGui import QFont, QPainter

    from viewer.store.filters import EventFilter
    from viewer.store.reader import EventStore
    from viewer.timeline.data import TimelineData

DEFAULT_TITLE = "Timeline"
MAX_PUBLISHERS = 8  # named in the caption at most; the others are counted ("and 3 more")
TITLE_LINES = 2
SOURCES_LINES = 2
MARGIN = 24.0  # logical pixels around the title and the caption
TITLE_SCALE = 1.75  # of the timeline's own font
DATES_SCALE = 1.15
CAPTION_SCALE = 0.95
GAP = 6.0  # between the lines' blocks


@dataclass(frozen=True)
class PictureCaption:
    """What the frame says: every field is one line of plain text ("" leaves it out)."""

    title: str = DEFAULT_TITLE
    dates: str = ""
    sources: tuple[tuple[str, int], ...] = ()  # (publisher or host, how many sources cite it), most cited first
    data_file: str = ""

    @property
    def sources_text(self) -> str:
        """ "Sources: NATO, U.S. Department of Defense and 2 more" (all of them named)."""
        return sources_line([name for name, _count in self.sources], len(self.sources))

    @property
    def data_text(self) -> str:
        """ "Data: nato-june-2023.db", or "" when the file is not known."""
        return f"Data: {self.data_file}" if self.data_file else ""


def sources_line(names: list[str], total: int) -> str:
    """The caption naming ``names`` of ``total`` publishers: "Sources: A, B and 3 more"."""
    if not names:
        return ""
    rest = total - len(names)
    if rest > 0:
        return f"Sources: {', '.join(names)} and {rest:,} more"
    if len(names) == 1:
        return f"Sources: {names[0]}"
    return f"Sources: {', '.join(names[:-1])} and {names[-1]}"


def source_name(source: Source) -> str:
    """Who published a source: its publisher, else its URL's host without "www.", else ""."""
    publisher = display_text(source.publisher).strip()
    if publisher:
        return publisher
    if source.url and is_web_link(source.url):
        host = (urlsplit(source.url.strip()).hostname or "").removeprefix("www.")
        return display_text(host)
    return ""


def publishers(events: Iterable[Event]) -> tuple[tuple[str, int], ...]:
    """The distinct publishers of the events' sources (case aside), most cited first, then by name."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for event in events:
        for source in event.sources:
            name = source_name(source)
            if name:
                key = name.casefold()
                spelling.setdefault(key, name)
                counts[key] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple((spelling[key], count) for key, count in ordered)


def caption_from_events(
    events: Iterable[Event], *, title: str | None = None, data_file: str | Path | None = None
) -> PictureCaption:
    """The caption of a picture of ``events``: their span in words and their sources' publishers."""
    events = list(events)
    first = min(events, key=lambda event: (event.earliest, event.latest), default=None)
    last = max(events, key=lambda event: (event.latest, -event.earliest), default=None)
    dates = format_events_span(first, last) if first and last else ""
    return PictureCaption(title=_title(title), dates=dates, sources=publishers(events), data_file=_file_name(data_file))


def caption_from_data(
    data: TimelineData, *, title: str | None = None, data_file: str | Path | None = None
) -> PictureCaption:
    """The caption when only the timeline data is known (no sources): its span at a fitting precision."""
    span = data.index.span
    dates = format_instant_range(float(span[0]), float(span[1])) if span else ""
    return PictureCaption(title=_title(title), dates=dates, data_file=_file_name(data_file))


def picture_caption(
    store: EventStore, chosen: EventFilter, *, name: str | None = None, asked: EventFilter | None = None
) -> PictureCaption:
    """The caption of a picture of the ``chosen`` events of ``store``.

    The title is ``name`` when given, else the title of the one event ``asked`` for (the
    filter before linked events were added, as in "--id dmm-2023-06 --with-linked"), else
    the dataset's name, else "Timeline". The data line names the store's file.
    """
    title = display_text(name).strip()
    if not title and asked is not None and len(asked.ids) == 1:
        from viewer.store.filters import EventFilter

        found = store.events(EventFilter(ids=asked.ids))
        title = display_text(found[0].title).strip() if found else ""
    if not title:
        title = display_text(store.name()).strip()
    return caption_from_events(store.iter_events(chosen), title=title, data_file=store.path)


def _title(title: str | None) -> str:
    return display_text(title).strip() or DEFAULT_TITLE


def _file_name(path: str | Path | None) -> str:
    return display_text(Path(path).name).strip() if path else ""


# ------------------------------------------------------------------------------ layout


@dataclass
class _Block:
    lines: list[str]
    font: QFont
    color: str
    line_height: float

    @property
    def height(self) -> float:
        return self.line_height * len(self.lines)


class PictureFrame:
    """The title block above and the caption block below a timeline ``width`` logical pixels wide."""

    def __init__(self, caption: PictureCaption, width: float, base_font: QFont, text_scale: float = 1.0) -> None:
        from PySide6.QtGui import QFont

        self.caption = caption
        self.width = float(width)
        text_width = max(self.width - 2 * MARGIN, 40.0)
        base = _pixel_size(base_font) * text_scale
        title_font = _sized(base_font, base * TITLE_SCALE, QFont.Weight.Bold)
        dates_font = _sized(base_font, base * DATES_SCALE, QFont.Weight.Normal)
        caption_font = _sized(base_font, base * CAPTION_SCALE, QFont.Weight.Normal)
        self._head = [
            _block(wrapped(caption.title or DEFAULT_TITLE, title_font, text_width, TITLE_LINES), title_font, "#1a1a1a"),
            _block(wrapped(caption.dates, dates_font, text_width, 1), dates_font, "#3a3a3a"),
        ]
        self._foot = [
            _block(fitted_sources(caption.sources, caption_font, text_width), caption_font, "#3a3a3a"),
            _block(wrapped(caption.data_text, caption_font, text_width, 1), caption_font, "#5a5a5a"),
        ]

    @property
    def header_height(self) -> float:
        """Logical pixels above the timeline."""
        return _blocks_height(self._head)

    @property
    def footer_height(self) -> float:
        """Logical pixels below the timeline."""
        return _blocks_height(self._foot)

    def paint_header(self, painter: QPainter) -> None:
        """Draw the title and the dates from the top of the painter's logical space."""
        _paint_blocks(painter, self._head, 0.0)

    def paint_footer(self, painter: QPainter, top: float) -> None:
        """Draw the sources and the data file from ``top``."""
        _paint_blocks(painter, self._foot, top)


def wrapped(text: str, font: QFont, width: float, max_lines: int) -> list[str]:
    """``text`` on at most ``max_lines`` lines of ``width``, breaking between words (inside a
    word too long for a line), the last one shortened with "…" when the text does not fit."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFontMetricsF, QTextLayout, QTextOption

    text = display_text(text).strip()
    if not text:
        return []
    metrics = QFontMetricsF(font)
    text = text[: max(int(width * max_lines), 64)]  # beyond what any number of lines could hold
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    lines: list[str] = []
    starts: list[int] = []
    while len(lines) < max_lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        starts.append(line.textStart())
        lines.append(text[line.textStart(): line.textStart() + line.textLength()].rstrip())
    layout.endLayout()
    if starts and starts[-1] + len(lines[-1]) < len(text.rstrip()):  # more than fits: shorten the last line
        rest = text[starts[-1]:]
        lines[-1] = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
    return [line for line in lines if line]


def fitted_sources(sources: tuple[tuple[str, int], ...], font: QFont, width: float) -> list[str]:
    """The sources caption naming as many publishers (up to :data:`MAX_PUBLISHERS`) as fit in
    :data:`SOURCES_LINES` lines, the others counted."""
    names = [name for name, _count in sources]
    if not names:
        return []
    for shown in range(min(len(names), MAX_PUBLISHERS), 0, -1):
        text = sources_line(names[:shown], len(names))
        lines = wrapped(text, font, width, SOURCES_LINES + 1)
        if len(lines) <= SOURCES_LINES:
            return lines
    return wrapped(sources_line(names[:1], len(names)), font, width, SOURCES_LINES)


def _pixel_size(font: QFont) -> float:
    from PySide6.QtGui import QFontInfo

    return float(font.pixelSize() if font.pixelSize() > 0 else QFontInfo(font).pixelSize() or 13)


def _sized(base: QFont, pixels: float, weight) -> QFont:
    from PySide6.QtGui import QFont

    font = QFont(base)
    font.setPixelSize(max(round(pixels), 6))
    font.setWeight(weight)
    return font


def _block(lines: list[str], font: QFont, color: str) -> _Block:
    from PySide6.QtGui import QFontMetricsF

    return _Block(lines, font, color, QFontMetricsF(font).lineSpacing())


def _blocks_height(blocks: list[_Block]) -> float:
    shown = [block for block in blocks if block.lines]
    if not shown:
        return 0.0
    return 2 * MARGIN + sum(block.height for block in shown) + GAP * (len(shown) - 1)


def _paint_blocks(painter: QPainter, blocks: list[_Block], top: float) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor, QFontMetricsF

    y = top + MARGIN
    painter.save()
    try:
        for block in blocks:
            if not block.lines:
                continue
            painter.setFont(block.font)
            painter.setPen(QColor(block.color))
            ascent = QFontMetricsF(block.font).ascent()
            for line in block.lines:
                painter.drawText(QPointF(MARGIN, y + ascent), line)
                y += block.line_height
            y += GAP
    finally:
        painter.restore()
