"""The date fields of the Filters pane: each shows its own state, and one bad field never drops the other."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import open_window
from PySide6.QtCore import Qt

from viewer.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, isolated_settings, sample_db: Path) -> MainWindow:
    return open_window(qtbot, sample_db)


def _type(qtbot, field, text: str) -> None:
    field.edit.clear()
    qtbot.keyClicks(field.edit, text)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)


def _shown(window: MainWindow) -> int:
    return int(window.status.count_label.text().split()[1].replace(",", ""))


def test_an_unreadable_from_is_marked_and_a_valid_to_still_applies(qtbot, window: MainWindow) -> None:
    filters = window.filters
    _type(qtbot, filters.until, "2022-12-31")
    until_only = _shown(window)
    assert 0 < until_only < 25
    _type(qtbot, filters.since, "mid-June 2023")
    qtbot.waitUntil(lambda: filters.date_error.isVisible(), timeout=2_000)
    assert _shown(window) == until_only  # To still applies
    assert "From:" in filters.date_error.text() and "not applied" in filters.date_error.text()
    assert filters.since.problem() and "mid-June 2023" in filters.since.problem()
    assert filters.since.edit.property("invalid") is True
    assert filters.until.problem() is None and filters.until.edit.property("invalid") is not True
    assert filters.current_filter().until == "2022-12-31" and filters.current_filter().since is None
    _type(qtbot, filters.since, "2014")
    assert filters.since.problem() is None and not filters.date_error.isVisible()
    assert filters.current_filter().since == "2014"
    assert 0 < _shown(window) <= until_only


def test_an_unreadable_to_leaves_from_applied(qtbot, window: MainWindow) -> None:
    filters = window.filters
    _type(qtbot, filters.since, "2023-07-01")
    after_july = _shown(window)
    _type(qtbot, filters.until, "next Tuesday")
    assert _shown(window) == after_july and filters.until.problem() and not filters.since.problem()


def test_a_reversed_range_says_so_on_both_fields_and_applies_neither(qtbot, window: MainWindow) -> None:
    filters = window.filters
    _type(qtbot, filters.since, "2024")
    _type(qtbot, filters.until, "2023")
    assert _shown(window) == 25
    assert "after the end" in filters.date_error.text() and "not applied" in filters.date_error.text()
    assert filters.since.problem() and filters.until.problem()
    filters.until.edit.clear()  # the clear button: the From applies again
    assert filters.since.problem() is None and _shown(window) < 25
