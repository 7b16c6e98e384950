"""The legend: a strip below the plot naming the colour of each kind of event, and what the
other looks of marks and links mean (outlined marks, dashed links, stars…).

It sits outside the plot (the timeline gives it the bottom margin of its viewport), so it
never covers an event. Clicking its title folds it to one line and back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMouseEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

from viewer.timeline.colors import text_inks
from viewer.timeline.grades import CONFIRMED, DOUBTFUL, POSSIBLE, PROBABLE, SURE, UNCERTAIN
from viewer.timeline.painting import (
    HEADER_PX,
    NOTE_RADIUS,
    STAR_COLOR,
    STAR_EDGE,
    diamond,
    link_pen,
    mark_look,
    single_line,
    star,
)

MAX_LEGEND_ENTRIES = 24  # kinds listed (the last entry counts the others)
_PADDING = 4.0
_SWATCH = 18.0  # from an entry's left edge to its text
_LINE_SWATCH = 30.0  # … for an entry whose sample is a line
_ENTRY_GAP = 16.0


class Sample(Enum):
    """The small drawing before an entry's words."""

    KIND = "kind"  # a filled mark: a kind's colour
    OUTLINED = "outlined"  # an uncertain event's mark
    FADED = "faded"  # a doubtful event's mark
    WINDOW = "window"  # a hatched mark: some time within its dates
    COARSE = "coarse"  # a mark with a dashed edge: known to the month or the year
    SOLID = "solid"  # a confirmed link
    DASHED = "dashed"  # a probable link
    DOTTED = "dotted"  # a possible link
    STAR = "star"  # a starred event
    NOTE = "note"  # an event with a note


_MARK_LEVELS = {Sample.KIND: SURE, Sample.OUTLINED: UNCERTAIN, Sample.FADED: DOUBTFUL}
_MARK_DATES = {Sample.WINDOW: "within", Sample.COARSE: "coarse"}
_LINE_CONFIDENCES = {Sample.SOLID: CONFIRMED, Sample.DASHED: PROBABLE, Sample.DOTTED: POSSIBLE}


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One entry: its words, the colour of its sample and what the sample is."""

    title: str
    color: QColor
    sample: Sample = Sample.KIND

    @property
    def swatch(self) -> float:
        """From the entry's left edge to its text."""
        return _LINE_SWATCH if self.sample in _LINE_CONFIDENCES else _SWATCH


class LegendStrip(QWidget):
    """Kinds and their colours, in lines that wrap to the width; foldable to one line."""

    collapsed_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineLegend")
        self.setAccessibleName("Legend")
        self.setAccessibleDescription("The colour of each kind of event. Click 'Legend' to fold or unfold it.")
        self.setAutoFillBackground(False)
        self._entries: list[LegendEntry] = []
        self._kinds = 0  # kinds the legend stands for (listed or counted)
        self._more = 0
        self._collapsed = False
        self._foldable = True
        self._header = HEADER_PX
        self._placed: tuple[tuple[float, float], list[list[tuple[float, str, LegendEntry]]]] | None = None
        self._font = QFont(self.font())
        self._font.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.85))

    def set_entries(self, entries: Sequence[tuple[str, QColor] | LegendEntry]) -> None:
        """The entries to show: (kind title, colour) pairs, or :class:`LegendEntry` with a sample of
        their own. Kinds come first, the others after them (never left out for many kinds)."""
        given = [entry if isinstance(entry, LegendEntry) else LegendEntry(*entry) for entry in entries]
        given = [LegendEntry(single_line(e.title[: 60 if e.sample is Sample.KIND else 100]), e.color, e.sample)
                 for e in given]
        kinds = [entry for entry in given if entry.sample is Sample.KIND]
        shown = kinds[:MAX_LEGEND_ENTRIES]
        self._kinds, self._more = len(kinds), len(kinds) - len(shown)
        if self._more:  # a file with thousands of kinds: the legend says how many it leaves out
            shown[-1] = LegendEntry(f"… and {self._more + 1:,} more kinds", QColor(Qt.GlobalColor.transparent))
        self._entries = shown + [entry for entry in given if entry.sample is not Sample.KIND]
        self._placed = None
        self.setToolTip(", ".join(entry.title for entry in self._entries))
        self.update()

    def entries(self) -> list[str]:
        """The titles listed (kinds first), in order."""
        return [entry.title for entry in self._entries]

    def is_collapsed(self) -> bool:
        """True when folded to its title line."""
        return self._collapsed

    def set_collapsed(self, collapsed: bool) -> None:
        """Fold to one line (or unfold)."""
        if collapsed != self._collapsed:
            self._collapsed = collapsed
            self.collapsed_changed.emit(collapsed)
            self.update()

    def set_header_width(self, width: float) -> None:
        """Line the kinds up with the plot (the lane names' column is ``width`` wide)."""
        self._header = width
        self._placed = None
        self.update()

    def set_foldable(self, foldable: bool) -> None:
        """Offer folding (a picture's legend has no fold arrow and is always whole)."""
        self._foldable = foldable
        if not foldable:
            self._collapsed = False
        self.update()

    def height_for(self, width: float) -> int:
        """The height the strip needs at ``width`` (0 when it has nothing to show)."""
        if not self._entries:
            return 0
        return int(len(self._lines(width)) * self._line_height() + 2 * _PADDING)

    def _line_height(self) -> float:
        return QFontMetricsF(self._font).height() + 4

    def _lines(self, width: float) -> list[list[tuple[float, str, LegendEntry]]]:
        """Entries placed in lines: (x, title, entry), the first line after the title column."""
        if self._collapsed:
            return [[]]
        key = (width, self._header)
        if self._placed is not None and self._placed[0] == key:
            return self._placed[1]
        lines = self._place(width)
        self._placed = (key, lines)
        return lines

    def _place(self, width: float) -> list[list[tuple[float, str, LegendEntry]]]:
        metrics = QFontMetricsF(self._font)
        lines: list[list[tuple[float, str, LegendEntry]]] = [[]]
        x = self._header + 8
        for entry in self._entries:
            room = entry.swatch + metrics.horizontalAdvance(entry.title)
            if lines[-1] and x + room > width - 8:
                lines.append([])
                x = self._header + 8
            lines[-1].append((x, entry.title, entry))
            x += room + _ENTRY_GAP
        return lines

    def _toggle_rect(self) -> QRectF:
        return QRectF(0, 0, self._header, self._line_height() + 2 * _PADDING)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            palette = self.palette()
            painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Window))
            text = text_inks(palette).window  # AA over Window, dark palette or light
            edge = QColor(palette.color(QPalette.ColorRole.WindowText))
            edge.setAlpha(90)
            painter.setPen(QPen(edge, 1))
            painter.drawLine(QPointF(0, 0.5), QPointF(self.width(), 0.5))
            painter.setFont(self._font)
            line = self._line_height()
            arrow = ("▸ " if self._collapsed else "▾ ") if self._foldable else ""
            title = f"{arrow}Legend" + (f" ({self._kinds:,} kinds)" if self._collapsed else "")
            painter.setPen(text)
            painter.drawText(QRectF(8, _PADDING, self._header - 12, line), Qt.AlignmentFlag.AlignVCenter, title)
            for number, entries in enumerate(self._lines(self.width())):
                y = _PADDING + number * line
                for x, label, entry in entries:
                    _paint_sample(painter, entry, x, y + line / 2, palette)
                    painter.setPen(text)
                    room = max(0.0, self.width() - x - entry.swatch - 4)
                    painter.drawText(QRectF(x + entry.swatch, y, room, line), Qt.AlignmentFlag.AlignVCenter, label)
        finally:
            painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if (self._foldable and event.button() == Qt.MouseButton.LeftButton
                and self._toggle_rect().contains(event.position())):
            self.set_collapsed(not self._collapsed)
            event.accept()
            return
        super().mousePressEvent(event)


def _paint_sample(painter: QPainter, entry: LegendEntry, x: float, middle: float, palette: QPalette) -> None:
    """An entry's sample, drawn as the timeline draws what it stands for, its left edge at ``x``."""
    base = palette.color(QPalette.ColorRole.Window)
    if entry.sample in _MARK_LEVELS or entry.sample in _MARK_DATES:
        brush, pen = mark_look(entry.color, _MARK_LEVELS.get(entry.sample, SURE), _MARK_DATES.get(entry.sample, "day"),
                               base)
        painter.setPen(pen)
        painter.setBrush(brush)
        painter.drawPolygon(diamond(x + 6, middle))
    elif entry.sample in _LINE_CONFIDENCES:
        painter.setPen(link_pen(_LINE_CONFIDENCES[entry.sample], entry.color, 1.8))
        painter.drawLine(QPointF(x, middle), QPointF(x + _LINE_SWATCH - 6, middle))
    elif entry.sample is Sample.STAR:
        painter.setPen(QPen(STAR_EDGE, 1))
        painter.setBrush(STAR_COLOR)
        painter.drawPolygon(star(x + 6, middle, 6.0))
    else:
        painter.setPen(QPen(base, 1.2))
        painter.setBrush(entry.color)
        painter.drawEllipse(QPointF(x + 6, middle), NOTE_RADIUS + 0.6, NOTE_RADIUS + 0.6)
