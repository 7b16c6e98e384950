"""Lanes, the body tree and the timeline data on hostile shapes: deep, looping, huge (no window)."""

from __future__ import annotations

import random
import time
from collections.abc import Mapping

import numpy as np
import pytest

from viewer.store.time_index import ROW_DTYPE, TimeIndex
from viewer.timeline.data import TimelineData
from viewer.timeline.lanes import NO_BODY_KEY, BodyInfo, BodyTree, LaneMode, build_lanes, parents_without_loops
from viewer.timeline.painting import single_line
from viewer.ui.body_outline import GROUP_SIZE, MAX_DEPTH, BodyOutline

DAY = 86_400


def _index(n: int, members: Mapping[str, np.ndarray] | None = None) -> TimeIndex:
    rows = np.zeros(n, dtype=ROW_DTYPE)
    rows["seq"] = np.arange(1, n + 1)
    rows["earliest"] = 1_600_000_000 + np.arange(n) * 3600
    rows["latest"] = rows["earliest"] + 60
    index = TimeIndex.from_rows(rows, ("meeting",), titles=[f"Event {i}" for i in range(n)])
    index.body_members.update(members or {})
    return index


def _chain(n: int, loop: bool = False) -> dict[str, BodyInfo]:
    """Body i's parent is body i-1 (and body 0's is the last one when ``loop``)."""
    parent = (lambda i: f"b{(i - 1) % n}") if loop else (lambda i: f"b{i - 1}" if i else None)
    return {f"b{i}": BodyInfo(f"b{i}", f"Body {i}", f"B{i}", parent(i)) for i in range(n)}


def _one_event_each(n: int) -> TimeIndex:
    return _index(n, {f"b{i}": np.array([i]) for i in range(n)})


def _timed(work, seconds: float):
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"took {elapsed:.2f} s"
    return result


def test_a_hierarchy_thousands_deep_gives_nested_lanes_and_folds_whole() -> None:
    n = 3000
    bodies, index = _chain(n), _one_event_each(n)
    lanes = _timed(lambda: build_lanes(index, LaneMode.BODY, bodies), 2.0)
    assert [lane.key for lane in lanes] == [f"b{i}" for i in range(n)]
    assert [lane.depth for lane in lanes][:3] == [0, 1, 2] and lanes[n - 1].depth == n - 1
    assert lanes[0].foldable and not lanes[n - 1].foldable
    folded = build_lanes(index, LaneMode.BODY, bodies, folded={"b0"})
    assert len(folded) == 1 and folded[0].folded and folded[0].positions.tolist() == list(range(n))
    middle = build_lanes(index, LaneMode.BODY, bodies, folded={"b1500"})
    assert len(middle) == 1501 and middle[1500].positions.size == 1500


@pytest.mark.parametrize("n", [2, 3, 100_000])
def test_parent_loops_are_cut_and_every_body_keeps_its_lane(n: int) -> None:
    bodies, index = _chain(n, loop=True), _one_event_each(n)
    parents = _timed(lambda: parents_without_loops(bodies), 5.0)
    assert sum(parent is None for parent in parents.values()) == 1  # the loop is cut once
    lanes = _timed(lambda: build_lanes(index, LaneMode.BODY, bodies), 10.0)
    assert sorted(lane.key for lane in lanes) == sorted(bodies)


def test_a_loop_above_a_branch_is_cut_in_the_loop() -> None:
    bodies = {
        "a": BodyInfo("a", "A", parent="b"),
        "b": BodyInfo("b", "B", parent="a"),
        "c": BodyInfo("c", "C", parent="a"),  # hangs off the loop: keeps its parent
    }
    parents = parents_without_loops(bodies)
    assert parents["c"] == "a" and [parents["a"], parents["b"]].count(None) == 1


def test_a_hundred_thousand_bodies_sharing_acronyms() -> None:
    n = 100_000
    bodies = {f"b{i}": BodyInfo(f"b{i}", f"Body {i}", "SAME" if i % 2 else f"B{i}") for i in range(n)}
    index = _one_event_each(n)
    tree = _timed(lambda: BodyTree.build(index, bodies), 10.0)
    lanes = _timed(lambda: tree.lanes(index), 1.0)
    assert len(lanes) == n
    titles = dict(zip(lanes.keys, lanes.titles, strict=True))
    assert titles["b1"] == "Body 1" and titles["b2"] == "B2"  # shared acronyms: full names
    mask = np.zeros(n, dtype=bool)
    mask[::10] = True
    counts = _timed(lambda: lanes.counts(mask), 0.5)
    assert int(counts.sum()) == n // 10
    assert lanes.first_lane()[12_345] == lanes.keys.index("b12345")


def test_a_hundred_thousand_bodies_on_one_event() -> None:
    n = 100_000
    bodies = {f"b{i}": BodyInfo(f"b{i}", f"Body {i}") for i in range(n)}
    index = _index(1, {f"b{i}": np.array([0]) for i in range(n)})
    lanes = _timed(lambda: build_lanes(index, LaneMode.BODY, bodies), 10.0)
    assert len(lanes) == n and int(lanes.counts(None).sum()) == n
    data = TimelineData(index, bodies)
    assert len(_timed(lambda: data.bodies_of(0), 5.0)) == n


def _reference_lanes(index: TimeIndex, bodies: Mapping[str, BodyInfo], folded: set[str]) -> list[tuple]:
    """The lanes as first written (recursive, for small loop-free trees)."""
    children: dict[str | None, list[str]] = {}
    for body_id, body in bodies.items():
        children.setdefault(body.parent if body.parent in bodies else None, []).append(body_id)
    members = index.body_members

    def size(body_id: str) -> int:
        own = members.get(body_id)
        return (0 if own is None else int(own.size)) + sum(size(c) for c in children.get(body_id, []))

    def subtree(body_id: str) -> set[int]:
        found = set(members.get(body_id, np.empty(0, dtype=np.int64)).tolist())
        for child in children.get(body_id, []):
            found |= subtree(child)
        return found

    for siblings in children.values():
        siblings.sort(key=lambda b: (-size(b), bodies[b].short_name.lower()))
    names = [b.short_name for b in bodies.values()]
    lanes = []

    def visit(body_id: str, depth: int) -> None:
        body = bodies[body_id]
        busy = any(size(c) for c in children.get(body_id, []))
        fold = body_id in folded and busy
        positions = sorted(subtree(body_id)) if fold else members.get(body_id, np.empty(0)).tolist()
        if positions or busy:
            title = body.name if names.count(body.short_name) > 1 else body.short_name
            lanes.append((body_id, title, [int(p) for p in positions], depth, busy, fold))
        if not fold:
            for child in children.get(body_id, []):
                visit(child, depth + 1)

    for root in children.get(None, []):
        visit(root, 0)
    return lanes


@pytest.mark.parametrize("seed", range(40))
def test_lanes_by_body_match_the_first_recursive_definition(seed: int) -> None:
    rng = random.Random(seed)
    n_events = rng.randint(1, 40)
    ids = [f"b{i}" for i in range(rng.randint(1, 25))]
    bodies: dict[str, BodyInfo] = {}
    for number, body_id in enumerate(ids):
        parent = rng.choice([*ids[:number], None, "ghost"]) if number and rng.random() < 0.7 else None
        bodies[body_id] = BodyInfo(body_id, f"Body {rng.randint(0, 4)}", rng.choice(["X", None, f"A{number}"]), parent)
    members = {}
    for body_id in ids:
        if rng.random() < 0.6:
            members[body_id] = np.unique(np.array([rng.randrange(n_events) for _ in range(rng.randint(1, 4))]))
    index = _index(n_events, members)
    folded = set(rng.sample(ids, min(len(ids), rng.randint(0, 3))))
    got = [
        (lane.key, lane.title, lane.positions.tolist(), lane.depth, lane.foldable, lane.folded)
        for lane in build_lanes(index, LaneMode.BODY, bodies, folded)
        if lane.key != NO_BODY_KEY
    ]
    # Ties in size and name keep the order bodies were listed in, with bodies having events first.
    reference = _reference_lanes(index, {**{b: bodies[b] for b in members}, **bodies}, folded)
    assert got == reference


def test_the_body_tree_of_the_filters_is_nested_at_most_so_deep_and_grouped() -> None:
    deep = _timed(lambda: BodyOutline.build(_chain(3000), {}), 5.0)
    assert sorted(b for b in deep.ids if b is not None) == sorted(_chain(3000))
    depth_of = [0] * len(deep)
    for node in range(len(deep)):
        depth_of[node] = depth_of[deep.parent[node]] + 1 if deep.parent[node] >= 0 else 0
    assert max(depth_of) <= MAX_DEPTH + 1  # (+1: the long list under the last level is grouped)
    last = deep.node_of(f"b{MAX_DEPTH - 1}")
    assert deep.end[last] == len(deep)  # the rest of the chain is listed under it: one check box covers it
    assert deep.flattened[deep.node_of("b2999")] == "b2998"

    looping = BodyOutline.build(_chain(5, loop=True), {})
    assert sorted(b for b in looping.ids if b) == sorted(_chain(5))

    n = 100_000
    wide = _timed(lambda: BodyOutline.build({f"b{i}": BodyInfo(f"b{i}", f"Body {i:06d}") for i in range(n)}, {}), 10.0)
    top = wide.children[-1]
    assert len(top) <= GROUP_SIZE and all(wide.ids[node] is None for node in top)  # groups, not bodies
    assert all(len(wide.children[node]) <= GROUP_SIZE for node in top)
    assert wide.labels[top[0]].startswith("Body 000000 – Body 000999")


def test_links_to_unreadable_events_are_dropped_with_their_labels() -> None:
    index = _index(3)
    data = TimelineData(
        index, {}, np.array([0, -1, 1, 2, 7]), np.array([1, 2, -1, 0, 1]), ["Prepares", "Bad", "Bad", "Part of", "Out"]
    )
    assert data.link_from.tolist() == [0, 2] and data.link_to.tolist() == [1, 0]
    assert data.link_labels == ["Prepares", "Part of"]
    assert data.linked_positions(np.array([0])).tolist() == [1, 2]
    short = TimelineData(index, {}, np.array([0, 1]), np.array([1]), [])  # ragged: cut to the pairs
    assert short.link_from.tolist() == [0] and short.link_labels == [""]


def test_one_line_text_for_the_painter() -> None:
    text = "a\r\nb\nc\u2028d\u2029e\x00f\x1bg\x85h\ud800i"
    line = single_line(text)
    assert "\n" not in line and "\r" not in line and "\u2028" not in line and "\x85" not in line
    assert line.startswith("a  b c d e f g h") and "\ufffd" in line
    line.encode("utf-8")  # no lone surrogate left: Qt can take it
