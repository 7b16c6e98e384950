"""The Events table: a model over the filtered time index, fetching text columns page by page.

No item per cell: rows are index positions in a numpy array; the start/title/kind columns come
from memory and the rest (end, bodies, location) from the store, a page of rows at a time,
only for the rows on screen. Sorting reorders the array.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStatusBar, QTableView, QWidget

from viewer.state.view_state import Change, ViewState
from viewer.store.errors import DefenceTimelineError
from viewer.store.grading import grade_text
from viewer.store.masks import Marked
from viewer.store.reader import EventStore, TableRow
from viewer.timeline.data import TimelineData
from viewer.timeline.lanes import BodyInfo, kind_title
from viewer.ui.jobs import Jobs

_Index = QModelIndex | QPersistentModelIndex
PAGE = 256
MAX_PAGES = 64
COLUMNS = ("Start", "End", "Title", "Kind", "Bodies", "Location", "Grade", "Yours")
START, END, TITLE, KIND, BODIES, LOCATION, GRADE, YOURS = range(8)
STAR_MARK, NOTE_MARK = "★", "✎"  # starred, with a note (the analyst's marks, from the workspace)
TEXT_ORDERS = {TITLE: "title", LOCATION: "location"}  # columns whose order comes from the store
PlainRole = Qt.ItemDataRole.DisplayRole


LARGE = 50_000  # above this many events, text orders not stored in the file are read in the background
MAX_BODIES_SHOWN = 20  # bodies named in an event's cell (the rest are counted)


class EventTableModel(QAbstractTableModel):
    """Rows are index positions of the events passing the filter."""

    order_needed = Signal(str)  # "title" or "location": read that order, then call provide_order
    fetch_failed = Signal(str)  # a page of rows could not be read (the message); its cells stay empty

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: TimelineData | None = None
        self._fetch: Callable[[list[int]], Mapping[int, TableRow]] | None = None
        self._order_source: Callable[[str], list[int]] | None = None
        self._rows = np.empty(0, dtype=np.int64)
        self._row_of = np.empty(0, dtype=np.int64)
        self._pages: OrderedDict[int, Mapping[int, TableRow]] = OrderedDict()
        self._sort = (START, Qt.SortOrder.AscendingOrder)
        self._order_cache: dict[int, np.ndarray] = {}  # column -> every position, in its order
        self._order_ready: Callable[[str], bool] = lambda _key: False
        self.background_orders = False  # True: large text orders come from provide_order
        self._marked = Marked()

    def set_source(
        self,
        data: TimelineData,
        fetch_rows: Callable[[list[int]], Mapping[int, TableRow]],
        order_by: Callable[[str], Sequence[int] | np.ndarray],
        order_ready: Callable[[str], bool] | None = None,
    ) -> None:
        """A new file: its time index, and how to fetch text columns and sort orders
        (``order_ready(key)``: that order is at hand, so sorting by it needs no background read)."""
        self._data, self._fetch, self._order_source = data, fetch_rows, order_by
        self._order_ready = order_ready or (lambda _key: False)
        self._order_cache.clear()
        self._sort = (START, Qt.SortOrder.AscendingOrder) if self._sort[0] in TEXT_ORDERS else self._sort
        self.set_positions(np.arange(len(data.index)))

    def set_positions(self, positions: np.ndarray) -> None:
        """Show these index positions (the filter's result), in the current sort order."""
        self.beginResetModel()
        self._rows = self._sorted(np.asarray(positions, dtype=np.int64))
        self._reindex()
        self.endResetModel()

    def set_marked(self, marked: Marked) -> None:
        """The workspace's starred and noted events changed: the Yours column shows them."""
        self._marked = marked
        self._order_cache.pop(YOURS, None)
        if self._rows.size:
            self.dataChanged.emit(self.index(0, YOURS), self.index(self._rows.size - 1, YOURS))
        if self._sort[0] == YOURS:
            self.sort(*self._sort)

    def sorted_by(self) -> tuple[int, Qt.SortOrder]:
        """The column and the order the rows are sorted by now (an order still being read is not yet)."""
        return self._sort

    def position_at(self, row: int) -> int:
        """The index position shown in ``row``."""
        return int(self._rows[row])

    def rows_of(self, positions: np.ndarray) -> np.ndarray:
        """The rows showing these positions (positions not shown are left out)."""
        if self._row_of.size == 0 or positions.size == 0:
            return np.empty(0, dtype=np.int64)
        rows = self._row_of[positions]
        shown = np.zeros(self._rows.size, dtype=bool)  # marks, not a sort: linear at a million
        shown[rows[rows >= 0]] = True
        return np.flatnonzero(shown)

    def positions(self) -> np.ndarray:
        """Every shown position, in row order."""
        return self._rows

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else int(self._rows.size)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = PlainRole) -> object:
        if role == PlainRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = PlainRole) -> object:
        if not index.isValid() or self._data is None:
            return None
        if role not in (PlainRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        position = int(self._rows[index.row()])
        column = index.column()
        timeline = self._data.index
        if column == TITLE:
            return _one_line(timeline.titles[position])
        if column == KIND:
            code = int(timeline.kind[position])
            return kind_title(timeline.kinds[code]) if code >= 0 else ""
        if column == GRADE:
            return self._grade(position, role)
        if column == YOURS:
            event_id = timeline.ids[position]
            marks = [mark for mark, found in ((STAR_MARK, self._marked.starred), (NOTE_MARK, self._marked.noted))
                     if event_id in found]
            if role != PlainRole:
                return ", ".join(word for mark, word in ((STAR_MARK, "starred"), (NOTE_MARK, "with a note"))
                                 if mark in marks)
            return " ".join(marks)
        row = self._row(index.row())
        if row is None:
            return ""
        if column == START:
            return row.start
        if column == END:
            return row.end or ""
        if column == BODIES:
            shown = [_short_name(self._data.bodies, body_id) for body_id in row.bodies[:MAX_BODIES_SHOWN]]
            more = len(row.bodies) - len(shown)
            return _one_line(", ".join(shown)) + (f" and {more:,} more" if more > 0 else "")
        return _one_line(row.location or "")

    def _grade(self, position: int, role: int) -> str:
        """ "B2": the best source's reliability and the information's credibility (the words as a tooltip)."""
        index = self._data.index if self._data is not None else None
        if index is None:
            return ""
        grading = index.grading
        codes = []
        for scale in ("reliability", "credibility"):
            found = int(index.grades(scale)[position])
            codes.append(grading.scale(scale)[found].code if 0 <= found < len(grading.scale(scale)) else None)
        if role == PlainRole:
            return grade_text(*codes)
        words = [f"{scale} {code}: {grading.label(scale, code).lower()}"
                 for scale, code in zip(("reliability", "credibility"), codes, strict=True) if code]
        return "; ".join(words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        if self._data is None:
            return
        key = TEXT_ORDERS.get(column)
        if (key and column not in self._order_cache and self.background_orders and len(self._data.index) > LARGE
                and not self._order_ready(key)):
            self.order_needed.emit(key)  # sorted when the order arrives (provide_order)
            return
        self.layoutAboutToBeChanged.emit()
        self._rows = self._sorted(self._rows)
        self._reindex()
        self.layoutChanged.emit()

    def provide_order(self, key: str, seqs: Sequence[int] | np.ndarray) -> None:
        """The ``seq`` numbers of every event in ``key`` order, read in the background."""
        if self._data is None:
            return
        column = next(c for c, k in TEXT_ORDERS.items() if k == key)
        self._order_cache[column] = self._positions_in_order(np.asarray(seqs, dtype=np.int64))
        if self._sort[0] == column:
            self.sort(*self._sort)

    # ------------------------------------------------------------------ internals

    def _row(self, row: int) -> TableRow | None:
        page = row // PAGE
        rows = self._pages.get(page)
        if rows is None:
            if self._fetch is None or self._data is None:
                return None
            positions = self._rows[page * PAGE : (page + 1) * PAGE]
            try:
                rows = self._fetch([int(s) for s in self._data.index.seq[positions]])
            except DefenceTimelineError as error:  # the file was damaged since it was opened
                rows = {}
                self.fetch_failed.emit(str(error))
            self._pages[page] = rows
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return rows.get(int(self._data.index.seq[self._rows[row]]))

    def _reindex(self) -> None:
        self._pages.clear()
        size = len(self._data.index) if self._data is not None else 0
        self._row_of = np.full(size, -1, dtype=np.int64)
        self._row_of[self._rows] = np.arange(self._rows.size)

    def _sorted(self, positions: np.ndarray) -> np.ndarray:
        """``positions`` in the current order: the column's whole-file order, with what is not
        shown left out (one pass, no sort per filter change); ties in time order."""
        column, order = self._sort
        in_order = self._column_order(column)
        if in_order is None:  # a filter's positions come in time order already: no sort then
            in_time_order = positions.size < 2 or bool((positions[1:] > positions[:-1]).all())
            ordered = positions if in_time_order else np.sort(positions)
        else:
            shown = np.zeros(in_order.size, dtype=bool)
            shown[positions] = True
            ordered = in_order[shown[in_order]]
        return ordered[::-1].copy() if order == Qt.SortOrder.DescendingOrder else ordered

    def _column_order(self, column: int) -> np.ndarray | None:
        """Every index position in ``column``'s order (None: time order, the index's own); made
        once per file and column."""
        if self._data is None or column == START:
            return None
        if column not in self._order_cache:
            self._order_cache[column] = self._order_of(column)
        return self._order_cache[column]

    def _order_of(self, column: int) -> np.ndarray:
        index = self._data.index
        if column == END:
            return np.lexsort((np.arange(len(index)), index.latest))
        if column == KIND:
            names = np.array([kind_title(k).lower() for k in index.kinds] + [""], dtype=object)
            by_name = np.argsort(names, kind="stable")
            rank_of_code = np.empty(by_name.size, dtype=np.int64)
            rank_of_code[by_name] = np.arange(by_name.size)
            return np.argsort(rank_of_code[np.where(index.kind >= 0, index.kind, len(index.kinds))], kind="stable")
        if column == GRADE:  # by credibility, then reliability; ungraded last
            credibility, reliability = (np.where(g >= 0, g, 127).astype(np.int64) for g in
                                        (index.grades("credibility"), index.grades("reliability")))
            return np.lexsort((np.arange(len(index)), reliability, credibility))
        if column == YOURS:  # starred first, then those with a note
            ids = index.ids
            rank = np.fromiter(((0 if i in self._marked.starred else 2) + (0 if i in self._marked.noted else 1)
                                for i in ids), dtype=np.int64, count=len(ids))
            return np.argsort(rank, kind="stable")
        if column == BODIES:
            # By the name of the first body (alphabetically) each event involves; none last.
            names = sorted(index.body_members, key=lambda b: _short_name(self._data.bodies, b).lower())
            ranks = np.full(len(index), len(names), dtype=np.int64)
            for rank in range(len(names) - 1, -1, -1):  # the alphabetically first body is written last
                ranks[index.body_members[names[rank]]] = rank
            return np.argsort(ranks, kind="stable")
        key = TEXT_ORDERS[column]
        seqs = np.asarray(self._order_source(key), dtype=np.int64) if self._order_source else index.seq
        return self._positions_in_order(seqs)

    def _positions_in_order(self, seqs: np.ndarray) -> np.ndarray:
        """The positions of ``seqs`` in that order; events the order does not list go last, in time order."""
        index = self._data.index
        positions = index.positions_of_seqs(seqs)
        positions = positions[positions >= 0]
        listed = np.zeros(len(index), dtype=bool)
        listed[positions] = True
        if positions.size == len(index) and listed.all():
            return positions
        _, first = np.unique(positions, return_index=True)  # a position listed twice counts once
        positions = positions[np.sort(first)]
        return np.concatenate([positions, np.flatnonzero(~listed)])


class EventTable(QTableView):
    """The table view: sortable, whole-row selection, double-click to show on the timeline."""

    activated_event = Signal(int)  # index position

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventTable")
        self.setAccessibleName("Events table")
        self.setModel(EventTableModel(self))
        self.setSortingEnabled(True)
        self.sortByColumn(START, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table; the arrow keys move in it
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.horizontalHeader()
        # A header asks the selection whether whole columns are selected, which Qt answers row
        # by row: seconds per repaint with a million rows selected. Rows are what is selected
        # here, so the header gets a selection of its own that stays empty.
        header.setHighlightSections(False)
        header.setSelectionModel(QItemSelectionModel(self.model(), header))
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((START, 130), (END, 130), (KIND, 120), (BODIES, 220), (LOCATION, 200), (GRADE, 60),
                              (YOURS, 60)):
            self.setColumnWidth(column, width)
        self.doubleClicked.connect(lambda index: self.activated_event.emit(self.model().position_at(index.row())))

    def model(self) -> EventTableModel:
        return super().model()  # type: ignore[return-value]

    def bind(self, state: ViewState) -> None:
        """Show the events ``state`` lets through, with its selection; selecting rows selects them there."""
        self._state = state
        state.changed.connect(self._on_state_changed)
        self.selectionModel().selectionChanged.connect(self._on_rows_selected)
        self._on_state_changed(Change.DATASET | Change.SELECTION)

    def _on_state_changed(self, changes: Change) -> None:
        state = self._state
        model = self.model()
        if changes & Change.DATASET:
            store = getattr(state.dataset, "store", None)
            if store is not None:
                model.set_source(state.data, store.table_rows, store.seqs_ordered_by,
                                 getattr(store, "order_in_memory", None))
        if changes & (Change.DATASET | Change.MASK):
            with QSignalBlocker(self.selectionModel()):
                model.set_positions(state.visible_positions())
        if changes & (Change.DATASET | Change.MASK | Change.SELECTION):
            wanted = state.selected_positions()
            if not np.array_equal(wanted, self.selected_positions()):  # not the rows just clicked
                self.select_positions(wanted)

    def read_orders_with(self, jobs: Jobs, bar: QStatusBar, on_error: Callable[[str], None]) -> None:
        """Read large text orders (title, location) in the background, saying so in ``bar``."""
        model = self.model()
        model.background_orders = True

        def read(key: str) -> None:
            dataset = self._state.dataset
            if dataset is None:
                return
            database = dataset.path
            bar.showMessage(f"Sorting by {key}…")

            def work(_report):
                with EventStore(database) as store:
                    return store.seqs_ordered_by(key)

            def done(seqs) -> None:
                if self._state.dataset is not None and self._state.dataset.path == database:
                    model.provide_order(key, seqs)
                bar.clearMessage()

            jobs.start(work, done, lambda error: on_error(str(error)))

        model.order_needed.connect(read)

    def _on_rows_selected(self, *_args) -> None:
        self._state.select_positions(self.selected_positions())

    def selected_positions(self) -> np.ndarray:
        """Index positions of the selected rows, read range by range (not one index per row)."""
        shown = self.model().positions()
        parts = [shown[r.top() : r.bottom() + 1] for r in self.selectionModel().selection()]
        if not parts:
            return np.empty(0, dtype=np.int64)
        positions = np.sort(np.concatenate(parts))  # (a sort: numpy's hashing unique is ten times slower)
        return positions[np.concatenate([[True], positions[1:] != positions[:-1]])]

    def select_positions(self, positions: np.ndarray) -> None:
        """Select the rows showing these positions (without announcing it) and show the first."""
        model = self.model()
        rows = model.rows_of(positions)
        selection = QItemSelection()
        last_column = model.columnCount() - 1
        for first, last in _runs(rows):
            selection.select(model.index(first, 0), model.index(last, last_column))
        # The ranges span every column already (the Rows flag would expand them row by row),
        # and the view is not told: it would measure the changed region row by row, seconds
        # for a million rows. It is repainted once instead. Clearing first, then selecting,
        # spares Qt comparing the old ranges with the new (quadratic: 0.25 s for 5,000 ranges).
        selection_model = self.selectionModel()
        with QSignalBlocker(selection_model):
            selection_model.clearSelection()
            selection_model.select(selection, QItemSelectionModel.SelectionFlag.Select)
        self.viewport().update()
        if rows.size:
            self.scrollTo(model.index(int(rows[0]), 0))


def _runs(rows: np.ndarray) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive numbers."""
    if rows.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(rows) != 1)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [rows.size - 1]])
    return [(int(rows[s]), int(rows[e])) for s, e in zip(starts, ends, strict=True)]


def _short_name(bodies: Mapping[str, BodyInfo], body_id: str) -> str:
    body = bodies.get(body_id)
    return body.short_name if body else body_id


def _one_line(text: str) -> str:
    return " ".join(text[:500].split()) if text else ""
