"""The selection model of the timeline: flags, current event, anchor, and stepping in time."""

from __future__ import annotations

import numpy as np

from viewer.state.selection import Selection, neighbour


def test_select_toggle_extend_and_keep() -> None:
    selection = Selection(10)
    selection.select_only(3)
    assert selection.positions().tolist() == [3] and selection.current == selection.anchor == 3
    selection.toggle(7)
    assert selection.positions().tolist() == [3, 7] and selection.current == 7
    selection.toggle(7)
    assert selection.positions().tolist() == [3] and selection.current == 3
    selection.select_only(2)
    selection.extend(6, np.array([1, 3, 5, 8]))  # only the lane's events between anchor and click
    assert selection.positions().tolist() == [2, 3, 5, 6] and selection.anchor == 2 and selection.current == 6
    mask = np.ones(10, dtype=bool)
    mask[[2, 5]] = False
    assert selection.keep(mask)
    assert selection.positions().tolist() == [3, 6] and selection.anchor is None
    assert not selection.keep(mask)
    assert selection.clear() and selection.count == 0 and not selection.clear()


def test_set_reports_changes_and_versions_move() -> None:
    selection = Selection(5)
    version = selection.version
    assert selection.set(np.array([1, 4]))
    assert not selection.set(np.array([4, 1]))
    assert selection.version == version + 1
    selection.add(np.array([0]))
    assert selection.positions().tolist() == [0, 1, 4]
    selection.add(np.array([2]), replace=True)
    assert selection.positions().tolist() == [2]


def test_neighbour_respects_the_filter() -> None:
    mask = np.array([True, False, False, True, False])
    assert neighbour(0, 1, 5, mask) == 3
    assert neighbour(3, 1, 5, mask) is None
    assert neighbour(3, -1, 5, mask) == 0
    assert neighbour(0, -1, 5, mask) is None
    assert neighbour(2, 1, 5, None) == 3 and neighbour(4, 1, 5, None) is None
