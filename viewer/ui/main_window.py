"""The main window: for now, the events of the open file in a table."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QMainWindow, QTableView

from viewer import APP_NAME
from viewer.store.reader import EventStore
from viewer.ui.event_table import EventTableModel


class MainWindow(QMainWindow):
    """Shows one open database file."""

    def __init__(self, store: EventStore) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self._store = store
        self._model = EventTableModel(store.events(), self)
        table = QTableView(self)
        table.setObjectName("eventTable")
        table.setAccessibleName("Events")
        table.setModel(self._model)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.setCentralWidget(table)
        name = store.name() or store.path.stem
        self.setWindowTitle(f"{name} — {store.path.name} — {APP_NAME}")
        self.statusBar().showMessage(f"Showing {self._model.rowCount():,} events")
        self.resize(1200, 700)

    def closeEvent(self, event) -> None:
        self._store.close()
        super().closeEvent(event)
