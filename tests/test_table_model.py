"""The Events table's model checked by pytest-qt's model tester, alone and inside the window.

``qtmodeltester.check(model)`` on PySide6 uses Qt's C++ QAbstractItemModelTester, which only
prints "FAIL!" warnings and never fails a test; ``force_py=True`` uses pytest-qt's own checks,
which raise. ``test_the_model_tester_catches_a_broken_model`` shows they do.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QModelIndex, Qt

import viewer.ui.event_table as event_table
from viewer.store.reader import EventStore
from viewer.timeline_source import load_timeline_data
from viewer.ui.event_table import COLUMNS, EventTableModel
from viewer.ui.main_window import MainWindow

ORDERS = (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder)


@pytest.fixture
def store(sample_db: Path):
    with EventStore(sample_db) as opened:
        yield opened


def _model_on(store: EventStore, model: EventTableModel | None = None) -> EventTableModel:
    model = model or EventTableModel()
    model.set_source(load_timeline_data(store), store.table_rows, store.seqs_ordered_by)
    return model


def test_the_table_model_passes_the_model_tester(qtmodeltester, store: EventStore) -> None:
    model = _model_on(store)
    qtmodeltester.check(model, force_py=True)  # checks again on every reset and layout change below
    assert model.rowCount() == 25 and model.columnCount() == len(COLUMNS)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))] == list(COLUMNS)
    for column in range(len(COLUMNS)):
        for order in ORDERS:
            model.sort(column, order)
    model.set_positions(np.array([3, 1, 4, 15, 9]))  # a filter's result
    assert model.rowCount() == 5
    model.set_positions(np.empty(0, dtype=np.int64))  # a filter nothing passes
    assert model.rowCount() == 0 and not model.index(0, 0).isValid()
    _model_on(store, model)  # the file read again
    assert model.rowCount() == 25


def test_text_orders_read_in_the_background_pass_the_model_tester(
    qtmodeltester, store: EventStore, monkeypatch
) -> None:
    monkeypatch.setattr(event_table, "LARGE", 10)  # treat the sample as large
    model = _model_on(store)
    model.background_orders = True
    qtmodeltester.check(model, force_py=True)
    asked: list[str] = []
    model.order_needed.connect(asked.append)
    model.sort(event_table.TITLE, Qt.SortOrder.AscendingOrder)
    assert asked == ["title"]
    model.provide_order("title", store.seqs_ordered_by("title"))
    titles = [model.index(r, event_table.TITLE).data() for r in range(model.rowCount())]
    assert titles == sorted(titles, key=str.lower)


def test_a_stored_text_order_sorts_at_once_and_filters_keep_it(store: EventStore, monkeypatch) -> None:
    monkeypatch.setattr(event_table, "LARGE", 10)  # treat the sample as large
    model = EventTableModel()
    model.set_source(load_timeline_data(store), store.table_rows, store.seqs_ordered_by, store.order_in_memory)
    model.background_orders = True
    assert store.order_in_memory("title")  # the sample's file holds its stored index
    asked: list[str] = []
    model.order_needed.connect(asked.append)
    for order in ORDERS:
        model.sort(event_table.TITLE, order)
        titles = [model.index(r, event_table.TITLE).data() for r in range(model.rowCount())]
        assert titles == sorted(titles, key=str.lower, reverse=order == Qt.SortOrder.DescendingOrder)
    assert asked == []  # nothing read in the background
    model.set_positions(np.array([15, 3, 9, 1, 4]))  # a filter's result keeps the order
    titles = [model.index(r, event_table.TITLE).data() for r in range(model.rowCount())]
    assert len(titles) == 5 and titles == sorted(titles, key=str.lower, reverse=True)


def test_the_window_table_passes_the_model_tester(qtbot, qtmodeltester, isolated_settings, sample_db: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    model = window.table.model()
    qtmodeltester.check(model, force_py=True)  # from the empty window on: opening is checked too
    with qtbot.waitSignal(window.dataset_opened, timeout=20_000):
        window.open_path(sample_db)
    assert model.rowCount() == 25
    with qtbot.waitSignal(window.filter_applied, timeout=10_000):
        window.filters.set_search("Vilnius")
    assert 0 < model.rowCount() < 25
    for column in range(len(COLUMNS)):
        window.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    window.timeline.set_selection([window.timeline.data().index.ids[model.position_at(0)]])
    with qtbot.waitSignal(window.filter_applied, timeout=10_000):
        window.filters.clear()
    assert model.rowCount() == 25


class _ClaimsChildren(EventTableModel):
    """A table that wrongly gives every cell rows of its own."""

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return int(self.positions().size)


def test_the_model_tester_catches_a_broken_model(qtmodeltester, store: EventStore) -> None:
    with pytest.raises(AssertionError):
        qtmodeltester.check(_model_on(store, _ClaimsChildren()), force_py=True)
