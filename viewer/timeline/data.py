"""What the timeline shows: the in-memory time index, the bodies, and the links (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from viewer.store.time_index import ROW_DTYPE, TimeIndex
from viewer.timeline.lanes import BodyInfo


@dataclass
class TimelineData:
    """What the timeline shows: the time index, the bodies, and the links between events."""

    index: TimeIndex
    bodies: dict[str, BodyInfo] = field(default_factory=dict)
    link_from: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # positions
    link_to: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    link_labels: list[str] = field(default_factory=list)  # "Prepares", "Part of", …

    _positions_by_id: dict[str, int] | None = field(default=None, repr=False)

    @classmethod
    def empty(cls) -> TimelineData:
        """No events at all."""
        return cls(TimeIndex.from_rows(np.empty(0, dtype=ROW_DTYPE), ()))

    def position_of(self, event_id: str) -> int | None:
        """The index position of an event id (the lookup table is built on first use)."""
        if self._positions_by_id is None:
            self._positions_by_id = {key: i for i, key in enumerate(self.index.ids)}
        return self._positions_by_id.get(event_id)

    def subset(self, positions: np.ndarray) -> TimelineData:
        """The same data restricted to some events (and the links among them)."""
        keep = np.unique(np.asarray(positions, dtype=np.int64))
        both = np.isin(self.link_from, keep) & np.isin(self.link_to, keep)
        return TimelineData(
            self.index.subset(keep),
            dict(self.bodies),
            np.searchsorted(keep, self.link_from[both]),
            np.searchsorted(keep, self.link_to[both]),
            [label for label, kept in zip(self.link_labels, both.tolist(), strict=True) if kept],
        )

    def linked_positions(self, positions: np.ndarray) -> np.ndarray:
        """Positions linked to any of ``positions`` (either direction), without them."""
        if self.link_from.size == 0 or positions.size == 0:
            return np.empty(0, dtype=np.int64)
        outgoing = self.link_to[np.isin(self.link_from, positions)]
        incoming = self.link_from[np.isin(self.link_to, positions)]
        found = np.unique(np.concatenate([outgoing, incoming]))
        return found[~np.isin(found, positions)]
