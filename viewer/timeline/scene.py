"""One frame of the timeline, computed before painting: visible lanes, placed events, density.

Pure (no Qt): the widget asks for a :class:`Frame`, paints exactly what it holds and uses
it again for hit-testing until the view changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from viewer.store.time_index import TimeIndex
from viewer.timeline.axis import TimeAxis
from viewer.timeline.density import CELL_PX, Density, is_crowded, lane_density
from viewer.timeline.lanes import Lane
from viewer.timeline.layout import LABEL_GAP_PX, LABEL_MAX_PX, MARKER_PX, mark_extent, stack_rows

ROW_PX = 22.0
LANE_PADDING_PX = 6.0
HIT_SLOP_PX = 3.0


@dataclass(frozen=True, slots=True)
class LaneSlot:
    """A lane and the vertical band it occupies in the widget."""

    number: int  # index into the widget's lane list
    lane: Lane
    top: float
    height: float
    rows: int
    count: int  # events of the lane passing the filter (all time)
    ordinal: int = 0  # among the lanes shown (for alternating bands)


@dataclass(slots=True)
class DetailItems:
    """Events of one lane drawn one by one (x relative to the plot's left edge)."""

    slot: LaneSlot
    positions: np.ndarray
    x0: np.ndarray
    x1: np.ndarray
    y: np.ndarray  # top of each event's row
    label_shown: np.ndarray
    label_x: np.ndarray
    label_width: np.ndarray
    hidden_after: np.ndarray  # "+N": events stacked under this one's mark
    stacked: np.ndarray  # lies under another's mark
    stack_owner: np.ndarray  # for a stacked event, the item whose label says "+N" (else -1)

    def stack_of(self, item: int) -> list[int]:
        """The items drawn at one mark: ``item`` (whose label says "+N") and those under it."""
        owner = int(self.stack_owner[item]) if self.stack_owner[item] >= 0 else item
        return [owner, *np.flatnonzero(self.stack_owner == owner).tolist()]


@dataclass(slots=True)
class DensityItems:
    """A crowded lane drawn as a density strip with counts per cell."""

    slot: LaneSlot
    density: Density


@dataclass
class Frame:
    """Everything painted in one frame, and what hit-testing needs.

    ``slots`` holds the lanes on screen only; where every lane lies (scrolled or not) is in
    ``lane_tops`` and ``lane_heights`` (by lane number; height 0 for a lane the filter empties).
    """

    axis_start: float
    seconds_per_pixel: float
    slots: list[LaneSlot] = field(default_factory=list)
    details: list[DetailItems] = field(default_factory=list)
    densities: list[DensityItems] = field(default_factory=list)
    lane_tops: np.ndarray = field(default_factory=lambda: np.empty(0))
    lane_heights: np.ndarray = field(default_factory=lambda: np.empty(0))
    shown_lanes: int = 0  # lanes with an event passing the filter, on screen or not
    _anchors: dict[int, tuple[float, float, float]] | None = field(default=None, repr=False)

    def item_at(self, x: float, y: float) -> tuple[DetailItems, int, bool] | None:
        """The drawn event under (x, y) as (lane items, item number, on its label).

        A label is as much a target as its mark. Under several marks, the one on top (not
        stacked under another) whose centre is closest wins.
        """
        for items in self.details:
            if not items.slot.top <= y < items.slot.top + items.slot.height:
                continue
            in_row = (items.y <= y) & (y < items.y + ROW_PX)
            on_label = in_row & items.label_shown & (items.label_x <= x) & (x <= items.label_x + items.label_width)
            labels = np.flatnonzero(on_label)
            if labels.size:
                return items, int(labels[0]), True
            hits = np.flatnonzero(in_row & (items.x0 - HIT_SLOP_PX <= x) & (x <= items.x1 + HIT_SLOP_PX))
            if hits.size:
                on_top = hits[~items.stacked[hits]]
                hits = on_top if on_top.size else hits
                centres = (items.x0[hits] + items.x1[hits]) / 2
                return items, int(hits[np.argmin(np.abs(centres - x))]), False
        return None

    def event_at(self, x: float, y: float) -> int | None:
        """The index position of the event drawn (mark or label) under (x, y)."""
        found = self.item_at(x, y)
        return None if found is None else int(found[0].positions[found[1]])

    def cell_at(self, x: float, y: float) -> tuple[DensityItems, float, float] | None:
        """The density cell under (x, y) as (lane items, first instant, end instant)."""
        for items in self.densities:
            slot = items.slot
            if slot.top <= y < slot.top + slot.height and x >= 0:
                cell = int(x // CELL_PX)
                if cell < items.density.cells.size and items.density.cells[cell] > 0:
                    start = self.axis_start + cell * CELL_PX * self.seconds_per_pixel
                    return items, start, start + CELL_PX * self.seconds_per_pixel
        return None

    def slot_at(self, y: float) -> LaneSlot | None:
        """The lane under height ``y``."""
        return next((s for s in self.slots if s.top <= y < s.top + s.height), None)

    def anchors_of(self, position: int) -> list[tuple[float, float, float]]:
        """Every drawn copy of an event as (x0, x1, y of the row's middle)."""
        found = []
        for items in self.details:
            for i in np.flatnonzero(items.positions == position).tolist():
                found.append((float(items.x0[i]), float(items.x1[i]), float(items.y[i] + ROW_PX / 2)))
        return found

    def first_anchor(self, position: int) -> tuple[float, float, float] | None:
        """The first drawn copy of an event (as :meth:`anchors_of`), from a table made once per frame."""
        if self._anchors is None:
            anchors: dict[int, tuple[float, float, float]] = {}
            for items in reversed(self.details):  # the first copy is written last
                middles = (items.y + ROW_PX / 2).tolist()
                for position, x0, x1, y in zip(
                    items.positions.tolist()[::-1], items.x0.tolist()[::-1], items.x1.tolist()[::-1], middles[::-1],
                    strict=True,
                ):
                    anchors[position] = (x0, x1, y)
            self._anchors = anchors
        return self._anchors.get(position)

    def lane_band(self, number: int) -> tuple[float, float] | None:
        """(top, height) of lane ``number`` in this frame, on screen or not; None if not shown."""
        if not 0 <= number < self.lane_heights.size or self.lane_heights[number] <= 0:
            return None
        return float(self.lane_tops[number]), float(self.lane_heights[number])


MIN_LANE_PX = 42.0  # room for the header's title and count


def lane_height(rows: int) -> float:
    """Pixel height of a lane holding ``rows`` rows."""
    return max(MIN_LANE_PX, rows * ROW_PX + LANE_PADDING_PX * 2)


def lane_rows(event_count: int, max_rows: int) -> int:
    """Rows given to a lane: few for a lane of few events, so the view stays compact.

    It depends only on how many events pass the filter, never on the zoom, so lanes do not
    jump while the user pans and zooms.
    """
    if event_count <= 2:
        return 1
    if event_count <= 8:
        return min(2, max_rows)
    return max_rows


def lane_geometry(
    lane_counts: np.ndarray, max_rows: int, top: float, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, heights and tops of every lane (as :func:`lane_rows` and :func:`lane_height`, at
    once; a lane with no event passing the filter has height 0). ``rows`` overrides the rows
    of each lane (a picture gives each lane the rows it needs)."""
    counts = np.asarray(lane_counts, dtype=np.int64)
    if rows is None:
        rows = np.where(counts <= 2, 1, np.where(counts <= 8, min(2, max_rows), max_rows))
    heights = np.where(counts > 0, np.maximum(MIN_LANE_PX, rows * ROW_PX + LANE_PADDING_PX * 2), 0.0)
    tops = top + np.cumsum(heights) - heights
    return rows, heights, tops


def rows_for_whole_labels(
    index: TimeIndex,
    lanes: Sequence[Lane],
    mask: np.ndarray | None,
    axis: TimeAxis,
    text_width: Callable[[int], float],
    limit: int = 40,
) -> np.ndarray:
    """For each lane, the rows in which no mark is stacked and every label is whole (at most
    ``limit``; a lane of thousands of events keeps the usual rows and its density strip)."""
    needed = np.ones(len(lanes), dtype=np.int64)
    for number, lane in enumerate(lanes):
        positions = lane.positions if mask is None else lane.positions[mask[lane.positions]]
        if positions.size > 2_000:
            needed[number] = 3
            continue
        if positions.size <= 1:  # one mark (or none) needs one row: no layout to work out
            continue
        x0, x1 = mark_extent(axis.xs_of(index.earliest[positions]), axis.xs_of(index.latest[positions]))
        order = np.lexsort((x0 - x1, x0))
        ends: list[float] = []
        for i in order.tolist():
            reach = max(float(x1[i]), float(x1[i]) + LABEL_GAP_PX + min(text_width(int(positions[i])), LABEL_MAX_PX))
            row = next((r for r, end in enumerate(ends) if end <= x0[i]), None)
            if row is None:
                if len(ends) >= limit:
                    continue
                ends.append(0.0)
                row = len(ends) - 1
            ends[row] = reach + LABEL_GAP_PX
        needed[number] = max(1, len(ends))
    return needed


def compose_frame(
    index: TimeIndex,
    lanes: Sequence[Lane],
    lane_counts: Sequence[int] | np.ndarray,
    mask: np.ndarray | None,
    axis: TimeAxis,
    top: float,
    bottom: float,
    max_rows: int,
    text_width: Callable[[int], float],
    count_width: float = 0.0,
    lane_rows_needed: np.ndarray | None = None,
) -> Frame:
    """Lay out the lanes between ``top`` and ``bottom`` (already scrolled) for ``axis``.

    Lanes with no event passing the filter are left out. A crowded lane becomes a density
    strip; the others place each event, stacking rows so that labels never overlap.
    ``lane_counts`` are the events of each lane passing ``mask`` (:meth:`Lanes.counts`); only
    the lanes on screen are given ``mask`` (:meth:`Lane.set_filter`) and laid out.
    """
    counts = np.asarray(lane_counts, dtype=np.int64)
    rows_of, heights, tops = lane_geometry(counts, max_rows, top, lane_rows_needed)
    shown = counts > 0
    frame = Frame(axis.start, axis.seconds_per_pixel, lane_tops=tops, lane_heights=heights,
                  shown_lanes=int(np.count_nonzero(shown)))
    margin = MARKER_PX * axis.seconds_per_pixel
    since, until = axis.start - margin, axis.end + margin
    ordinals = np.cumsum(shown) - 1
    # Only the lanes on screen are laid out: the work per frame does not grow with the lanes.
    on_screen = np.flatnonzero(shown & (tops + heights >= 0) & (tops <= bottom))
    for number in on_screen.tolist():
        lane = lanes[number]
        lane.set_filter(mask)
        count, rows = int(counts[number]), int(rows_of[number])
        slot = LaneSlot(number, lane, float(tops[number]), float(heights[number]), rows, count,
                        int(ordinals[number]))
        frame.slots.append(slot)
        # Deciding on density costs two binary searches, whatever the lane holds.
        if is_crowded(lane.count_starting(since, until), axis.width):
            density = lane_density(lane.kept_earliest, axis.start, axis.seconds_per_pixel, axis.width)
            frame.densities.append(DensityItems(slot, density))
            continue
        positions = lane.visible(index, since, until)
        if mask is not None and positions.size:
            positions = positions[mask[positions]]
        if positions.size == 0:
            continue
        x0, x1 = mark_extent(axis.xs_of(index.earliest[positions]), axis.xs_of(index.latest[positions]))
        order = np.lexsort((x0 - x1, x0))  # by start, the longest first among equal starts
        positions, x0, x1 = positions[order], x0[order], x1[order]
        widths = np.fromiter((text_width(p) for p in positions.tolist()), dtype=np.float64, count=positions.size)
        placed = stack_rows(x0, x1, widths, rows, axis.width, count_width)
        frame.details.append(
            DetailItems(
                slot,
                positions,
                x0,
                x1,
                slot.top + LANE_PADDING_PX + placed.row * ROW_PX,
                placed.label_shown,
                placed.label_x,
                placed.label_width,
                placed.hidden_after,
                placed.stacked,
                placed.stack_owner,
            )
        )
    return frame
