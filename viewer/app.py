"""Starting the desktop application."""

from __future__ import annotations

import sys
from pathlib import Path

from viewer import APP_NAME, __version__


def run_app(database: Path | None) -> int:
    """Open the main window on ``database`` (the bundled sample when None); return the exit code.

    A file that cannot be opened is reported on stderr with exit code 2 before any window
    appears; reading it (which can take seconds for a large file) then happens in the window,
    in the background.
    """
    from PySide6.QtWidgets import QApplication

    from viewer.store.errors import DefenceTimelineError
    from viewer.store.reader import EventStore
    from viewer.store.sample import sample_database_path
    from viewer.ui.crash import install_crash_handler
    from viewer.ui.main_window import MainWindow

    try:
        path = database if database is not None else sample_database_path()
        EventStore(path).close()  # a quick check: header, application id, version, locks
    except (DefenceTimelineError, OSError) as error:
        print(f"defence-timeline: {error}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("Defence Timeline")
    app.setApplicationVersion(__version__)
    install_crash_handler()
    window = MainWindow()
    window.show()
    window.open_path(path)
    return app.exec()
