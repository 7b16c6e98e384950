"""Unexpected errors in the window: logged to a file, shown with details, and survived."""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from viewer import APP_NAME

LOG_NAME = "defence-timeline.log"
_logger = logging.getLogger("defence_timeline")


def log_path() -> Path:
    """Where unexpected errors are written (the user's log folder)."""
    return Path(platformdirs.user_log_dir("defence-timeline", appauthor=False)) / LOG_NAME


def install_crash_handler() -> Path:
    """Log every uncaught exception and show it in a dialog instead of stopping the app."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    _logger.handlers[:] = [handler]
    _logger.setLevel(logging.INFO)
    _logger.propagate = False
    sys.excepthook = _on_uncaught
    return path


def _on_uncaught(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        QApplication.quit()
        return
    details = "".join(traceback.format_exception(kind, error, trace))
    _logger.error("Unexpected error\n%s", details)
    for handler in _logger.handlers:
        handler.flush()
    if QApplication.instance() is None:
        sys.__excepthook__(kind, error, trace)
        return
    show_crash_dialog(f"{kind.__name__}: {error}", details)


def show_crash_dialog(summary: str, details: str) -> QMessageBox:
    """A dialog with the error, its details to copy, and where the log is."""
    box = QMessageBox(QMessageBox.Icon.Warning, f"{APP_NAME}: unexpected error", "", QMessageBox.StandardButton.Ok)
    box.setObjectName("crashDialog")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(
        "Something went wrong, but Defence Timeline is still running and your files are unchanged.\n\n"
        f"{summary[:500]}\n\nThe details below are also written to:\n{log_path()}\n"
        "Please include them if you report the problem."
    )
    box.setDetailedText(details)
    box.open()
    _open_dialogs.append(box)
    box.finished.connect(lambda _result: _open_dialogs.remove(box) if box in _open_dialogs else None)
    return box


_open_dialogs: list[QMessageBox] = []


def open_crash_dialogs() -> list[QMessageBox]:
    """The crash dialogs on screen (for tests)."""
    return list(_open_dialogs)
