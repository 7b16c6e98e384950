"""The window opens a database and shows its events (the full window comes with later work)."""

from __future__ import annotations

from pathlib import Path

from viewer.store.reader import EventStore
from viewer.ui.main_window import MainWindow


def test_the_window_shows_the_sample(qtbot, sample_db: Path) -> None:
    window = MainWindow(EventStore(sample_db))
    qtbot.addWidget(window)
    window.show()
    table = window.findChild(object, "eventTable")
    assert table is not None and table.accessibleName() == "Events"
    assert table.model().rowCount() == 25
    titles = {table.model().index(row, 2).data() for row in range(25)}
    assert "NATO Vilnius Summit" in titles
    assert "Vilnius Summit" in window.windowTitle() or "NATO Defence Ministers" in window.windowTitle()
    assert "Showing 25 events" in window.statusBar().currentMessage()
