"""Starting the desktop application."""

from __future__ import annotations

import sys
from pathlib import Path

from viewer import APP_NAME, __version__


def run_app(database: Path | None) -> int:
    """Open the main window on ``database`` (the bundled sample when None); return the exit code."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from viewer.store.errors import DefenceTimelineError
    from viewer.store.reader import EventStore
    from viewer.store.sample import sample_database_path
    from viewer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("Defence Timeline")
    app.setApplicationVersion(__version__)
    try:
        store = EventStore(database if database is not None else sample_database_path())
    except (DefenceTimelineError, OSError) as error:
        print(f"defence-timeline: {error}", file=sys.stderr)
        QMessageBox.critical(None, APP_NAME, f"The file cannot be opened.\n\n{error}")
        return 2
    window = MainWindow(store)
    window.show()
    return app.exec()
