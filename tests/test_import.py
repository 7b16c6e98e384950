"""Import: everything is validated first, refusals name the place, and nothing is half-written."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import file_state, minimal_document, write_json

from viewer.store.errors import ImportRefusedError, NotDefenceTimelineError
from viewer.store.filters import EventFilter
from viewer.store.importer import import_files
from viewer.store.reader import EventStore


def _event(document: dict[str, Any], event_id: str) -> dict[str, Any]:
    return next(e for e in document["events"] if e["id"] == event_id)


def _broken(change) -> dict[str, Any]:
    document = copy.deepcopy(minimal_document())
    change(document)
    return document


REFUSALS = {
    "missing id": (lambda d: _event(d, "npg").pop("id"), ["event #2", "'id'"]),
    "missing title": (lambda d: _event(d, "npg").pop("title"), ["event #2", "'npg'", "'title'"]),
    "missing start": (lambda d: _event(d, "npg").pop("start"), ["'npg'", "'start'"]),
    "unparseable date": (
        lambda d: _event(d, "dmm").update(start="the ides of June"),
        ["event #1", "'dmm'", "'start'", "the ides of June"],
    ),
    "end before start": (
        lambda d: _event(d, "dmm").update(end="2023-06-14"),
        ["'dmm'", "'end'", "before the start"],
    ),
    "finer precision than the text": (
        lambda d: _event(d, "dmm").update(start="2023-06", end=None, precision="day"),
        ["'dmm'", "'start'"],
    ),
    "unknown precision": (lambda d: _event(d, "dmm").update(precision="week"), ["'precision'"]),
    "unknown time zone": (
        lambda d: _event(d, "dmm").update(timezone="Mars/Olympus"),
        ["'timezone'", "Mars/Olympus"],
    ),
    "duplicate event id": (
        lambda d: d["events"].append(dict(_event(d, "dmm"))),
        ["event #4", "'dmm'", "duplicate", "event #1"],
    ),
    "duplicate body id": (
        lambda d: d["bodies"].append({"id": "nac", "name": "Again"}),
        ["body #3", "'nac'", "duplicate"],
    ),
    "link to unknown event": (
        lambda d: d["links"].append({"from": "dmm", "to": "ghost", "relation": "prepares"}),
        ["link #3", "'to'", "unknown event 'ghost'"],
    ),
    "participation of unknown body": (
        lambda d: _event(d, "summit")["bodies"].append({"id": "ghost-body"}),
        ["'summit'", "bodies[2].id", "unknown body 'ghost-body'"],
    ),
    "unknown parent body": (
        lambda d: d["bodies"][1].update(parent="ghost"),
        ["body #2", "'nac'", "'parent'", "unknown body 'ghost'"],
    ),
    "parent cycle": (
        lambda d: d["bodies"][0].update(parent="nac"),
        ["'parent'", "loops"],
    ),
    "relation outside the vocabulary": (
        lambda d: d["links"][0].update(relation="inspires"),
        ["link #1", "'relation'", "inspires", "prepares"],
    ),
    "self link": (lambda d: d["links"][0].update(to="dmm"), ["link #1", "itself"]),
    "unknown status": (lambda d: _event(d, "dmm").update(status="rumoured"), ["'status'"]),
    "unknown field": (lambda d: _event(d, "dmm").update(satrt="2023"), ["'satrt'", "unknown field"]),
    "text field holding a number": (lambda d: _event(d, "dmm").update(title=17), ["'title'"]),
    "unsupported format": (lambda d: d.update(format="timelinejs"), ["unsupported format"]),
    "unsupported version": (lambda d: d.update(version=4), ["unsupported version 4"]),
    "events not a list": (lambda d: d.update(events={"id": "x"}), ["'events' must be a list"]),
    "view without an end": (lambda d: d.update(view={"start": "2023"}), ["'view'"]),
    "view ending before it starts": (
        lambda d: d.update(view={"start": "2023-07", "end": "2023-06"}), ["'view.end'", "before its start"]
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_each_refusal_names_the_place_and_leaves_the_database_unchanged(
    case: str, small_db: Path, tmp_path: Path
) -> None:
    change, expected_parts = REFUSALS[case]
    source = write_json(tmp_path / "bad.json", _broken(change))
    before = file_state(small_db)
    with pytest.raises(ImportRefusedError) as refused:
        import_files([source], small_db)
    message = str(refused.value)
    assert message.startswith(str(source))
    for part in expected_parts:
        assert part in message
    assert file_state(small_db) == before
    assert not list(small_db.parent.glob("*.importing"))


def test_a_refused_import_creates_no_database(tmp_path: Path) -> None:
    source = write_json(tmp_path / "bad.json", _broken(lambda d: _event(d, "dmm").pop("title")))
    target = tmp_path / "new.db"
    with pytest.raises(ImportRefusedError):
        import_files([source], target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"format": "defence-timeline", "version": 1, "events": [', "malformed JSON at line 1"),
        ("[1, 2, 3]", "must be a JSON object"),
        ("\u00ff\u00fe".encode("latin-1"), "not UTF-8"),
    ],
)
def test_malformed_files_are_refused(small_db: Path, tmp_path: Path, content, expected: str) -> None:
    source = tmp_path / "bad.json"
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content)
    before = file_state(small_db)
    with pytest.raises(ImportRefusedError, match=expected):
        import_files([source], small_db)
    assert file_state(small_db) == before


def test_a_missing_source_is_refused(small_db: Path, tmp_path: Path) -> None:
    with pytest.raises(ImportRefusedError, match="no such file"):
        import_files([tmp_path / "nothing.json"], small_db)


def test_importing_again_updates_records_by_id(small_db: Path, tmp_path: Path) -> None:
    update = minimal_document(links=[])
    update["bodies"] = []
    update["events"] = [
        {
            "id": "dmm",
            "title": "NATO Defence Ministers' meeting (updated)",
            "start": "2023-06-15",
            "end": "2023-06-16",
            "tags": ["deterrence"],
        }
    ]
    import_files([write_json(tmp_path / "update.json", update)], small_db)
    with EventStore(small_db) as store:
        events = {event.id: event for event in store.events()}
        assert len(events) == 3
        assert events["dmm"].title.endswith("(updated)")
        assert events["dmm"].tags == ("deterrence",)
        assert events["dmm"].bodies == ()
        assert store.event_ids(EventFilter.build(search="updated")) == ["dmm"]
        assert store.event_ids(EventFilter.build(tags=["ukraine"])) == []
        assert len(store.links()) == 2


def test_a_second_import_may_refer_to_what_the_database_holds(small_db: Path, tmp_path: Path) -> None:
    addition = minimal_document(bodies=[], links=[{"from": "late", "to": "summit", "relation": "follows_up"}])
    addition["events"] = [
        {"id": "late", "title": "Later", "start": "2023-10", "bodies": [{"id": "nac"}]}
    ]
    import_files([write_json(tmp_path / "more.json", addition)], small_db)
    with EventStore(small_db) as store:
        assert store.count() == 4
        assert [link.source for link in store.links() if link.target == "summit"] == ["dmm", "late"]


def test_several_sources_import_as_one_and_may_not_repeat_ids(tmp_path: Path) -> None:
    first = write_json(tmp_path / "a.json", minimal_document(links=[]))
    second_doc = minimal_document(bodies=[], links=[])
    second_doc["events"] = [{"id": "dmm", "title": "Again", "start": "2023"}]
    second = write_json(tmp_path / "b.json", second_doc)
    with pytest.raises(ImportRefusedError, match=r"b\.json: event #1 \(id 'dmm'\).*a\.json event #1"):
        import_files([first, second], tmp_path / "both.db")
    assert not (tmp_path / "both.db").exists()


def test_csv_import(tmp_path: Path) -> None:
    csv_file = tmp_path / "events.csv"
    csv_file.write_text(
        "\ufeffid,title,start,end,kind,bodies,tags,sources,within\n"
        'a,"Meeting, with comma",15 June 2023,16 June 2023,meeting,nac:host;nato,x;y,https://a.example,\n'
        "b,Decision,2023-06,,decision,,,,true\n",
        encoding="utf-8",
    )
    bodies = write_json(tmp_path / "bodies.json", minimal_document(events=[], links=[]))
    import_files([bodies, csv_file], tmp_path / "csv.db")
    with EventStore(tmp_path / "csv.db") as store:
        events = {event.id: event for event in store.events()}
    assert events["a"].title == "Meeting, with comma"
    assert events["a"].end is not None and events["a"].end.iso() == "2023-06-16"
    assert [(p.body_id, p.role) for p in events["a"].bodies] == [("nac", "host"), ("nato", "participant")]
    assert events["a"].tags == ("x", "y")
    assert events["a"].sources[0].url == "https://a.example"
    assert events["b"].precision.value == "month" and events["b"].within


def test_a_csv_column_of_its_own_is_kept_in_the_events_fields(tmp_path: Path) -> None:
    csv_file = tmp_path / "events.csv"
    csv_file.write_text("id,title,start,colour\na,b,2023,red\n", encoding="utf-8")
    import_files([csv_file], tmp_path / "c.db")
    with EventStore(tmp_path / "c.db") as store:
        assert store.event("a").fields == (("colour", "red"),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id,title\na,b\n", "no column gives the start: .*map it with --map start=COLUMN"),
        ("id,title,start\na,b,2023\nc,,2023\n", "line 3.*'c'.*'title'"),
        ("id,title,start\na,b,someday\n", "line 2.*'a'.*'start'"),
        ('id,title,start\na,"unclosed,2023\n', "malformed CSV"),
        ("id,title,start\na,b,2023,extra\n", "line 2.*more cells"),
        ("", "empty"),
    ],
)
def test_csv_refusals(tmp_path: Path, text: str, expected: str) -> None:
    csv_file = tmp_path / "events.csv"
    csv_file.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRefusedError, match=expected):
        import_files([csv_file], tmp_path / "csv.db")
    assert not (tmp_path / "csv.db").exists()


def test_refuses_to_import_into_another_applications_database(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
    connection.close()
    before = file_state(other)
    with pytest.raises(NotDefenceTimelineError):
        import_files([write_json(tmp_path / "ok.json", minimal_document())], other)
    assert file_state(other) == before


def test_markup_is_stored_as_text(tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> \u202e emoji 🛰️ \'; DROP TABLE events; --'
    document = minimal_document()
    _event(document, "dmm")["title"] = hostile
    import_files([write_json(tmp_path / "h.json", document)], tmp_path / "h.db")
    with EventStore(tmp_path / "h.db") as store:
        assert store.events(EventFilter.build(ids=["dmm"]))[0].title == hostile
        assert store.count() == 3
    assert json.loads(json.dumps(hostile)) == hostile


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda e: e.update(id="x" * 1_001), "id", "an id is 1,001 characters long; it may have at most 1,000"),
        (lambda e: e.update(title="t" * 100_001), "title", "is 100,001 characters long; it may have at most 100,000"),
        (lambda e: e.update(kind="k" * 1_001), "kind", "is 1,001 characters long"),
        (lambda e: e.update(tags=["t" * 1_001]), "tags[1]", "is 1,001 characters long"),
        (lambda e: e.update(sources=[{"url": "https://x/" + "u" * 100_000}]), "sources[1].url", "100,010 characters"),
    ],
    ids=["id", "title", "kind", "tag", "source-url"],
)
def test_a_value_longer_than_a_viewer_reads_is_refused_not_written_unreadable(
    tmp_path: Path, change, field: str, problem: str
) -> None:
    # The viewer skips a row holding such a value as unreadable: written, the event would be lost.
    document = minimal_document()
    change(document["events"][0])
    with pytest.raises(ImportRefusedError) as refused:
        import_files([write_json(tmp_path / "long.json", document)], tmp_path / "long.db")
    assert refused.value.field == field and problem in refused.value.problem
    assert "…" in str(refused.value) or field != "id"  # a long id is shortened in the message
    assert len(str(refused.value)) < 300
    assert not (tmp_path / "long.db").exists()
