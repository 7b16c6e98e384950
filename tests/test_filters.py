"""The shared filter: each criterion alone and combined, checked against the events themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from filter_cases import FILTERS, brute_force

from viewer.store.dates import parse_date
from viewer.store.errors import InvalidFilterError
from viewer.store.filters import EventFilter
from viewer.store.model import Event
from viewer.store.reader import EventStore


@pytest.fixture(scope="module")
def store(sample_db: Path):
    with EventStore(sample_db) as opened:
        yield opened


@pytest.fixture(scope="module")
def all_events(store: EventStore) -> list[Event]:
    return store.events()


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_filter_matches_its_plain_meaning(store: EventStore, all_events: list[Event], name: str) -> None:
    event_filter = FILTERS[name]
    expected = brute_force(all_events, event_filter)
    assert sorted(store.event_ids(event_filter)) == expected
    assert store.count(event_filter) == len(expected)


def test_filters_are_not_trivial_on_the_sample(store: EventStore) -> None:
    total = store.count()
    for name in ("search word", "body", "kind", "tag", "since", "until", "one day", "ids", "combined"):
        assert 0 < store.count(FILTERS[name]) < total, name


def test_a_range_keeps_events_whose_span_overlaps_it(store: EventStore) -> None:
    # The two-day June ministerial overlaps a range holding only its second day.
    assert "dmm-2023-06" in store.event_ids(FILTERS["one day"])
    # The year-precision procurement (all of 2023) overlaps any 2023 range.
    assert "nspa-155mm-joint-procurement-2023" in store.event_ids(FILTERS["one day"])
    # The 14 June press conference does not.
    assert "sg-press-conference-2023-06-14" not in store.event_ids(FILTERS["one day"])


def test_until_includes_its_whole_period() -> None:
    _since, until = EventFilter.build(until="2023-06").time_bounds()
    assert until == parse_date("2023-07-01").first_instant()


def test_results_come_in_time_order(store: EventStore) -> None:
    events = store.events()
    keys = [(e.earliest, e.latest, e.id) for e in events]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [("someday", None, "date range"), ("2023-07", "2023-06", "after the end")],
)
def test_bad_date_ranges_are_refused(since, until, expected: str) -> None:
    with pytest.raises(InvalidFilterError, match=expected):
        EventFilter.build(since=since, until=until)


FTS_SYNTAX = ['"', "NEAR(", "title:x", "a OR b", "*", "^", "AND", '"unterminated',
              "summit OR undersea", "title:vilnius", "NOT summit", "vilnius NOT summit", "summit AND NOT vilnius"]


@pytest.mark.parametrize("text", FTS_SYNTAX)
def test_search_text_is_never_fts_syntax(store: EventStore, all_events: list[Event], text: str) -> None:
    # Every word is a word to find (a prefix), whatever SQLite's full-text syntax would make of it.
    event_filter = EventFilter.build(search=text)
    expected = brute_force(all_events, event_filter)
    assert sorted(store.event_ids(event_filter)) == expected
    assert store.count(event_filter) == len(expected)


def test_operator_words_are_searched_for_not_obeyed(store: EventStore) -> None:
    def found(text: str) -> set[str]:
        return set(store.event_ids(EventFilter.build(search=text)))

    summit, undersea, vilnius = found("summit"), found("undersea"), found("vilnius")
    assert summit and undersea and vilnius - summit
    assert found("summit OR undersea") != summit | undersea  # OR is a word to find, not "either"
    assert found("vilnius NOT summit") != vilnius - summit  # nor is NOT an exclusion
    assert found("title:vilnius") != vilnius  # nor a column name a filter
    assert 0 < len(found("AND")) < store.count()  # AND alone finds the words that start with "and"


def test_a_selection_larger_than_sqlite_parameters_allow(store: EventStore, all_events: list[Event]) -> None:
    ids = [event.id for event in all_events] + [f"missing-{n}" for n in range(40_000)]
    event_filter = EventFilter.build(ids=ids)
    assert sorted(store.event_ids(event_filter)) == sorted(event.id for event in all_events)
    assert store.count(event_filter) == len(all_events)
