"""Which events are selected: a flag per index position, the current event and the anchor (no Qt).

Flags rather than a set of positions, so that selecting a million events, testing membership
while painting and following links stay array operations.
"""

from __future__ import annotations

import numpy as np


class Selection:
    """The selected events of one time index."""

    def __init__(self, size: int = 0) -> None:
        self.flags = np.zeros(size, dtype=bool)
        self.count = 0
        self.current: int | None = None  # the event keyboard moves start from
        self.anchor: int | None = None  # where Shift+click extends from
        self.version = 0  # changes with every change, for caches built from the selection

    def reset(self, size: int) -> None:
        """Nothing selected, for an index of ``size`` events."""
        self._store(np.zeros(size, dtype=bool))
        self.current = self.anchor = None

    def positions(self) -> np.ndarray:
        """Selected positions, in time order."""
        return np.flatnonzero(self.flags)

    def set(self, positions: np.ndarray) -> bool:
        """Select exactly these positions; returns False when nothing changes."""
        flags = np.zeros(self.flags.size, dtype=bool)
        flags[positions] = True
        if np.array_equal(flags, self.flags):
            return False
        self._store(flags)
        self.current = self.anchor = int(positions.min()) if positions.size else None
        return True

    def select_only(self, position: int) -> None:
        """Select one event."""
        flags = np.zeros(self.flags.size, dtype=bool)
        flags[position] = True
        self._store(flags)
        self.current = self.anchor = position

    def toggle(self, position: int) -> None:
        """Add or remove one event (Ctrl+click)."""
        flags = self.flags.copy()
        flags[position] = not flags[position]
        self._store(flags)
        if flags[position]:
            self.current = self.anchor = position
        else:
            remaining = np.flatnonzero(flags)
            self.current = int(remaining[-1]) if remaining.size else None

    def extend(self, position: int, candidates: np.ndarray) -> None:
        """Select the ``candidates`` between the anchor and ``position`` in time (Shift+click)."""
        anchor = position if self.anchor is None else self.anchor
        low, high = sorted((anchor, position))
        flags = np.zeros(self.flags.size, dtype=bool)
        flags[candidates[(candidates >= low) & (candidates <= high)]] = True
        flags[[anchor, position]] = True
        self._store(flags)
        self.anchor, self.current = anchor, position

    def add(self, positions: np.ndarray, replace: bool = False) -> None:
        """Add positions (or select only them with ``replace``)."""
        flags = np.zeros(self.flags.size, dtype=bool) if replace else self.flags.copy()
        flags[positions] = True
        self._store(flags)
        if positions.size:
            self.current = int(positions[-1])

    def keep(self, mask: np.ndarray) -> bool:
        """Drop the selected events ``mask`` hides; returns True when some were dropped."""
        kept = self.flags & mask
        if int(np.count_nonzero(kept)) == self.count:
            return False
        self._store(kept)
        if self.current is not None and not kept[self.current]:
            self.current = None
        if self.anchor is not None and not kept[self.anchor]:
            self.anchor = None
        return True

    def clear(self) -> bool:
        """Select nothing; returns False when nothing was selected."""
        if not self.count:
            return False
        self.reset(self.flags.size)
        return True

    def _store(self, flags: np.ndarray) -> None:
        self.flags = flags
        self.count = int(np.count_nonzero(flags))
        self.version += 1


def neighbour(position: int, direction: int, size: int, mask: np.ndarray | None) -> int | None:
    """The next (1) or previous (-1) position from ``position`` that ``mask`` keeps, or None."""
    if direction > 0:
        if position + 1 >= size:
            return None
        if mask is None:
            return position + 1
        rest = mask[position + 1 :]
        found = int(np.argmax(rest))
        return position + 1 + found if rest[found] else None
    if position <= 0:
        return None
    if mask is None:
        return position - 1
    before = mask[:position][::-1]
    found = int(np.argmax(before))
    return position - 1 - found if before[found] else None
