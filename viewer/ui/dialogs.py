"""Help dialogs: keyboard shortcuts, the data format, and About."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from viewer import APP_NAME, __version__
from viewer.timeline.widget import KEY_BINDINGS, MOUSE_GESTURES


def show_shortcuts(parent: QWidget, rows: list[tuple[str, str]]) -> QDialog:
    """A table of every shortcut: the window's actions (``rows``), then the timeline's own keys
    and mouse gestures, each read from where it is defined."""
    rows = [
        *rows,
        *((binding.does, binding.names) for binding in KEY_BINDINGS),
        *((does, gesture) for gesture, does in MOUSE_GESTURES),
    ]
    dialog = QDialog(parent)
    dialog.setObjectName("shortcutsDialog")
    dialog.setWindowTitle("Keyboard Shortcuts")
    table = QTableWidget(len(rows), 2, dialog)
    table.setObjectName("shortcutsTable")
    table.setAccessibleName("Keyboard shortcuts")
    table.setHorizontalHeaderLabels(["Action", "Keys"])
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for row, (action, keys) in enumerate(rows):
        table.setItem(row, 0, QTableWidgetItem(action))
        table.setItem(row, 1, QTableWidgetItem(keys))
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.resizeColumnToContents(1)
    _finish(dialog, table, 560, 620)
    return dialog


def show_data_format(parent: QWidget) -> QDialog:
    """The data format documentation."""
    dialog = QDialog(parent)
    dialog.setObjectName("dataFormatDialog")
    dialog.setWindowTitle("Data Format")
    browser = QTextBrowser(dialog)
    browser.setObjectName("dataFormatText")
    browser.setAccessibleName("Data format documentation")
    browser.setOpenExternalLinks(True)
    browser.setMarkdown(format_document())
    _finish(dialog, browser, 820, 700)
    return dialog


def format_document() -> str:
    """The text of docs/format.md (shipped inside the package)."""
    try:
        return (resources.files("viewer.docs") / "format.md").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return (Path(__file__).resolve().parents[2] / "docs" / "format.md").read_text(encoding="utf-8")


def show_about(parent: QWidget) -> None:
    """The About box."""
    QMessageBox.about(
        parent,
        f"About {APP_NAME}",
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>A desktop viewer for defence and security policy events: meetings, summits, "
        "decisions and procurements on a timeline, with the bodies involved and the links "
        "between events.</p><p>Built with PySide6 (Qt 6), sqlite-utils and python-dateutil.</p>",
    )


def _finish(dialog: QDialog, content: QWidget, width: int, height: int) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(content)
    layout.addWidget(buttons)
    dialog.resize(width, height)
    dialog.open()
