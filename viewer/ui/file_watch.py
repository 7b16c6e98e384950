"""Noticing when another program changes the open database (or its WAL), without blocking."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

POLL_MS = 1000  # a safety net: file-system notifications are not delivered everywhere
SETTLE_MS = 400  # let a writer finish before reading

_Signature = tuple[tuple[int, int, int, int] | None, ...]


class DatabaseWatcher(QObject):
    """Emits ``changed`` when the file, its ``-wal`` or its ``-journal`` change, and
    ``vanished`` when the file is gone. Only ``stat`` calls: nothing is opened or locked."""

    changed = Signal()
    vanished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path: Path | None = None
        self._signature: _Signature = ()
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._soon)
        self._watcher.directoryChanged.connect(self._soon)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._check)
        self._gone = False

    def watch(self, path: Path) -> None:
        """Watch ``path`` from now on (its current state is the reference)."""
        self.stop()
        self._path = path
        self._signature = self._current()
        self._gone = False
        paths = [str(path), str(path.parent)] + [str(p) for p in self._companions() if p.exists()]
        self._watcher.addPaths([p for p in paths if os.path.exists(p)])
        self._poll.start()

    def accept_current_state(self) -> None:
        """Take the file as it is now as the reference (after reloading it)."""
        self._signature = self._current()

    def stop(self) -> None:
        """Stop watching."""
        self._poll.stop()
        self._settle.stop()
        watched = self._watcher.files() + self._watcher.directories()
        if watched:
            self._watcher.removePaths(watched)
        self._path = None

    def _companions(self) -> list[Path]:
        assert self._path is not None
        return [Path(f"{self._path}-wal"), Path(f"{self._path}-journal")]

    def _current(self) -> _Signature:
        if self._path is None:
            return ()
        return tuple(_stat(p) for p in (self._path, *self._companions()))

    def _soon(self, *_args: object) -> None:
        self._settle.start()

    def _check(self) -> None:
        if self._path is None:
            return
        current = self._current()
        if current[0] is None:
            if not self._gone:
                self._gone = True
                self.vanished.emit()
            return
        if current != self._signature:
            self._gone = False
            self._signature = current
            if str(self._path) not in self._watcher.files():
                self._watcher.addPath(str(self._path))  # replaced files drop out of the watch
            self.changed.emit()


def _stat(path: Path) -> tuple[int, int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
