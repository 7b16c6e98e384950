"""Painting one frame of the timeline: each layer drawn from a computed :class:`Frame`.

Nothing here decides what goes where; the scene did that. The painter only draws, in a fixed
order: lane bands, grid and today, density strips, events, links, rubber band, ruler, lane
headers, legend.

How sure things are is drawn, not coloured, so that it reads in greyscale too. A link's line
is solid when the link is confirmed, dashed when probable, dotted when possible: arcs,
off-screen ends and "part of" frames alike, so that a dash means doubt wherever it is (a
relation is told by its name on the arc, not by a dash pattern of its own). An event's mark is
drawn as usual when its credibility is sure or not graded, outlined (a thick border in the
kind's colour around a light fill) when uncertain, and outlined and faded when doubtful; the
precision of its date keeps its own look on top (a faded fill and a dashed border for a month
or a year, hatching for "sometime within"). A starred event has a gold star on its mark's
top-left corner, an event with a note a dot on its top-right corner.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
)

from viewer.store.time_index import PRECISION_CODES
from viewer.timeline.axis import TimeAxis
from viewer.timeline.colors import (
    CHOSEN_BOX_ALPHA,
    FRAME_FILL_ALPHA,
    RELATION_BOX_ALPHA,
    TextInks,
    band_colors,
    composite,
    is_dark,
    kind_color,
    text_inks,
    with_alpha,
)
from viewer.timeline.density import CELL_PX, STRIP_BIN_PX, strip_alpha
from viewer.timeline.grades import CONFIRMED, POSSIBLE, PROBABLE, SURE, UNCERTAIN, credibility_levels
from viewer.timeline.label_fit import (
    HEADER_TOP_PX,
    RULER_EDGE_PX,
    HeaderLines,
    group_label,
    header_indent,
    minor_label_starts,
    name_lines,
    name_room,
)
from viewer.timeline.links import Anchor, Arc, LinkGeometry
from viewer.timeline.scene import LANE_PADDING_PX, ROW_PX, DetailItems, Frame, LaneSlot
from viewer.timeline.ticks import Ruler, choose_ruler

RULER_PX = 46.0
HEADER_PX = 190.0
COARSE_PRECISIONS = (PRECISION_CODES["year"], PRECISION_CODES["month"])
# Control characters (C0, DEL, C1), line and paragraph separators become spaces; lone
# surrogates (which Qt cannot take) and the non-characters U+FFFE/U+FFFF become U+FFFD.
_CONTROLS_TO_SPACES = {code: " " for code in (*range(32), *range(127, 160), 0x2028, 0x2029)}
_CONTROLS_TO_SPACES.update({code: "\ufffd" for code in (*range(0xD800, 0xE000), 0xFFFE, 0xFFFF)})
MAX_LINK_LABELS = 80  # relation labels written in one frame (arcs beyond keep no label)
MAX_HEADER_TEXT = 300  # characters of a lane title considered before eliding
MAX_CHOSEN_LABELS = 60  # selected events whose labels are drawn in full, on top
FADED_ALPHA = 90  # the fill of a mark dated to the month or year only
HOLLOW_FILL_ALPHA = 40  # the light fill (over Base) of an uncertain event's outlined mark
DOUBTFUL_FILL_ALPHA = 14  # ... of a doubtful event's
DOUBTFUL_EDGE_ALPHA = 185  # the faded border of a doubtful event's mark
STAR_COLOR = QColor("#FFC20A")  # a starred event's star (amber), with a dark edge on any background
STAR_EDGE = QColor("#4A3500")
STAR_RADIUS = 5.0
NOTE_RADIUS = 2.6


@dataclass
class PaintState:
    """What the widget hands the painter for one frame."""

    frame: Frame
    axis: TimeAxis
    data: object  # TimelineData
    palette: QPalette
    width: float
    height: float
    label_font: QFont
    small_font: QFont
    selected: np.ndarray  # a flag per index position
    highlighted: np.ndarray  # a flag per index position: linked to the selection
    links: LinkGeometry
    label_text: Callable[[int, float, int], str]
    band: QRectF | None
    empty_message: str | None
    current: int | None = None  # the keyboard-current event's position
    selected_count: int = 0  # how many flags ``selected`` has set
    loading: tuple[str, int, int] | None = None  # (stage, done, total) while a file is read
    picture: bool = False  # drawn for a picture: no fold arrows
    obstacles: tuple[Boxes, Boxes] | None = None  # event labels and marks, if found already (read only)
    header_px: float = HEADER_PX  # width of the lane names' column
    starred: np.ndarray | None = None  # a flag per index position: starred (None: none is)
    noted: np.ndarray | None = None  # a flag per index position: has a note (None: none has)


def paint_timeline(painter: QPainter, state: PaintState) -> float:
    """Draw every layer; returns the time taken in milliseconds."""
    started = time.perf_counter()
    TimelinePainter(state).paint(painter)
    return (time.perf_counter() - started) * 1000


class TimelinePainter:
    """Draws the layers of one frame."""

    def __init__(self, state: PaintState) -> None:
        self._state = state
        self._header = state.header_px
        self._plans: list[tuple[Arc, float, QRectF | None]] | None = None
        self._inks: TextInks = text_inks(state.palette)  # every text pen, AA over its background

    def paint(self, painter: QPainter) -> None:
        """All layers, in order."""
        state = self._state
        frame, palette, width, height = state.frame, state.palette, state.width, state.height
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(QRectF(0, 0, width, height), palette.color(QPalette.ColorRole.Base))
        painter.save()
        painter.setClipRect(QRectF(self._header, RULER_PX, width - self._header, height - RULER_PX))
        self._paint_lane_bands(painter, frame, palette)
        painter.translate(self._header, 0)
        axis = state.axis
        ruler = choose_ruler(axis.start, axis.end, axis.width)  # once per frame: grid and ruler share it
        if not len(state.data.index):  # nothing read yet: no axis of 1970 to look at
            ruler = Ruler([], [], ruler.unit)
        self._paint_grid_and_today(painter, palette, height, ruler)
        self._paint_densities(painter, frame, palette)
        self._paint_containment(painter, palette)
        self._paint_marks(painter, frame, palette)
        self._paint_links(painter, frame, palette)
        self._paint_labels(painter, frame, palette)
        self._paint_link_labels(painter, frame, palette)
        self._paint_chosen_labels(painter, frame, palette)
        painter.restore()
        self._paint_band(painter, palette)
        self._paint_ruler(painter, palette, width, ruler)
        self._paint_headers(painter, frame, palette, height)
        if state.empty_message:
            self._paint_empty_message(painter, palette, width, height)
        if state.loading is not None:
            self._paint_loading(painter, palette, width, height)

    def _paint_lane_bands(self, painter: QPainter, frame: Frame, palette: QPalette) -> None:
        base = palette.color(QPalette.ColorRole.Base)
        even, odd = band_colors(palette)
        width = self._state.width
        for slot in frame.slots:
            band = odd if slot.ordinal % 2 else even
            if band != base:
                painter.fillRect(QRectF(self._header, slot.top, width - self._header, slot.height), band)

    def _paint_grid_and_today(self, painter: QPainter, palette: QPalette, height: float, ruler: Ruler) -> None:
        grid = QColor(palette.color(QPalette.ColorRole.Text))
        grid.setAlpha(28)
        painter.setPen(QPen(grid, 1))
        xs = [round(self._state.axis.x_of(tick.instant)) + 0.5 for tick in ruler.minor]
        painter.drawLines([point for x in xs for point in (QPointF(x, RULER_PX), QPointF(x, height))])
        today = (time.time() // 86_400) * 86_400
        x = self._state.axis.x_of(today + 43_200)
        if -2 <= x <= self._state.axis.width + 2:
            color = QColor("#d62728")
            color.setAlpha(170)
            painter.setPen(QPen(color, 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, RULER_PX), QPointF(x, height))

    def _paint_densities(self, painter: QPainter, frame: Frame, palette: QPalette) -> None:
        if not frame.densities:
            return
        ink = self._inks.plot
        painter.setFont(self._state.small_font)
        metrics = QFontMetricsF(self._state.small_font)
        for items in frame.densities:
            slot = items.slot
            alpha = strip_alpha(items.density.bins)
            rgba = np.zeros((1, alpha.size, 4), dtype=np.uint8)
            color = palette.color(QPalette.ColorRole.Text)  # neutral: no kind colour
            rgba[0, :, 0], rgba[0, :, 1], rgba[0, :, 2] = color.red(), color.green(), color.blue()
            rgba[0, :, 3] = alpha
            image = QImage(rgba.data, alpha.size, 1, alpha.size * 4, QImage.Format.Format_RGBA8888)
            strip_top = slot.top + LANE_PADDING_PX + 16
            strip = QRectF(0, strip_top, alpha.size * STRIP_BIN_PX, slot.height - 2 * LANE_PADDING_PX - 16)
            painter.drawImage(strip, image)
            painter.setPen(ink)
            cells = items.density.cells
            for cell in np.flatnonzero(cells).tolist():
                text = compact_count(int(cells[cell]))
                x = cell * CELL_PX
                if metrics.horizontalAdvance(text) < CELL_PX - 6:
                    painter.drawText(QRectF(x + 3, slot.top + 2, CELL_PX - 6, 16), Qt.AlignmentFlag.AlignLeft, text)
            separator = QColor(ink)
            separator.setAlpha(40)
            painter.setPen(QPen(separator, 1))
            painter.drawLines(
                [
                    point
                    for cell in range(1, cells.size)
                    for point in (
                        QPointF(cell * CELL_PX + 0.5, slot.top + 4),
                        QPointF(cell * CELL_PX + 0.5, slot.top + 14),
                    )
                ]
            )

    def _paint_marks(self, painter: QPainter, frame: Frame, palette: QPalette) -> None:
        """Every lane's marks at once: one batch of draw calls per kind and style, not per lane
        (lanes do not overlap, so the order within each lane is all that matters)."""
        if not frame.details:
            return
        items = _Marks.of(frame.details)
        index = self._state.data.index
        dark = is_dark(palette)
        base = palette.color(QPalette.ColorRole.Base)
        outline = palette.color(QPalette.ColorRole.Highlight)
        painter.setFont(self._state.label_font)
        kinds = index.kind[items.positions]
        within = index.within[items.positions].astype(bool)
        coarse = np.isin(index.precision[items.positions], COARSE_PRECISIONS) & ~within
        parts = (("day", ~within & ~coarse), ("coarse", coarse), ("within", within))
        levels = credibility_levels(index, items.positions)
        narrow = (items.x1 - items.x0) <= 9.5
        for layer in (items.stacked, ~items.stacked):  # what lies under another mark first
            for code in np.unique(kinds[layer]).tolist():
                color = kind_color(index.kinds[code] if code >= 0 else None, dark)
                of_kind = layer & (kinds == code)
                for level in np.unique(levels[of_kind]).tolist():
                    chosen = of_kind & (levels == level)
                    for part, where in parts:
                        marks = chosen & where
                        if marks.any():
                            self._fill_marks(painter, items, marks, narrow, *mark_look(color, level, part, base))
        self._outline_marks(painter, items, self._state.highlighted, outline, selected=False)
        self._outline_marks(painter, items, self._state.selected, outline, selected=True)
        self._paint_annotations(painter, items, narrow)

    def _paint_annotations(self, painter: QPainter, items: _Marks, narrow: np.ndarray) -> None:
        """A star on each starred event's mark (top left), a dot on each noted one's (top right)."""
        state = self._state
        size = len(state.data.index)
        for flags, starred in ((state.noted, False), (state.starred, True)):
            if flags is None or flags.size != size:
                continue
            hits = np.flatnonzero(flags[items.positions])
            if not hits.size:
                continue
            middle = (items.x0[hits] + items.x1[hits]) / 2
            half = np.where(narrow[hits], 5.5, (items.x1[hits] - items.x0[hits]) / 2)  # a diamond's or a bar's
            xs = (middle - half) if starred else (middle + half)
            ys = items.y[hits] + np.where(narrow[hits], ROW_PX / 2 - 5.5, 4.0)
            path = QPainterPath()
            path.setFillRule(Qt.FillRule.WindingFill)  # marks stacked on each other: no holes where they meet
            for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
                if starred:
                    path.addPolygon(star(x, y))
                    path.closeSubpath()
                else:
                    path.addEllipse(QPointF(x, y), NOTE_RADIUS, NOTE_RADIUS)
            if starred:
                painter.setPen(QPen(STAR_EDGE, 1))
                painter.setBrush(STAR_COLOR)
            else:
                painter.setPen(QPen(state.palette.color(QPalette.ColorRole.Base), 1.2))
                painter.setBrush(self._inks.plot)
            painter.drawPath(path)

    def _paint_labels(self, painter: QPainter, frame: Frame, palette: QPalette) -> None:
        """Event labels, above the link lines so that lines never hide their text.

        A label beside its mark is written in the plot's pen; one inside its (wide) mark in a
        pen that reads over the mark's fill, or on a backing of the lane's band where none does.
        """
        painter.setFont(self._state.label_font)
        metrics = QFontMetricsF(self._state.label_font)
        overhang = metrics.ascent() + metrics.descent() > ROW_PX - 8 + 2  # glyphs taller than a bar
        dark = is_dark(palette)
        even, odd = band_colors(palette)
        flags = int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextSingleLine)
        pen: QColor | None = None
        for items in frame.details:
            band = odd if items.slot.ordinal % 2 else even
            inside = (items.label_shown & (items.label_x >= items.x0) & (items.label_x < items.x1)).tolist()
            for i in np.flatnonzero(items.label_shown).tolist():
                position = int(items.positions[i])
                rect = QRectF(items.label_x[i], items.y[i], items.label_width[i], ROW_PX)
                text = self._state.label_text(position, items.label_width[i], int(items.hidden_after[i]))
                ink = self._inks.plot
                if inside[i]:
                    ink = self._ink_inside(position, band, dark, overhang)
                    if ink is None:  # no pen reads over this fill: the text gets a backing of the band
                        ink = self._inks.plot
                        room = min(metrics.horizontalAdvance(text), rect.width()) + 4
                        painter.setPen(Qt.PenStyle.NoPen)
                        pen = None
                        painter.setBrush(band)
                        painter.drawRoundedRect(QRectF(rect.left() - 2, rect.top() + 2, room, ROW_PX - 4), 3, 3)
                if ink is not pen:  # one pen change per change of pen, not one per label
                    painter.setPen(ink)
                    pen = ink
                painter.drawText(rect, flags, text)

    def _ink_inside(self, position: int, band: QColor, dark: bool, overhang: bool) -> QColor | None:
        """The pen for a label inside its event's mark (None: no pen reads there)."""
        index = self._state.data.index
        code = int(index.kind[position])
        color = kind_color(index.kinds[code] if code >= 0 else None, dark)
        level = int(credibility_levels(index, np.array([position]))[0])
        if index.within[position]:  # hatched: lines of the kind's colour over the band
            return self._inks.on_fill(color, band, overhang=True)
        if level != SURE:  # outlined: a light fill over the band
            return self._inks.on_fill(mark_look(color, level, "day", band)[0].color(), band, overhang)
        if int(index.precision[position]) in COARSE_PRECISIONS:  # faded: the colour, translucent, over the band
            color = composite(with_alpha(color, FADED_ALPHA), band)
        return self._inks.on_fill(color, band, overhang)

    def _paint_chosen_labels(self, painter: QPainter, frame: Frame, palette: QPalette) -> None:
        """The selected and the keyboard-current events' labels in full, on top of everything."""
        state = self._state
        if not state.selected_count and state.current is None:
            return
        titles = state.data.index.titles
        metrics = QFontMetricsF(state.label_font)
        plot_width = state.width - self._header
        background = with_alpha(palette.color(QPalette.ColorRole.Base), CHOSEN_BOX_ALPHA)
        edge = palette.color(QPalette.ColorRole.Highlight)
        painter.setFont(state.label_font)
        drawn = 0
        for items in frame.details:
            chosen = state.selected[items.positions] if state.selected.size else np.zeros(items.positions.size, bool)
            if state.current is not None:
                chosen = chosen | (items.positions == state.current)
            for i in np.flatnonzero(chosen & ~items.stacked).tolist():
                if drawn >= MAX_CHOSEN_LABELS:
                    return
                hidden = int(items.hidden_after[i])
                text = single_line(titles[int(items.positions[i])][:200]) + (f" (+{hidden})" if hidden else "")
                width = metrics.horizontalAdvance(text) + 6
                if items.label_shown[i] and items.label_x[i] + items.label_width[i] <= items.x0[i]:
                    x = items.label_x[i] + items.label_width[i] - width  # a label left of its mark
                elif items.label_shown[i]:
                    x = items.label_x[i] - 3
                else:
                    x = items.x1[i] + 1
                x = max(0.0, min(x, plot_width - width))
                box = QRectF(x, items.y[i] + 1, width, ROW_PX - 2)
                painter.setPen(QPen(edge, 1))
                painter.setBrush(background)
                painter.drawRoundedRect(box, 3, 3)
                painter.setPen(self._inks.chosen)
                flags = int(Qt.AlignmentFlag.AlignVCenter) | int(Qt.TextFlag.TextSingleLine)
                painter.drawText(box.adjusted(3, 0, -3, 0), flags, text)
                drawn += 1

    @staticmethod
    def _fill_marks(
        painter: QPainter,
        items: _Marks,
        chosen: np.ndarray,
        narrow: np.ndarray,
        brush: QBrush,
        pen: QPen,
    ) -> None:
        if not chosen.any():
            return
        painter.setPen(pen)
        painter.setBrush(brush)
        bars = np.flatnonzero(chosen & ~narrow)
        if bars.size:
            painter.drawRects(
                [
                    QRectF(items.x0[i], items.y[i] + 4, items.x1[i] - items.x0[i], ROW_PX - 8)
                    for i in bars.tolist()
                ]
            )
        points = np.flatnonzero(chosen & narrow)
        if points.size:
            path = QPainterPath()
            for i in points.tolist():
                cx = (items.x0[i] + items.x1[i]) / 2
                cy = items.y[i] + ROW_PX / 2
                path.addPolygon(diamond(cx, cy))
                path.closeSubpath()  # its border all round (an outlined mark shows a gap otherwise)
            painter.drawPath(path)

    @staticmethod
    def _outline_marks(
        painter: QPainter, items: _Marks, chosen: np.ndarray, color: QColor, selected: bool
    ) -> None:
        if chosen.size == 0:
            return
        hits = np.flatnonzero(chosen[items.positions])
        if not hits.size:
            return
        painter.setBrush(Qt.BrushStyle.NoBrush)
        style = Qt.PenStyle.SolidLine if selected else Qt.PenStyle.DotLine
        painter.setPen(QPen(color, 2.5 if selected else 1.5, style))
        painter.drawRects(
            [QRectF(items.x0[i] - 2, items.y[i] + 2, items.x1[i] - items.x0[i] + 4, ROW_PX - 4) for i in hits.tolist()]
        )

    def _paint_containment(self, painter: QPainter, palette: QPalette) -> None:
        """``part of``: a frame over the parent's span in each part's row, under the marks."""
        frames = self._state.links.frames
        if not frames:
            return
        color = QColor(palette.color(QPalette.ColorRole.Highlight))
        fill = QColor(color)
        fill.setAlpha(FRAME_FILL_ALPHA)  # event labels over it keep their contrast (colors.text_inks)
        edge = QColor(color)
        edge.setAlpha(170)
        painter.setBrush(fill)
        pen: int | None = None
        for box in sorted(frames, key=lambda box: self._confidence(box.link)):  # one pen change per confidence
            if self._confidence(box.link) != pen:
                pen = self._confidence(box.link)
                painter.setPen(link_pen(pen, edge, 1.2))
            painter.drawRoundedRect(QRectF(box.x0, box.y - ROW_PX / 2 + 1, box.x1 - box.x0, ROW_PX - 2), 4, 4)

    def _confidence(self, link: int) -> int:
        """How sure a link is (CONFIRMED, PROBABLE, POSSIBLE)."""
        confidence = self._state.data.link_confidence
        return int(confidence[link]) if 0 <= link < confidence.size else CONFIRMED

    def _paint_links(self, painter: QPainter, frame: Frame, palette: QPalette) -> None:
        """Arcs and off-screen ends: one path per confidence, solid, dashed or dotted."""
        geometry = self._state.links
        if not geometry.arcs and not geometry.edges:
            return
        color = QColor(palette.color(QPalette.ColorRole.Highlight))
        arcs: dict[int, QPainterPath] = {}
        heads = QPainterPath()
        for arc, bow, _box in self._arc_plans(frame):
            _add_arc(arcs.setdefault(self._confidence(arc.link), QPainterPath()), heads, arc.source, arc.target, bow)
        ends: dict[int, QPainterPath] = {}
        for edge in geometry.edges:
            left, right, middle = edge.start
            if edge.y != middle:  # to the top or bottom edge
                start = QPointF(edge.tip_x, middle + (8 if edge.y > middle else -8))
                angle = -90.0 if edge.y > middle else 90.0
            else:
                start = QPointF(right if edge.tip_x > right else left, middle)
                angle = 0.0 if edge.tip_x > right else 180.0
            path = ends.setdefault(self._confidence(edge.link), QPainterPath())
            path.moveTo(start)
            path.lineTo(edge.tip_x, edge.y)
            heads.addPolygon(_arrow_head(QPointF(edge.tip_x, edge.y), angle))
            heads.closeSubpath()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for width, paths in ((1.8, arcs), (1.4, ends)):
            for confidence, path in sorted(paths.items()):
                painter.setPen(link_pen(confidence, color, width))
                painter.drawPath(path)
        painter.setPen(QPen(color, 1.0))
        painter.setBrush(color)
        painter.drawPath(heads)

    def _arc_plans(self, frame: Frame) -> list[tuple[Arc, float, QRectF | None]]:
        """For each arc: how it bows (1 up, -1 down, less for a flatter curve) and where its
        relation's name goes.

        The arc bows as far up as usual unless a flatter or downward curve lets its name sit
        where it covers no event label nor mark; failing that, no label; failing that, the
        name is left out (the arc is still drawn).
        """
        if self._plans is not None:
            return self._plans
        state = self._state
        metrics = QFontMetricsF(state.small_font)
        labels, marks = state.obstacles or event_boxes(frame)
        placed = Boxes()  # off-screen ends' titles and the relation names placed so far
        for edge in state.links.edges:
            placed.add(QRectF(*edge.box))
        plans: list[tuple[Arc, float, QRectF | None]] = []
        widths: dict[str, float] = {}
        for number, arc in enumerate(state.links.arcs):
            name = single_line(arc.label[:80]).lower()
            if name not in widths:
                widths[name] = metrics.horizontalAdvance(name)
            bow, box = 1.0, None
            if number < MAX_LINK_LABELS:
                size = (widths[name] + 8, metrics.height() + 2)
                for blocked in ((labels, marks, placed), (labels, placed)):
                    found = next(
                        ((way, b) for way in _BOWS if (b := _free_label_box(arc, *size, blocked, way)) is not None),
                        None,
                    )
                    if found is not None:
                        bow, box = found
                        placed.add(box)
                        break
            plans.append((arc, bow, box))
        self._plans = plans
        return plans

    def _paint_link_labels(self, painter: QPainter, frame: Frame, palette: QPalette) -> None:
        """Each arc's relation, where it covers no event label; each off-screen end's title."""
        geometry = self._state.links
        if not geometry.arcs and not geometry.edges:
            return
        color = QColor(palette.color(QPalette.ColorRole.Highlight))
        background = with_alpha(palette.color(QPalette.ColorRole.Base), RELATION_BOX_ALPHA)
        text_color = self._inks.relation  # the Highlight hue, made to read on the box
        painter.setFont(self._state.small_font)
        metrics = QFontMetricsF(self._state.small_font)
        for edge in geometry.edges:
            if not edge.titled:
                continue
            box = QRectF(*edge.box)
            painter.setPen(QPen(color, 1))
            painter.setBrush(background)
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(text_color)
            text = metrics.elidedText(single_line(edge.label), Qt.TextElideMode.ElideRight, box.width() - 8)
            painter.drawText(box.adjusted(4, 0, -4, 0), int(Qt.AlignmentFlag.AlignVCenter), text)
        for arc, _bow, box in self._arc_plans(frame):
            if box is None:
                continue
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(background)
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(text_color)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, single_line(arc.label[:80]).lower())

    def _paint_band(self, painter: QPainter, palette: QPalette) -> None:
        if self._state.band is None:
            return
        color = QColor(palette.color(QPalette.ColorRole.Highlight))
        painter.setPen(QPen(color, 1))
        color.setAlpha(50)
        painter.setBrush(color)
        painter.drawRect(self._state.band.normalized())

    def _paint_ruler(self, painter: QPainter, palette: QPalette, width: float, ruler: Ruler) -> None:
        """The ruler: minor ticks and their labels below, the groups (years, months, days) above.

        Every label is whole inside the ruler: one at the right edge is shifted left, or left
        out where it would then meet another; a group's label too long for its room is left out.
        """
        painter.fillRect(QRectF(0, 0, width, RULER_PX), palette.color(QPalette.ColorRole.Window))
        painter.setPen(QPen(self._inks.window, 1))
        self._paint_minor_ticks(painter, width, ruler)
        self._paint_major_ticks(painter, width, ruler)
        painter.setPen(QPen(with_alpha(palette.color(QPalette.ColorRole.WindowText), 90), 1))
        painter.drawLine(QPointF(0, RULER_PX - 0.5), QPointF(width, RULER_PX - 0.5))

    def _paint_minor_ticks(self, painter: QPainter, width: float, ruler: Ruler) -> None:
        axis = self._state.axis
        painter.setFont(self._state.label_font)
        metrics = QFontMetricsF(self._state.label_font)
        xs = [self._header + round(axis.x_of(tick.instant)) + 0.5 for tick in ruler.minor]
        widths = [metrics.horizontalAdvance(tick.label) for tick in ruler.minor]
        starts = minor_label_starts(xs, widths, self._header + RULER_EDGE_PX, width - RULER_EDGE_PX)
        for tick, x, start in zip(ruler.minor, xs, starts, strict=True):
            painter.drawLine(QPointF(x, RULER_PX - 6), QPointF(x, RULER_PX))
            if start is not None:
                painter.drawText(QPointF(start, RULER_PX - 7), tick.label)

    def _paint_major_ticks(self, painter: QPainter, width: float, ruler: Ruler) -> None:
        axis = self._state.axis
        bold = self._bold(self._state.label_font)
        painter.setFont(bold)
        metrics = QFontMetricsF(bold)
        majors = ruler.major
        for number, tick in enumerate(majors):
            x = self._header + axis.x_of(tick.instant)
            next_x = self._header + axis.x_of(majors[number + 1].instant) if number + 1 < len(majors) else width
            label_x = max(x, self._header) + 4  # the current group's label stays pinned at the left
            label = group_label(tick.label, metrics, next_x - label_x - 6)
            if label is not None:
                painter.drawText(QPointF(label_x, RULER_PX / 2 - 6), label)
            if x >= self._header:
                painter.drawLine(QPointF(round(x) + 0.5, 2), QPointF(round(x) + 0.5, RULER_PX))

    def _paint_headers(self, painter: QPainter, frame: Frame, palette: QPalette, height: float) -> None:
        window = palette.color(QPalette.ColorRole.Window)
        painter.fillRect(QRectF(0, RULER_PX, self._header, height - RULER_PX), window)
        painter.save()
        painter.setClipRect(QRectF(0, RULER_PX, self._header, height - RULER_PX))
        bold = self._bold(self._state.label_font)
        lines = HeaderLines.of(QFontMetricsF(bold), QFontMetricsF(self._state.small_font))
        for slot in frame.slots:
            if slot.top + slot.height >= RULER_PX and slot.top <= height:
                self._paint_header(painter, slot, bold, lines)
        painter.restore()
        painter.setPen(QPen(with_alpha(palette.color(QPalette.ColorRole.WindowText), 90), 1))
        painter.drawLine(QPointF(self._header - 0.5, 0), QPointF(self._header - 0.5, height))

    def _paint_header(self, painter: QPainter, slot: LaneSlot, bold: QFont, lines: HeaderLines) -> None:
        """A lane's name (wrapped onto two lines where the lane has room, else elided), its count below."""
        muted = self._inks.muted  # counts and fold arrows
        indent = header_indent(slot.lane.depth)
        room = name_room(self._header, slot.lane.depth)
        if slot.lane.foldable and not self._state.picture:
            painter.setPen(muted)
            painter.setFont(self._state.label_font)
            painter.drawText(
                QRectF(indent - 12, slot.top + HEADER_TOP_PX, 12, lines.first), Qt.AlignmentFlag.AlignCenter,
                "▸" if slot.lane.folded else "▾",
            )
        flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextSingleLine)
        name = name_lines(single_line(slot.lane.title[:MAX_HEADER_TEXT]), QFontMetricsF(bold), room,
                          lines.lines_for(slot.height))
        painter.setPen(self._inks.window)
        painter.setFont(bold)
        for number, line in enumerate(name):
            painter.drawText(QRectF(indent, slot.top + lines.line_top(number), room, lines.first), flags, line)
        count_top = lines.count_top(len(name))
        if count_top + lines.count > slot.height:  # no room left under the name (a very large font)
            return
        small = self._state.small_font
        count = f"{slot.count:,} event" + ("" if slot.count == 1 else "s")
        painter.setFont(small)
        painter.setPen(muted)
        text = QFontMetricsF(small).elidedText(count, Qt.TextElideMode.ElideRight, room)
        painter.drawText(QRectF(indent, slot.top + count_top, room, lines.count), flags, text)

    def _paint_loading(self, painter: QPainter, palette: QPalette, width: float, height: float) -> None:
        """A box in the middle of the plot: what is being read, and how far it has got."""
        stage, done, total = self._state.loading
        text = f"{single_line(stage[:200])}…"
        painter.setFont(self._state.label_font)
        metrics = QFontMetricsF(self._state.label_font)
        box_width = max(260.0, metrics.horizontalAdvance(text) + 40)
        box = QRectF(0, 0, box_width, 64)
        box.moveCenter(QPointF(self._header + (width - self._header) / 2, RULER_PX + (height - RULER_PX) / 2))
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(palette.color(QPalette.ColorRole.Window))
        painter.drawRoundedRect(box, 6, 6)
        painter.setPen(self._inks.window)
        painter.drawText(QRectF(box.left(), box.top() + 8, box.width(), 24), Qt.AlignmentFlag.AlignCenter, text)
        track = QRectF(box.left() + 20, box.bottom() - 22, box.width() - 40, 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Midlight))
        painter.drawRoundedRect(track, 4, 4)
        if total > 0:
            filled = QRectF(track)
            filled.setWidth(track.width() * min(max(done / total, 0.0), 1.0))
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(filled, 4, 4)

    def _paint_empty_message(self, painter: QPainter, palette: QPalette, width: float, height: float) -> None:
        painter.setPen(self._inks.placeholder)
        painter.setFont(self._state.label_font)
        area = QRectF(self._header, RULER_PX, width - self._header, height - RULER_PX)
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self._state.empty_message or "")

    @staticmethod
    def _bold(font: QFont) -> QFont:
        bold = QFont(font)
        bold.setBold(True)
        return bold


def single_line(text: str) -> str:
    """Text for one line: line breaks and other control characters become spaces (and what
    Qt cannot draw, a replacement character)."""
    return text.translate(_CONTROLS_TO_SPACES) if text else ""


@dataclass(frozen=True, slots=True)
class _Marks:
    """The marks of every detailed lane as one set of arrays (what drawing a mark reads)."""

    positions: np.ndarray
    x0: np.ndarray
    x1: np.ndarray
    y: np.ndarray
    stacked: np.ndarray

    @classmethod
    def of(cls, lanes: list[DetailItems]) -> _Marks:
        if len(lanes) == 1:
            one = lanes[0]
            return cls(one.positions, one.x0, one.x1, one.y, one.stacked)
        return cls(*(np.concatenate([getattr(lane, name) for lane in lanes])
                     for name in ("positions", "x0", "x1", "y", "stacked")))


class Boxes:
    """Rectangles already taken, bucketed by column so that an overlap test looks at a few."""

    BUCKET_PX = 64.0

    def __init__(self) -> None:
        self._buckets: dict[int, list[QRectF]] = {}

    def _columns(self, box: QRectF) -> range:
        first = math.floor(box.left() / self.BUCKET_PX)
        last = math.floor(box.right() / self.BUCKET_PX)
        return range(max(first, last - 64), last + 1)  # a very wide box: its right part is enough

    def add(self, box: QRectF) -> None:
        """Take ``box``."""
        for column in self._columns(box):
            self._buckets.setdefault(column, []).append(box)

    def overlaps(self, box: QRectF) -> bool:
        """True when ``box`` meets a rectangle taken."""
        return any(box.intersects(other) for column in self._columns(box) for other in self._buckets.get(column, ()))


def event_boxes(frame: Frame) -> tuple[Boxes, Boxes]:
    """The event labels and the marks of a frame (plot coordinates), for placing link texts
    clear of them (at most 2,000 marks a lane: a lane that full is a strip of density)."""
    labels, marks = Boxes(), Boxes()
    for items in frame.details:
        for i in np.flatnonzero(items.label_shown).tolist():
            labels.add(QRectF(items.label_x[i], items.y[i] + 2, items.label_width[i], ROW_PX - 4))
        for i in range(min(items.positions.size, 2_000)):
            marks.add(QRectF(items.x0[i], items.y[i] + 2, items.x1[i] - items.x0[i], ROW_PX - 4))
    return labels, marks


def compact_count(count: int) -> str:
    """12,345 → "12k"; 1,234,567 → "1.2M"."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    if count >= 10_000:
        return f"{count // 1000}k"
    return f"{count:,}"


def diamond(cx: float, cy: float, radius: float = 5.5) -> QPolygonF:
    """The marker of a point event."""
    return QPolygonF(
        [QPointF(cx, cy - radius), QPointF(cx + radius, cy), QPointF(cx, cy + radius), QPointF(cx - radius, cy)]
    )


def star(cx: float, cy: float, radius: float = STAR_RADIUS) -> QPolygonF:
    """The five-pointed star of a starred event, centred on (cx, cy)."""
    points = []
    for corner in range(10):
        reach = radius if corner % 2 == 0 else radius * 0.45
        angle = math.pi / 2 + corner * math.pi / 5
        points.append(QPointF(cx + reach * math.cos(angle), cy - reach * math.sin(angle)))
    return QPolygonF(points)


def mark_look(color: QColor, level: int, part: str, base: QColor) -> tuple[QBrush, QPen]:
    """The fill and border of a mark of the kind ``color``, drawn at credibility ``level`` (grades.SURE,
    UNCERTAIN, DOUBTFUL), for a date of ``part`` precision ("day", "coarse": month or year, "within"),
    over ``base`` (an outlined mark's light fill is opaque, so that a mark under it does not show through).
    The same brush and pen come back for the same arguments: do not change them."""
    return _mark_look(color.rgba(), level, part, base.rgba())


@lru_cache(maxsize=512)
def _mark_look(rgba: int, level: int, part: str, base_rgba: int) -> tuple[QBrush, QPen]:
    color, base = QColor.fromRgba(rgba), QColor.fromRgba(base_rgba)
    style = Qt.PenStyle.DashLine if part == "coarse" else Qt.PenStyle.SolidLine
    if level == SURE:
        edge, width = color.darker(125), 1.0
        fill = with_alpha(color, FADED_ALPHA) if part == "coarse" else color
    else:
        edge, width = (color, 2.0) if level == UNCERTAIN else (with_alpha(color, DOUBTFUL_EDGE_ALPHA), 1.5)
        fill = composite(with_alpha(color, HOLLOW_FILL_ALPHA if level == UNCERTAIN else DOUBTFUL_FILL_ALPHA), base)
    brush = QBrush(edge if level != SURE else color, Qt.BrushStyle.BDiagPattern) if part == "within" else QBrush(fill)
    return brush, QPen(edge, width, style)


# How sure a link is, told without colour (greyscale prints, colour blindness).
_LINK_STYLES = {CONFIRMED: Qt.PenStyle.SolidLine, PROBABLE: Qt.PenStyle.DashLine, POSSIBLE: Qt.PenStyle.DotLine}


# How links bow, tried in turn until the relation's name finds a free place on the curve.
_BOWS = (1.0, 0.55, 0.35, 1.35, -1.0, -0.55, -0.35)


def link_pen(confidence: int, color: QColor, width: float) -> QPen:
    """The pen of a link this sure (grades.CONFIRMED solid, PROBABLE dashed, POSSIBLE dotted)."""
    pen = QPen(color, width, _LINK_STYLES.get(confidence, Qt.PenStyle.SolidLine))
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def _arc_controls(
    source: Anchor, target: Anchor, bow: float = 1.0
) -> tuple[float, float, float, float, float, float, float, float]:
    """Start, two control points and end of the curve of a link (bowing up, or down for -1)."""
    forward = target[0] >= source[1]
    sx, sy = (source[1], source[2]) if forward else (source[0], source[2])
    ex, ey = (target[0], target[2]) if forward else (target[1], target[2])
    dx = ex - sx
    lift = min(70.0, 18 + abs(dx) / 4) * bow
    return sx, sy, sx + dx / 3, sy - lift, ex - dx / 3, ey - lift, ex, ey


def _point_on_arc(source: Anchor, target: Anchor, t: float, bow: float = 1.0) -> QPointF:
    sx, sy, c1x, c1y, c2x, c2y, ex, ey = _arc_controls(source, target, bow)
    u = 1 - t
    x = u**3 * sx + 3 * u * u * t * c1x + 3 * u * t * t * c2x + t**3 * ex
    y = u**3 * sy + 3 * u * u * t * c1y + 3 * u * t * t * c2y + t**3 * ey
    return QPointF(x, y)


def _free_label_box(
    arc: Arc, width: float, height: float, blocked: tuple[Boxes, ...], bow: float
) -> QRectF | None:
    """A box on the arc for its relation's name that meets nothing ``blocked`` (None if none does)."""
    for t in (0.5, 0.38, 0.62, 0.26, 0.74, 0.16, 0.84):
        box = QRectF(0, 0, width, height)
        box.moveCenter(_point_on_arc(arc.source, arc.target, t, bow))
        if box.top() >= RULER_PX and not any(taken.overlaps(box) for taken in blocked):
            return box
    return None


def _add_arc(arcs: QPainterPath, heads: QPainterPath, source: Anchor, target: Anchor, bow: float = 1.0) -> None:
    """A link as a curve bowing above (or below) its two events, with an arrow head at the target."""
    sx, sy, c1x, c1y, c2x, c2y, ex, ey = _arc_controls(source, target, bow)
    arcs.moveTo(sx, sy)
    arcs.cubicTo(c1x, c1y, c2x, c2y, ex, ey)
    # The direction at the end of the curve (its derivative near t = 1).
    t = 0.98
    tx = 3 * (1 - t) ** 2 * (c1x - sx) + 6 * (1 - t) * t * (c2x - c1x) + 3 * t**2 * (ex - c2x)
    ty = 3 * (1 - t) ** 2 * (c1y - sy) + 6 * (1 - t) * t * (c2y - c1y) + 3 * t**2 * (ey - c2y)
    heads.addPolygon(_arrow_head(QPointF(ex, ey), math.degrees(math.atan2(-ty, tx))))
    heads.closeSubpath()


def _arrow_head(tip: QPointF, angle_degrees: float, size: float = 8.0) -> QPolygonF:
    angle = math.radians(-angle_degrees)
    back = QPointF(tip.x() - size * math.cos(angle), tip.y() - size * math.sin(angle))
    normal = QPointF(-math.sin(angle) * size / 2.2, math.cos(angle) * size / 2.2)
    return QPolygonF([tip, back + normal, back - normal])
