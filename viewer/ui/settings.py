"""Typed access to the application's remembered settings (QSettings)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

# Bump whenever docks or toolbars change, so an old saved layout is not forced onto new ones.
STATE_VERSION = 1
MAX_RECENT = 10


class Settings:
    """The window's geometry and layout, recent files, and view preferences."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or QSettings()

    def geometry(self) -> QByteArray | None:
        """The saved window geometry."""
        value = self._settings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def state(self) -> QByteArray | None:
        """The saved dock and toolbar layout, if it was saved with the current version."""
        if int(self._settings.value("window/stateVersion", 0) or 0) != STATE_VERSION:
            return None
        value = self._settings.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        """Remember geometry and layout."""
        self._settings.setValue("window/geometry", geometry)
        self._settings.setValue("window/state", state)
        self._settings.setValue("window/stateVersion", STATE_VERSION)

    def recent_files(self) -> list[Path]:
        """Recently opened databases, most recent first."""
        value = self._settings.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        return [Path(item) for item in (value or []) if isinstance(item, str) and item]

    def add_recent_file(self, path: Path) -> None:
        """Put ``path`` first in the recent files."""
        resolved = str(path.resolve())
        files = [resolved] + [str(p) for p in self.recent_files() if str(p) != resolved]
        self._settings.setValue("files/recent", files[:MAX_RECENT])

    def clear_recent_files(self) -> None:
        """Forget the recent files."""
        self._settings.setValue("files/recent", [])

    def text(self, key: str, default: str = "") -> str:
        """A remembered string (a folder, a lane mode…)."""
        value = self._settings.value(key, default)
        return value if isinstance(value, str) else default

    def flag(self, key: str, default: bool = False) -> bool:
        """A remembered on/off preference."""
        value = self._settings.value(key, default)
        if isinstance(value, str):
            return value.lower() in ("true", "1", "yes")
        return bool(value)

    def set(self, key: str, value: str | bool) -> None:
        """Remember a preference."""
        self._settings.setValue(key, value)

    def sync(self) -> None:
        """Write to disk now."""
        self._settings.sync()
