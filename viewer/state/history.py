"""Back and Forward through where the user has been, like a browser's history (no Qt).

A place is what the window shows: the selection, the stretch of time on screen and the
filter. Selecting, zooming or panning (once the view settles), going to a date and changing
the filter each make a new place; Back and Forward step through them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from viewer.store.filters import EventFilter

HISTORY_LIMIT = 200


@dataclass(frozen=True, eq=False)
class Place:
    """One entry of the history."""

    selection: np.ndarray  # index positions of the selected events
    view: tuple[float, float] | None = None  # (first, end) instants on screen
    event_filter: EventFilter = field(default_factory=EventFilter)
    linked_only: bool = False

    def same_as(self, other: Place) -> bool:
        """True when going from one to the other would change nothing the user sees."""
        return (
            np.array_equal(self.selection, other.selection)
            and self.event_filter == other.event_filter
            and self.linked_only == other.linked_only
            and _same_view(self.view, other.view)
        )


def _same_view(a: tuple[float, float] | None, b: tuple[float, float] | None) -> bool:
    if a is None or b is None:
        return a is b
    tolerance = max(a[1] - a[0], b[1] - b[0]) * 0.01  # a pixel or two: the same view
    return abs(a[0] - b[0]) <= tolerance and abs(a[1] - b[1]) <= tolerance


class NavigationHistory:
    """Past places of the open file (cleared when the file changes)."""

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self._entries: list[Place] = []
        self._at = -1
        self._limit = limit

    def record(self, place: Place) -> None:
        """A new place: it becomes the newest entry (dropping any "forward" entries)."""
        if self._at >= 0 and self._entries[self._at].same_as(place):
            return
        del self._entries[self._at + 1 :]
        self._entries.append(place)
        if len(self._entries) > self._limit:
            del self._entries[0]
        self._at = len(self._entries) - 1

    def back(self) -> Place | None:
        """The previous place, if there is one."""
        if not self.can_go_back:
            return None
        self._at -= 1
        return self._entries[self._at]

    def forward(self) -> Place | None:
        """The next place, if the user went back before."""
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
