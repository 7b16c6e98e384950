"""Every key is defined once: the window's actions, the timeline's own keys, and the list of both."""

from __future__ import annotations

from conftest import open_window
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QTableWidget

from viewer.timeline.widget import KEY_BINDINGS, MOUSE_GESTURES
from viewer.ui.actions import ActionId


def test_the_shortcuts_list_comes_from_the_actions_and_the_timeline(qtbot, isolated_settings, sample_db) -> None:
    window = open_window(qtbot, sample_db)
    window.actions[ActionId.SHORTCUTS].trigger()
    table = window.findChild(QDialog, "shortcutsDialog").findChild(QTableWidget, "shortcutsTable")
    rows = [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]
    assert ("Go to Date", "Ctrl+G") in rows
    for binding in KEY_BINDINGS:
        assert (binding.does, binding.names) in rows
    for gesture, does in MOUSE_GESTURES:
        assert (does, gesture) in rows
    assert len(rows) == len(window.actions.shortcut_table()) + len(KEY_BINDINGS) + len(MOUSE_GESTURES)


def test_no_key_is_bound_twice(qtbot, isolated_settings, sample_db) -> None:
    window = open_window(qtbot, sample_db)
    action_keys = {
        key.toString() for action_id in ActionId for key in window.actions[action_id].shortcuts()
    }
    timeline_keys = {QKeySequence(binding.names).toString() for binding in KEY_BINDINGS}
    assert not action_keys & timeline_keys, action_keys & timeline_keys
    assert "Ctrl+G" in action_keys and "Ctrl+G" not in timeline_keys
