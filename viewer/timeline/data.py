"""What the timeline shows: the in-memory time index, the bodies, and the links (no Qt)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from viewer.store.linking import linked_to
from viewer.store.time_index import ROW_DTYPE, TimeIndex
from viewer.timeline.lanes import BodyInfo, BodyTree


@dataclass
class TimelineData:
    """What the timeline shows: the time index, the bodies, and the links between events.

    Links whose ends are not events of the index (-1: an event skipped as unreadable, or any
    position out of range) are dropped when the data is made, with their labels, so that
    everything reading ``link_from``/``link_to`` may index with them.
    """

    index: TimeIndex
    bodies: dict[str, BodyInfo] = field(default_factory=dict)
    link_from: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # positions
    link_to: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    link_labels: list[str] = field(default_factory=list)  # "Prepares", "Part of", …
    # How sure each link is: 0 confirmed (solid), 1 probable (dashed), 2 possible (dotted).
    link_confidence: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int8))

    _positions_by_id: dict[str, int] | None = field(default=None, repr=False)
    _body_tree: BodyTree | None = field(default=None, repr=False)
    _bodies_by_position: tuple[np.ndarray, np.ndarray, list[str]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        link_from = np.asarray(self.link_from, dtype=np.int64).ravel()
        link_to = np.asarray(self.link_to, dtype=np.int64).ravel()
        count = min(link_from.size, link_to.size)
        link_from, link_to = link_from[:count], link_to[:count]
        labels = self.link_labels if isinstance(self.link_labels, list) else list(self.link_labels)
        if len(labels) != count:
            labels = (labels + [""] * count)[:count]
        confidence = np.asarray(self.link_confidence, dtype=np.int8).ravel()[:count]
        if confidence.size != count:
            confidence = np.concatenate([confidence, np.zeros(count - confidence.size, dtype=np.int8)])
        confidence = np.where((confidence >= 0) & (confidence <= 2), confidence, 0).astype(np.int8)
        size = len(self.index)
        valid = (link_from >= 0) & (link_from < size) & (link_to >= 0) & (link_to < size)
        if not valid.all():
            link_from, link_to, confidence = link_from[valid], link_to[valid], confidence[valid]
            labels = list(itertools.compress(labels, valid.tolist()))
        self.link_from, self.link_to, self.link_labels = link_from, link_to, labels
        self.link_confidence = confidence

    @classmethod
    def empty(cls) -> TimelineData:
        """No events at all."""
        return cls(TimeIndex.from_rows(np.empty(0, dtype=ROW_DTYPE), ()))

    def position_of(self, event_id: str) -> int | None:
        """The index position of an event id (the lookup table is built on first use)."""
        if self._positions_by_id is None:
            self._positions_by_id = {key: i for i, key in enumerate(self.index.ids)}
        return self._positions_by_id.get(event_id)

    def flags_of_ids(self, event_ids: Iterable[str]) -> np.ndarray:
        """A flag per index position: set for the events of ``event_ids`` (ids not in the index are ignored)."""
        flags = np.zeros(len(self.index), dtype=bool)
        found = [p for p in map(self.position_of, event_ids) if p is not None]
        if found:
            flags[np.fromiter(found, dtype=np.int64, count=len(found))] = True
        return flags

    def body_tree(self) -> BodyTree:
        """The bodies as lanes before folding (built on first use: call it off the UI thread
        for a file with very many bodies)."""
        if self._body_tree is None:
            self._body_tree = BodyTree.build(self.index, self.bodies)
        return self._body_tree

    def bodies_of(self, position: int) -> list[str]:
        """Ids of the bodies an event involves (from the index; the table is built on first use)."""
        if self._bodies_by_position is None:
            members = self.index.body_members
            names = list(members)
            sizes = np.fromiter((part.size for part in members.values()), dtype=np.int64, count=len(names))
            positions = np.concatenate(list(members.values())) if names else np.empty(0, dtype=np.int64)
            numbers = np.repeat(np.arange(len(names), dtype=np.int64), sizes)
            order = np.argsort(positions, kind="stable")
            self._bodies_by_position = (positions[order], numbers[order], names)
        positions, numbers, names = self._bodies_by_position
        first, stop = np.searchsorted(positions, (position, position + 1))
        return [names[number] for number in numbers[first:stop].tolist()]

    def subset(self, positions: np.ndarray) -> TimelineData:
        """The same data restricted to some events (and the links among them)."""
        keep = np.unique(np.asarray(positions, dtype=np.int64))
        kept = np.zeros(len(self.index), dtype=bool)
        kept[keep[(keep >= 0) & (keep < kept.size)]] = True
        both = kept[self.link_from] & kept[self.link_to]
        return TimelineData(
            self.index.subset(keep),
            dict(self.bodies),
            np.searchsorted(keep, self.link_from[both]),
            np.searchsorted(keep, self.link_to[both]),
            list(itertools.compress(self.link_labels, both.tolist())),
            self.link_confidence[both],
        )

    def with_links_at_least(self, floor: int) -> TimelineData:
        """The same data with only the links as sure as ``floor`` or surer (0 confirmed, 1 probable, 2 possible)."""
        keep = self.link_confidence <= floor
        if keep.all():
            return self
        return TimelineData(self.index, self.bodies, self.link_from[keep], self.link_to[keep],
                            list(itertools.compress(self.link_labels, keep.tolist())), self.link_confidence[keep])

    def without_seqs(self, seqs: Iterable[int]) -> TimelineData:
        """The same data without the events numbered ``seqs`` (itself when it holds none)."""
        found = self.index.positions_of_seqs(np.fromiter(seqs, dtype=np.int64))
        found = found[found >= 0]
        if not found.size:
            return self
        keep = np.ones(len(self.index), dtype=bool)
        keep[found] = False
        return self.subset(np.flatnonzero(keep))

    def linked_positions(self, positions: np.ndarray) -> np.ndarray:
        """Positions linked to any of ``positions`` (either direction), without them."""
        positions = np.asarray(positions, dtype=np.int64)
        if self.link_from.size == 0 or positions.size == 0:
            return np.empty(0, dtype=np.int64)
        chosen = np.zeros(len(self.index), dtype=bool)
        chosen[positions] = True
        return self.linked_to_flags(chosen)

    def linked_to_flags(self, chosen: np.ndarray) -> np.ndarray:
        """Positions linked to any position flagged in ``chosen`` (either direction), without
        them: two gathers over the links, whatever the size of the selection."""
        if self.link_from.size == 0:
            return np.empty(0, dtype=np.int64)
        return np.flatnonzero(linked_to(self.link_from, self.link_to, chosen))
