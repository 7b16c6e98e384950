"""The in-memory time index: sorted columns and the visible-range lookup."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from viewer.store.dates import parse_date
from viewer.store.filters import EventFilter
from viewer.store.reader import EventStore
from viewer.store.time_index import _ROW, TimeIndex


def _index(intervals: list[tuple[int, int]]) -> TimeIndex:
    ordered = sorted((start, start + length, seq) for seq, (start, length) in enumerate(intervals))
    rows = np.array(
        [(seq, start, end, -1, 2, 0, 0) for start, end, seq in ordered], dtype=_ROW
    )
    return TimeIndex.from_rows(rows, ())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-1000, 1000), st.integers(1, 400)), max_size=60),
    st.integers(-1500, 1500),
    st.integers(1, 800),
)
def test_visible_is_exactly_the_overlapping_events(intervals, since, width) -> None:
    index = _index(intervals)
    until = since + width
    found = {int(index.seq[p]) for p in index.visible(since, until)}
    expected = {seq for seq, (start, length) in enumerate(intervals) if start < until and start + length > since}
    assert found == expected


def test_a_long_event_starting_off_screen_stays_visible() -> None:
    index = _index([(0, 10_000), (50, 1), (9_000, 1)])
    assert {int(index.seq[p]) for p in index.visible(5_000, 5_100)} == {0}


def test_the_index_agrees_with_the_sql_range_filter(sample_db: Path) -> None:
    with EventStore(sample_db) as store:
        index = store.time_index()
        assert len(index) == store.count()
        assert list(index.earliest) == sorted(index.earliest)
        titles = {event.id: event.title for event in store.events()}
        assert [titles[event_id] for event_id in index.ids] == index.titles
        for since, until in [("2023-06-16", "2023-06-16"), ("2023-07", "2023-07"), ("2014", "2020")]:
            start = parse_date(since).first_instant()
            end = parse_date(until).end_instant()
            from_index = {int(index.seq[p]) for p in index.visible(start, end)}
            from_sql = set(store.event_seqs(EventFilter.build(since=since, until=until)))
            assert from_index == from_sql and from_index
        summit_kind = index.kinds.index("summit")
        assert int(np.count_nonzero(index.kind == summit_kind)) == store.count(EventFilter.build(kinds=["summit"]))
        mask = index.mask_of_seqs(store.event_seqs(EventFilter.build(search="Vilnius")))
        assert int(mask.sum()) == store.count(EventFilter.build(search="Vilnius"))


def test_loading_without_sqlite_json_functions_gives_the_same_index(sample_db: Path) -> None:
    import sqlite3

    class WithoutJson:
        def __init__(self, connection: sqlite3.Connection) -> None:
            self._connection = connection

        def execute(self, sql: str, params=()):
            if "json_group_array" in sql:
                raise sqlite3.OperationalError("no such function: json_group_array")
            return self._connection.execute(sql, params)

    with EventStore(sample_db) as store:
        fast = store.time_index()
        slow = TimeIndex.load(WithoutJson(store.connection))  # type: ignore[arg-type]
    assert slow.ids == fast.ids and slow.titles == fast.titles
    assert (slow.earliest == fast.earliest).all() and (slow.kind == fast.kind).all()
    assert slow.body_members.keys() == fast.body_members.keys()
    assert all((slow.body_members[k] == fast.body_members[k]).all() for k in fast.body_members)
