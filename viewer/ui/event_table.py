"""A table model over a list of events (columns: start, end, title, kind, bodies, location)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from viewer.store.model import Event

_Index = QModelIndex | QPersistentModelIndex


class EventTableModel(QAbstractTableModel):
    """Read-only rows of events; text is returned as plain data, never markup."""

    HEADERS = ("Start", "End", "Title", "Kind", "Bodies", "Location")

    def __init__(self, events: Sequence[Event] = (), parent: object = None) -> None:
        super().__init__(parent)
        self._events = list(events)

    def set_events(self, events: Sequence[Event]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._events = list(events)
        self.endResetModel()

    def event_at(self, row: int) -> Event:
        """The event shown in ``row``."""
        return self._events[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        event = self._events[index.row()]
        column = index.column()
        if column == 0:
            return event.start.iso()
        if column == 1:
            return event.end.iso() if event.end else ""
        if column == 2:
            return event.title
        if column == 3:
            return event.kind or ""
        if column == 4:
            return ", ".join(p.body_id for p in event.bodies)
        return event.location or ""
