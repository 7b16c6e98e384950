"""The shared filter: each criterion alone and combined, checked against the events themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def _brute_force(events: list[Event], f: EventFilter) -> list[str]:
    """What the filter means, written plainly over the events."""
    since, until = f.time_bounds()
    words = [w.lower() for w in f.search_words()]
    kept = []
    for event in events:
        text = " ".join(filter(None, [event.title, event.summary, event.description, event.location]))
        tokens = [t.lower() for t in __import__("re").findall(r"\w+", text)]
        if words and not all(any(t.startswith(w) for t in tokens) for w in words):
            continue
        if f.bodies and not f.bodies & {p.body_id for p in event.bodies}:
            continue
        if f.kinds and event.kind not in f.kinds:
            continue
        if f.tags and not f.tags & set(event.tags):
            continue
        if since is not None and event.latest <= since:
            continue
        if until is not None and event.earliest >= until:
            continue
        if f.ids and event.id not in f.ids:
            continue
        kept.append(event.id)
    return sorted(kept)


FILTERS = {
    "nothing": EventFilter(),
    "search word": EventFilter.build(search="Vilnius"),
    "search prefix": EventFilter.build(search="undersea infra"),
    "search punctuation only": EventFilter.build(search="  -- "),
    "body": EventFilter.build(bodies=["nuclear-planning-group"]),
    "two bodies": EventFilter.build(bodies=["lithuania", "sweden"]),
    "kind": EventFilter.build(kinds=["summit"]),
    "two kinds": EventFilter.build(kinds=["summit", "session"]),
    "tag": EventFilter.build(tags=["munitions"]),
    "since": EventFilter.build(since="2023-07-12"),
    "until": EventFilter.build(until="2023-02"),
    "one day": EventFilter.build(since="16 June 2023", until="16 June 2023"),
    "ids": EventFilter.build(ids=["vilnius-summit-2023", "dmm-2023-06", "no-such-id"]),
    "combined": EventFilter.build(
        search="ministers", bodies=["north-atlantic-council"], since="2023-06", until="2023-06"
    ),
    "combined kinds and tags": EventFilter.build(kinds=["decision", "plan"], tags=["vilnius-2023"]),
}


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_filter_matches_its_plain_meaning(store: EventStore, all_events: list[Event], name: str) -> None:
    event_filter = FILTERS[name]
    expected = _brute_force(all_events, event_filter)
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


def test_search_text_is_never_fts_syntax(store: EventStore) -> None:
    for text in ['"', "NEAR(", "title:x", "a OR b", "*", "^", "AND", '"unterminated']:
        store.event_ids(EventFilter.build(search=text))  # must not raise


def test_a_selection_larger_than_sqlite_parameters_allow(store: EventStore, all_events: list[Event]) -> None:
    ids = [event.id for event in all_events] + [f"missing-{n}" for n in range(40_000)]
    event_filter = EventFilter.build(ids=ids)
    assert sorted(store.event_ids(event_filter)) == sorted(event.id for event in all_events)
    assert store.count(event_filter) == len(all_events)
