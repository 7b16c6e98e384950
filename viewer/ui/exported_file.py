"""The status bar's offer after an export: open the written file, or show the folder it is in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStatusBar, QWidget

OFFER_MS = 20_000  # how long the buttons stay after the export


class ExportedFileActions(QWidget):
    """"Open" and "Show in Folder" buttons in the status bar for the file just written."""

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.setObjectName("exportedFileActions")
        self.setAccessibleName("The exported file")
        self.path: Path | None = None
        self.open_button = self._button("Open", "exportedOpen", "Open the exported file", self._open)
        self.folder_button = self._button(
            "Show in Folder", "exportedShowFolder", "Show the folder of the exported file", self._show_folder
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.open_button)
        layout.addWidget(self.folder_button)
        self._timer = QTimer(self, singleShot=True, interval=OFFER_MS)
        self._timer.timeout.connect(self.hide)
        bar.addPermanentWidget(self)
        self.hide()

    def offer(self, path: Path) -> None:
        """Show the buttons for ``path`` for a while."""
        self.path = path
        self.open_button.setToolTip(str(path))
        self.folder_button.setToolTip(str(path.parent))
        self.show()
        self._timer.start()

    def _button(self, text: str, name: str, accessible: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setFlat(True)
        button.clicked.connect(slot)
        return button

    def _open(self) -> None:
        if self.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))

    def _show_folder(self) -> None:
        if self.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path.parent)))
