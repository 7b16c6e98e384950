"""The window adapts: a narrow window gives the timeline most of its width; the first window fits the screen."""

from __future__ import annotations

from conftest import open_window
from PySide6.QtCore import QRect

from viewer.ui.main_window import MainWindow, first_window_size


def test_a_narrow_window_puts_the_side_panes_in_tabs_and_a_wide_one_beside(qtbot, isolated_settings, sample_db):
    window = open_window(qtbot, sample_db)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.timeline.width() >= 0.6 * window.width(), timeout=2_000)
    assert window.details_dock in window.tabifiedDockWidgets(window.filters_dock)
    window.details_dock.raise_()
    qtbot.waitUntil(lambda: window.details.isVisible(), timeout=2_000)  # one click away, as a tab
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: not window.tabifiedDockWidgets(window.filters_dock), timeout=2_000)
    assert window.filters.isVisible() and window.details.isVisible()
    assert window.dockWidgetArea(window.details_dock) != window.dockWidgetArea(window.filters_dock)


class _Screen:
    def __init__(self, width: int, height: int) -> None:
        self._room = QRect(0, 0, width, height)

    def availableGeometry(self) -> QRect:
        return self._room


def test_the_first_window_fits_the_screen_it_opens_on() -> None:
    assert first_window_size(_Screen(1920, 1080)).toTuple() == (1500, 900)
    small = first_window_size(_Screen(960, 540)).toTuple()  # 1920×1080 at QT_SCALE_FACTOR=2
    assert small[0] <= 960 and small[1] <= 540


def test_the_window_can_be_as_small_as_a_scaled_laptop_screen(qtbot, isolated_settings) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    hint = window.minimumSizeHint()
    assert hint.width() <= 864 and hint.height() <= 486  # the filters scroll instead of pushing
