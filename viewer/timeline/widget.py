"""The timeline widget: paints a :class:`Frame` and turns mouse, wheel and keys into view changes.

It reads only the in-memory :class:`TimelineData`, never a database. Geometry comes from the
pure modules (axis, ticks, lanes, layout, density, scene); ``paintEvent`` only draws.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import SIGNAL, QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QColor,
    QCursor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QInputDialog, QMenu, QToolTip, QWidget

from viewer.formatting import format_instant_range
from viewer.state.selection import Selection, neighbour
from viewer.state.view_state import Change, ViewState
from viewer.store.dates import parse_date
from viewer.store.errors import InvalidDateError
from viewer.store.grading import Confidence
from viewer.store.linking import linked_to
from viewer.timeline.axis import FIT_MARGIN, TimeAxis
from viewer.timeline.colors import is_dark, kind_color
from viewer.timeline.data import TimelineData
from viewer.timeline.grades import (
    CONFIDENCE_NAMES,
    CONFIRMED,
    DOUBTFUL,
    UNCERTAIN,
    confidences_present,
    level_legend,
    levels_present,
)
from viewer.timeline.label_fit import MAX_NAME_LINES, HeaderLines, header_indent, name_room
from viewer.timeline.lanes import Lane, LaneMode, Lanes, build_lanes, kind_title
from viewer.timeline.layout import LABEL_GAP_PX, MARKER_PX
from viewer.timeline.legend import LegendEntry, LegendStrip, Sample
from viewer.timeline.links import EdgeEnd, LinkGeometry, place_links
from viewer.timeline.painting import (
    COARSE_PRECISIONS,
    HEADER_PX,
    MAX_HEADER_TEXT,
    RULER_PX,
    Boxes,
    PaintState,
    event_boxes,
    paint_timeline,
    single_line,
)
from viewer.timeline.scene import (
    LANE_PADDING_PX,
    ROW_PX,
    DetailItems,
    Frame,
    compose_frame,
    lane_geometry,
    lane_height,
    rows_for_whole_labels,
)

ZOOM_STEP = 1.25
WHEEL_ZOOM_BASE = 1.0015  # per eighth of a degree of wheel rotation
DRAG_THRESHOLD_PX = 4
SCROLL_STEPS = 100_000
MAX_DRAWN_LINKS = 400  # link arcs drawn in one frame, whatever the selection holds
MAX_TOOLTIP_BODIES = 20
MAX_PICTURE_HEADER_PX = 380.0  # the widest lane names' column a picture gets
MAX_STACK_LISTED = 30  # events of one stack named in its tooltip and its menu


@dataclass(frozen=True, slots=True)
class KeyBinding:
    """A key of the timeline's own, what it does (for the shortcuts list) and the method it calls."""

    keys: tuple[Qt.Key, ...]
    names: str  # as the shortcuts list writes them
    does: str
    method: str
    arguments: tuple[int, ...] = ()
    shift: bool | None = None  # True: only with Shift; False: only without; None: either


# The one definition of the timeline's keys: the key handler reads it, and so does Help >
# Keyboard Shortcuts. (Keys of the window's actions, such as Ctrl+G, belong to the actions.)
KEY_BINDINGS: tuple[KeyBinding, ...] = (
    KeyBinding((Qt.Key.Key_Right,), "Right", "Next event", "_step", (1,), shift=False),
    KeyBinding((Qt.Key.Key_Left,), "Left", "Previous event", "_step", (-1,), shift=False),
    KeyBinding((Qt.Key.Key_Right,), "Shift+Right", "Add the next event to the selection", "_key_extend", (1,), True),
    KeyBinding((Qt.Key.Key_Left,), "Shift+Left", "Add the previous event to the selection", "_key_extend", (-1,), True),
    KeyBinding((Qt.Key.Key_Plus, Qt.Key.Key_Equal), "+", "Zoom in around the mouse (or the middle)", "zoom_in"),
    KeyBinding((Qt.Key.Key_Minus, Qt.Key.Key_Underscore), "-", "Zoom out around the mouse (or the middle)", "zoom_out"),
    KeyBinding((Qt.Key.Key_Home,), "Home", "Fit all events", "fit_all"),
    KeyBinding((Qt.Key.Key_PageDown,), "PageDown", "Later in time", "_key_page", (1,)),
    KeyBinding((Qt.Key.Key_PageUp,), "PageUp", "Earlier in time", "_key_page", (-1,)),
    KeyBinding((Qt.Key.Key_Down,), "Down", "Scroll the lanes down", "_key_scroll_lanes", (1,)),
    KeyBinding((Qt.Key.Key_Up,), "Up", "Scroll the lanes up", "_key_scroll_lanes", (-1,)),
    KeyBinding((Qt.Key.Key_Escape,), "Escape", "Clear the selection", "clear_selection"),
    KeyBinding((Qt.Key.Key_Return, Qt.Key.Key_Enter), "Enter", "Show the current event's details", "_key_activate"),
)

# What the mouse does on the timeline, for the shortcuts list.
MOUSE_GESTURES: tuple[tuple[str, str], ...] = (
    ("Wheel, drag", "Pan in time"),
    ("Ctrl+Wheel, pinch", "Zoom around the mouse"),
    ("Shift+Wheel", "Scroll the lanes"),
    ("Click an event or its label", "Select it"),
    ("Ctrl+click", "Add or remove one event"),
    ("Shift+click", "Select a run of events in a lane"),
    ("Shift+drag", "Select a region"),
    ("Double-click", "Show an event's details"),
    ("Click \u201c(+N)\u201d", "Choose among the events stacked at a mark"),
)


@dataclass(frozen=True, slots=True)
class VisibleItem:
    """One drawn event, in viewport coordinates."""

    event_id: str
    marker: QRectF
    label: QRectF | None  # None when its label is not drawn
    text: str  # the label as drawn ("" when none)
    stacked: int = 0  # events stacked under this one's mark (its "+N")


@dataclass(frozen=True, slots=True)
class LinkItem:
    """One drawn link, in viewport coordinates."""

    from_id: str
    to_id: str
    relation: str  # "Prepares", "Part of", …
    shape: str  # "arc", "frame" (part of: over the parent's span in the part's row) or "edge"
    rect: QRectF | None  # the frame, or the clickable title of an off-screen end
    text: str = ""  # an off-screen end's title as drawn


class TimelineWidget(QAbstractScrollArea):
    """A zoomable, lane-based view of events in time."""

    selection_changed = Signal(object)  # list of the selected events' ids, in time order
    current_changed = Signal(str)  # id of the event that has keyboard focus ("" for none)
    event_activated = Signal(str)  # an event was double-clicked or Enter was pressed
    view_changed = Signal(float, float)  # the visible range changed (first, end instant)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._header_px = HEADER_PX  # the lane names' column (wider in a picture, to name every lane)
        self.setObjectName("timeline")
        self.setAccessibleName("Timeline")
        self.setAccessibleDescription(
            "Events on a time axis. Wheel or drag to pan, Ctrl+wheel or +/- to zoom, Home to fit all, "
            "Left/Right for the previous/next event, Escape to clear the selection."
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setMinimumSize(400, 200)
        self._state = ViewState()  # the window gives its own (set_state); alone, the widget keeps one
        self._state.changed.connect(self._on_state_changed)
        self._kinds_present: set[int] | None = None
        self._grades_present: tuple[set[int], set[int]] | None = None  # (credibility levels, link confidences)
        self._starred: frozenset[str] = frozenset()  # annotations by event id: they outlive the data
        self._noted: frozenset[str] = frozenset()
        self._annotation_flags: tuple[np.ndarray | None, np.ndarray | None] | None = None  # by position
        self._axis = TimeAxis(width=self._plot_width())
        self._lane_mode = LaneMode.BODY
        self._folded: set[str] = set()
        self._lanes: Lanes = build_lanes(self._data.index, LaneMode.NONE, {})
        self._lane_counts = np.zeros(len(self._lanes), dtype=np.int64)
        self._links_cache: tuple[tuple[object, ...], np.ndarray] | None = None
        self._geometry_cache: tuple[Frame, np.ndarray, LinkGeometry, tuple[Boxes, Boxes]] | None = None
        self._highlight: tuple[int, np.ndarray] | None = None  # (selection version, linked flags)
        self._show_all_links = False
        self._legend_visible = True
        self._describe: Callable[[int], str] | None = None
        self._frame: Frame | None = None
        self._text_widths: dict[int, float] = {}
        self._elided: dict[tuple[int, int], str] = {}
        self._press: tuple[QPointF, Qt.KeyboardModifier, float] | None = None
        self._dragging: str | None = None  # "pan" or "band"
        self._band: QRectF | None = None
        self._last_paint_ms = 0.0
        self._fitted = False
        self.stack_menu: QMenu | None = None  # the list of a stack, while it is open
        self._loading: tuple[str, int, int] | None = None  # (stage, done, total) while a file is read
        self._picture = False
        self._picture_rows: np.ndarray | None = None  # rows of each lane, for a picture
        self._label_font = QFont(self.font())
        self._small_font = QFont(self.font())
        self._small_font.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.85))
        self.legend = LegendStrip(self)
        self.legend.collapsed_changed.connect(lambda _collapsed: self._layout_legend())
        self.horizontalScrollBar().valueChanged.connect(self._on_horizontal_scroll)
        self.verticalScrollBar().valueChanged.connect(self._on_vertical_scroll)

    # ================================================================== public API

    def bind(self, state: ViewState) -> None:
        """Render from ``state`` (the window's), and change the selection and the view through it."""
        self._state.changed.disconnect(self._on_state_changed)
        self._state = state
        state.changed.connect(self._on_state_changed)
        self._on_state_changed(Change.DATASET | Change.SELECTION | Change.CURRENT)

    def state(self) -> ViewState:
        """The view state the widget renders."""
        return self._state

    @property
    def _data(self) -> TimelineData:
        return self._state.data

    @property
    def _mask(self) -> np.ndarray | None:
        return self._state.mask

    @property
    def _selection(self) -> Selection:
        return self._state.selection

    def set_data(self, data: TimelineData) -> None:
        """Show new data: lanes rebuilt, selection cleared, everything fitted."""
        self._state.set_dataset(data)

    def _on_state_changed(self, changes: Change) -> None:
        if changes & Change.DATASET:
            self._show_new_data()
        elif changes & Change.MASK:
            self._update_lane_counts()
        if changes & Change.VIEW and not changes & Change.DATASET:
            self._follow_view()
        if changes & Change.SELECTION and self.receivers(SIGNAL("selection_changed(PyObject)")):
            # The list is made only for a listener: a million ids cost 50 ms on Select All.
            self.selection_changed.emit(self.selected_ids())
        if changes & Change.CURRENT:
            self._announce_current()
        if changes & (Change.DATASET | Change.MASK | Change.SELECTION):
            self._invalidate()

    def _show_new_data(self) -> None:
        data = self._data
        asked = self._state.view  # the view the file asks for (or keeps, read again); None: fit it
        self._kinds_present = None
        self._grades_present = None
        self._annotation_flags = None
        self._text_widths.clear()
        self._elided.clear()
        self._highlight = None
        self._links_cache = None
        self._axis.bounds = data.index.span
        self._rebuild_lanes()
        self.legend.set_entries(self.legend_entries())
        self._layout_legend()  # (a resize of the viewport, which may fit the view)
        if asked is None:
            self.fit_all()
        else:
            self._axis.width = self._plot_width()
            self._axis.show_range(*asked, 0.0)
            self._view_moved()

    def _follow_view(self) -> None:
        """Show the stretch of time the state asks for (unless it is already, within half a pixel)."""
        view = self._state.view
        if view is None:
            return
        self._axis.width = self._plot_width()
        tolerance = (view[1] - view[0]) / self._axis.width / 2  # half a pixel of the view asked for
        if abs(view[0] - self._axis.start) <= tolerance and abs(view[1] - self._axis.end) <= tolerance:
            return
        self._axis.show_range(*view, 0.0)
        self._view_moved()

    def data(self) -> TimelineData:
        """The data shown."""
        return self._data

    def set_description_provider(self, describe: Callable[[int], str] | None) -> None:
        """Give a function returning the plain-text tooltip of an index position."""
        self._describe = describe

    def set_lane_mode(self, mode: LaneMode | str) -> None:
        """Group lanes by body, by kind, or not at all."""
        self._lane_mode = LaneMode(mode)
        self._rebuild_lanes()

    def lane_mode(self) -> LaneMode:
        """The current grouping."""
        return self._lane_mode

    def set_folded(self, body_id: str, folded: bool) -> None:
        """Fold a body's sub-bodies into its lane (or unfold them)."""
        if folded:
            self._folded.add(body_id)
        else:
            self._folded.discard(body_id)
        self._rebuild_lanes()

    def lanes(self) -> list[Lane]:
        """The lanes, in order, including those hidden by the filter."""
        return list(self._lanes)

    def lane_count(self) -> int:
        """How many lanes there are (including those hidden by the filter)."""
        return len(self._lanes)

    def set_filter_mask(self, mask: np.ndarray | None) -> None:
        """Show only the positions where ``mask`` is true (None shows everything).

        Selected events that the filter hides are deselected.
        """
        self._state.show_mask(mask)

    def passing_positions(self) -> np.ndarray:
        """Index positions of the events the filter lets through (what the timeline can show)."""
        count = len(self._data.index)
        return np.arange(count) if self._mask is None else np.flatnonzero(self._mask)

    def visible_count(self) -> int:
        """How many events pass the filter."""
        return len(self._data.index) if self._mask is None else int(np.count_nonzero(self._mask))

    def set_selection(self, ids: Iterable[str]) -> None:
        """Select the events with these ids (unknown or filtered-out ids are ignored)."""
        self._state.select_ids(ids)

    def select_positions(self, positions: np.ndarray) -> None:
        """Select these index positions (those the filter hides are ignored)."""
        self._state.select_positions(positions)

    def selected_ids(self) -> list[str]:
        """Ids of the selected events in time order."""
        return self._state.selected_ids()

    def selected_positions(self) -> np.ndarray:
        """Index positions of the selected events, in time order."""
        return self._selection.positions()

    def selected_count(self) -> int:
        """How many events are selected."""
        return self._selection.count

    def select_next(self, direction: int) -> None:
        """Select the next (1) or previous (-1) event in time that passes the filter."""
        self._step(direction)

    def clear_selection(self) -> None:
        """Select nothing."""
        self._state.clear_selection()

    def set_annotations(self, starred: Iterable[str] = (), noted: Iterable[str] = ()) -> None:
        """Mark the events ``starred`` (a star on their mark) and those with a note (a dot), by id.

        The ids are kept: they are found again in any data set later (ids not in the data are
        ignored until they are). Cheap: the marks are redrawn, nothing is laid out again.
        """
        starred, noted = frozenset(starred), frozenset(noted)
        if starred == self._starred and noted == self._noted:
            return
        shown = [flags is not None for flags in self._annotations()]
        self._starred, self._noted = starred, noted
        self._annotation_flags = None
        if [flags is not None for flags in self._annotations()] != shown:  # the legend names stars and notes
            self.legend.set_entries(self.legend_entries())
            self._layout_legend()
        self.viewport().update()

    def starred_ids(self) -> frozenset[str]:
        """Ids of the events starred (as given, in the data or not)."""
        return self._starred

    def noted_ids(self) -> frozenset[str]:
        """Ids of the events with a note (as given, in the data or not)."""
        return self._noted

    def _annotations(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(starred, noted) flags per index position, None for no event (found once per data set)."""
        if self._annotation_flags is None:
            data = self._data
            starred = data.flags_of_ids(self._starred) if self._starred else None
            noted = data.flags_of_ids(self._noted) if self._noted else None
            self._annotation_flags = (
                starred if starred is not None and starred.any() else None,
                noted if noted is not None and noted.any() else None,
            )
        return self._annotation_flags

    def legend_entries(self) -> list[tuple[str, QColor] | LegendEntry]:
        """What the legend lists: every kind's colour, then the looks of marks and links the
        data holds (outlined or faded marks, dashed or dotted links, stars, notes)."""
        entries: list[tuple[str, QColor] | LegendEntry] = list(self.kind_colors())
        if self._grades_present is None:  # once per data set
            data = self._data
            self._grades_present = (levels_present(data.index), confidences_present(data.link_confidence))
        levels, confidences = self._grades_present
        grading = self._data.index.grading
        grey = kind_color(None, is_dark(self.palette()))
        index = self._data.index
        if len(index) and index.within.any():
            entries.append(LegendEntry("hatched: some time within its dates", grey, Sample.WINDOW))
        if len(index) and (np.isin(index.precision, COARSE_PRECISIONS) & ~index.within).any():
            entries.append(LegendEntry("dashed edge: known to the month or year", grey, Sample.COARSE))
        for level, sample in ((UNCERTAIN, Sample.OUTLINED), (DOUBTFUL, Sample.FADED)):
            if level in levels:
                entries.append(LegendEntry(level_legend(grading, level), grey, sample))
        if confidences - {CONFIRMED}:  # a solid line needs saying only beside a dashed or dotted one
            highlight = self.palette().color(QPalette.ColorRole.Highlight)
            samples = (Sample.SOLID, Sample.DASHED, Sample.DOTTED)
            for confidence, (name, sample) in enumerate(zip(CONFIDENCE_NAMES, samples, strict=True)):
                if confidence in confidences:
                    entries.append(LegendEntry(f"{name} link", highlight, sample))
        starred, noted = self._annotations()
        ink = self.palette().color(QPalette.ColorRole.WindowText)
        if starred is not None:
            entries.append(LegendEntry("starred", ink, Sample.STAR))
        if noted is not None:
            entries.append(LegendEntry("has a note", ink, Sample.NOTE))
        return entries

    def set_show_all_links(self, show: bool) -> None:
        """Draw every link among visible events, not only those of the selection."""
        self._show_all_links = show
        self._invalidate()

    def set_picture_mode(self, picture: bool) -> None:
        """Draw for a picture: no fold arrows, frame or scroll bars, and each lane given the
        rows it needs at the current zoom so that nothing is stacked and every label is whole.

        Call :meth:`fit_all` (or set the view) first; the rows follow the view at this call.
        """
        self._picture = picture
        self.setFrameShape(QFrame.Shape.NoFrame if picture else QFrame.Shape.StyledPanel)
        self.legend.set_foldable(not picture)
        self._picture_rows = None
        self._header_px = self._header_for_picture() if picture else HEADER_PX
        self.legend.set_header_width(self._header_px)
        if picture:
            self._axis.width = self._plot_width()
            rows = rows_for_whole_labels(self._data.index, self._lanes, self._mask, self._axis, self._text_width)
            self._picture_rows = self._rows_for_names(rows)
        self._layout_legend()
        self._update_vertical_range()
        self._invalidate()

    def _header_for_picture(self) -> float:
        """A lane names' column wide enough for every lane's name (within limits)."""
        bold = QFont(self._label_font)
        bold.setBold(True)
        metrics = QFontMetricsF(bold)
        widest = HEADER_PX
        for number in np.flatnonzero(self._lane_counts > 0)[:500].tolist():
            lane = self._lanes[number]
            name = metrics.horizontalAdvance(single_line(lane.title[:80]))
            widest = max(widest, header_indent(lane.depth) + name + 12)
        return float(min(widest, MAX_PICTURE_HEADER_PX, self.width() * 0.35))

    def _rows_for_names(self, rows: np.ndarray) -> np.ndarray:
        """``rows``, with each lane given the rows its header needs: its name and count (a large
        font), on two lines for a name too long for the column (a picture has no tooltip)."""
        bold = QFont(self._label_font)
        bold.setBold(True)
        metrics = QFontMetricsF(bold)
        lines = HeaderLines.of(metrics, QFontMetricsF(self._small_font))
        one, two = _rows_to_hold(lines.height(1)), _rows_to_hold(lines.height(MAX_NAME_LINES))
        rows = np.maximum(rows, one)
        for number in np.flatnonzero((self._lane_counts > 0) & (rows < two))[:500].tolist():
            lane = self._lanes[number]
            title = single_line(lane.title[:MAX_HEADER_TEXT])
            if metrics.horizontalAdvance(title) > name_room(self._header_px, lane.depth):
                rows[number] = two
        return rows

    def set_loading(self, stage: str | None, done: int = 0, total: int = 0) -> None:
        """Say on the timeline that a file is being read ("Loading 1,000,000 events", 2 of 5); None when done."""
        self._loading = None if stage is None else (stage, done, total)
        self.viewport().update()

    def loading_text(self) -> str | None:
        """What the timeline says about the file being read, or None."""
        return None if self._loading is None else f"{self._loading[0]}…"

    def set_legend_visible(self, visible: bool) -> None:
        """Show or hide the kind colour legend (a strip below the plot, never over it)."""
        self._legend_visible = visible
        self._layout_legend()

    def _legend_height(self) -> int:
        # Lines counted for the narrowest the strip gets (with a vertical scroll bar), so that a
        # scroll bar appearing never leaves a line of the legend out.
        narrowest = self.width() - 2 * self.frameWidth()
        if self.verticalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
            narrowest -= self.verticalScrollBar().sizeHint().width()
        return self.legend.height_for(narrowest)

    def _layout_legend(self) -> None:
        """Give the legend the bottom margin of the viewport: its height at the current width."""
        area = self.viewport().geometry()
        height = self._legend_height() if self._legend_visible else 0
        if self.viewportMargins().bottom() != height:
            self.setViewportMargins(0, 0, 0, height)
            area = self.viewport().geometry()
        self.legend.setGeometry(area.left(), area.bottom() + 1, area.width(), height)
        self.legend.setVisible(height > 0)

    def visible_range(self) -> tuple[float, float]:
        """(first, end) instants of the view."""
        return self._axis.start, self._axis.end

    def axis(self) -> TimeAxis:
        """The time axis (for reading; change the view through the methods here)."""
        return self._axis

    def fit_all(self) -> None:
        """Show every event passing the filter (Home)."""
        self._axis.width = self._plot_width()
        span = self._filtered_span()
        if span is not None:
            margin = FIT_MARGIN * self._axis.width
            last = self._last_visible_position()
            label = self._text_width(last) + 2 * LABEL_GAP_PX + MARKER_PX if last is not None else 0.0
            self._axis.show_range_with_room(*span, margin, max(margin, label))
        self._view_moved()
        self._fitted = True  # until the user moves the view, a resize fits again

    def _last_visible_position(self) -> int | None:
        """The event passing the filter that starts last (its label is the rightmost)."""
        count = len(self._data.index)
        if count == 0:
            return None
        if self._mask is None:
            return count - 1
        backwards = self._mask[::-1]
        found = int(np.argmax(backwards))
        return count - 1 - found if backwards[found] else None

    def zoom_in(self) -> None:
        """Zoom in around the mouse when it is over the plot, else around the centre."""
        self._axis.zoom(ZOOM_STEP, self._mouse_x_in_plot())
        self._view_moved()

    def zoom_out(self) -> None:
        """Zoom out around the mouse when it is over the plot, else around the centre."""
        self._axis.zoom(1 / ZOOM_STEP, self._mouse_x_in_plot())
        self._view_moved()

    def _mouse_x_in_plot(self) -> float | None:
        """The mouse's x in the plot when it is over the plot (None otherwise: the centre)."""
        point = self.viewport().mapFromGlobal(QCursor.pos())
        if not self.viewport().rect().contains(point) or point.x() < self._header_px or point.y() < RULER_PX:
            return None
        return float(point.x() - self._header_px)

    def zoom_at(self, factor: float, x_in_plot: float) -> None:
        """Zoom by ``factor`` keeping the instant at plot x ``x_in_plot`` fixed."""
        self._axis.zoom(factor, x_in_plot)
        self._view_moved()

    def pan_pixels(self, dx: float) -> None:
        """Pan by ``dx`` pixels (positive shows later time)."""
        self._axis.pan_pixels(dx)
        self._view_moved()

    def show_range(self, start: float, end: float, margin: float = FIT_MARGIN) -> None:
        """Fit a time range in the view (with a small margin on each side unless told not to)."""
        self._axis.show_range(start, end, margin)
        self._view_moved()

    def go_to_date(self, text: str) -> None:
        """Show the period a date names (any form :func:`viewer.store.dates.parse_date` names), with its neighbours.

        Raises :class:`InvalidDateError` for text that is not a date.
        """
        period = parse_date(text)
        start, end = period.first_instant(), period.end_instant()
        length = end - start
        first, last = start - length, end + length
        # Room on the right for the label of the last event the view shows.
        index = self._data.index
        position = int(np.searchsorted(index.earliest, last, side="right")) - 1
        if self._mask is not None and position >= 0:  # the last one passing the filter, looked for nearby
            nearby = np.flatnonzero(self._mask[max(0, position - 5_000) : position + 1])
            position = max(0, position - 5_000) + int(nearby[-1]) if nearby.size else -1
        if position >= 0 and index.earliest[position] < first:
            position = -1  # no event in view
        room = FIT_MARGIN * self._axis.width
        label = self._text_width(position) + 2 * LABEL_GAP_PX + MARKER_PX if position >= 0 else 0.0
        self._axis.show_range_with_room(first, last, room, max(room, label))
        self._view_moved()

    def centre_on_event(self, event_id: str) -> None:
        """Scroll (and zoom out if needed) so the event is in view and its lane visible."""
        position = self._data.position_of(event_id)
        if position is not None:
            self._reveal(position)

    def ask_go_to_date(self) -> None:
        """Ask for a date and go there (Ctrl+G)."""
        text, accepted = QInputDialog.getText(
            self, "Go to Date", "Date (e.g. 15 June 2023, 2023-06, June 2023):"
        )
        if not accepted or not text.strip():
            return
        try:
            self.go_to_date(text)
        except InvalidDateError as error:
            QToolTip.showText(self.mapToGlobal(self.rect().center()), html.escape(str(error)), self)

    def preferred_height(self) -> float:
        """The height that shows the ruler, every lane and (below them) the legend, unscrolled."""
        legend = self._legend_height() if self._legend_visible else 0
        return RULER_PX + self._content_height() + legend + self.horizontalScrollBar().sizeHint().height() + 4

    def last_paint_ms(self) -> float:
        """How long the last paint took (for the status bar and the benchmark)."""
        return self._last_paint_ms

    # ------------------------------------------------------------------ what is on screen
    # (for tests, accessibility tools and the main window: computed from the current frame)

    def event_rects(self, event_id: str) -> list[QRectF]:
        """Where each copy of an event is drawn, in viewport coordinates (empty if not drawn)."""
        position = self._data.position_of(event_id)
        if position is None:
            return []
        return [
            QRectF(self._header_px + x0, y - ROW_PX / 2 + 4, x1 - x0, ROW_PX - 8)
            for x0, x1, y in self._ensure_frame().anchors_of(position)
        ]

    def label_rects(self) -> list[tuple[str, QRectF]]:
        """(event id, rectangle) of every label drawn, in viewport coordinates."""
        found = []
        for items in self._ensure_frame().details:
            for i in np.flatnonzero(items.label_shown).tolist():
                rect = QRectF(self._header_px + items.label_x[i], items.y[i], items.label_width[i], ROW_PX)
                found.append((self._data.index.ids[int(items.positions[i])], rect))
        return found

    def visible_items(self) -> list[VisibleItem]:
        """Every event drawn one by one (not in density strips), with its mark and label."""
        found = []
        ids = self._data.index.ids
        bottom = self.viewport().height()
        for items in self._ensure_frame().details:
            on_screen = (items.y + ROW_PX > RULER_PX) & (items.y < bottom)
            for i in np.flatnonzero(on_screen).tolist():
                position = int(items.positions[i])
                marker = QRectF(self._header_px + items.x0[i], items.y[i] + 4, items.x1[i] - items.x0[i], ROW_PX - 8)
                label, text = None, ""
                if items.label_shown[i]:
                    label = QRectF(self._header_px + items.label_x[i], items.y[i], items.label_width[i], ROW_PX)
                    text = self._label_text(position, float(items.label_width[i]), int(items.hidden_after[i]))
                found.append(VisibleItem(ids[position], marker, label, text, int(items.hidden_after[i])))
        return found

    def open_stack_at(self, point: QPointF) -> bool:
        """Offer the events stacked at ``point`` (viewport coordinates) to choose from."""
        hit = self._item_at_point(point)
        if hit is None:
            return False
        items, item, _on_label = hit
        stack = items.stack_of(item)
        if len(stack) < 2:
            return False
        menu = QMenu(self)
        menu.setObjectName("stackMenu")
        menu.setAccessibleName("Events at this mark")
        index = self._data.index
        for member in stack[:MAX_STACK_LISTED]:
            position = int(items.positions[member])
            dates = format_instant_range(float(index.earliest[position]), float(index.latest[position]))
            action = menu.addAction(f"{single_line(index.titles[position][:120])} — {dates}")
            action.triggered.connect(lambda _checked=False, p=position: self._choose_from_stack(p))
        if len(stack) > MAX_STACK_LISTED:
            more = menu.addAction(f"… and {len(stack) - MAX_STACK_LISTED:,} more: zoom in to see them")
            more.setEnabled(False)
        self.stack_menu = menu
        menu.aboutToHide.connect(self._forget_stack_menu)
        menu.popup(self.viewport().mapToGlobal(point.toPoint()))
        return True

    def _forget_stack_menu(self) -> None:
        menu, self.stack_menu = self.stack_menu, None
        if menu is not None:
            menu.deleteLater()

    def _choose_from_stack(self, position: int) -> None:
        self._select_only(position)

    def link_items(self) -> list[LinkItem]:
        """How each link drawn now is drawn, in viewport coordinates."""
        ids, data = self._data.index.ids, self._data
        found = []
        geometry = self._link_geometry()

        def ends(link: int) -> tuple[str, str, str]:
            return ids[int(data.link_from[link])], ids[int(data.link_to[link])], data.link_labels[link]

        for arc in geometry.arcs:
            found.append(LinkItem(*ends(arc.link), "arc", None))
        for box in geometry.frames:
            rect = QRectF(self._header_px + box.x0, box.y - ROW_PX / 2 + 1, box.x1 - box.x0, ROW_PX - 2)
            found.append(LinkItem(*ends(box.link), "frame", rect))
        for edge in geometry.edges:
            x, y, width, height = edge.box
            found.append(LinkItem(*ends(edge.link), "edge", QRectF(self._header_px + x, y, width, height), edge.label))
        return found

    def drawn_links(self) -> list[tuple[str, str, str]]:
        """(from id, to id, relation label) of the links drawn now."""
        ids = self._data.index.ids
        return [
            (ids[int(self._data.link_from[k])], ids[int(self._data.link_to[k])], self._data.link_labels[k])
            for k in self._links_to_draw().tolist()
        ]

    def aggregated_lanes(self) -> list[str]:
        """Keys of the lanes drawn as density strips (too many events to show one by one)."""
        return [items.slot.lane.key for items in self._ensure_frame().densities]

    def kind_colors(self) -> list[tuple[str, QColor]]:
        """(kind title, colour) for every kind in the data, as in the legend."""
        dark = is_dark(self.palette())
        if self._kinds_present is None:  # once per data set: a million-row scan is not for every frame
            self._kinds_present = set(np.unique(self._data.index.kind).tolist())
        return [
            (kind_title(kind), kind_color(kind, dark))
            for code, kind in enumerate(self._data.index.kinds)
            if code in self._kinds_present
        ]

    # ================================================================== state helpers

    def _rebuild_lanes(self) -> None:
        data = self._data
        tree = data.body_tree() if self._lane_mode is LaneMode.BODY else None
        self._lanes = build_lanes(data.index, self._lane_mode, data.bodies, self._folded, tree)
        self._update_lane_counts()
        self._invalidate()

    def _update_lane_counts(self) -> None:
        self._lane_counts = self._lanes.counts(self._mask)
        self._update_vertical_range()

    def _kept_in_lane(self, lane: Lane, since: float, until: float) -> np.ndarray:
        """Positions of a lane's events passing the filter and overlapping [since, until)."""
        positions = lane.visible(self._data.index, since, until)
        return positions if self._mask is None else positions[self._mask[positions]]

    def _filtered_span(self) -> tuple[float, float] | None:
        index = self._data.index
        if self._mask is None:
            return index.span
        hits = np.flatnonzero(self._mask)
        if hits.size == 0:
            return None
        return float(index.earliest[hits[0]]), float(index.latest[hits].max())

    def _announce_current(self) -> None:
        position = self._selection.current
        self.current_changed.emit(self._state.current_id())
        if position is not None and QAccessible.isActive():  # a screen reader reads the event out
            QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self, self.describe_for_speech(position)))

    def describe_for_speech(self, position: int) -> str:
        """One line naming an event for assistive technology: its title and dates."""
        index = self._data.index
        dates = format_instant_range(float(index.earliest[position]), float(index.latest[position]))
        return f"{single_line(index.titles[position][:200])}, {dates}"

    def _invalidate(self) -> None:
        self._frame = None
        self.viewport().update()

    def _view_moved(self) -> None:
        self._fitted = False
        self._sync_horizontal_scrollbar()
        self._invalidate()
        self._announce_view()

    def _announce_view(self) -> None:
        self.view_changed.emit(self._axis.start, self._axis.end)
        self._state.set_view(self._axis.start, self._axis.end)

    def _plot_width(self) -> float:
        return max(1.0, self.viewport().width() - self._header_px)

    def _rows_per_lane(self) -> int:
        if self._lane_mode is LaneMode.NONE:
            return max(3, int((self.viewport().height() - RULER_PX - 2 * LANE_PADDING_PX) // ROW_PX))
        return 3

    def _content_height(self) -> float:
        _rows, heights, _tops = lane_geometry(self._lane_counts, self._rows_per_lane(), 0.0, self._picture_rows)
        return float(heights.sum())

    # ================================================================== scroll bars

    def _update_vertical_range(self) -> None:
        page = max(1, int(self.viewport().height() - RULER_PX))
        bar = self.verticalScrollBar()
        bar.setPageStep(page)
        bar.setSingleStep(int(lane_height(2)))
        bar.setRange(0, max(0, int(self._content_height()) - page))

    def _scroll_limits(self) -> tuple[float, float] | None:
        return self._axis.start_limits()

    def _sync_horizontal_scrollbar(self) -> None:
        bar = self.horizontalScrollBar()
        limits = self._scroll_limits()
        bar.blockSignals(True)
        if limits is None or limits[1] <= limits[0]:
            bar.setRange(0, 0)
        else:
            total = limits[1] - limits[0] + self._axis.visible_seconds
            page = max(1, int(SCROLL_STEPS * self._axis.visible_seconds / total))
            bar.setRange(0, SCROLL_STEPS - page)
            bar.setPageStep(page)
            bar.setSingleStep(max(1, page // 20))
            fraction = (self._axis.start - limits[0]) / (limits[1] - limits[0])
            bar.setValue(round(fraction * (SCROLL_STEPS - page)))
        bar.blockSignals(False)

    def _on_horizontal_scroll(self, value: int) -> None:
        limits = self._scroll_limits()
        bar = self.horizontalScrollBar()
        if limits is None or bar.maximum() == 0:
            return
        self._axis.start = limits[0] + (limits[1] - limits[0]) * value / bar.maximum()
        self._invalidate()
        self._announce_view()

    def _on_vertical_scroll(self, _value: int) -> None:
        self._invalidate()

    # ================================================================== geometry

    def _ensure_frame(self) -> Frame:
        if self._frame is None:
            self._axis.width = self._plot_width()
            top = RULER_PX - self.verticalScrollBar().value()
            self._frame = compose_frame(
                self._data.index,
                self._lanes,
                self._lane_counts,
                self._mask,
                self._axis,
                top,
                self.viewport().height(),
                self._rows_per_lane(),
                self._text_width,
                QFontMetricsF(self._label_font).horizontalAdvance(" (+99)"),
                self._picture_rows,
            )
        return self._frame

    def _text_width(self, position: int) -> float:
        width = self._text_widths.get(position)
        if width is None:
            if len(self._text_widths) > 200_000:
                self._text_widths.clear()
            title = self._data.index.titles[position]
            width = QFontMetricsF(self._label_font).horizontalAdvance(single_line(title[:200]))
            self._text_widths[position] = width
        return width

    def _label_text(self, position: int, width: float, hidden: int) -> str:
        """The title elided to ``width``, with "(+N)" when N events hide under its mark."""
        key = (position, int(width), hidden)
        text = self._elided.get(key)
        if text is None:
            if len(self._elided) > 50_000:
                self._elided.clear()
            metrics = QFontMetricsF(self._label_font)
            suffix = f" (+{hidden})" if hidden else ""
            title = single_line(self._data.index.titles[position][:400])
            room = max(0.0, width - metrics.horizontalAdvance(suffix))
            text = metrics.elidedText(title, Qt.TextElideMode.ElideRight, room) + suffix
            self._elided[key] = text
        return text

    # ================================================================== painting

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._layout_legend()
        if self._fitted:
            self.fit_all()
        else:
            self._axis.resize(self._plot_width())
        self._update_vertical_range()
        self._sync_horizontal_scrollbar()
        self._invalidate()

    def paintEvent(self, event) -> None:
        frame = self._ensure_frame()
        viewport = self.viewport()
        state = PaintState(
            frame=frame,
            axis=self._axis,
            data=self._data,
            palette=self.palette(),
            width=viewport.width(),
            height=viewport.height(),
            label_font=self._label_font,
            small_font=self._small_font,
            selected=self._selection.flags,
            highlighted=self._linked_to_selection(),
            links=self._link_geometry(),
            obstacles=self._event_obstacles(),
            label_text=self._label_text,
            band=self._band,
            empty_message=self._empty_message(frame),
            current=self._selection.current,
            selected_count=self._selection.count,
            loading=self._loading,
            picture=self._picture,
            header_px=self._header_px,
            starred=self._annotations()[0],
            noted=self._annotations()[1],
        )
        painter = QPainter(viewport)
        try:
            self._last_paint_ms = paint_timeline(painter, state)
        finally:
            painter.end()

    def _empty_message(self, frame: Frame) -> str | None:
        if frame.shown_lanes or (self._loading is not None and len(self._data.index) == 0):
            return None
        return "No events in this file." if len(self._data.index) == 0 else "No event matches the filter."

    def _linked_to_selection(self) -> np.ndarray:
        """A flag per position: linked to a selected event (and not selected itself)."""
        selection = self._selection
        if self._highlight is None or self._highlight[0] != selection.version:
            data = self._data
            highlight = np.zeros(len(data.index), dtype=bool)
            if selection.count and data.link_from.size:
                highlight = linked_to(data.link_from, data.link_to, selection.flags)
            self._highlight = (selection.version, highlight)
        return self._highlight[1]

    def _links_to_draw(self) -> np.ndarray:
        """Links of the selection; with "show all", also every link with an end drawn one by one
        (links between density strips would only add noise).

        At most :data:`MAX_DRAWN_LINKS`, those with both ends on screen first: an event with a
        hundred thousand links draws a readable fan, and a frame costs a few passes over the
        link arrays (kept until the frame, the selection or the filter change).
        """
        data = self._data
        if data.link_from.size == 0:
            return np.empty(0, dtype=np.int64)
        frame = self._ensure_frame()
        floor = self._link_floor()
        key = (frame, self._mask, self._selection.version, self._show_all_links, floor)
        cached = self._links_cache
        if cached is not None:
            (old_frame, old_mask, *rest), links = cached
            if old_frame is frame and old_mask is self._mask and rest == list(key[2:]):
                return links
        drawn = np.zeros(len(data.index), dtype=bool)
        for items in frame.details:
            drawn[items.positions] = True
        chosen = np.zeros(data.link_from.size, dtype=bool)
        if self._selection.count:
            chosen |= self._selection.flags[data.link_from] | self._selection.flags[data.link_to]
        if self._show_all_links:  # with those whose other end is off screen (drawn to the edge)
            chosen |= drawn[data.link_from] | drawn[data.link_to]
        if self._mask is not None:
            chosen &= self._mask[data.link_from] & self._mask[data.link_to]
        if floor is not None:  # the filter's link confidence: only the links that sure or surer
            chosen &= data.link_confidence <= floor
        links = np.flatnonzero(chosen)
        if links.size > MAX_DRAWN_LINKS:
            ends_drawn = drawn[data.link_from[links]].astype(np.int8) + drawn[data.link_to[links]]
            links = np.sort(links[np.argsort(-ends_drawn, kind="stable")[:MAX_DRAWN_LINKS]])
        self._links_cache = (key, links)
        return links

    def _link_floor(self) -> int | None:
        """The least sure link confidence drawn (a position in Confidence), from the filter; None: all."""
        asked = self._state.event_filter.link_confidence
        return None if asked is None else list(Confidence).index(asked)

    def _link_geometry(self) -> LinkGeometry:
        """Arcs, containment frames and off-screen ends of the links drawn now (kept per frame)."""
        links = self._links_to_draw()
        frame = self._ensure_frame()
        cached = self._geometry_cache
        if cached is not None and cached[0] is frame and cached[1] is links:
            return cached[2]
        index, axis = self._data.index, self._axis
        plot_width, bottom = axis.width, self.viewport().height()
        metrics = QFontMetricsF(self._small_font)

        def on_screen(position: int) -> tuple[float, float, float] | None:
            anchor = frame.first_anchor(position)
            if anchor is None or anchor[1] < 0 or anchor[0] > plot_width or not RULER_PX <= anchor[2] <= bottom:
                return None
            return anchor

        labels, marks = event_boxes(frame) if links.size else (Boxes(), Boxes())

        def is_free(box: tuple[float, float, float, float]) -> bool:
            rect = QRectF(*box)
            return not labels.overlaps(rect) and not marks.overlaps(rect)

        geometry = place_links(
            links.tolist(),
            self._data.link_from,
            self._data.link_to,
            self._data.link_labels,
            lambda position: self._anchor_of(frame, position),
            on_screen,
            lambda position: (axis.x_of(float(index.earliest[position])), axis.x_of(float(index.latest[position]))),
            lambda position: single_line(index.titles[position][:80]),
            metrics.horizontalAdvance,
            plot_width,
            metrics.height(),
            RULER_PX,
            bottom,
            is_free,
        )
        self._geometry_cache = (frame, links, geometry, (labels, marks))
        return geometry

    def _event_obstacles(self) -> tuple[Boxes, Boxes] | None:
        """The frame's event labels and marks as found for the links (the painter reuses them)."""
        cached = self._geometry_cache
        return cached[3] if cached is not None and cached[0] is self._frame else None

    def _anchor_of(self, frame: Frame, position: int) -> tuple[float, float, float] | None:
        anchor = frame.first_anchor(position)
        if anchor is not None:
            return anchor
        # Not drawn one by one (scrolled away, or in a density strip): the lane's middle,
        # kept on screen, so that the link points the way to it.
        first_lane = self._lanes.first_lane()
        if not 0 <= position < first_lane.size:
            return None
        band = frame.lane_band(int(first_lane[position]))
        if band is None:
            return None
        index = self._data.index
        x0 = self._axis.x_of(float(index.earliest[position]))
        x1 = max(x0, self._axis.x_of(float(index.latest[position])))
        top, height = band
        y = min(max(top + height / 2, RULER_PX + 4), self.viewport().height() - 4)
        return x0, x1, y

    # ================================================================== interaction

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        pixels = event.pixelDelta()
        modifiers = event.modifiers()
        x = event.position().x() - self._header_px
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            steps = delta.y() or delta.x()
            self.zoom_at(WHEEL_ZOOM_BASE**steps, max(0.0, x))
        elif modifiers & Qt.KeyboardModifier.ShiftModifier:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() - (pixels.y() or delta.y() // 2))
        else:
            horizontal = pixels.x() or delta.x() // 2
            vertical = pixels.y() or delta.y() // 2
            self.pan_pixels(-(horizontal if abs(horizontal) > abs(vertical) else vertical))
        event.accept()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.NativeGesture:
            gesture = event.gestureType()
            if gesture == Qt.NativeGestureType.ZoomNativeGesture:
                x = self.viewport().mapFromGlobal(event.globalPosition().toPoint()).x() - self._header_px
                self.zoom_at(1.0 + event.value(), max(0.0, x))
                return True
        return super().event(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self._show_tooltip(event)
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._press = (event.position(), event.modifiers(), self._axis.start)
        self._dragging = None
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return
        origin, modifiers, start = self._press
        moved = event.position() - origin
        if self._dragging is None and max(abs(moved.x()), abs(moved.y())) < DRAG_THRESHOLD_PX:
            return
        if self._dragging is None:
            self._dragging = "band" if modifiers & Qt.KeyboardModifier.ShiftModifier else "pan"
            if self._dragging == "pan":
                self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        if self._dragging == "pan":
            self._axis.start = start - moved.x() * self._axis.seconds_per_pixel
            self._axis.pan_pixels(0)
            bar = self.verticalScrollBar()
            if abs(moved.y()) > abs(moved.x()):
                bar.setValue(bar.value() - int(moved.y()))
                self._press = (event.position(), modifiers, self._axis.start)
            self._view_moved()
        else:
            self._band = QRectF(origin, event.position())
            self.viewport().update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is None or event.button() != Qt.MouseButton.LeftButton:
            return super().mouseReleaseEvent(event)
        _origin, modifiers, _start = self._press
        self._press = None
        self.viewport().unsetCursor()
        if self._dragging == "band" and self._band is not None:
            self._select_band(self._band.normalized(), modifiers)
            self._band = None
        elif self._dragging is None:
            self._click(event.position(), modifiers)
        self._dragging = None
        self.viewport().update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        position = self._event_at_point(event.position())
        if position is not None:
            self._select_only(position)
            self._reveal(position, zoom=False)
            self.event_activated.emit(self._data.index.ids[position])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        for binding in KEY_BINDINGS:
            if event.key() in binding.keys and (binding.shift is None or binding.shift == shift):
                getattr(self, binding.method)(*binding.arguments)
                event.accept()
                return
        super().keyPressEvent(event)

    def _key_extend(self, direction: int) -> None:
        self._step(direction, extend=True)

    def _key_scroll_lanes(self, steps: int) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + steps * bar.singleStep())

    def _key_page(self, direction: int) -> None:
        self.pan_pixels(direction * self._axis.width * 0.8)

    def _key_activate(self) -> None:
        if self._selection.current is not None:
            self.event_activated.emit(self._data.index.ids[self._selection.current])

    # ------------------------------------------------------------------ interaction helpers

    def _event_at_point(self, point: QPointF) -> int | None:
        hit = self._item_at_point(point)
        return None if hit is None else int(hit[0].positions[hit[1]])

    def _item_at_point(self, point: QPointF) -> tuple[DetailItems, int, bool] | None:
        if point.x() < self._header_px or point.y() < RULER_PX:
            return None
        return self._ensure_frame().item_at(point.x() - self._header_px, point.y())

    def _edge_at_point(self, point: QPointF) -> EdgeEnd | None:
        if point.x() < self._header_px or point.y() < RULER_PX:
            return None
        return self._link_geometry().edge_at(point.x() - self._header_px, point.y())

    def _on_stack_count(self, point: QPointF) -> bool:
        """True when ``point`` is on the "(+N)" at the end of a label."""
        hit = self._item_at_point(point)
        if hit is None or not hit[2]:
            return False
        items, item, _ = hit
        hidden = int(items.hidden_after[item])
        if not hidden:
            return False
        metrics = QFontMetricsF(self._label_font)
        position = int(items.positions[item])
        text = self._label_text(position, float(items.label_width[item]), hidden)
        end = self._header_px + items.label_x[item] + metrics.horizontalAdvance(text)
        return end - metrics.horizontalAdvance(f" (+{hidden})") <= point.x() <= end + 2

    def _click(self, point: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        frame = self._ensure_frame()
        if point.x() < self._header_px and point.y() >= RULER_PX:
            slot = frame.slot_at(point.y())
            if slot is not None and slot.lane.foldable:
                self.set_folded(slot.lane.key, not slot.lane.folded)
            return
        if not modifiers and self._on_stack_count(point) and self.open_stack_at(point):
            return
        position = self._event_at_point(point)
        edge = self._edge_at_point(point) if position is None else None
        if edge is not None:  # the title of a link's other end, off screen: go there
            self._select_only(edge.other)
            self._reveal(edge.other)
            return
        if position is not None:
            if modifiers & Qt.KeyboardModifier.ControlModifier:
                self._toggle(position)
            elif modifiers & Qt.KeyboardModifier.ShiftModifier and self._selection.anchor is not None:
                self._extend_to(position, frame.slot_at(point.y()))
            else:
                self._select_only(position)
            return
        cell = frame.cell_at(point.x() - self._header_px, point.y()) if point.y() >= RULER_PX else None
        if cell is not None:
            _items, start, end = cell
            self.show_range(start, end)
            return
        if not modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            self.clear_selection()

    def _select_only(self, position: int) -> None:
        self._state.select_only(position)

    def _toggle(self, position: int) -> None:
        self._state.toggle(position)

    def _extend_to(self, position: int, slot) -> None:
        """Select everything between the anchor and ``position`` in time, in the clicked lane."""
        candidates = slot.lane.positions if slot is not None else np.arange(len(self._data.index))
        self._state.extend_to(position, candidates)

    def _select_band(self, band: QRectF, modifiers: Qt.KeyboardModifier) -> None:
        frame = self._ensure_frame()
        left, right = band.left() - self._header_px, band.right() - self._header_px
        chosen: list[np.ndarray] = [np.empty(0, dtype=np.int64)]
        for items in frame.details:
            across = (items.x1 >= left) & (items.x0 <= right)
            inside = across & (items.y + ROW_PX >= band.top()) & (items.y <= band.bottom())
            chosen.append(items.positions[inside])
        first, end = self._axis.instant_at(left), self._axis.instant_at(right)
        for items in frame.densities:
            slot = items.slot
            if slot.top + slot.height >= band.top() and slot.top <= band.bottom():
                chosen.append(self._kept_in_lane(slot.lane, first, end))
        adding = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        self._state.add(np.unique(np.concatenate(chosen)).astype(np.int64), replace=not adding)

    def _step(self, direction: int, extend: bool = False) -> None:
        """Move the selection to the previous/next event in time (passing the filter)."""
        total = len(self._data.index)
        if total == 0:
            return
        if self._selection.current is None:
            first, end = self._axis.start, self._axis.end
            visible = self._data.index.visible(int(first), int(end) + 1)
            if self._mask is not None:
                visible = visible[self._mask[visible]]
            if visible.size == 0:
                return
            target = int(visible[0] if direction > 0 else visible[-1])
        else:
            target = neighbour(self._selection.current, direction, total, self._mask)
            if target is None:
                return
        if extend:
            self._state.add(np.array([target], dtype=np.int64))
        else:
            self._select_only(target)
        self._reveal(target, zoom=False)

    def _reveal(self, position: int, zoom: bool = True) -> None:
        """Bring an event into view horizontally and its first lane vertically."""
        index = self._data.index
        first, end = float(index.earliest[position]), float(index.latest[position])
        if zoom and end - first > self._axis.visible_seconds * 0.9:
            self._axis.show_range(first, end)
        elif first < self._axis.start or first > self._axis.end:
            self._axis.centre_on((first + min(end, first + self._axis.visible_seconds / 2)) / 2)
        self._view_moved()
        band = self._ensure_frame().lane_band(int(self._lanes.first_lane()[position]))
        if band is not None:
            top, height = band
            if top < RULER_PX or top + height > self.viewport().height():
                bar = self.verticalScrollBar()
                bar.setValue(int(bar.value() + top - RULER_PX))

    def _show_tooltip(self, event) -> None:
        point = QPointF(event.pos())
        edge = self._edge_at_point(point) if self._event_at_point(point) is None else None
        if edge is not None:
            text = f"{edge.label}\nOff screen. Click to go there."
            QToolTip.showText(event.globalPos(), _plain_tooltip(text), self.viewport())
            return
        hit = self._item_at_point(point)
        if hit is not None:
            items, item, _on_label = hit
            position = int(items.positions[item])
            text = self._describe(position) if self._describe else self._default_description(position)
            stack = items.stack_of(item)
            if len(stack) > 1:
                text += "\n\n" + self._stack_summary(items, stack, position)
            QToolTip.showText(event.globalPos(), _plain_tooltip(text), self.viewport())
            return
        frame = self._ensure_frame()
        cell = frame.cell_at(point.x() - self._header_px, point.y()) if point.x() >= self._header_px else None
        if cell is not None:
            items, start, end = cell
            count = items.slot.lane.count_starting(start, end)
            where = f"{items.slot.lane.full_title}\n{format_instant_range(start, end)}"
            text = f"{count:,} events in {where}\nClick to zoom in."
            QToolTip.showText(event.globalPos(), _plain_tooltip(text), self.viewport())
            return
        slot = frame.slot_at(point.y()) if point.x() < self._header_px else None
        if slot is not None:
            action = "unfold" if slot.lane.folded else "fold"
            hint = f"\nClick to {action} its sub-bodies." if slot.lane.foldable else ""
            QToolTip.showText(event.globalPos(), _plain_tooltip(f"{slot.lane.full_title}{hint}"), self.viewport())
            return
        QToolTip.hideText()
        event.ignore()

    def _stack_summary(self, items: DetailItems, stack: list[int], shown: int) -> str:
        """The other events drawn at the same mark, for a tooltip."""
        index = self._data.index
        others = [int(items.positions[member]) for member in stack if int(items.positions[member]) != shown]
        lines = [f"{len(others):,} more at this mark (click the \u201c+{len(others)}\u201d to choose):"]
        for position in others[:MAX_STACK_LISTED]:
            dates = format_instant_range(float(index.earliest[position]), float(index.latest[position]))
            lines.append(f"\u2022 {single_line(index.titles[position][:120])} — {dates}")
        if len(others) > MAX_STACK_LISTED:
            lines.append(f"\u2026 and {len(others) - MAX_STACK_LISTED:,} more")
        return "\n".join(lines)

    def _default_description(self, position: int) -> str:
        index = self._data.index
        title = index.titles[position]
        dates = format_instant_range(float(index.earliest[position]), float(index.latest[position]))
        body_ids = self._data.bodies_of(position)
        bodies = sorted(
            self._data.bodies[body_id].short_name if body_id in self._data.bodies else body_id
            for body_id in body_ids[:MAX_TOOLTIP_BODIES]
        )
        lines = [single_line(title), dates]
        if bodies:
            more = len(body_ids) - len(bodies)
            lines.append(", ".join(single_line(name) for name in bodies) + (f" and {more:,} more" if more else ""))
        return "\n".join(lines)


# ====================================================================== small helpers


def _rows_to_hold(height: float, most: int = 6) -> int:
    """The fewest rows whose lane is at least ``height`` high (at most ``most``)."""
    return next((rows for rows in range(1, most) if lane_height(rows) >= height), most)


def _plain_tooltip(text: str) -> str:
    """Tooltips are rich text when they look like markup: escape so data is shown, not rendered."""
    return "<qt><p style='white-space:pre-wrap'>" + html.escape(text[:2000]) + "</p></qt>"

