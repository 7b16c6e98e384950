"""The view state alone (no widgets), and a new pane added by subscribing to it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import open_window
from PySide6.QtWidgets import QLabel

from viewer.state.view_state import Change, ViewState
from viewer.store.filters import EventFilter
from viewer.store.reader import EventStore
from viewer.timeline_source import load_timeline_data


@pytest.fixture
def state(qapp, sample_db: Path):
    store = EventStore(sample_db)
    searches: list[EventFilter] = []

    def search(event_filter, on_done, _on_failed):  # synchronous: the state does not care when it answers
        searches.append(event_filter)
        on_done(store.event_seqs(event_filter))

    view_state = ViewState(search)
    view_state.set_dataset(load_timeline_data(store), store)
    view_state.searches = searches
    heard: list[Change] = []
    view_state.changed.connect(heard.append)
    view_state.heard = heard
    yield view_state
    store.close()


def _position(state: ViewState, event_id: str) -> int:
    position = state.data.position_of(event_id)
    assert position is not None
    return position


def test_each_change_is_told_once_and_whole(state: ViewState) -> None:
    dmm = _position(state, "dmm-2023-06")
    state.set_filter(EventFilter(), linked_only=True)
    state.heard.clear()
    state.select_only(dmm)
    # One notification: the selection and, under "linked to the selection", the mask it made.
    assert len(state.heard) == 1
    assert state.heard[0] & (Change.SELECTION | Change.MASK | Change.FACETS) == (
        Change.SELECTION | Change.MASK | Change.FACETS
    )
    shown = set(state.data.index.ids[p] for p in state.visible_positions())
    assert "dmm-2023-06" in shown and "vilnius-summit-2023" in shown  # the June meeting prepares Vilnius
    assert state.visible_count() < state.total_count()


def test_a_filter_hiding_the_selection_deselects_it_and_narrows_once(state: ViewState) -> None:
    """The race of issue 11: hiding the selected event under "linked only" must leave a state in
    which the mask, the counts and the selection agree, told in one notification."""
    dmm = _position(state, "dmm-2023-06")
    state.set_filter(EventFilter(), linked_only=True)
    state.select_only(dmm)
    state.heard.clear()
    state.set_filter(EventFilter(kinds=frozenset({"summit"})), linked_only=True)
    assert len(state.heard) == 1
    assert state.selected_count() == 0
    kinds = state.data.index.kinds
    shown_kinds = {kinds[state.data.index.kind[p]] for p in state.visible_positions()}
    assert shown_kinds == {"summit"}
    assert state.facets is not None and state.facets.kinds["summit"] == state.visible_count()


def test_a_search_is_asked_once_and_reused(state: ViewState) -> None:
    state.set_filter(EventFilter(search="Vilnius"))
    first = state.visible_count()
    assert 0 < first < state.total_count()
    state.set_filter(EventFilter(search="Vilnius", kinds=frozenset({"summit"})))
    assert len(state.searches) == 1  # the same words: no second query
    assert state.visible_count() <= first


def test_a_late_search_answer_for_an_older_filter_is_dropped(qapp, sample_db: Path) -> None:
    store = EventStore(sample_db)
    waiting = []
    view_state = ViewState(lambda f, done, failed: waiting.append((f, done)))
    view_state.set_dataset(load_timeline_data(store), store)
    view_state.set_filter(EventFilter(search="Vilnius"))
    view_state.set_filter(EventFilter(search="Ukraine"))
    assert view_state.searching
    (old_filter, old_done), (new_filter, new_done) = waiting
    new_done(store.event_seqs(new_filter))
    ukraine = view_state.visible_count()
    old_done(store.event_seqs(old_filter))  # arrives last: too late to count
    assert view_state.event_filter.search == "Ukraine" and view_state.visible_count() == ukraine
    assert not view_state.searching
    store.close()


def test_back_and_forward_restore_selection_filter_and_view(state: ViewState) -> None:
    dmm, summit = _position(state, "dmm-2023-06"), _position(state, "vilnius-summit-2023")
    state.set_view(1.0e9, 1.1e9)
    state.select_only(dmm)
    state.set_filter(EventFilter(kinds=frozenset({"summit"})))
    state.select_only(summit)
    assert state.can_go_back and not state.can_go_forward
    state.go_back()
    assert state.selected_count() == 0 and state.event_filter.kinds == {"summit"}
    state.go_back()
    assert state.selected_ids() == ["dmm-2023-06"] and state.event_filter.is_empty
    assert state.view == (1.0e9, 1.1e9)
    state.go_forward()
    state.go_forward()
    assert state.selected_ids() == ["vilnius-summit-2023"] and not state.can_go_forward


class SelectionCounter(QLabel):
    """A pane written for this test: it knows nothing but the view state."""

    def __init__(self, state: ViewState) -> None:
        super().__init__()
        self.setObjectName("selectionCounter")
        self.setAccessibleName("Selected events")
        self._state = state
        state.changed.connect(self._render)
        self._render(Change.SELECTION)

    def _render(self, changes: Change) -> None:
        if changes & (Change.SELECTION | Change.MASK):
            self.setText(f"{self._state.selected_count()} selected of {self._state.visible_count()} shown")


def test_a_new_pane_needs_only_the_view_state(qtbot, isolated_settings, sample_db: Path) -> None:
    window = open_window(qtbot, sample_db)
    pane = SelectionCounter(window.state)
    qtbot.addWidget(pane)
    assert pane.text() == "0 selected of 25 shown"
    window.timeline.set_selection(["dmm-2023-06", "vilnius-summit-2023"])  # a click's path
    assert pane.text() == "2 selected of 25 shown"
    window.filters.check_items(window.filters.kinds, ["summit"])  # the Filters pane's path
    assert pane.text() == f"1 selected of {window.visible_count()} shown"
    window.table.selectAll()  # the table's path
    assert pane.text() == f"{window.visible_count()} selected of {window.visible_count()} shown"
    assert np.array_equal(window.table.selected_positions(), window.state.selected_positions())


def test_back_is_one_notification(state: ViewState) -> None:
    state.select_only(_position(state, "dmm-2023-06"))
    state.select_only(_position(state, "vilnius-summit-2023"))
    state.heard.clear()
    state.go_back()
    assert len(state.heard) == 1 and Change.HISTORY in state.heard[0] and Change.SELECTION in state.heard[0]


def test_a_failed_search_says_so_and_keeps_the_filter_shown(qapp, sample_db: Path) -> None:
    store = EventStore(sample_db)
    view_state = ViewState(lambda f, done, failed: failed(RuntimeError("the disk went away")))
    view_state.set_dataset(load_timeline_data(store), store)
    view_state.set_filter(EventFilter(kinds=frozenset({"summit"})))
    shown = view_state.visible_count()
    messages: list[str] = []
    view_state.search_failed.connect(messages.append)
    view_state.set_filter(EventFilter(search="Vilnius"))
    assert messages == ["the disk went away"]
    assert view_state.event_filter.kinds == {"summit"} and view_state.visible_count() == shown
    assert not view_state.searching
    store.close()
