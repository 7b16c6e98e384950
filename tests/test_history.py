"""Back and Forward through places (selection, view, filter), like a browser."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from conftest import open_window
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from viewer.state.history import NavigationHistory, Place
from viewer.store.dates import parse_date
from viewer.store.filters import EventFilter
from viewer.ui.actions import ActionId


def _p(*values: int, view=None, search: str = "") -> Place:
    return Place(np.array(values, dtype=np.int64), view, EventFilter.build(search=search))


def test_back_and_forward_like_a_browser() -> None:
    history = NavigationHistory()
    assert not history.can_go_back and history.back() is None
    for entry in (_p(1), _p(2), _p(2), _p(), _p(3, 4)):
        history.record(entry)  # a repeat is not an entry; an empty selection is a place
    assert history.back().selection.tolist() == []
    assert history.back().selection.tolist() == [2]
    assert history.back().selection.tolist() == [1]
    assert history.back() is None
    assert history.forward().selection.tolist() == [2]
    history.record(_p(9))  # a new place drops what was "forward"
    assert not history.can_go_forward
    assert history.back().selection.tolist() == [2]
    history.clear()
    assert not history.can_go_back and not history.can_go_forward


def test_views_and_filters_are_places_too() -> None:
    history = NavigationHistory()
    history.record(_p(1, view=(0.0, 100.0)))
    history.record(_p(1, view=(0.5, 100.5)))  # within a pixel or two: the same place
    history.record(_p(1, view=(50.0, 60.0)))
    history.record(_p(1, view=(50.0, 60.0), search="vilnius"))
    assert history.back().event_filter.search == ""
    assert history.back().view == (0.0, 100.0) and history.back() is None


def test_the_history_is_bounded() -> None:
    history = NavigationHistory(limit=3)
    for value in range(10):
        history.record(_p(value))
    assert history.back().selection.tolist() == [8] and history.back().selection.tolist() == [7]
    assert history.back() is None


def test_back_steps_through_selections_zooms_and_filters(qtbot, isolated_settings, sample_db: Path) -> None:
    window = open_window(qtbot, sample_db)
    timeline, back = window.timeline, window.actions[ActionId.BACK]
    first_view = timeline.visible_range()
    timeline.set_selection(["dmm-2023-06"])
    timeline.go_to_date("July 2023")
    qtbot.waitUntil(back.isEnabled, timeout=3_000)
    july = timeline.visible_range()
    qtbot.wait(900)  # the view settles into a place
    with qtbot.waitSignal(window.filter_applied, timeout=5_000):
        window.filters.set_search("Vilnius")
    assert window.status.count_label.text() != "Showing 25 of 25 events"
    with qtbot.waitSignal(window.filter_applied, timeout=5_000):
        back.trigger()  # the search is undone
    assert window.filters.search.text() == "" and window.status.count_label.text() == "Showing 25 of 25 events"
    assert timeline.selected_ids() == ["dmm-2023-06"]
    back.trigger()  # the view before Go to Date
    assert abs(timeline.visible_range()[0] - july[0]) > 86_400
    assert timeline.selected_ids() == ["dmm-2023-06"]
    while back.isEnabled():
        back.trigger()
    assert timeline.selected_ids() == [] and abs(timeline.visible_range()[0] - first_view[0]) < 86_400 * 2
    window.actions[ActionId.FORWARD].trigger()
    assert timeline.selected_ids() == ["dmm-2023-06"]
    assert parse_date("2023").first_instant() <= timeline.visible_range()[1]


def test_the_mouse_back_and_forward_buttons_step_too(qtbot, isolated_settings, sample_db: Path) -> None:
    window = open_window(qtbot, sample_db)
    window.timeline.set_selection(["dmm-2023-06"])
    window.timeline.set_selection(["vilnius-summit-2023"])
    viewport = window.table.viewport()
    for button, expected in ((Qt.MouseButton.BackButton, "dmm-2023-06"),
                             (Qt.MouseButton.ForwardButton, "vilnius-summit-2023")):
        point = QPointF(20, 20)
        press = QMouseEvent(QMouseEvent.Type.MouseButtonPress, point, viewport.mapToGlobal(point), button, button,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(viewport, press)
        assert window.timeline.selected_ids() == [expected]
