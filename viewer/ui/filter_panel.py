"""The Filters dock: search, date range, bodies, kinds, tags, grades and marks, and "linked to the selection"."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from viewer.state.view_state import Change, ViewState
from viewer.store.dates import parse_date
from viewer.store.errors import InvalidDateError, InvalidFilterError
from viewer.store.filters import EventFilter
from viewer.store.masks import FacetCounts
from viewer.timeline.data import TimelineData
from viewer.timeline.lanes import BodyInfo, kind_title
from viewer.ui.body_outline import BodyOutline
from viewer.ui.judgement_filters import JudgementFilters

SEARCH_DEBOUNCE_MS = 250


@dataclass(frozen=True)
class FilterChoices:
    """What a file offers to filter on, with the number of events of each."""

    bodies: Mapping[str, BodyInfo]
    body_counts: Mapping[str, int]
    kind_counts: Mapping[str, int]
    tag_counts: Mapping[str, int]
    outline: BodyOutline | None = None  # the body tree, if built already (off the UI thread)

    def body_outline(self) -> BodyOutline:
        """The body tree (built now if it was not)."""
        return self.outline if self.outline is not None else BodyOutline.build(self.bodies, self.body_counts)


KEY_ROLE = Qt.ItemDataRole.UserRole
_Index = QModelIndex | QPersistentModelIndex
_CHECKED, _PARTLY, _UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.PartiallyChecked, Qt.CheckState.Unchecked
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_CHECKABLE = _SELECTABLE | Qt.ItemFlag.ItemIsUserCheckable
MAX_EXPANDED = 2000  # rows of sub-bodies opened when a file is shown (the rest stay closed)


class BodyTreeModel(QAbstractItemModel):
    """The bodies with a check box each; checking a body checks its sub-bodies.

    No item objects: the tree is a :class:`BodyOutline` and the check boxes one flag per
    node, so a hundred thousand bodies cost a few arrays, and Qt asks only for the rows on
    screen. As with ``ItemIsAutoTristate`` (without its walk over every descendant at each
    read), a body with sub-bodies is checked when all the bodies at the ends of its branches
    are, partly checked when some are.
    """

    checks_changed = Signal()  # the user (or a method here) changed which bodies are checked

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._outline = BodyOutline.build({}, {})
        self._on = np.zeros(0, dtype=bool)
        self._leaf = np.zeros(0, dtype=bool)
        self._sums: np.ndarray | None = None
        self._leaf_sums = np.zeros(1, dtype=np.int64)

    # ------------------------------------------------------------------ content

    def set_outline(self, outline: BodyOutline) -> None:
        """Show these bodies, none checked."""
        self.beginResetModel()
        self._outline = outline
        self._on = np.zeros(len(outline), dtype=bool)
        self._leaf = (outline.end - np.arange(len(outline))) == 1
        self._leaf_sums = np.concatenate([[0], np.cumsum(self._leaf, dtype=np.int64)])
        self._sums = None
        self.endResetModel()

    def outline(self) -> BodyOutline:
        """The bodies shown."""
        return self._outline

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """New event counts for the bodies, keeping the tree and the checks."""
        self._outline.set_counts(counts)
        if len(self._outline):
            top = self._outline.children.get(-1, [])
            if top:
                self.dataChanged.emit(self._index_of_node(top[0], 1), self._index_of_node(top[-1], 1),
                                      [Qt.ItemDataRole.DisplayRole])

    def body_id(self, index: _Index) -> str | None:
        """The id of the body at ``index`` (None for a group of bodies)."""
        node = self._node(index)
        return None if node is None else self._outline.ids[node]

    def index_of(self, body_id: str) -> QModelIndex:
        """The index listing a body (invalid if unknown)."""
        node = self._outline.node_of(body_id)
        return QModelIndex() if node is None else self._index_of_node(node)

    def checked_ids(self) -> list[str]:
        """Ids of the bodies whose whole sub-tree is checked, depth first."""
        if not self._on.any():
            return []
        sums, leaves = self._prefix_sums(), self._leaf_sums
        starts, ends = np.arange(len(self._outline)), self._outline.end
        full = (sums[ends] - sums[starts]) == (leaves[ends] - leaves[starts])
        ids = self._outline.ids
        return [ids[node] for node in np.flatnonzero(full).tolist() if ids[node] is not None]

    def set_checked(self, body_ids: Iterable[str], checked: bool = True, *, announce: bool = False) -> None:
        """Check (or uncheck) these bodies and their sub-bodies."""
        for body_id in body_ids:
            node = self._outline.node_of(body_id)
            if node is not None:
                self._on[node : self._outline.end[node]] = checked
        self._changed(announce)

    def clear_checks(self, *, announce: bool = False) -> None:
        """Uncheck every body."""
        if self._on.any():
            self._on[:] = False
            self._changed(announce)

    # ------------------------------------------------------------------ Qt model API

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        above = self._node(parent)
        nodes = self._outline.children.get(-1 if above is None else above, [])
        if not 0 <= row < len(nodes) or not 0 <= column < 2:
            return QModelIndex()
        return self.createIndex(row, column, nodes[row])

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008  # type: ignore[override]
        node = self._node(index)
        if node is None:
            return QModelIndex()
        above = self._outline.parent[node]
        return QModelIndex() if above < 0 else self.createIndex(self._outline.row[above], 0, above)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._outline.children.get(-1, ()))
        node = self._node(parent)
        return 0 if node is None or parent.column() != 0 else len(self._outline.children.get(node, ()))

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 2

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Body", "Events")[section] if 0 <= section < 2 else None
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if self._node(index) is None:
            return _NO_FLAGS
        return _CHECKABLE if index.column() == 0 else _SELECTABLE

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        node = self._node(index)
        if node is None:
            return None
        column, outline = index.column(), self._outline
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == 0:
                return outline.labels[node]
            return f"{outline.counts[node]:,}" if outline.counts[node] >= 0 else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = outline.names[node]
            if node in outline.flattened:
                parent = outline.node_of(outline.flattened[node])
                tip += f"\nPart of {outline.names[parent] if parent is not None else outline.flattened[node]}"
            return tip
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return self._state(node)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == KEY_ROLE:
            return outline.ids[node]
        return None

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        node = self._node(index)
        if node is None or role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        state = Qt.CheckState(value) if isinstance(value, int) else value
        self._on[node : self._outline.end[node]] = state != _UNCHECKED
        self._changed(announce=True, around=node)
        return True

    # ------------------------------------------------------------------ internals

    def _node(self, index: _Index) -> int | None:
        """The node of ``index``; None for the top, or an index left from a previous file."""
        if not index.isValid() or index.model() is not self:
            return None
        node = index.internalId()
        return node if 0 <= node < len(self._outline) else None

    def _prefix_sums(self) -> np.ndarray:
        """Checked leaves before each node."""
        if self._sums is None:
            self._sums = np.concatenate([[0], np.cumsum(self._on & self._leaf, dtype=np.int64)])
        return self._sums

    def _state(self, node: int) -> Qt.CheckState:
        end = int(self._outline.end[node])
        if end - node == 1:
            return _CHECKED if self._on[node] else _UNCHECKED
        sums, leaves = self._prefix_sums(), self._leaf_sums
        checked = int(sums[end] - sums[node])
        return _CHECKED if checked == leaves[end] - leaves[node] else _PARTLY if checked else _UNCHECKED

    def _index_of_node(self, node: int, column: int = 0) -> QModelIndex:
        return self.createIndex(self._outline.row[node], column, node)

    def _changed(self, announce: bool, around: int | None = None) -> None:
        self._sums = None
        if around is not None:
            # The node, its ancestors and its children change; deeper rows are repainted
            # with the viewport (the view is updated by the panel).
            nodes = [around, *self._outline.ancestors(around)]
            for node in nodes:
                changed = self._index_of_node(node)
                self.dataChanged.emit(changed, changed, [Qt.ItemDataRole.CheckStateRole])
            below = self._outline.children.get(around)
            if below:
                self.dataChanged.emit(self._index_of_node(below[0]), self._index_of_node(below[-1]),
                                      [Qt.ItemDataRole.CheckStateRole])
        elif len(self._outline):
            top = self._outline.children.get(-1, [])
            if top:
                self.dataChanged.emit(self._index_of_node(top[0]), self._index_of_node(top[-1], 1),
                                      [Qt.ItemDataRole.CheckStateRole])
        if announce:
            self.checks_changed.emit()


class DateField(QWidget):
    """A date entry that accepts the strict date forms of :mod:`viewer.store.dates`, with a calendar picker."""

    changed = Signal()

    def __init__(self, name: str, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"{name}Field")
        self.edit.setAccessibleName(placeholder)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        self.picker = QToolButton(self)
        self.picker.setObjectName(f"{name}Picker")
        self.picker.setText("…")
        self.picker.setAccessibleName(f"Pick the {placeholder.lower()} date from a calendar")
        self.picker.setToolTip("Pick from a calendar")
        self.picker.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setObjectName(f"{name}Calendar")
        self.calendar.setGridVisible(True)
        menu = QMenu(self.picker)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.calendar)
        menu.addAction(holder)
        self.picker.setMenu(menu)
        self.calendar.clicked.connect(self._on_picked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.picker)
        self.edit.editingFinished.connect(self.changed)
        self.edit.textChanged.connect(self._on_text_changed)

    def value(self) -> str | None:
        """The date text, or None when empty."""
        return self.edit.text().strip() or None

    def set_value(self, value: str | None) -> None:
        """Set the text without announcing a change."""
        with QSignalBlocker(self.edit):
            self.edit.setText(value or "")

    def set_problem(self, problem: str | None) -> None:
        """Show whether the text is a date: a red frame and the reason when it is not."""
        invalid = problem is not None
        if self.edit.property("invalid") != invalid:
            self.edit.setProperty("invalid", invalid)
            self.edit.setStyleSheet("QLineEdit { border: 1px solid #c62828; }" if invalid else "")
        self.edit.setToolTip(problem or "")
        self.edit.setAccessibleDescription(problem or "")

    def problem(self) -> str | None:
        """Why the text is not used (None when it is used or empty)."""
        return self.edit.toolTip() or None

    def _on_text_changed(self, value: str) -> None:
        if not value:
            self.changed.emit()  # the clear button

    def _on_picked(self, day: QDate) -> None:
        self.edit.setText(day.toString("yyyy-MM-dd"))
        self.picker.menu().hide()
        self.changed.emit()


class FilterPanel(QWidget):
    """Builds the shared :class:`EventFilter` from the user's choices."""

    filter_changed = Signal()
    body_chosen = Signal(str)  # the current body of the tree changed (its id)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterPanel")
        self.setAccessibleName("Filters")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._timer.timeout.connect(self.filter_changed)

        self.search = QLineEdit(self)
        self.search.setObjectName("searchField")
        self.search.setAccessibleName("Search events")
        self.search.setPlaceholderText("Search titles, summaries, places (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self._apply_now)

        self.since = DateField("from", "From")
        self.until = DateField("to", "To")
        self.since.changed.connect(self._apply_now)
        self.until.changed.connect(self._apply_now)
        self.date_error = QLabel(self)
        self.date_error.setObjectName("dateError")
        self.date_error.setWordWrap(True)
        self.date_error.setStyleSheet("color: #c0392b")
        self.date_error.setTextFormat(Qt.TextFormat.PlainText)
        self.date_error.hide()

        self.body_model = BodyTreeModel(self)
        self.bodies = QTreeView(self)
        self.bodies.setObjectName("bodyTree")
        self.bodies.setAccessibleName("Bodies")
        self.bodies.setModel(self.body_model)
        self.bodies.setRootIsDecorated(True)
        self.bodies.setUniformRowHeights(True)
        self.bodies.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.bodies.header().setStretchLastSection(False)
        self.bodies.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.bodies.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.body_model.checks_changed.connect(self._on_checks_changed)
        self.bodies.selectionModel().currentChanged.connect(self._on_current_body)

        self.kinds = self._check_list("kindList", "Kinds")
        self.tags = self._check_list("tagList", "Tags")

        self.judgement = JudgementFilters(self)
        self.judgement.changed.connect(self._apply_now)

        self.linked_only = QCheckBox("Only events linked to the selection", self)
        self.linked_only.setObjectName("linkedOnly")
        self.linked_only.setAccessibleName("Only events linked to the selection")
        self.linked_only.toggled.connect(self._apply_now)

        self.clear_button = QPushButton("Clear All Filters", self)
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setAccessibleName("Clear all filters")
        self.clear_button.clicked.connect(self.clear)

        dates = QFormLayout()
        dates.addRow("From", self.since)
        dates.addRow("To", self.until)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addLayout(dates)
        layout.addWidget(self.date_error)
        layout.addWidget(QLabel("Bodies"))
        layout.addWidget(self.bodies, 3)
        layout.addWidget(QLabel("Kinds"))
        layout.addWidget(self.kinds, 1)
        layout.addWidget(QLabel("Tags"))
        layout.addWidget(self.tags, 1)
        layout.addWidget(QLabel("Grades and marks"))
        layout.addWidget(self.judgement)
        layout.addWidget(self.linked_only)
        layout.addWidget(self.clear_button)

    def bind(self, state: ViewState) -> None:
        """Apply the filter to ``state``; show its lists, counts and (from Back and Forward) its filter."""
        self._state = state
        state.changed.connect(self._on_state_changed)
        self.filter_changed.connect(lambda: state.set_filter(self.current_filter(), self.is_linked_only()))

    def _on_state_changed(self, changes: Change) -> None:
        state = self._state
        if changes & Change.DATASET:
            self.judgement.set_grading(state.data.index.grading)
            choices = getattr(state.dataset, "choices", None) or choices_of(state.data)
            if changes & Change.NEW_FILE:
                self.set_choices(choices)
            else:
                self.refresh_choices(choices)
        if changes & Change.FACETS and state.facets is not None:
            self.update_counts(state.facets)
        if changes & Change.FILTER and not state.searching and not self._timer.isActive():
            if (self.current_filter(), self.is_linked_only()) != (state.event_filter, state.linked_only):
                self.set_state(state.event_filter, state.linked_only)  # Back or Forward went there

    def _check_list(self, name: str, label: str) -> QListWidget:
        widget = QListWidget(self)
        widget.setObjectName(name)
        widget.setAccessibleName(label)
        widget.itemChanged.connect(lambda *_: self._apply_now())
        return widget

    # ------------------------------------------------------------------ content

    def set_choices(self, choices: FilterChoices) -> None:
        """Fill the lists for a newly opened file (clears every filter)."""
        with QSignalBlocker(self.body_model), QSignalBlocker(self.kinds), QSignalBlocker(self.tags):
            self._fill_bodies(choices.body_outline())
            self._fill_list(self.kinds, {kind: (kind_title(kind), n) for kind, n in choices.kind_counts.items()})
            self._fill_list(self.tags, {tag: (tag, n) for tag, n in choices.tag_counts.items()})
        self._reset_fields()

    def refresh_choices(self, choices: FilterChoices) -> None:
        """New lists and counts for the same file read again, keeping what the user chose."""
        # The fields as typed: a date that does not read is kept as its text.
        chosen = self.judgement.applied(EventFilter(
            search=self.search.text(), bodies=frozenset(self.checked_bodies()), kinds=frozenset(_checked(self.kinds)),
            tags=frozenset(_checked(self.tags)), since=self.since.value(), until=self.until.value(),
        ))
        linked = self.linked_only.isChecked()
        self.set_choices(choices)
        self.set_state(chosen, linked)

    def set_state(self, event_filter: EventFilter, linked_only: bool) -> None:
        """Show ``event_filter`` in the fields and lists (without announcing a change)."""
        with (
            QSignalBlocker(self.search), QSignalBlocker(self.kinds),
            QSignalBlocker(self.tags), QSignalBlocker(self.linked_only), QSignalBlocker(self.body_model),
        ):
            self.search.setText(event_filter.search)
            self.since.set_value(event_filter.since)
            self.until.set_value(event_filter.until)
            self.linked_only.setChecked(linked_only)
            self.judgement.show_filter(event_filter)
            self.body_model.clear_checks()
            self.body_model.set_checked(sorted(event_filter.bodies))
            for widget, keys in ((self.kinds, event_filter.kinds), (self.tags, event_filter.tags)):
                for row in range(widget.count()):
                    item = widget.item(row)
                    checked = item.data(KEY_ROLE) in keys
                    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.bodies.viewport().update()
        self._timer.stop()

    def _fill_bodies(self, outline: BodyOutline) -> None:
        self.body_model.set_outline(outline)
        # The top-level bodies are opened one level (as expandToDepth(0) would, without its
        # question to the model about every row): a few hundred at most.
        model = self.body_model
        shown = 0
        for row, node in enumerate(outline.children.get(-1, [])):
            below = outline.children.get(node)
            if below and outline.ids[node] is not None:  # a body, not a group of them
                shown += len(below)
                if shown > MAX_EXPANDED:
                    break
                self.bodies.setExpanded(model.index(row, 0), True)
        metrics = self.bodies.fontMetrics()
        most = max(outline.counts, default=0)
        widest = max(metrics.horizontalAdvance(f"{most:,}"), metrics.horizontalAdvance("Events"))
        self.bodies.header().resizeSection(1, widest + 24)

    @staticmethod
    def _fill_list(widget: QListWidget, entries: Mapping[str, tuple[str, int]]) -> None:
        widget.clear()
        for key, (label, count) in sorted(entries.items(), key=lambda item: item[1][0].lower()):
            item = QListWidgetItem(f"{label} ({count:,})")
            item.setData(KEY_ROLE, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            widget.addItem(item)

    def update_counts(self, counts: FacetCounts) -> None:
        """Show each body's, kind's and tag's count under the other current filters."""
        self.body_model.set_counts(counts.bodies)
        self.bodies.viewport().update()  # rows under the top level repaint from the new counts
        for widget, found, title in ((self.kinds, counts.kinds, kind_title), (self.tags, counts.tags, str)):
            with QSignalBlocker(widget):  # new counts are not a change of what is checked
                for row in range(widget.count()):
                    item = widget.item(row)
                    key = item.data(KEY_ROLE)
                    text = f"{title(key)} ({found.get(key, 0):,})"
                    if item.text() != text:
                        item.setText(text)
            widget.viewport().update()

    # ------------------------------------------------------------------ reading and setting

    def current_filter(self) -> EventFilter:
        """The filter as the fields say.

        Each date field stands on its own: one that cannot be read is left out, marked and
        explained, and the other still applies. A range whose end is before its start is
        left out as a whole, and says so.
        """
        dates: dict[str, str | None] = {}
        problems = []
        for label, field in (("From", self.since), ("To", self.until)):
            value, problem = field.value(), None
            if value:
                try:
                    parse_date(value)
                except InvalidDateError as error:
                    problem, value = f"{label}: {error} (not applied)", None
            field.set_problem(problem)
            dates[label] = value
            if problem:
                problems.append(problem)
        result = self.judgement.applied(EventFilter.build(
            search=self.search.text(),
            bodies=self.checked_bodies(),
            kinds=_checked(self.kinds),
            tags=_checked(self.tags),
        ))
        try:
            result = result.with_changes(since=dates["From"], until=dates["To"])
            result.time_bounds()
        except InvalidFilterError as error:
            result = result.with_changes(since=None, until=None)
            problems.append(f"{error} (the date range is not applied)")
            self.since.set_problem(str(error))
            self.until.set_problem(str(error))
        self.date_error.setText("\n".join(problems))
        self.date_error.setVisible(bool(problems))
        return result

    def checked_bodies(self) -> list[str]:
        """Ids of the fully checked bodies (checking a body checks its sub-bodies too)."""
        return self.body_model.checked_ids()

    def is_linked_only(self) -> bool:
        """True when only events linked to the selection should be shown."""
        return self.linked_only.isChecked()

    def show_only_body(self, body_id: str) -> None:
        """Check just this body (and its sub-bodies)."""
        model = self.body_model
        model.clear_checks()
        model.set_checked([body_id])
        index = model.index_of(body_id)
        if index.isValid():
            with QSignalBlocker(self.bodies.selectionModel()):
                self.bodies.setCurrentIndex(index)
            self.bodies.scrollTo(index)
        self.bodies.viewport().update()
        self._apply_now()

    def set_search(self, text: str) -> None:
        """Search for ``text`` at once."""
        self.search.setText(text)
        self._apply_now()

    def set_date_range(self, since: str | None, until: str | None) -> None:
        """Set the date range at once."""
        self.since.set_value(since)
        self.until.set_value(until)
        self._apply_now()

    def check_items(self, widget: QListWidget, keys: Iterable[str]) -> None:
        """Check exactly these entries of a kind or tag list."""
        wanted = set(keys)
        with QSignalBlocker(widget):
            for row in range(widget.count()):
                item = widget.item(row)
                checked = item.data(KEY_ROLE) in wanted
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self._apply_now()

    def clear(self) -> None:
        """Remove every filter."""
        with QSignalBlocker(self.body_model), QSignalBlocker(self.kinds), QSignalBlocker(self.tags):
            self._reset_fields()
        self._apply_now()

    def focus_search(self) -> None:
        """Put the cursor in the search field (Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # ------------------------------------------------------------------ internals

    def _reset_fields(self) -> None:
        with QSignalBlocker(self.search), QSignalBlocker(self.linked_only):
            self.search.clear()
            self.linked_only.setChecked(False)
        self.judgement.reset()
        self.since.set_value(None)
        self.until.set_value(None)
        self.date_error.hide()
        self.body_model.clear_checks()
        self.bodies.viewport().update()
        for widget in (self.kinds, self.tags):
            for row in range(widget.count()):
                widget.item(row).setCheckState(Qt.CheckState.Unchecked)

    def _on_checks_changed(self) -> None:
        self.bodies.viewport().update()  # sub-bodies deep in the tree changed too
        self._apply_now()

    def _on_current_body(self, current: QModelIndex, _previous: QModelIndex) -> None:
        body_id = self.body_model.body_id(current)
        if body_id is not None:
            self.body_chosen.emit(body_id)

    def _apply_now(self) -> None:
        self._timer.stop()
        self.filter_changed.emit()


def _checked(widget: QListWidget) -> list[str]:
    return [
        widget.item(row).data(KEY_ROLE)
        for row in range(widget.count())
        if widget.item(row).checkState() == Qt.CheckState.Checked
    ]


def choices_of(data: TimelineData) -> FilterChoices:
    """What the Filters dock offers for ``data``, with the body tree built."""
    index = data.index
    body_counts = {body_id: int(members.size) for body_id, members in index.body_members.items()}
    kind_counts = np.bincount(index.kind[index.kind >= 0], minlength=len(index.kinds)) if len(index) else []
    return FilterChoices(
        data.bodies,
        body_counts,
        {kind: int(kind_counts[code]) if len(kind_counts) else 0 for code, kind in enumerate(index.kinds)},
        {tag: int(members.size) for tag, members in index.tag_members.items()},
        BodyOutline.build(data.bodies, body_counts),
    )
