"""Property-based tests: round trips, refusals that change nothing, and the filter's meaning."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from conftest import file_state, minimal_document, write_json
from filter_cases import brute_force
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from viewer.store.dates import parse_date
from viewer.store.errors import ImportRefusedError
from viewer.store.filters import EventFilter
from viewer.store.importer import import_files
from viewer.store.interchange import document_to_dict
from viewer.store.masks import filter_mask, search_only
from viewer.store.model import Relation
from viewer.store.reader import EventStore

PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
IDS = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)
NAME = st.text(min_size=1, max_size=30).filter(lambda t: t.strip())
# Import normalises: blank optional text is absent, tags and source URLs lose surrounding spaces.
TEXT = NAME
STRIPPED = NAME.map(str.strip)


@st.composite
def partial_dates(draw, precision: str | None = None) -> str:
    precision = precision or draw(st.sampled_from(["year", "month", "day", "minute"]))
    year = draw(st.integers(1, 9999))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    text = f"{year:04d}"
    if precision != "year":
        text += f"-{month:02d}"
    if precision in ("day", "minute"):
        text += f"-{day:02d}"
    if precision == "minute":
        text += f"T{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
    return text


def _maybe(draw, strategy):
    return draw(st.one_of(st.none(), strategy))


@st.composite
def documents(draw) -> dict:
    body_ids = draw(st.lists(IDS, max_size=5, unique=True))
    bodies = []
    for number, body_id in enumerate(body_ids):
        body = {"id": body_id, "name": draw(NAME)}
        for key, strategy in (("acronym", TEXT), ("kind", TEXT), ("location", TEXT), ("description", TEXT),
                              ("url", TEXT), ("founded", partial_dates())):
            value = _maybe(draw, strategy)
            if value is not None:
                body[key] = value
        if number and draw(st.booleans()):
            body["parent"] = draw(st.sampled_from(body_ids[:number]))
        bodies.append(body)
    event_ids = draw(st.lists(IDS, max_size=8, unique=True))
    events = []
    for event_id in event_ids:
        precision = draw(st.sampled_from(["year", "month", "day", "minute"]))
        start = draw(partial_dates(precision))
        event = {"id": event_id, "title": draw(NAME), "start": start, "precision": precision}
        if draw(st.booleans()):
            end = draw(partial_dates(precision))
            if parse_date(end).first_instant() >= parse_date(start).first_instant():
                event["end"] = end
                if draw(st.booleans()):
                    event["within"] = True
        if precision == "minute" and draw(st.booleans()):
            event["timezone"] = draw(st.sampled_from(["Europe/Brussels", "Europe/Vilnius", "UTC", "+05:30"]))
        statuses = st.sampled_from(["announced", "scheduled", "held", "postponed", "cancelled"])
        for key, strategy in (("kind", TEXT), ("location", TEXT), ("summary", TEXT), ("description", TEXT),
                              ("status", statuses)):
            value = _maybe(draw, strategy)
            if value is not None:
                event[key] = value
        if body_ids:
            chosen = draw(st.lists(st.sampled_from(body_ids), max_size=3, unique=True))
            if chosen:
                event["bodies"] = [{"id": b, "role": draw(st.sampled_from(["host", "chair", "participant"]))}
                                   for b in chosen]
        tags = draw(st.lists(STRIPPED, max_size=3, unique=True))
        if tags:
            event["tags"] = tags
        sources = draw(st.lists(st.fixed_dictionaries({"url": STRIPPED}, optional={"title": TEXT, "publisher": TEXT}),
                                max_size=2))
        if sources:
            event["sources"] = sources
        events.append(event)
    links = []
    if len(event_ids) >= 2:
        pairs = draw(st.lists(st.tuples(st.sampled_from(event_ids), st.sampled_from(event_ids),
                                        st.sampled_from([r.value for r in Relation])), max_size=5, unique=True))
        links = [{"from": a, "to": b, "relation": r} for a, b, r in pairs if a != b]
    document = {"format": "defence-timeline", "version": 1, "bodies": bodies, "events": events, "links": links}
    if draw(st.booleans()):
        document["name"] = draw(NAME)
    return document


def _by_key(document: dict) -> tuple[dict, dict, set]:
    return (
        {b["id"]: b for b in document["bodies"]},
        {e["id"]: e for e in document["events"]},
        {(k["from"], k["to"], k["relation"]) for k in document["links"]},
    )


def _export(path: Path) -> dict:
    with EventStore(path) as store:
        return json.loads(json.dumps(document_to_dict(store.document())))


@PROPERTY_SETTINGS
@given(documents())
def test_any_valid_document_imports_and_exports_back_identically(document: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "db.db"
        import_files([write_json(Path(folder) / "in.json", document)], path)
        exported = _export(path)
        assert _by_key(exported) == _by_key(document)
        assert exported.get("name") == document.get("name")
        again = Path(folder) / "again.db"
        import_files([write_json(Path(folder) / "out.json", exported)], again)
        assert _export(again) == exported


CORRUPTIONS = {
    "unreadable start": lambda d, i: d["events"][i].update(start="the twelfth of never"),
    "empty title": lambda d, i: d["events"][i].update(title="   "),
    "unknown precision": lambda d, i: d["events"][i].update(precision="fortnight"),
    "unknown time zone": lambda d, i: d["events"][i].update(timezone="Mars/Base"),
    "unknown body": lambda d, i: d["events"][i].setdefault("bodies", []).append({"id": "nobody-knows"}),
    "end before start": lambda d, i: d["events"][i].update(start="2023-06-15", end="2023-06-14", precision="day"),
    "number as title": lambda d, i: d["events"][i].update(title=42),
    "unknown field": lambda d, i: d["events"][i].update(colour="red"),
    "duplicate id": lambda d, i: d["events"].append(dict(d["events"][i])),
    "unknown relation": lambda d, i: d["links"].append(
        {"from": d["events"][i]["id"], "to": "dmm", "relation": "inspires"}
    ),
    "link to nowhere": lambda d, i: d["links"].append(
        {"from": d["events"][i]["id"], "to": "nowhere-event", "relation": "prepares"}
    ),
}


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    path = folder / "base.db"
    import_files([write_json(folder / "base.json", minimal_document())], path)
    return path


@PROPERTY_SETTINGS
@given(documents(), st.sampled_from(sorted(CORRUPTIONS)), st.data())
def test_one_invalid_field_is_refused_and_changes_nothing(base_db: Path, document, corruption, data) -> None:
    assume(document["events"])
    index = data.draw(st.integers(0, len(document["events"]) - 1))
    CORRUPTIONS[corruption](document, index)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "db.db"
        shutil.copyfile(base_db, path)
        before = file_state(path)
        with pytest.raises(ImportRefusedError):
            import_files([write_json(Path(folder) / "bad.json", document)], path)
        assert file_state(path) == before
        assert sorted(p.name for p in Path(folder).iterdir()) == ["bad.json", "db.db"]


WORDS = ["vilnius", "summit", "minist", "nato", "undersea", "nuclear", "plan", "council", "ukrain", "zzz"]
BODIES = ["north-atlantic-council", "nuclear-planning-group", "lithuania", "sweden", "nato", "allied-maritime-command"]
KINDS = ["summit", "meeting", "session", "decision", "plan", "procurement"]
TAGS = ["ukraine", "munitions", "vilnius-2023", "defence-spending", "nuclear-deterrence"]


@st.composite
def filters(draw) -> EventFilter:
    since = until = None
    if draw(st.booleans()):
        since = draw(partial_dates()).replace("T", " ") if False else draw(st.sampled_from(
            ["2014", "2023-02", "2023-06-15", "2023-06-16", "2023-07", "16 June 2023", "2023-07-12T12:00"]))
    if draw(st.booleans()):
        until = draw(st.sampled_from(["2014-09-04", "2023-06", "2023-06-15", "2023-07-11", "2024", "July 2023"]))
    if since and until and parse_date(since).first_instant() >= parse_date(until).end_instant():
        since = None
    return EventFilter.build(
        search=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=2))),
        bodies=draw(st.lists(st.sampled_from(BODIES), max_size=2)),
        kinds=draw(st.lists(st.sampled_from(KINDS), max_size=2)),
        tags=draw(st.lists(st.sampled_from(TAGS), max_size=2)),
        since=since,
        until=until,
    )


@pytest.fixture(scope="module")
def sample_store(sample_db: Path):
    with EventStore(sample_db) as store:
        yield store, store.events(), store.time_index()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters())
def test_the_filter_means_what_a_brute_force_search_finds(sample_store, event_filter: EventFilter) -> None:
    store, events, index = sample_store
    expected = brute_force(events, event_filter)
    assert sorted(store.event_ids(event_filter)) == expected
    matches = store.event_seqs(search_only(event_filter)) if event_filter.fts_query() else None
    mask = filter_mask(index, event_filter, matches)
    kept = sorted(index.ids) if mask is None else sorted(index.ids[p] for p in np.flatnonzero(mask))
    assert kept == expected
