"""Render docs/screenshot.png: the full window on the bundled sample (graded), the June ministerial
selected and starred with a note, as an analyst's workspace beside a copy of the sample holds it.

    xvfb-run -a .venv/bin/python docs/scripts/window_screenshot.py [output.png]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png"
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # Fresh settings: the picture shows the default layout, not whoever runs the script.
    QCoreApplication.setOrganizationName("DefenceTimelineScreenshot")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())

    import shutil

    from viewer.store.sample import sample_database_path
    from viewer.store.workspace import load_workspace, save_workspace
    from viewer.ui.main_window import MainWindow

    database = Path(tempfile.mkdtemp()) / "nato-june-2023.db"  # a copy: its workspace is the script's own
    shutil.copyfile(sample_database_path(), database)
    workspace = load_workspace(database)
    workspace.annotate("dmm-2023-06", starred=True, note="Last ministerial before Vilnius: check the communiqué",
                       tags=["brief"])
    workspace.annotate("npg-2023-06", starred=True)
    save_workspace(workspace, database)

    window = MainWindow()
    window.resize(1600, 1000)
    window.show()

    def snap() -> None:
        window.timeline.set_selection(["dmm-2023-06"])
        app.processEvents()
        window.grab().save(str(output))
        print(output)
        app.quit()

    window.dataset_opened.connect(lambda _path: QTimer.singleShot(200, snap))
    window.open_path(database)
    QTimer.singleShot(30_000, app.quit)
    app.exec()


if __name__ == "__main__":
    main()
