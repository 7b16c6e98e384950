"""Lanes: which events go in which horizontal band of the timeline (pure, no Qt).

By body (the default), an event involving several bodies appears in the lane of each of
them. We chose this over drawing it once with a "shared" marker because an analyst reading a
lane asks "what did this body do?", and a lane missing the events it shares would answer
wrongly; the widget outlines every copy of a selected event so the duplicates read as one.
A body whose sub-bodies are folded into it shows their events too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from viewer.store.time_index import TimeIndex

NO_BODY_KEY = "\x00no-body"
NO_KIND_KEY = "\x00no-kind"
ALL_KEY = "\x00all"


class LaneMode(StrEnum):
    """How events are grouped into lanes."""

    BODY = "body"
    KIND = "kind"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class BodyInfo:
    """What the lanes need to know of a body."""

    id: str
    name: str
    acronym: str | None = None
    parent: str | None = None

    @property
    def short_name(self) -> str:
        """The acronym when there is one, else the name."""
        return self.acronym or self.name


@dataclass(eq=False)
class Lane:
    """One band of the timeline and the (sorted) index positions of its events."""

    key: str
    title: str
    full_title: str
    positions: np.ndarray
    depth: int = 0
    foldable: bool = False
    folded: bool = False
    earliest: np.ndarray = field(init=False)
    max_latest: np.ndarray = field(init=False)
    kept_earliest: np.ndarray = field(init=False)  # starts of the events passing the filter

    def attach(self, index: TimeIndex) -> Lane:
        """Cache the lane's own sorted starts and running maximum of ends."""
        self.earliest = index.earliest[self.positions]
        latest = index.latest[self.positions]
        self.max_latest = np.maximum.accumulate(latest) if latest.size else latest
        self.kept_earliest = self.earliest
        return self

    def apply_filter(self, mask: np.ndarray | None) -> int:
        """Remember which events pass the filter; returns how many do."""
        self.kept_earliest = self.earliest if mask is None else self.earliest[mask[self.positions]]
        return int(self.kept_earliest.size)

    def count_starting(self, since: float, until: float) -> int:
        """How many events passing the filter start in [since, until)."""
        found = np.searchsorted(self.kept_earliest, (since, until), side="left")
        return int(found[1] - found[0])

    def visible(self, index: TimeIndex, since: float, until: float) -> np.ndarray:
        """Index positions of this lane's events overlapping [since, until), in time order."""
        stop = int(np.searchsorted(self.earliest, until, side="left"))
        start = int(np.searchsorted(self.max_latest[:stop], since, side="right"))
        candidates = self.positions[start:stop]
        return candidates[index.latest[candidates] > since]


def build_lanes(
    index: TimeIndex,
    mode: LaneMode,
    bodies: Mapping[str, BodyInfo],
    folded: Iterable[str] = (),
) -> list[Lane]:
    """The lanes for ``mode``, in reading order, each attached to ``index``."""
    if mode is LaneMode.KIND:
        lanes = _kind_lanes(index)
    elif mode is LaneMode.BODY:
        known = {body_id: BodyInfo(body_id, body_id) for body_id in index.body_members}
        lanes = _body_lanes(index, {**known, **bodies}, set(folded))
    else:
        lanes = [Lane(ALL_KEY, "All events", "All events", np.arange(len(index)))]
    return [lane.attach(index) for lane in lanes]


def _kind_lanes(index: TimeIndex) -> list[Lane]:
    lanes = []
    for code, kind in sorted(enumerate(index.kinds), key=lambda item: item[1].lower()):
        positions = np.flatnonzero(index.kind == code)
        lanes.append(Lane(kind, kind_title(kind), kind_title(kind), positions))
    without = np.flatnonzero(index.kind < 0)
    if without.size:
        lanes.append(Lane(NO_KIND_KEY, "No kind", "Events without a kind", without))
    return lanes


def kind_title(kind: str) -> str:
    """A kind as shown to people: "press_conference" → "Press conference"."""
    text = kind.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _parents_without_loops(bodies: Mapping[str, BodyInfo]) -> dict[str, str | None]:
    """Each body's parent, with unknown parents and parent loops cut (import refuses loops,
    but a file written by another tool must never hang the view)."""
    parents = {body.id: body.parent if body.parent in bodies else None for body in bodies.values()}
    for body_id in parents:
        seen = {body_id}
        current = parents[body_id]
        while current is not None:
            if current in seen:
                parents[body_id] = None
                break
            seen.add(current)
            current = parents[current]
    return parents


def _body_lanes(index: TimeIndex, bodies: Mapping[str, BodyInfo], folded: set[str]) -> list[Lane]:
    children: dict[str | None, list[str]] = {}
    for body_id, parent in _parents_without_loops(bodies).items():
        children.setdefault(parent, []).append(body_id)
    subtree_cache: dict[str, np.ndarray] = {}

    def subtree_positions(body_id: str) -> np.ndarray:
        if body_id not in subtree_cache:
            parts = [index.body_members.get(body_id, np.empty(0, dtype=np.int64))]
            parts += [subtree_positions(child) for child in children.get(body_id, [])]
            subtree_cache[body_id] = np.unique(np.concatenate(parts)) if len(parts) > 1 else parts[0]
        return subtree_cache[body_id]

    size_cache: dict[str, int] = {}

    def subtree_size(body_id: str) -> int:
        """Events of a body and its sub-bodies, counted with repeats (cheap; for ordering)."""
        if body_id not in size_cache:
            own = index.body_members.get(body_id)
            size_cache[body_id] = (0 if own is None else int(own.size)) + sum(
                subtree_size(child) for child in children.get(body_id, [])
            )
        return size_cache[body_id]

    # The busiest bodies first among their siblings, then by name.
    for siblings in children.values():
        siblings.sort(key=lambda body_id: (-subtree_size(body_id), bodies[body_id].short_name.lower()))
    lanes: list[Lane] = []
    short_names = [body.short_name for body in bodies.values()]
    ambiguous = {name for name in short_names if short_names.count(name) > 1}

    def visit(body_id: str, depth: int) -> None:
        body = bodies[body_id]
        # Two bodies share an acronym (the NATO-Ukraine Commission and Council are both
        # "NUC"): their lanes say their names instead.
        title = body.name if body.short_name in ambiguous else body.short_name
        has_children_with_events = any(subtree_size(child) for child in children.get(body_id, []))
        is_folded = body_id in folded and has_children_with_events
        positions = subtree_positions(body_id) if is_folded else index.body_members.get(body_id)
        if (positions is not None and positions.size) or has_children_with_events:
            lanes.append(
                Lane(
                    body_id,
                    title,
                    body.name,
                    positions if positions is not None else np.empty(0, dtype=np.int64),
                    depth=depth,
                    foldable=has_children_with_events,
                    folded=is_folded,
                )
            )
        if not is_folded:
            for child in children.get(body_id, []):
                visit(child, depth + 1)

    for root in children.get(None, []):
        visit(root, 0)
    in_some_body = np.zeros(len(index), dtype=bool)
    for members in index.body_members.values():
        in_some_body[members] = True
    without = np.flatnonzero(~in_some_body)
    if without.size:
        lanes.append(Lane(NO_BODY_KEY, "No body", "Events without a body", without))
    return lanes
