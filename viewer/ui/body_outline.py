"""The bodies as the Filters dock lists them: a tree in flat arrays (pure Python, no Qt).

A file may hold a hundred thousand bodies or a chain of them thousands deep, with parent
loops: the outline is built in one linear pass (off the UI thread when a file opens), loops
cut as the lanes cut them, and nested at most :data:`MAX_DEPTH` levels: a body deeper than
that is listed under its ancestor at the last level (whose check box then covers it too).

Nodes are numbered depth first, so that a node's sub-tree is the numbers
``node .. end[node] - 1``: checking a body and its sub-bodies is one slice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from viewer.timeline.lanes import BodyInfo, Hierarchy, ambiguous_short_names

MAX_DEPTH = 32  # levels of nesting shown; deeper bodies are listed under the last level
GROUP_SIZE = 1000  # siblings listed at one level before they are grouped


_Key = str | tuple[str, int] | None  # a body id, a group of siblings, or the top


@dataclass(eq=False)
class BodyOutline:
    """Every body once, depth first; siblings by short name.

    More than :data:`GROUP_SIZE` siblings (a file of a hundred thousand top-level bodies) are
    listed in groups ("Body 1 – Body 1999"), so that opening a level never lays out more
    than a few thousand rows. A group node has no body id (``ids[node]`` is None).
    """

    ids: list[str | None]
    labels: list[str]  # the short name, or the full name when two bodies share it
    names: list[str]
    counts: list[int]  # events of each body (-1 for a group)
    parent: list[int]  # the node it is listed under (-1: top level)
    row: list[int]  # its row under that node
    children: dict[int, list[int]]  # -1: the top-level nodes
    end: np.ndarray  # one past the last node of each node's sub-tree
    flattened: dict[int, str] = field(default_factory=dict)  # node listed under an ancestor -> its parent
    _node_of: dict[str, int] | None = None

    @classmethod
    def build(cls, bodies: Mapping[str, BodyInfo], counts: Mapping[str, int]) -> BodyOutline:
        """The outline of ``bodies`` with their event ``counts``."""
        tree = Hierarchy.of(bodies)
        for siblings in tree.children.values():
            if len(siblings) > 1:
                siblings.sort(key=lambda body_id: bodies[body_id].short_name.lower())
        ambiguous = ambiguous_short_names(bodies.values())
        labels_of = {
            body_id: body.name if body.short_name in ambiguous else body.short_name for body_id, body in bodies.items()
        }
        listed, flattened_under = _listing(tree.children)
        _group(listed, labels_of)
        ids: list[str | None] = []
        labels: list[str] = []
        names: list[str] = []
        node_counts: list[int] = []
        parent: list[int] = []
        row: list[int] = []
        children: dict[int, list[int]] = {-1: []}
        flattened: dict[int, str] = {}
        stack: list[tuple[_Key, int]] = [(key, -1) for key in reversed(listed.get(None, []))]
        while stack:
            key, above = stack.pop()
            node = len(ids)
            siblings = children.setdefault(above, [])
            row.append(len(siblings))
            siblings.append(node)
            parent.append(above)
            if isinstance(key, tuple):  # a group of siblings
                ids.append(None)
                labels.append(key[0])
                names.append(key[0])
                node_counts.append(-1)
            else:
                assert key is not None
                ids.append(key)
                labels.append(labels_of[key])
                names.append(bodies[key].name)
                node_counts.append(int(counts.get(key, 0)))
                if key in flattened_under:
                    flattened[node] = flattened_under[key]
            below = listed.get(key)
            if below:
                stack.extend((child, node) for child in reversed(below))
        size = [1] * len(ids)
        for node in range(len(ids) - 1, -1, -1):  # a node's sub-tree comes after it
            if parent[node] >= 0:
                size[parent[node]] += size[node]
        return cls(
            ids=ids,
            labels=labels,
            names=names,
            counts=node_counts,
            parent=parent,
            row=row,
            children=children,
            end=np.arange(len(ids), dtype=np.int64) + np.array(size, dtype=np.int64),
            flattened=flattened,
        )

    def __len__(self) -> int:
        return len(self.ids)

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """New event counts for the bodies (groups keep none)."""
        self.counts = [-1 if body_id is None else int(counts.get(body_id, 0)) for body_id in self.ids]

    def node_of(self, body_id: str) -> int | None:
        """The node listing a body."""
        if self._node_of is None:
            self._node_of = {body_id: node for node, body_id in enumerate(self.ids) if body_id is not None}
        return self._node_of.get(body_id)

    def ancestors(self, node: int) -> list[int]:
        """The nodes above ``node``, nearest first (at most :data:`MAX_DEPTH`)."""
        found = []
        current = self.parent[node]
        while current >= 0 and len(found) <= MAX_DEPTH + 4:
            found.append(current)
            current = self.parent[current]
        return found


def _listing(children: Mapping[str | None, list[str]]) -> tuple[dict[_Key, list[_Key]], dict[str, str]]:
    """What each body is listed under, nesting at most :data:`MAX_DEPTH` levels; and, for a
    body listed under an ancestor, its own parent."""
    listed: dict[_Key, list[_Key]] = {None: list(children.get(None, []))}
    flattened: dict[str, str] = {}
    stack: list[tuple[str, int]] = [(body_id, 0) for body_id in reversed(children.get(None, []))]
    while stack:
        body_id, depth = stack.pop()
        below = children.get(body_id)
        if not below:
            continue
        if depth + 1 < MAX_DEPTH:
            listed[body_id] = list(below)
            stack.extend((child, depth + 1) for child in reversed(below))
            continue
        # The last level: the whole sub-tree is listed under this body, depth first.
        under: list[_Key] = []
        inner: list[tuple[str, str]] = [(child, body_id) for child in reversed(below)]
        while inner:
            child, real_parent = inner.pop()
            under.append(child)
            if real_parent != body_id:
                flattened[child] = real_parent
            grandchildren = children.get(child)
            if grandchildren:
                inner.extend((grandchild, child) for grandchild in reversed(grandchildren))
        listed[body_id] = under
    return listed, flattened


def _group(listed: dict[_Key, list[_Key]], labels: Mapping[str, str]) -> None:
    """Split every list of more than :data:`GROUP_SIZE` siblings into groups (in place)."""
    for key, siblings in list(listed.items()):
        if len(siblings) <= GROUP_SIZE:
            continue
        size = max(GROUP_SIZE, -(-len(siblings) // GROUP_SIZE))  # at most about GROUP_SIZE groups
        groups: list[_Key] = []
        for first in range(0, len(siblings), size):
            serial = len(listed)  # unique: groups under two bodies may read alike
            chunk = siblings[first : first + size]
            label = f"{_short(labels[chunk[0]])} – {_short(labels[chunk[-1]])}"  # type: ignore[index]
            group = (f"{label} ({len(chunk):,} bodies)", serial)
            listed[group] = chunk
            groups.append(group)
        listed[key] = groups


def _short(label: str) -> str:
    return label if len(label) <= 24 else label[:23] + "…"
