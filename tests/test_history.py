"""Back and Forward through selections."""

from __future__ import annotations

import numpy as np

from viewer.ui.history import SelectionHistory


def _a(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def test_back_and_forward_like_a_browser() -> None:
    history = SelectionHistory()
    assert not history.can_go_back and history.back() is None
    for entry in (_a(1), _a(2), _a(2), _a(), _a(3, 4)):
        history.record(entry)  # repeats and empty selections are not entries
    assert history.back().tolist() == [2]
    assert history.back().tolist() == [1]
    assert history.back() is None
    assert history.forward().tolist() == [2]
    history.record(_a(9))  # a new selection drops what was "forward"
    assert not history.can_go_forward
    assert history.back().tolist() == [2]
    history.clear()
    assert not history.can_go_back and not history.can_go_forward


def test_the_history_is_bounded() -> None:
    history = SelectionHistory(limit=3)
    for value in range(10):
        history.record(_a(value))
    assert history.back().tolist() == [8] and history.back().tolist() == [7] and history.back() is None
