"""The one state behind the window's panes (no widgets).

:class:`ViewState` owns what the window shows: the dataset, the filter and the events it
lets through (the mask), the facet counts, the selection and the current event, the stretch
of time on screen and the navigation history. Panes change it through its methods and
render from it when it announces a change; none keeps a copy. Every change is worked out
whole (a filter that hides a selected event deselects it and, under "only events linked to
the selection", narrows the mask again) before one notification says what changed, so no
pane ever sees a half-made state.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from viewer.state.history import NavigationHistory, Place
from viewer.state.selection import Selection
from viewer.store.filters import EventFilter
from viewer.store.masks import FacetCounts, Marked, filter_and_facets, filter_mask, search_only
from viewer.timeline.data import TimelineData

VIEW_SETTLE_MS = 700  # a view that stays this long after a zoom or a pan is a place of the history

# Runs the full-text part of a filter (off the UI thread) and calls back with the matching seqs
# or with the error: search(filter, on_done, on_failed).
Searcher = Callable[[EventFilter, Callable[[Iterable[int]], None], Callable[[BaseException], None]], None]


class Change(enum.Flag):
    """What a notification says changed."""

    NONE = 0
    DATASET = enum.auto()  # another file, or the same file read again
    NEW_FILE = enum.auto()  # another file (with DATASET): nothing of the last one is kept
    FILTER = enum.auto()  # the filter or "only linked to the selection"
    MASK = enum.auto()  # which events pass
    FACETS = enum.auto()  # the live counts of the Filters pane
    SELECTION = enum.auto()
    CURRENT = enum.auto()  # the event keyboard moves start from
    VIEW = enum.auto()  # the stretch of time on screen
    HISTORY = enum.auto()  # where Back and Forward can go
    SEARCHING = enum.auto()  # a search started or ended (``searching``)


EVERYTHING = ~Change.NONE


@dataclass(frozen=True)
class _Request:
    """A filter to apply once its search text is matched, and what comes with it."""

    event_filter: EventFilter
    linked_only: bool
    selection: np.ndarray | None = None  # select these positions too (history, a file read again)
    view: tuple[float, float] | None = None
    record: bool = True  # a new place of the history (not when walking it)


class ViewState(QObject):
    """What the window shows, and the one notification of its changes."""

    changed = Signal(object)  # Change: what changed
    search_failed = Signal(str)  # the search of the newest filter failed (the message)

    def __init__(self, search: Searcher | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self._data = TimelineData.empty()
        self._dataset: Any = None
        self._filter = EventFilter()
        self._linked_only = False
        self._text_key: str | None = None  # the search text the seqs below match
        self._text_seqs: Iterable[int] | None = None  # an int64 array from the store
        self._mask: np.ndarray | None = None
        self._facets: FacetCounts | None = None
        self._selection = Selection()
        self._view: tuple[float, float] | None = None
        self._history = NavigationHistory()
        self._marked = Marked()
        self._pending: _Request | None = None  # waiting for its search
        self._unsent = Change.NONE
        self._sending = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(VIEW_SETTLE_MS)
        self._settle.timeout.connect(self._view_settled)

    # ================================================================== reading

    @property
    def data(self) -> TimelineData:
        """The in-memory events of the file shown."""
        return self._data

    @property
    def dataset(self) -> Any:
        """The open file (the window's Dataset), or None."""
        return self._dataset

    @property
    def event_filter(self) -> EventFilter:
        """The filter applied now (a newer one may be waiting for its search)."""
        return self._filter

    @property
    def linked_only(self) -> bool:
        """True when only the selection and the events linked to it pass."""
        return self._linked_only

    @property
    def searching(self) -> bool:
        """True while a newer filter waits for its search."""
        return self._pending is not None

    @property
    def mask(self) -> np.ndarray | None:
        """Which index positions pass (None: all of them). Read it; never write to it."""
        return self._mask

    @property
    def facets(self) -> FacetCounts | None:
        """The live counts under the current filter (None before the first filter)."""
        return self._facets

    @property
    def selection(self) -> Selection:
        """The selection (read it; change it through the methods here)."""
        return self._selection

    @property
    def view(self) -> tuple[float, float] | None:
        """(first, end) instants on screen, once a view has said."""
        return self._view

    @property
    def can_go_back(self) -> bool:
        """True when Back has somewhere to go."""
        return self._history.can_go_back

    @property
    def can_go_forward(self) -> bool:
        """True when Forward has somewhere to go."""
        return self._history.can_go_forward

    def visible_positions(self) -> np.ndarray:
        """Index positions of the events passing the filter, in time order."""
        return np.arange(len(self._data.index)) if self._mask is None else np.flatnonzero(self._mask)

    def visible_count(self) -> int:
        """How many events pass the filter."""
        return len(self._data.index) if self._mask is None else int(np.count_nonzero(self._mask))

    def total_count(self) -> int:
        """How many events the file shown holds."""
        return len(self._data.index)

    def selected_positions(self) -> np.ndarray:
        """Index positions of the selected events, in time order."""
        return self._selection.positions()

    def selected_ids(self) -> list[str]:
        """Ids of the selected events, in time order."""
        ids = self._data.index.ids
        return [ids[p] for p in self._selection.positions().tolist()]

    def selection_is_all_shown(self) -> bool:
        """True when exactly the events the filter lets through are selected (Select All): the
        filter then says which they are, with no list of ids."""
        if self._linked_only or self._selection.count != self.visible_count():
            return False
        return self._mask is None or bool(self._mask[self._selection.positions()].all())

    def selected_count(self) -> int:
        """How many events are selected."""
        return self._selection.count

    def current_id(self) -> str:
        """The current event's id ("" for none)."""
        position = self._selection.current
        return self._data.index.ids[position] if position is not None else ""

    # ================================================================== the file

    def set_dataset(self, data: TimelineData, dataset: Any = None, view: tuple[float, float] | None = None) -> None:
        """Show another file: nothing filtered or selected, the history forgotten.

        ``view`` is the stretch of time the file asks to be shown first (None: the view fits it).
        """
        self._pending = None
        self._data, self._dataset = data, dataset
        self._filter, self._linked_only = EventFilter(), False
        self._text_key = self._text_seqs = None
        self._mask = None
        self._facets = None
        self._selection.reset(len(data.index))
        self._view = view
        self._history.clear()
        self._settle.stop()
        if self._view is not None:
            self._record()
        self._notify(EVERYTHING)

    def reload_dataset(self, data: TimelineData, dataset: Any, text_seqs: Iterable[int] | None) -> None:
        """The same file read again: the filter, the selection (by id) and the view stay.

        ``text_seqs`` match the current filter's search text in the new file (None when it
        has none). The history is forgotten: positions change with the file.
        """
        ids = self.selected_ids()
        self._data, self._dataset = data, dataset
        self._text_key = self._filter.fts_query()
        self._text_seqs = text_seqs if self._text_key is not None else None
        found = (data.position_of(event_id) for event_id in ids)
        self._selection.reset(len(data.index))
        self._selection.set(np.fromiter((p for p in found if p is not None), dtype=np.int64))
        self._history.clear()
        changes = Change.DATASET | Change.FILTER | Change.SELECTION | Change.CURRENT | Change.HISTORY
        changes |= self._work_out_mask() | self._record()
        self._notify(changes)
        pending, self._pending = self._pending, None
        if pending is not None:  # a filter asked for while the file was read: match it in the new file
            self._submit(pending)

    @property
    def marked(self) -> Marked:
        """The workspace's starred and noted events (for the filters "starred" and "with a note")."""
        return self._marked

    def set_marked(self, marked: Marked) -> None:
        """The workspace changed (or another was read): the filters that use it are worked out again."""
        self._marked = marked
        if self._filter.starred or self._filter.noted:
            self._notify(self._work_out_mask())

    # ================================================================== the filter

    def set_filter(self, event_filter: EventFilter, linked_only: bool = False) -> None:
        """Apply a filter (at once, or when its search text has been matched)."""
        self._submit(_Request(event_filter, linked_only))

    def show_mask(self, mask: np.ndarray | None) -> None:
        """Show just the positions ``mask`` keeps, worked out elsewhere (a picture, a bench)."""
        self._mask = None if mask is None else np.asarray(mask, dtype=bool)
        changes = Change.MASK
        if self._mask is not None and self._selection.keep(self._mask):
            changes |= Change.SELECTION | Change.CURRENT
        self._notify(changes)

    def _submit(self, request: _Request, also: Change = Change.NONE) -> None:
        """Apply ``request`` now or once searched; ``also`` joins the first notification."""
        key = request.event_filter.fts_query()
        if key is None or key == self._text_key:
            was_searching = self._pending is not None
            self._pending = None
            self._apply(request, self._text_seqs if key is not None else None,
                        also | (Change.SEARCHING if was_searching else Change.NONE))
            return
        if self._search is None:
            raise RuntimeError("this view state cannot search: it was made without a searcher")
        self._pending = request
        self._notify(also | Change.SEARCHING)
        self._search(
            search_only(request.event_filter),
            lambda seqs: self._searched(request, seqs),
            lambda error: self._search_went_wrong(request, error),
        )

    def _searched(self, request: _Request, seqs: Iterable[int]) -> None:
        if request is not self._pending:
            return  # a newer filter was asked for meanwhile
        self._pending = None
        self._apply(request, seqs, Change.SEARCHING)

    def _search_went_wrong(self, request: _Request, error: BaseException) -> None:
        if request is not self._pending:
            return
        self._pending = None
        self._notify(Change.SEARCHING)
        self.search_failed.emit(str(error))

    def _apply(self, request: _Request, seqs: Iterable[int] | None, changes: Change) -> None:
        if request.event_filter.fts_query() is not None:
            self._text_key, self._text_seqs = request.event_filter.fts_query(), seqs
        self._filter, self._linked_only = request.event_filter, request.linked_only
        changes |= Change.FILTER
        if request.selection is not None and self._selection.set(request.selection):
            changes |= Change.SELECTION | Change.CURRENT
        changes |= self._work_out_mask()
        if request.view is not None and request.view != self._view:
            self._view = request.view
            changes |= Change.VIEW
        if request.record:
            changes |= self._record()
        self._notify(changes)
        if not request.record:
            self._settle.stop()  # the view a pane showed for this place is not a new place

    def _work_out_mask(self) -> Change:
        """The mask and the facets for the current filter and selection."""
        index = self._data.index
        seqs = self._text_seqs if self._filter.fts_query() is not None else None
        changes = Change.MASK | Change.FACETS
        if self._linked_only and self._selection.count:
            base = filter_mask(index, self._filter, seqs, marked=self._marked)
            if base is not None and self._selection.keep(base):
                changes |= Change.SELECTION | Change.CURRENT
        linked = self._linked_flags() if self._linked_only and self._selection.count else None
        self._mask, self._facets = filter_and_facets(index, self._filter, seqs, linked, self._marked)
        if self._mask is not None and self._selection.keep(self._mask):
            changes |= Change.SELECTION | Change.CURRENT
        return changes

    def _linked_flags(self) -> np.ndarray:
        flags = self._selection.flags.copy()
        flags[self._data.linked_to_flags(self._selection.flags)] = True
        return flags

    # ================================================================== the selection

    def select_positions(self, positions: Iterable[int] | np.ndarray) -> None:
        """Select exactly these positions (those the filter hides are left out)."""
        positions = self._passing(np.asarray(positions, dtype=np.int64))
        self._selected(self._selection.set(positions))

    def select_ids(self, ids: Iterable[str]) -> None:
        """Select the events with these ids (unknown or hidden ones are left out)."""
        found = (self._data.position_of(event_id) for event_id in ids)
        self.select_positions(np.fromiter((p for p in found if p is not None), dtype=np.int64))

    def select_only(self, position: int) -> None:
        """Select one event (a click)."""
        self._selection.select_only(position)
        self._selected(True)

    def toggle(self, position: int) -> None:
        """Add or remove one event (Ctrl+click)."""
        self._selection.toggle(position)
        self._selected(True)

    def extend_to(self, position: int, candidates: np.ndarray) -> None:
        """Select the passing ``candidates`` between the anchor and ``position`` (Shift+click)."""
        self._selection.extend(position, self._passing(candidates))
        self._selected(True)

    def add(self, positions: np.ndarray, replace: bool = False) -> None:
        """Add positions to the selection (or select only them with ``replace``)."""
        self._selection.add(self._passing(np.asarray(positions, dtype=np.int64)), replace=replace)
        self._selected(True)

    def select_all_visible(self) -> None:
        """Select every event the filter lets through."""
        self.select_positions(self.visible_positions())

    def add_linked(self) -> None:
        """Extend the selection with the events linked to it."""
        selected = self._selection.positions()
        self.select_positions(np.concatenate([selected, self._data.linked_positions(selected)]))

    def clear_selection(self) -> None:
        """Select nothing."""
        self._selected(self._selection.clear())

    def _passing(self, positions: np.ndarray) -> np.ndarray:
        return positions if self._mask is None else positions[self._mask[positions]]

    def _selected(self, changed: bool) -> None:
        if not changed:
            return
        changes = Change.SELECTION | Change.CURRENT
        if self._linked_only:
            changes |= self._work_out_mask()
        self._notify(changes | self._record())

    # ================================================================== the view

    def set_view(self, first: float, end: float) -> None:
        """The stretch of time on screen moved; once it rests it becomes a place of the history."""
        if self._view == (first, end):
            return
        self._view = (first, end)
        self._notify(Change.VIEW)
        self._settle.start()

    def _view_settled(self) -> None:
        self._notify(self._record())

    # ================================================================== history

    def show_saved(self, event_filter: EventFilter, linked_only: bool, selected_ids: Iterable[str],
                   view: tuple[float, float] | None) -> None:
        """Go to a saved view: its filter, selection (the events of it the file still holds) and time
        on screen, at once (a new place of the history)."""
        found = (self._data.position_of(event_id) for event_id in selected_ids)
        selection = np.fromiter((p for p in found if p is not None), dtype=np.int64)
        self._settle.stop()
        self._submit(_Request(event_filter, linked_only, selection, view))

    def go_back(self) -> None:
        """The previous place: selection, view and filter."""
        self._go_to(self._history.back())

    def go_forward(self) -> None:
        """The next place."""
        self._go_to(self._history.forward())

    def _go_to(self, place: Place | None) -> None:
        if place is None:
            return
        self._settle.stop()
        self._submit(_Request(place.event_filter, place.linked_only, place.selection, place.view, record=False),
                     Change.HISTORY)

    def _record(self) -> Change:
        """What is shown now becomes the newest place; HISTORY when Back or Forward changed."""
        self._settle.stop()
        before = (self._history.can_go_back, self._history.can_go_forward)
        self._history.record(Place(self._selection.positions(), self._view, self._filter, self._linked_only))
        after = (self._history.can_go_back, self._history.can_go_forward)
        return Change.HISTORY if after != before else Change.NONE

    # ================================================================== notifying

    def _notify(self, changes: Change) -> None:
        """Tell the panes, in order: a change made while they hear of one is told next."""
        self._unsent |= changes
        if self._sending:
            return
        self._sending = True
        try:
            while self._unsent:
                sending, self._unsent = self._unsent, Change.NONE
                self.changed.emit(sending)
        finally:
            self._sending = False
