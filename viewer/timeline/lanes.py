"""Lanes: which events go in which horizontal band of the timeline (pure, no Qt).

By body (the default), an event involving several bodies appears in the lane of each of
them. We chose this over drawing it once with a "shared" marker because an analyst reading a
lane asks "what did this body do?", and a lane missing the events it shares would answer
wrongly; the widget outlines every copy of a selected event so the duplicates read as one.
A body whose sub-bodies are folded into it shows their events too.

A file may hold any shape of hierarchy (a chain thousands of bodies deep, a hundred thousand
bodies, parent loops written by another tool): every walk here is iterative and linear in
the number of bodies, and work per lane that the view needs is done only for lanes on screen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import overload

import numpy as np

from viewer.store.time_index import TimeIndex

NO_BODY_KEY = "\x00no-body"
NO_KIND_KEY = "\x00no-kind"
ALL_KEY = "\x00all"

_EMPTY = np.empty(0, dtype=np.int64)


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


class Lane:
    """One band of the timeline and the (sorted) index positions of its events.

    The per-lane arrays the view needs (sorted starts, running maximum of ends, starts of the
    events passing the filter) are computed on first use, so that a file with a hundred
    thousand lanes costs only for the few lanes on screen.
    """

    __slots__ = (
        "_earliest",
        "_index",
        "_kept",
        "_mask",
        "_max_latest",
        "depth",
        "foldable",
        "folded",
        "full_title",
        "key",
        "positions",
        "title",
    )

    def __init__(
        self,
        key: str,
        title: str,
        full_title: str,
        positions: np.ndarray,
        depth: int = 0,
        foldable: bool = False,
        folded: bool = False,
        index: TimeIndex | None = None,
    ) -> None:
        self.key = key
        self.title = title
        self.full_title = full_title
        self.positions = positions
        self.depth = depth
        self.foldable = foldable
        self.folded = folded
        self._index = index
        self._earliest: np.ndarray | None = None
        self._max_latest: np.ndarray | None = None
        self._mask: np.ndarray | None = None
        self._kept: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"Lane({self.key!r}, {self.title!r}, {self.positions.size} events, depth={self.depth})"

    def attach(self, index: TimeIndex) -> Lane:
        """Tie the lane to ``index`` (its arrays are read from it when first needed)."""
        self._index = index
        self._earliest = self._max_latest = self._kept = None
        return self

    @property
    def earliest(self) -> np.ndarray:
        """Start instants of the lane's events, sorted."""
        if self._earliest is None:
            assert self._index is not None, "attach() the lane to an index first"
            self._earliest = self._index.earliest[self.positions]
        return self._earliest

    @property
    def max_latest(self) -> np.ndarray:
        """Running maximum of the lane's end instants (for the overlap search)."""
        if self._max_latest is None:
            assert self._index is not None, "attach() the lane to an index first"
            latest = self._index.latest[self.positions]
            self._max_latest = np.maximum.accumulate(latest) if latest.size else latest
        return self._max_latest

    @property
    def kept_earliest(self) -> np.ndarray:
        """Start instants of the events passing the filter last given, sorted."""
        if self._kept is None:
            self._kept = self.earliest if self._mask is None else self.earliest[self._mask[self.positions]]
        return self._kept

    def set_filter(self, mask: np.ndarray | None) -> None:
        """Remember the filter (cheap: what passes it is worked out when needed)."""
        if mask is not self._mask:
            self._mask = mask
            self._kept = None

    def apply_filter(self, mask: np.ndarray | None) -> int:
        """Remember which events pass the filter; returns how many do."""
        self.set_filter(mask)
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


class Lanes(Sequence[Lane]):
    """The lanes of one grouping, in reading order, held as flat arrays.

    A :class:`Lane` object is made only when one is asked for (the few on screen), and what
    concerns every lane at once (how many events of each pass the filter, which lane holds an
    event) is a handful of numpy operations, so a hundred thousand lanes cost little.
    """

    def __init__(
        self,
        index: TimeIndex,
        keys: Sequence[str],
        titles: Sequence[str],
        full_titles: Sequence[str],
        members: np.ndarray,
        sizes: np.ndarray,
        depths: Sequence[int] | None = None,
        foldable: Sequence[bool] | None = None,
        folded: Sequence[bool] | None = None,
    ) -> None:
        count = len(keys)
        self.index = index
        self.keys = keys
        self.titles = titles
        self.full_titles = full_titles
        self.depths = depths if depths is not None else [0] * count
        self.foldable = foldable if foldable is not None else [False] * count
        self.folded = folded if folded is not None else [False] * count
        self.members = np.asarray(members, dtype=np.int64)  # every lane's positions, one after another
        self._sizes = np.asarray(sizes, dtype=np.int64)
        self.ends = np.cumsum(self._sizes)
        self.starts = self.ends - self._sizes
        self._made: dict[int, Lane] = {}
        self._first_lane: np.ndarray | None = None

    @classmethod
    def from_parts(
        cls, index: TimeIndex, keys: list[str], titles: list[str], full_titles: list[str], parts: list[np.ndarray]
    ) -> Lanes:
        """Lanes from each lane's positions (for a few lanes)."""
        sizes = np.fromiter((part.size for part in parts), dtype=np.int64, count=len(parts))
        members = np.concatenate(parts) if parts else _EMPTY
        return cls(index, keys, titles, full_titles, members, sizes)

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, number: int) -> Lane: ...

    @overload
    def __getitem__(self, number: slice) -> list[Lane]: ...

    def __getitem__(self, number: int | slice) -> Lane | list[Lane]:
        if isinstance(number, slice):
            return [self[i] for i in range(*number.indices(len(self)))]
        if number < 0:
            number += len(self)
        if not 0 <= number < len(self):
            raise IndexError(number)
        lane = self._made.get(number)
        if lane is None:
            lane = Lane(
                self.keys[number],
                self.titles[number],
                self.full_titles[number],
                self.members[self.starts[number] : self.ends[number]],
                int(self.depths[number]),
                bool(self.foldable[number]),
                bool(self.folded[number]),
                self.index,
            )
            self._made[number] = lane
        return lane

    def __iter__(self) -> Iterator[Lane]:
        return (self[i] for i in range(len(self)))

    def sizes(self) -> np.ndarray:
        """How many events each lane holds."""
        return self._sizes

    def counts(self, mask: np.ndarray | None) -> np.ndarray:
        """How many events of each lane pass ``mask`` (every event when None)."""
        if mask is None:
            return self._sizes.copy()
        passing = np.concatenate([[0], np.cumsum(mask[self.members], dtype=np.int64)])
        return passing[self.ends] - passing[self.starts]

    def first_lane(self) -> np.ndarray:
        """For each index position, the first lane (in reading order) holding it; -1 for none."""
        if self._first_lane is None:
            numbers = np.repeat(np.arange(len(self), dtype=np.int64), self._sizes)
            first = np.full(len(self.index), -1, dtype=np.int64)
            first[self.members[::-1]] = numbers[::-1]  # written last: the smallest number
            self._first_lane = first
        return self._first_lane


def build_lanes(
    index: TimeIndex,
    mode: LaneMode,
    bodies: Mapping[str, BodyInfo],
    folded: Iterable[str] = (),
    tree: BodyTree | None = None,
) -> Lanes:
    """The lanes for ``mode``, in reading order, on ``index``.

    By body, ``tree`` (:meth:`BodyTree.build` of the same index and bodies) saves walking
    every body again.
    """
    if mode is LaneMode.KIND:
        return _kind_lanes(index)
    if mode is LaneMode.BODY:
        return (tree or BodyTree.build(index, bodies)).lanes(index, folded)
    return Lanes.from_parts(index, [ALL_KEY], ["All events"], ["All events"], [np.arange(len(index))])


def _kind_lanes(index: TimeIndex) -> Lanes:
    # One sort of the kind codes, not one pass over the events per kind (a crafted file may
    # hold thousands of kinds).
    order = np.argsort(index.kind, kind="stable")  # positions in time order within each kind
    codes = index.kind[order]
    bounds = np.searchsorted(codes, np.arange(-1, len(index.kinds) + 1))
    keys, titles, parts = [], [], []
    for code, kind in sorted(enumerate(index.kinds), key=lambda item: item[1].lower()):
        keys.append(kind)
        titles.append(kind_title(kind))
        parts.append(order[bounds[code + 1] : bounds[code + 2]])
    without = np.flatnonzero(index.kind < 0)
    full_titles = list(titles)
    if without.size:
        keys.append(NO_KIND_KEY)
        titles.append("No kind")
        full_titles.append("Events without a kind")
        parts.append(without)
    return Lanes.from_parts(index, keys, titles, full_titles, parts)


def kind_title(kind: str) -> str:
    """A kind as shown to people: "press_conference" → "Press conference"."""
    text = kind.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def parents_without_loops(bodies: Mapping[str, BodyInfo]) -> dict[str, str | None]:
    """Each body's parent, with unknown parents and parent loops cut.

    Import refuses loops, but a file written by another tool must never hang the view. One
    walk up from each body, never over a body twice: linear in the number of bodies however
    deep the hierarchy. A loop (a → b → a) is cut where the walk met it again: that body
    becomes a top-level one.
    """
    parents = {body_id: body.parent if body.parent in bodies else None for body_id, body in bodies.items()}
    on_path, done = 1, 2
    state: dict[str, int] = {}
    for start in parents:
        if start in state:
            continue
        path = []
        current: str | None = start
        while current is not None and current not in state:
            state[current] = on_path
            path.append(current)
            current = parents[current]
        if current is not None and state[current] == on_path:
            parents[current] = None  # the loop closes here: cut it
        for body_id in path:
            state[body_id] = done
    return parents


@dataclass
class Hierarchy:
    """The bodies as a tree: loops cut, unknown parents dropped."""

    parents: dict[str, str | None]
    children: dict[str | None, list[str]]  # ``None``: the top-level bodies; in the bodies' order

    @classmethod
    def of(cls, bodies: Mapping[str, BodyInfo]) -> Hierarchy:
        """The tree of ``bodies``."""
        parents = parents_without_loops(bodies)
        children: dict[str | None, list[str]] = {}
        for body_id, parent in parents.items():
            children.setdefault(parent, []).append(body_id)
        return cls(parents, children)

    def preorder(self) -> list[str]:
        """Every body, depth first from the top-level ones (a parent before its descendants)."""
        return preorder(self.children)


def preorder(children: Mapping[str | None, list[str]]) -> list[str]:
    """Depth first from the top-level bodies (``children[None]``), without recursion."""
    order: list[str] = []
    if len(children) <= 1:  # no body has sub-bodies
        return list(children.get(None, []))
    stack = list(reversed(children.get(None, [])))
    while stack:
        body_id = stack.pop()
        order.append(body_id)
        below = children.get(body_id)
        if below:
            stack.extend(reversed(below))
    return order


def ambiguous_short_names(bodies: Iterable[BodyInfo]) -> set[str]:
    """Short names (acronyms) that more than one body has."""
    counts = Counter(body.short_name for body in bodies)
    return {name for name, count in counts.items() if count > 1}


@dataclass(eq=False)
class BodyTree:
    """The lanes by body before folding: every body in reading order, with what a lane needs.

    Built once per data set (it walks every body: off the UI thread when a file opens);
    choosing the lanes for a set of folded bodies is then a few array operations.
    """

    ids: list[str]  # depth first; among siblings the busiest first, then by name
    depth: np.ndarray
    end: np.ndarray  # one past the last descendant, in the same order
    busy: np.ndarray  # bool: some sub-body has events (the lane can fold)
    own: np.ndarray  # each body's own events (sorted positions), one body after another
    own_sizes: np.ndarray  # how many events each body has of its own
    titles: np.ndarray  # of str
    full_titles: np.ndarray  # of str
    without: np.ndarray  # events of no body
    _number: dict[str, int] | None = None

    @classmethod
    def build(cls, index: TimeIndex, bodies: Mapping[str, BodyInfo]) -> BodyTree:
        """The tree of ``bodies`` with the events of ``index``."""
        members = index.body_members
        if members:
            # Bodies known only from events get a lane named by their id. (Bodies with events
            # come first: among siblings alike in size and name, that is the order kept.)
            bodies = {**{body_id: BodyInfo(body_id, body_id) for body_id in members}, **bodies}
        tree = Hierarchy.of(bodies)
        children, parents, order = tree.children, tree.parents, tree.preorder()
        # Events of a body and its sub-bodies, counted with repeats (cheap; for ordering),
        # from the leaves up: in reversed pre-order every body comes after its descendants.
        size = {body_id: members[body_id].size if body_id in members else 0 for body_id in order}
        busy: set[str] = set()
        if len(children) > 1:  # some body has sub-bodies
            for body_id in reversed(order):
                parent = parents[body_id]
                if parent is not None and size[body_id]:
                    size[parent] += size[body_id]
                    busy.add(parent)
        # The busiest bodies first among their siblings, then by name.
        for siblings in children.values():
            if len(siblings) > 1:
                siblings.sort(key=lambda body_id: (-size[body_id], bodies[body_id].short_name.lower()))
        ids: list[str] = []
        depths: list[int] = []
        parent_rows: list[int] = []
        stack = [(root, 0, -1) for root in reversed(children.get(None, []))]
        while stack:
            body_id, depth, parent_row = stack.pop()
            row = len(ids)
            ids.append(body_id)
            depths.append(depth)
            parent_rows.append(parent_row)
            below = children.get(body_id)
            if below:
                stack.extend((child, depth + 1, row) for child in reversed(below))
        count = len(ids)
        subtree = np.ones(count, dtype=np.int64)
        if len(children) > 1:
            sizes = subtree.tolist()
            for row in range(count - 1, 0, -1):  # children come after their parent
                parent_row = parent_rows[row]
                if parent_row >= 0:
                    sizes[parent_row] += sizes[row]
            subtree = np.array(sizes, dtype=np.int64)
        ambiguous = ambiguous_short_names(bodies.values())
        titles, full_titles = [], []
        for body_id in ids:
            # Two bodies share an acronym (the NATO-Ukraine Commission and Council are both
            # "NUC"): their lanes say their names instead.
            body = bodies[body_id]
            short = body.short_name
            titles.append(body.name if short in ambiguous else short)
            full_titles.append(body.name)
        if members:
            in_some_body = np.zeros(len(index), dtype=bool)
            in_some_body[np.concatenate(list(members.values()))] = True
            without = np.flatnonzero(~in_some_body)
        else:
            without = np.arange(len(index))
        own = [members.get(body_id, _EMPTY) for body_id in ids]
        return cls(
            ids=ids,
            depth=np.array(depths, dtype=np.int64),
            end=np.arange(count, dtype=np.int64) + subtree,
            busy=np.fromiter((body_id in busy for body_id in ids), dtype=bool, count=count),
            own=np.concatenate(own).astype(np.int64, copy=False) if own else _EMPTY,
            own_sizes=np.fromiter((part.size for part in own), dtype=np.int64, count=count),
            titles=_object_array(titles),
            full_titles=_object_array(full_titles),
            without=without,
        )

    def number_of(self, body_id: str) -> int | None:
        """The row of a body in reading order."""
        if self._number is None:
            self._number = {body_id: row for row, body_id in enumerate(self.ids)}
        return self._number.get(body_id)

    def lanes(self, index: TimeIndex, folded: Iterable[str] = ()) -> Lanes:
        """The lanes when the bodies in ``folded`` show their sub-bodies' events in their own lane."""
        count = len(self.ids)
        own_ends = np.cumsum(self.own_sizes)
        own_starts = own_ends - self.own_sizes
        hidden = np.zeros(count, dtype=bool)
        folds: dict[int, np.ndarray] = {}
        for row in sorted(row for row in map(self.number_of, folded) if row is not None and self.busy[row]):
            if hidden[row]:
                continue  # inside a body folded already
            stop = int(self.end[row])
            hidden[row + 1 : stop] = True
            folds[row] = np.unique(self.own[own_starts[row] : own_ends[stop - 1]])
        shown = np.flatnonzero(((self.own_sizes > 0) | self.busy) & ~hidden)
        sizes = self.own_sizes[shown]
        if folds:
            sizes = sizes.copy()
            for lane, row in zip(np.searchsorted(shown, list(folds)).tolist(), folds, strict=True):
                sizes[lane] = folds[row].size
        members = _gather(self.own, own_starts[shown], self.own_sizes[shown])
        if folds:
            pieces, done = [], 0
            lanes_before = np.searchsorted(shown, list(folds)).tolist()
            offsets = np.concatenate([[0], np.cumsum(self.own_sizes[shown])])
            for lane, row in zip(lanes_before, folds, strict=True):
                pieces += [members[done : offsets[lane]], folds[row]]
                done = offsets[lane + 1]
            members = np.concatenate([*pieces, members[done:]])
        keys = [self.ids[row] for row in shown.tolist()]
        titles, full_titles = self.titles[shown], self.full_titles[shown]
        depths, foldable = self.depth[shown], self.busy[shown]
        is_folded = np.isin(shown, list(folds)) if folds else np.zeros(shown.size, dtype=bool)
        if self.without.size:
            keys.append(NO_BODY_KEY)
            titles = np.append(titles, _object_array(["No body"]))
            full_titles = np.append(full_titles, _object_array(["Events without a body"]))
            members = np.concatenate([members, self.without])
            sizes = np.append(sizes, self.without.size)
            depths, foldable, is_folded = np.append(depths, 0), np.append(foldable, False), np.append(is_folded, False)
        return Lanes(index, keys, titles, full_titles, members, sizes, depths, foldable, is_folded)


def _gather(values: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``values[starts[0]:starts[0]+lengths[0]]``, then the next run, … as one array."""
    total = int(lengths.sum())
    if total == 0:
        return _EMPTY
    run_starts = np.cumsum(lengths) - lengths  # where each run begins in the result
    offsets = np.repeat(starts - run_starts, lengths) + np.arange(total)
    return values[offsets]


def _object_array(texts: list[str]) -> np.ndarray:
    array = np.empty(len(texts), dtype=object)
    array[:] = texts
    return array
