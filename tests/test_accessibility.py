"""Keyboard-only use: every action reachable, a sensible focus order, every control named."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import open_window
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from viewer.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, isolated_settings, sample_db: Path) -> MainWindow:
    return open_window(qtbot, sample_db)  # the wide layout: each pane on its own side


def test_every_menu_and_action_is_reachable_from_the_keyboard(window: MainWindow) -> None:
    menus = [action.menu() for action in window.menuBar().actions()]
    assert [m.title() for m in menus] == ["&File", "&Edit", "&View", "Vie&ws", "&Go", "&Help"]
    for menu in menus:
        mnemonics = set()
        for action in menu.actions():
            if action.isSeparator():
                continue
            text = action.text()
            reachable = "&" in text or not action.shortcut().isEmpty() or action.menu() is not None
            assert reachable, f"{menu.title()} > {text} has neither a mnemonic nor a shortcut"
            if "&" in text:
                mnemonics.add(text[text.index("&") + 1].lower())
    shortcuts = [k.toString() for a in window.actions.shortcut_table() for k in [QKeySequence(a[1].split(",")[0])]]
    assert len(shortcuts) == len(set(shortcuts)), "two actions share a shortcut"


def test_standard_shortcuts(window: MainWindow) -> None:
    from viewer.ui.actions import ActionId

    a = window.actions
    assert a[ActionId.OPEN].shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert a[ActionId.FIND].shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert a[ActionId.COPY].shortcut() == QKeySequence(QKeySequence.StandardKey.Copy)
    assert a[ActionId.SELECT_ALL_VISIBLE].shortcut() == QKeySequence(QKeySequence.StandardKey.SelectAll)
    assert a[ActionId.BACK].shortcut() == QKeySequence(QKeySequence.StandardKey.Back)
    assert a[ActionId.ZOOM_IN].shortcut() == QKeySequence(QKeySequence.StandardKey.ZoomIn)


def test_tab_visits_the_controls_in_reading_order(qtbot, window: MainWindow) -> None:
    window.filters.search.setFocus()
    qtbot.waitUntil(window.filters.search.hasFocus)
    visited = [window.filters.search.objectName()]
    for _ in range(19):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget().objectName())
    expected = ["searchField", "fromField", "fromPicker", "toField", "toPicker", "bodyTree", "kindList",
                "tagList", "minReliability", "minCredibility", "linkConfidence", "starredOnly", "notedOnly",
                "linkedOnly", "clearFilters", "timeline", "eventTable", "detailPane"]
    assert visited[: len(expected)] == expected, visited
    assert visited[len(expected)] == "searchField"  # and round again


def test_every_control_has_an_accessible_name(window: MainWindow) -> None:
    unnamed = [
        f"{type(widget).__name__} {widget.objectName()!r}"
        for widget in window.findChildren(QWidget)
        if widget.isVisible() and widget.focusPolicy() != Qt.FocusPolicy.NoFocus and not widget.accessibleName()
    ]
    assert unnamed == []
    for name in ("countLabel", "fileLabel", "zoomLabel", "mainToolbar", "filtersDock", "detailsDock", "eventsDock"):
        assert window.findChild(QWidget, name).accessibleName(), name


def test_the_timeline_can_be_used_without_a_mouse(qtbot, window: MainWindow) -> None:
    timeline = window.timeline
    timeline.setFocus()
    qtbot.keyClick(timeline, Qt.Key.Key_Home)
    qtbot.keyClick(timeline, Qt.Key.Key_Right)
    first = timeline.selected_ids()
    assert len(first) == 1
    qtbot.keyClick(timeline, Qt.Key.Key_Right)
    assert timeline.selected_ids() != first
    qtbot.keyClick(timeline, Qt.Key.Key_Return)
    assert window.details_dock.isVisible()
    qtbot.keyClick(timeline, Qt.Key.Key_Escape)
    assert timeline.selected_ids() == []


def test_the_keyboard_current_event_is_announced_to_assistive_technology(qtbot, sample_db, monkeypatch) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAccessible

    from viewer.store.reader import EventStore
    from viewer.timeline.widget import TimelineWidget
    from viewer.timeline_source import load_timeline_data

    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    with EventStore(sample_db) as store:
        widget.set_data(load_timeline_data(store))
    said: list[str] = []
    monkeypatch.setattr(QAccessible, "isActive", staticmethod(lambda: True))
    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(lambda event: said.append(event.message())))
    qtbot.keyClick(widget, Qt.Key.Key_Home)
    qtbot.keyClick(widget, Qt.Key.Key_Right)
    (current,) = widget.selected_ids()
    index = widget.data().index
    assert said and said[-1].startswith(index.titles[widget.data().position_of(current)])
    assert any(ch.isdigit() for ch in said[-1])  # its dates
