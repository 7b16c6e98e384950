"""The Filters dock: search, date range, bodies, kinds, tags, and "linked to the selection"."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from viewer.store.dates import parse_date
from viewer.store.errors import InvalidDateError, InvalidFilterError
from viewer.store.filters import EventFilter
from viewer.timeline.lanes import BodyInfo, kind_title

SEARCH_DEBOUNCE_MS = 250


@dataclass(frozen=True)
class FilterChoices:
    """What a file offers to filter on, with the number of events of each."""

    bodies: Mapping[str, BodyInfo]
    body_counts: Mapping[str, int]
    kind_counts: Mapping[str, int]
    tag_counts: Mapping[str, int]
KEY_ROLE = Qt.ItemDataRole.UserRole


class DateField(QWidget):
    """A date entry that accepts anything python-dateutil reads, with a calendar picker."""

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

        self.bodies = QTreeWidget(self)
        self.bodies.setObjectName("bodyTree")
        self.bodies.setAccessibleName("Bodies")
        self.bodies.setHeaderLabels(["Body", "Events"])
        self.bodies.setRootIsDecorated(True)
        self.bodies.setUniformRowHeights(True)
        self.bodies.itemChanged.connect(lambda *_: self._apply_now())

        self.kinds = self._check_list("kindList", "Kinds")
        self.tags = self._check_list("tagList", "Tags")

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
        layout.addWidget(self.linked_only)
        layout.addWidget(self.clear_button)

    def _check_list(self, name: str, label: str) -> QListWidget:
        widget = QListWidget(self)
        widget.setObjectName(name)
        widget.setAccessibleName(label)
        widget.itemChanged.connect(lambda *_: self._apply_now())
        return widget

    # ------------------------------------------------------------------ content

    def set_choices(self, choices: FilterChoices) -> None:
        """Fill the lists for a newly opened file (clears every filter)."""
        with QSignalBlocker(self.bodies), QSignalBlocker(self.kinds), QSignalBlocker(self.tags):
            self._fill_bodies(choices.bodies, choices.body_counts)
            self._fill_list(self.kinds, {kind: (kind_title(kind), n) for kind, n in choices.kind_counts.items()})
            self._fill_list(self.tags, {tag: (tag, n) for tag, n in choices.tag_counts.items()})
        self._reset_fields()

    def refresh_choices(self, choices: FilterChoices) -> None:
        """New lists and counts for the same file read again, keeping what the user chose."""
        search, since, until = self.search.text(), self.since.value(), self.until.value()
        bodies_checked, kinds_checked, tags_checked = self.checked_bodies(), _checked(self.kinds), _checked(self.tags)
        linked = self.linked_only.isChecked()
        self.set_choices(choices)
        with (
            QSignalBlocker(self.search), QSignalBlocker(self.bodies), QSignalBlocker(self.kinds),
            QSignalBlocker(self.tags), QSignalBlocker(self.linked_only),
        ):
            self.search.setText(search)
            self.since.set_value(since)
            self.until.set_value(until)
            self.linked_only.setChecked(linked)
            for body_id in bodies_checked:
                for item in self._body_items(body_id):
                    item.setCheckState(0, Qt.CheckState.Checked)
            for widget, keys in ((self.kinds, set(kinds_checked)), (self.tags, set(tags_checked))):
                for row in range(widget.count()):
                    if widget.item(row).data(KEY_ROLE) in keys:
                        widget.item(row).setCheckState(Qt.CheckState.Checked)
        self._timer.stop()

    def _fill_bodies(self, bodies: Mapping[str, BodyInfo], counts: Mapping[str, int]) -> None:
        self.bodies.clear()
        items: dict[str, QTreeWidgetItem] = {}
        short_names = [body.short_name for body in bodies.values()]
        for body in sorted(bodies.values(), key=lambda b: b.short_name.lower()):
            # Bodies sharing an acronym (both NUCs) are listed by their names.
            label = body.name if short_names.count(body.short_name) > 1 else body.short_name
            item = QTreeWidgetItem([label, f"{counts.get(body.id, 0):,}"])
            item.setToolTip(0, body.name)
            item.setData(0, KEY_ROLE, body.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate)
            item.setCheckState(0, Qt.CheckState.Unchecked)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            items[body.id] = item
        for body_id, item in items.items():
            parent = bodies[body_id].parent
            if parent in items and not _is_ancestor(items[body_id], items[parent]):
                items[parent].addChild(item)
            else:
                self.bodies.addTopLevelItem(item)
        self.bodies.expandToDepth(0)
        self.bodies.resizeColumnToContents(0)

    @staticmethod
    def _fill_list(widget: QListWidget, entries: Mapping[str, tuple[str, int]]) -> None:
        widget.clear()
        for key, (label, count) in sorted(entries.items(), key=lambda item: item[1][0].lower()):
            item = QListWidgetItem(f"{label} ({count:,})")
            item.setData(KEY_ROLE, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            widget.addItem(item)

    # ------------------------------------------------------------------ reading and setting

    def current_filter(self) -> EventFilter:
        """The filter as the fields say; a date that cannot be read is left out (and shown)."""
        since, until = self.since.value(), self.until.value()
        problems = []
        for label, value in (("From", since), ("To", until)):
            if value:
                try:
                    parse_date(value)
                except InvalidDateError as error:
                    problems.append(f"{label}: {error}")
        if problems:
            since = until = None
        result = EventFilter.build(
            search=self.search.text(),
            bodies=self.checked_bodies(),
            kinds=_checked(self.kinds),
            tags=_checked(self.tags),
        )
        try:
            result = EventFilter.build(
                search=result.search, bodies=result.bodies, kinds=result.kinds, tags=result.tags,
                since=since, until=until,
            )
        except InvalidFilterError as error:
            problems.append(str(error))
        self.date_error.setText("\n".join(problems))
        self.date_error.setVisible(bool(problems))
        return result

    def checked_bodies(self) -> list[str]:
        """Ids of the fully checked bodies (checking a body checks its sub-bodies too)."""
        checked = Qt.CheckState.Checked
        return [item.data(0, KEY_ROLE) for item in self._body_tree_items() if item.checkState(0) == checked]

    def is_linked_only(self) -> bool:
        """True when only events linked to the selection should be shown."""
        return self.linked_only.isChecked()

    def show_only_body(self, body_id: str) -> None:
        """Check just this body (and its sub-bodies)."""
        with QSignalBlocker(self.bodies):
            for item in self._body_tree_items():
                item.setCheckState(0, Qt.CheckState.Unchecked)
            for item in self._body_items(body_id):
                item.setCheckState(0, Qt.CheckState.Checked)
                self.bodies.scrollToItem(item)
                self.bodies.setCurrentItem(item)
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
        with QSignalBlocker(self.bodies), QSignalBlocker(self.kinds), QSignalBlocker(self.tags):
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
        self.since.set_value(None)
        self.until.set_value(None)
        self.date_error.hide()
        for item in self._body_tree_items():
            item.setCheckState(0, Qt.CheckState.Unchecked)
        for widget in (self.kinds, self.tags):
            for row in range(widget.count()):
                widget.item(row).setCheckState(Qt.CheckState.Unchecked)

    def _body_tree_items(self) -> Iterator[QTreeWidgetItem]:
        stack = [self.bodies.topLevelItem(i) for i in range(self.bodies.topLevelItemCount())]
        while stack:
            item = stack.pop()
            yield item
            stack.extend(item.child(i) for i in range(item.childCount()))

    def _body_items(self, body_id: str) -> list[QTreeWidgetItem]:
        return [item for item in self._body_tree_items() if item.data(0, KEY_ROLE) == body_id]

    def _apply_now(self) -> None:
        self._timer.stop()
        self.filter_changed.emit()


def _checked(widget: QListWidget) -> list[str]:
    return [
        widget.item(row).data(KEY_ROLE)
        for row in range(widget.count())
        if widget.item(row).checkState() == Qt.CheckState.Checked
    ]


def _is_ancestor(candidate: QTreeWidgetItem, item: QTreeWidgetItem) -> bool:
    """True when ``candidate`` is ``item`` or one of its ancestors (guards parent loops)."""
    current: QTreeWidgetItem | None = item
    while current is not None:
        if current is candidate:
            return True
        current = current.parent()
    return False
