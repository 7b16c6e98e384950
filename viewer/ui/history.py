"""Back and Forward through what the user selected (like a browser's history; no Qt)."""

from __future__ import annotations

import numpy as np

HISTORY_LIMIT = 200


class SelectionHistory:
    """Past selections as index positions of the open file (cleared when the file changes)."""

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self._entries: list[np.ndarray] = []
        self._at = -1
        self._limit = limit

    def record(self, positions: np.ndarray) -> None:
        """A new selection: it becomes the newest entry (dropping any "forward" entries)."""
        if positions.size == 0:
            return
        if self._at >= 0 and np.array_equal(self._entries[self._at], positions):
            return
        del self._entries[self._at + 1 :]
        self._entries.append(positions)
        if len(self._entries) > self._limit:
            del self._entries[0]
        self._at = len(self._entries) - 1

    def back(self) -> np.ndarray | None:
        """The previous selection, if there is one."""
        if not self.can_go_back:
            return None
        self._at -= 1
        return self._entries[self._at]

    def forward(self) -> np.ndarray | None:
        """The next selection, if the user went back before."""
        if not self.can_go_forward:
            return None
        self._at += 1
        return self._entries[self._at]

    @property
    def can_go_back(self) -> bool:
        """True when Back has somewhere to go."""
        return self._at > 0

    @property
    def can_go_forward(self) -> bool:
        """True when Forward has somewhere to go."""
        return self._at + 1 < len(self._entries)

    def clear(self) -> None:
        """Forget everything (another file, or the same file changed)."""
        self._entries.clear()
        self._at = -1
