"""The legend: a strip below the plot naming the colour of each kind of event.

It sits outside the plot (the timeline gives it the bottom margin of its viewport), so it
never covers an event. Clicking its title folds it to one line and back.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMouseEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

from viewer.timeline.colors import text_inks
from viewer.timeline.painting import HEADER_PX, diamond, single_line

MAX_LEGEND_ENTRIES = 24  # kinds listed (the last entry counts the others)
_PADDING = 4.0
_SWATCH = 18.0  # from an entry's left edge to its text
_ENTRY_GAP = 16.0


class LegendStrip(QWidget):
    """Kinds and their colours, in lines that wrap to the width; foldable to one line."""

    collapsed_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineLegend")
        self.setAccessibleName("Legend")
        self.setAccessibleDescription("The colour of each kind of event. Click 'Legend' to fold or unfold it.")
        self.setAutoFillBackground(False)
        self._entries: list[tuple[str, QColor]] = []
        self._more = 0
        self._collapsed = False
        self._foldable = True
        self._header = HEADER_PX
        self._placed: tuple[tuple[float, float], list[list[tuple[float, str, QColor]]]] | None = None
        self._font = QFont(self.font())
        self._font.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.85))

    def set_entries(self, entries: list[tuple[str, QColor]]) -> None:
        """The (kind title, colour) pairs to show."""
        shown = [(single_line(title[:60]), color) for title, color in entries[:MAX_LEGEND_ENTRIES]]
        self._more = len(entries) - len(shown)
        if self._more:  # a file with thousands of kinds: the legend says how many it leaves out
            shown[-1] = (f"… and {self._more + 1:,} more kinds", QColor(Qt.GlobalColor.transparent))
        self._entries = shown
        self._placed = None
        self.setToolTip(", ".join(title for title, _ in shown))
        self.update()

    def entries(self) -> list[str]:
        """The kind titles listed, in order."""
        return [title for title, _ in self._entries]

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

    def _lines(self, width: float) -> list[list[tuple[float, str, QColor]]]:
        """Entries placed in lines: (x, title, colour), the first line after the title column."""
        if self._collapsed:
            return [[]]
        key = (width, self._header)
        if self._placed is not None and self._placed[0] == key:
            return self._placed[1]
        lines = self._place(width)
        self._placed = (key, lines)
        return lines

    def _place(self, width: float) -> list[list[tuple[float, str, QColor]]]:
        metrics = QFontMetricsF(self._font)
        lines: list[list[tuple[float, str, QColor]]] = [[]]
        x = self._header + 8
        for title, color in self._entries:
            entry = _SWATCH + metrics.horizontalAdvance(title)
            if lines[-1] and x + entry > width - 8:
                lines.append([])
                x = self._header + 8
            lines[-1].append((x, title, color))
            x += entry + _ENTRY_GAP
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
            title = f"{arrow}Legend" + (f" ({len(self._entries) + self._more:,} kinds)" if self._collapsed else "")
            painter.setPen(text)
            painter.drawText(QRectF(8, _PADDING, self._header - 12, line), Qt.AlignmentFlag.AlignVCenter, title)
            for number, entries in enumerate(self._lines(self.width())):
                y = _PADDING + number * line
                for x, label, color in entries:
                    painter.setPen(QPen(color.darker(125), 1))
                    painter.setBrush(color)
                    painter.drawPolygon(diamond(x + 6, y + line / 2))
                    painter.setPen(text)
                    room = max(0.0, self.width() - x - _SWATCH - 4)
                    painter.drawText(QRectF(x + _SWATCH, y, room, line), Qt.AlignmentFlag.AlignVCenter, label)
        finally:
            painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if (self._foldable and event.button() == Qt.MouseButton.LeftButton
                and self._toggle_rect().contains(event.position())):
            self.set_collapsed(not self._collapsed)
            event.accept()
            return
        super().mousePressEvent(event)
