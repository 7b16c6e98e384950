"""Render docs/screenshot.png: the full window on the bundled sample, the June ministerial selected.

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

    from viewer.store.sample import sample_database_path
    from viewer.ui.main_window import MainWindow

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
    window.open_path(sample_database_path())
    QTimer.singleShot(30_000, app.quit)
    app.exec()


if __name__ == "__main__":
    main()
