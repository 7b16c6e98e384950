"""Fitting the ruler's and the lane headers' words into their room: whole, wrapped, elided or left out.

A lane's name is wrapped onto a second line when its lane is tall enough, else elided with
"…"; it never runs past the header column. A tick label is drawn whole inside the ruler,
shifted left at the right edge, or not at all: never cut, never elided to "2…".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF

from viewer.formatting import MONTH_NAMES, WEEKDAY_ABBREVIATIONS

HEADER_TOP_PX = 4.0  # from a lane's top to its name (and below its count)
HEADER_NAME_PX = 18.0  # the least height of the name's first line
HEADER_COUNT_PX = 16.0  # the least height of the "N events" line
HEADER_END_PX = 6.0  # kept free between a name and the column's right edge
MAX_NAME_LINES = 2
TICK_GAP_PX = 10.0  # between two minor tick labels
RULER_EDGE_PX = 2.0  # kept free between a tick label and the ruler's right edge
_WEEKDAYS = tuple(f"{day} " for day in WEEKDAY_ABBREVIATIONS)


def header_indent(depth: int) -> float:
    """Where a lane's name starts in the header column (sub-bodies indented, up to 4 levels)."""
    return 8.0 + 12.0 * min(depth, 4)


def name_room(header_px: float, depth: int) -> float:
    """The width a lane's name may take in a header column ``header_px`` wide."""
    return max(0.0, header_px - header_indent(depth) - HEADER_END_PX)


@dataclass(frozen=True, slots=True)
class HeaderLines:
    """The vertical layout of a lane header: its name's lines, then its count."""

    first: float  # height of the name's first line
    step: float  # from one line of the name to the next
    count: float  # height of the count line

    @classmethod
    def of(cls, bold: QFontMetricsF, small: QFontMetricsF) -> HeaderLines:
        """Lines tall enough for the fonts (whose glyphs are then never cut at the top or bottom)."""
        return cls(
            max(HEADER_NAME_PX, math.ceil(bold.height())),
            math.ceil(bold.lineSpacing()),
            max(HEADER_COUNT_PX, math.ceil(small.height())),
        )

    def line_top(self, line: int) -> float:
        """The top of the name's ``line`` (from 0), from the lane's top."""
        return HEADER_TOP_PX + line * self.step

    def count_top(self, lines: int) -> float:
        """The top of the count under a name of ``lines`` lines, from the lane's top."""
        return self.line_top(lines - 1) + self.first

    def height(self, lines: int) -> float:
        """The lane height a header of ``lines`` lines of name and its count needs."""
        return self.count_top(lines) + self.count + HEADER_TOP_PX

    def lines_for(self, lane_height: float) -> int:
        """How many lines of name a lane ``lane_height`` high has room for (at least one)."""
        return next((n for n in range(MAX_NAME_LINES, 1, -1) if self.height(n) <= lane_height), 1)


def name_lines(name: str, metrics: QFontMetricsF, room: float, max_lines: int = 1) -> list[str]:
    """``name`` in at most ``max_lines`` lines no wider than ``room``: broken between words,
    the last line elided with "…" when the rest does not fit (a word too long to break on, too)."""
    text = name.strip()
    if max_lines <= 1 or metrics.horizontalAdvance(text) <= room:
        return [metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)]
    words = text.split(" ")
    for count in range(len(words) - 1, 0, -1):
        head = " ".join(words[:count]).rstrip()
        if head and metrics.horizontalAdvance(head) <= room:
            return [head, *name_lines(" ".join(words[count:]), metrics, room, max_lines - 1)]
    return [metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)]


def minor_label_starts(
    xs: Sequence[float], widths: Sequence[float], left: float, right: float
) -> list[float | None]:
    """Where each minor tick's label starts: just right of its tick, or shifted left to end by
    ``right``; None (left out) where it would then meet the label before it or pass ``left``."""
    starts: list[float | None] = []
    floor = left
    for x, width in zip(xs, widths, strict=True):
        start = min(x + 3.0, right - width)
        if start < floor:
            starts.append(None)
            continue
        starts.append(start)
        floor = start + width + TICK_GAP_PX
    return starts


def group_label(label: str, metrics: QFontMetricsF, room: float) -> str | None:
    """A major tick's label, else with month names shortened, else without the weekday; None
    when even that is wider than ``room`` (it is left out, never elided)."""
    if metrics.horizontalAdvance(label) <= room:
        return label
    for month in MONTH_NAMES:
        label = label.replace(month, month[:3])
    if metrics.horizontalAdvance(label) <= room:
        return label
    if label[:4] in _WEEKDAYS:
        label = label[4:]
    return label if metrics.horizontalAdvance(label) <= room else None
