"""A non-blocking message box whose text is shown as plain text (data is never markup)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def open_message(parent: QWidget, icon: QMessageBox.Icon, title: str, message: str, object_name: str) -> QMessageBox:
    """Open (window-modal, without blocking) a box saying ``message`` as plain text; the box is returned."""
    box = QMessageBox(icon, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(object_name)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.open()
    return box
