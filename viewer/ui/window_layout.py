"""The window's size and pane layout: the first size on a screen, and side panes that share one side
as tabs when the window is narrow."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

COMPACT_BELOW_PX = 1280  # narrower than this, the side panes become tabs on one side
FIRST_SIZE = (1500, 900)
SIDE_WIDTHS = (270, 380)  # the Filters and the Details panes, side by side
TABLE_HEIGHT = 230


def first_window_size(screen) -> QSize:
    """The first window's size: the usual, shrunk to nine tenths of the screen it opens on."""
    width, height = FIRST_SIZE
    if screen is not None:
        room = screen.availableGeometry()
        width, height = min(width, int(room.width() * 0.9)), min(height, int(room.height() * 0.9))
    return QSize(max(width, 640), max(height, 480))


def add_dock(window: QMainWindow, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
    """A dock named for tests and assistive technology, holding ``widget``."""
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setAccessibleName(title)
    dock.setWidget(widget)
    window.addDockWidget(area, dock)
    return dock


class SidePanes:
    """The Filters (left) and Details (right) docks and the Events dock below: their first sizes,
    and tabs on one side while the window is narrower than :data:`COMPACT_BELOW_PX`."""

    def __init__(self, window: QMainWindow, filters: QDockWidget, details: QDockWidget, table: QDockWidget) -> None:
        self._window, self._filters, self._details, self._table = window, filters, details, table
        self._compact = False

    def first_sizes(self) -> None:
        """The sizes of a window without a saved layout."""
        self._window.resizeDocks([self._filters, self._details], list(SIDE_WIDTHS), Qt.Orientation.Horizontal)
        self._window.resizeDocks([self._table], [TABLE_HEIGHT], Qt.Orientation.Vertical)

    def adapt(self) -> None:
        """Tabs on a narrow window, each pane on its own side on a wide one."""
        window = self._window
        compact = window.width() < COMPACT_BELOW_PX
        if compact == self._compact:
            return
        self._compact = compact
        if compact:
            window.tabifyDockWidget(self._filters, self._details)
            window.resizeDocks([self._filters], [max(240, int(window.width() * 0.28))], Qt.Orientation.Horizontal)
        else:
            window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self._details)
            window.resizeDocks([self._filters, self._details], list(SIDE_WIDTHS), Qt.Orientation.Horizontal)
