"""The window's menus and toolbar, laid out once as data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar

from viewer.ui.actions import ActionId, Actions

A = ActionId
SEPARATOR = None
RECENT = "recent"  # the Open Recent submenu
DOCKS = "docks"  # a toggle for each dock, then the toolbar's

MENUS: tuple[tuple[str, tuple[ActionId | str | None, ...]], ...] = (
    ("&File", (A.OPEN, RECENT, A.IMPORT, SEPARATOR, A.EXPORT_SELECTED, A.PRINT_TIMELINE, A.PRINT_BRIEF, SEPARATOR,
               A.QUIT)),
    ("&Edit", (A.SELECT_ALL_VISIBLE, A.CLEAR_SELECTION, A.ADD_LINKED, SEPARATOR, A.COPY, A.FIND, SEPARATOR, A.STAR,
               A.ANNOTATE)),
    ("&View", (A.ZOOM_IN, A.ZOOM_OUT, A.FIT_ALL, A.GO_TO_DATE, SEPARATOR, A.LANES_BY_BODY, A.LANES_BY_KIND,
               A.LANES_NONE, SEPARATOR, A.SHOW_ALL_LINKS, A.SHOW_LEGEND, SEPARATOR, DOCKS)),
    ("&Go", (A.PREVIOUS_EVENT, A.NEXT_EVENT, A.BACK, A.FORWARD)),
    ("&Help", (A.SHORTCUTS, A.DATA_FORMAT, A.ABOUT)),
)
TOOLBAR: tuple[ActionId | None, ...] = (
    A.OPEN, A.IMPORT, A.EXPORT_SELECTED, SEPARATOR, A.BACK, A.FORWARD, SEPARATOR,
    A.ZOOM_IN, A.ZOOM_OUT, A.FIT_ALL, A.GO_TO_DATE, SEPARATOR, A.SHOW_ALL_LINKS, SEPARATOR, A.STAR,
)


def build_menus(window: QMainWindow, actions: Actions, docks: list[tuple[QDockWidget, str]]) -> tuple[QMenu, QToolBar]:
    """Fill the menu bar and add the toolbar; returns the Open Recent menu and the toolbar."""
    toolbar = QToolBar("Main Toolbar", window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setAccessibleName("Main toolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for entry in TOOLBAR:
        toolbar.addSeparator() if entry is SEPARATOR else toolbar.addAction(actions[entry])
    window.addToolBar(toolbar)
    toolbar.toggleViewAction().setText("Main &Toolbar")
    recent = QMenu("Open &Recent", window)
    recent.setObjectName("recentMenu")
    for title, entries in MENUS:
        menu = window.menuBar().addMenu(title)
        for entry in entries:
            if entry is SEPARATOR:
                menu.addSeparator()
            elif entry == RECENT:
                menu.addMenu(recent)
            elif entry == DOCKS:
                for dock, text in docks:
                    dock.toggleViewAction().setText(text)
                    menu.addAction(dock.toggleViewAction())
                menu.addAction(toolbar.toggleViewAction())
            else:
                menu.addAction(actions[entry])
    return recent, toolbar


def fill_recent_menu(menu: QMenu, files: list[Path], open_path: Callable[[Path], None], clear: QAction) -> None:
    """File > Open Recent, filled as it opens: one entry per file (its path as the tip), then Clear."""
    menu.clear()
    for path in files:
        action = menu.addAction(path.name)
        action.setToolTip(str(path))
        action.setStatusTip(str(path))
        action.triggered.connect(lambda _checked=False, p=path: open_path(p))
    if not files:
        menu.addAction("No recent files").setEnabled(False)
    menu.addSeparator()
    menu.addAction(clear)
