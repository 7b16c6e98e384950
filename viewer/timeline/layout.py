"""Placing the events of one lane in rows so that no two labels overlap (pure, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MARKER_PX = 9.0  # an event narrower than this is drawn as a marker of this width
LABEL_GAP_PX = 4.0
LABEL_MAX_PX = 1200.0  # a label longer than this (a title of 200 characters) is cut even with room
LABEL_MIN_PX = 28.0  # a label cut shorter than this is not worth showing
WIDE_BAR_PX = 200.0  # a bar this wide on screen carries its label inside, cut to fit


@dataclass(frozen=True, slots=True)
class RowLayout:
    """Where each event of a lane goes: arrays aligned with the input order (by start)."""

    x0: np.ndarray  # left edge of the drawn mark
    x1: np.ndarray  # right edge of the drawn mark (at least MARKER_PX wide)
    row: np.ndarray  # row within the lane, 0 at the top
    label_shown: np.ndarray  # bool
    label_x: np.ndarray  # where the label starts (inside a wide bar, or right of the mark)
    label_width: np.ndarray  # pixels the label may use (elided beyond)
    hidden_after: np.ndarray  # events stacked under this one's mark for lack of rows ("+N")
    stacked: np.ndarray  # bool: this event lies under another's mark (paint it first)
    stack_owner: np.ndarray  # for a stacked event, the event whose label says "+N" (else -1)


def mark_extent(x_start: np.ndarray, x_end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The drawn extent of events: true to scale, but never narrower than a marker.

    A short event is centred on its start: a point is a marker at its moment.
    """
    narrow = (x_end - x_start) < MARKER_PX
    x0 = np.where(narrow, x_start - MARKER_PX / 2, x_start)
    x1 = np.where(narrow, x_start + MARKER_PX / 2, x_end)
    return x0, x1


class _Rows:
    """The state of each row while placing: where its marks and its label end."""

    def __init__(self, count: int) -> None:
        self.mark_end = [-np.inf] * count
        self.label_end = [-np.inf] * count
        self.labelled: list[int | None] = [None] * count


def stack_rows(
    x0: np.ndarray, x1: np.ndarray, text_width: np.ndarray, rows: int, plot_width: float, count_width: float = 0.0
) -> RowLayout:
    """Greedy rows, so that labels never overlap each other or another event's mark.

    Each event takes the first row free at its left edge. When every row is taken by a label,
    the label that frees the most room is cut short (or hidden) for it. When every row is
    taken by marks (simultaneous events) the event shares a row: its mark lies under the
    previous one, whose label then says "+N" (``count_width`` more pixels, where there is room).
    Inputs must be sorted by ``x0`` (and, for equal starts, longest first, so that the longer
    event keeps the row and the label).
    """
    count = x0.size
    state = _Rows(max(rows, 1))
    row_of = np.zeros(count, dtype=np.int32)
    shown = np.zeros(count, dtype=bool)
    label_x = np.zeros(count)
    label_width = np.zeros(count)
    hidden_after = np.zeros(count, dtype=np.int32)
    stacked = np.zeros(count, dtype=bool)
    stack_owner = np.full(count, -1, dtype=np.int64)
    wanted = np.minimum(text_width, LABEL_MAX_PX)
    for i, (left, right) in enumerate(zip(x0.tolist(), x1.tolist(), strict=True)):
        row = _free_row(state, left)
        if row is None:
            row = _row_after_cutting_a_label(state, left, label_x, label_width, shown)
        if row is None:  # marks collide in every row: stack under the row that frees first
            row = min(range(len(state.mark_end)), key=state.mark_end.__getitem__)
            row_of[i] = row
            stacked[i] = True
            owner = state.labelled[row]
            if owner is not None:
                hidden_after[owner] += 1
                stack_owner[i] = owner
                if hidden_after[owner] == 1 and count_width:  # room for the "(+N)" after the title
                    inside = label_x[owner] < x1[owner]
                    limit = (min(x1[owner], plot_width) - LABEL_GAP_PX if inside else plot_width) - label_x[owner]
                    label_width[owner] = min(label_width[owner] + count_width, max(limit, label_width[owner]))
                    state.label_end[row] = max(state.label_end[row], label_x[owner] + label_width[owner] + LABEL_GAP_PX)
                start, end = label_x[owner], label_x[owner] + label_width[owner]
                if shown[owner] and start < right + LABEL_GAP_PX and left - LABEL_GAP_PX < end:
                    # The mark stacked under the owner's would lie under its label: the label
                    # keeps the longer side of it, never covering it.
                    before, after = left - LABEL_GAP_PX - start, end - right - LABEL_GAP_PX
                    if after >= before:
                        label_x[owner], label_width[owner] = right + LABEL_GAP_PX, max(0.0, after)
                    else:
                        label_width[owner] = max(0.0, before)
                    if label_width[owner] < min(wanted[owner], LABEL_MIN_PX):
                        shown[owner], label_width[owner] = False, 0.0
                        state.labelled[row] = None
            state.mark_end[row] = max(state.mark_end[row], right + LABEL_GAP_PX)
            state.label_end[row] = max(state.label_end[row], state.mark_end[row])
            continue
        row_of[i] = row
        visible_left, visible_right = max(left, 0.0), min(right, plot_width)
        inside_room = visible_right - visible_left - 2 * LABEL_GAP_PX
        if inside_room >= min(wanted[i], LABEL_MAX_PX) or inside_room >= WIDE_BAR_PX:
            start, room = visible_left + LABEL_GAP_PX, visible_right - visible_left - 2 * LABEL_GAP_PX
        else:
            start = right + LABEL_GAP_PX
            room = max(0.0, plot_width - start)
        width = min(wanted[i], room)
        shown[i] = width >= min(wanted[i], LABEL_MIN_PX) and wanted[i] > 0
        label_x[i], label_width[i] = start, (width if shown[i] else 0.0)
        state.mark_end[row] = right + LABEL_GAP_PX
        state.label_end[row] = max(state.mark_end[row], start + label_width[i] + LABEL_GAP_PX)
        state.labelled[row] = i if shown[i] else None
    _labels_to_the_left(x0, x1, row_of, stacked, wanted, shown, label_x, label_width)
    return RowLayout(x0, x1, row_of, shown, label_x, label_width, hidden_after, stacked, stack_owner)


def _labels_to_the_left(
    x0: np.ndarray,
    x1: np.ndarray,
    row_of: np.ndarray,
    stacked: np.ndarray,
    wanted: np.ndarray,
    shown: np.ndarray,
    label_x: np.ndarray,
    label_width: np.ndarray,
) -> None:
    """Move a label that had to be cut (or hidden) to the left of its mark when it fits there in full.

    The room on the left ends where the row's earlier marks and labels end, so a label moved
    there covers nothing (moving a label left only ever frees room for the later ones). In
    bulk with numpy: a frame pays nothing per event for it.
    """
    count = x0.size
    if count == 0:
        return
    inside = shown & (label_x >= x0) & (label_x < x1)  # a label inside its wide bar stays
    cut = ~stacked & ~inside & (wanted > 0) & (~shown | (label_width < wanted - 0.5))
    if not cut.any():
        return
    right_label = shown & (label_x >= x1)
    end = np.where(right_label, np.maximum(x1, label_x + label_width), x1) + LABEL_GAP_PX
    # Where each row's marks and labels reach before each event: a running maximum per row.
    order = np.lexsort((np.arange(count), row_of))
    rows, ends = row_of[order].astype(np.float64), end[order]
    low, high = float(ends.min()), float(ends.max())
    shift = (high - low + 1.0) * 2.0
    running = np.maximum.accumulate(ends - low + rows * shift) - rows * shift + low
    before = np.empty(count)
    before[0] = -np.inf
    before[1:] = running[:-1]
    before[np.r_[True, rows[1:] != rows[:-1]]] = -np.inf  # the first event of a row has it to itself
    reach = np.empty(count)
    reach[order] = before
    start = x0 - LABEL_GAP_PX - wanted
    moved = cut & (start >= np.maximum(reach, 0.0))
    shown[moved] = True
    label_x[moved] = start[moved]
    label_width[moved] = wanted[moved]


def _free_row(state: _Rows, left: float) -> int | None:
    return next((r for r, end in enumerate(state.label_end) if end <= left), None)


def _row_after_cutting_a_label(
    state: _Rows, left: float, label_x: np.ndarray, label_width: np.ndarray, shown: np.ndarray
) -> int | None:
    """Make room at ``left`` by shortening the label that leaves the most of itself."""
    best, best_room = None, -np.inf
    for row, mark_end in enumerate(state.mark_end):
        owner = state.labelled[row]
        if mark_end > left or owner is None:
            continue
        room = left - LABEL_GAP_PX - label_x[owner]
        if room > best_room:
            best, best_room = row, room
    if best is None:
        return None
    owner = state.labelled[best]
    if best_room >= LABEL_MIN_PX:
        label_width[owner] = best_room
    else:
        shown[owner] = False
        label_width[owner] = 0.0
        state.labelled[best] = None
    state.label_end[best] = left
    return best
