"""Starting the desktop application."""

from __future__ import annotations

import sys
from pathlib import Path

from viewer import APP_NAME, __version__


def run_app(database: Path | None) -> int:
    """Open the main window on ``database`` (the bundled sample when None); return the exit code.

    The file is read in the window, in the background (which can take seconds for a large
    file). A file that cannot be opened (missing, damaged, another program's, crafted) is
    explained in the window's error dialog, naming the file and the reason, as when it is
    opened from the menu: someone who opened it from a file manager sees why, rather than
    nothing at all. The window stays open, empty, and the exit code is 0 when it is closed.
    """
    from PySide6.QtWidgets import QApplication

    from viewer.ui.crash import install_crash_handler
    from viewer.ui.icons import APP_ID, app_icon
    from viewer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("Defence Timeline")
    app.setApplicationVersion(__version__)
    # The installed .desktop file's name (the Wayland app id), and the icon of every window.
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    install_crash_handler()
    window = MainWindow()
    window.show()
    if database is None:
        from viewer.store.errors import DefenceTimelineError
        from viewer.store.sample import sample_database_path

        try:
            database = sample_database_path()
        except (DefenceTimelineError, OSError) as error:
            window.show_open_error(f"The bundled sample cannot be prepared: {error}")
            return app.exec()
    window.open_path(database)
    return app.exec()
