"""The panes never disagree: the timeline, the table and the status bar show the same events."""

from __future__ import annotations

from pathlib import Path

from conftest import open_window

from viewer.ui.main_window import MainWindow


def _table_ids(window: MainWindow) -> set[str]:
    model = window.table.model()
    index = window.timeline.data().index
    return {index.ids[model.position_at(row)] for row in range(model.rowCount())}


def _timeline_ids(window: MainWindow) -> set[str]:
    index = window.timeline.data().index
    return {index.ids[p] for p in window.timeline.passing_positions().tolist()}


def test_a_filter_that_hides_the_selection_with_linked_only_on_leaves_the_panes_agreeing(
    qtbot, isolated_settings, sample_db: Path
) -> None:
    window = open_window(qtbot, sample_db)
    filters = window.filters
    window.timeline.set_selection(["dmm-2023-06"])
    with qtbot.waitSignal(window.filter_applied, timeout=5_000):
        filters.linked_only.setChecked(True)
    linked = _table_ids(window)
    assert "vilnius-summit-2023" in linked and _timeline_ids(window) == linked
    # A kind filter hides the selected meeting: it is deselected, which changes what
    # "linked to the selection" keeps while the first filter change is still being applied.
    filters.check_items(filters.kinds, ["summit"])
    qtbot.waitUntil(lambda: window.timeline.selected_ids() == [], timeout=5_000)
    qtbot.wait(300)
    shown = int(window.status.count_label.text().split()[1].replace(",", ""))
    assert _table_ids(window) == _timeline_ids(window), (_table_ids(window), _timeline_ids(window))
    assert len(_table_ids(window)) == 2  # both summits: with nothing selected, linked-only keeps all
    assert window.timeline.visible_count() == len(_table_ids(window)) == shown
