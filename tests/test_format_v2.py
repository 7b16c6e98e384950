"""Format version 2 and schema version 3: places, other fields, bodies by name, sources without
URL, provenance, earlier dates, and what a re-import reports (added, updated, deleted, unchanged)."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import file_state, minimal_document, write_json

from viewer.cli import main
from viewer.store import errors, schema
from viewer.store.importer import import_files, import_parsed
from viewer.store.interchange import FORMAT_VERSION, body_id_for_name, deletion_record
from viewer.store.model import Document
from viewer.store.reader import EventStore


def _event(event_id: str = "e1", **fields) -> dict:
    return {"id": event_id, "title": f"Event {event_id}", "start": "2023-06-15", **fields}


def _document(*events: dict, **extra) -> dict:
    return {"format": "defence-timeline", "version": 2, "events": list(events), **extra}


def _events(db: Path) -> dict:
    with EventStore(db) as store:
        return {event.id: event for event in store.iter_events()}


PLACED = _event(
    "clash", latitude=48.5956, longitude=37.9999, fields={"fatalities": "3", "event_type": "Battles"},
    bodies=[{"name": "Military Forces of Russia (2000-)", "role": "actor 1"}],
    sources=[{"publisher": "Kyiv Independent"}, {"url": "https://example.org/a", "title": "Report"}],
)


def test_a_version_2_document_keeps_its_place_fields_named_bodies_and_sources_without_url(tmp_path: Path) -> None:
    db = tmp_path / "v2.db"
    import_files([write_json(tmp_path / "v2.json", _document(PLACED))], db)
    event = _events(db)["clash"]
    assert (event.latitude, event.longitude) == (48.5956, 37.9999)
    assert dict(event.fields) == {"fatalities": "3", "event_type": "Battles"}
    assert [(p.body_id, p.role) for p in event.bodies] == [("military-forces-of-russia-2000", "actor 1")]
    assert [(s.url, s.publisher) for s in event.sources] == [
        (None, "Kyiv Independent"), ("https://example.org/a", None)]
    with EventStore(db) as store:
        assert store.body("military-forces-of-russia-2000").name == "Military Forces of Russia (2000-)"
    # The JSON export gives it all back, and importing that export gives the same export again.
    out = tmp_path / "out.json"
    assert main(["export", str(db), "--format", "json", "-o", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["version"] == FORMAT_VERSION
    (written,) = exported["events"]
    assert written["latitude"] == 48.5956 and written["fields"] == {"fatalities": "3", "event_type": "Battles"}
    assert written["sources"][0] == {"publisher": "Kyiv Independent"}
    import_files([out], tmp_path / "again.db")
    again = tmp_path / "again.json"
    assert main(["export", str(tmp_path / "again.db"), "--format", "json", "-o", str(again)]) == 0
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_a_body_given_by_name_never_overwrites_the_body_already_there(small_db: Path, tmp_path: Path) -> None:
    given = _event("x", bodies=[{"name": "NATO"}, {"name": "Nato", "role": "host"}])
    import_files([write_json(tmp_path / "n.json", _document(given))], small_db)
    with EventStore(small_db) as store:
        assert store.body("nato").name == "North Atlantic Treaty Organization"  # kept as it was
        assert store.body("nato").acronym == "NATO"
    assert [(p.body_id, p.role) for p in _events(small_db)["x"].bodies] == [("nato", "participant"), ("nato", "host")]


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Military Forces of Ukraine (2019-)", "military-forces-of-ukraine-2019"),
     ("  Protesters (Ukraine)  ", "protesters-ukraine"), ("Nausėda's office", "nausėda-s-office"),
     ("北约", "北约"), ("---", "body-2d-2d-2d")],
)
def test_a_body_named_alone_gets_a_readable_id(name: str, slug: str) -> None:
    assert body_id_for_name(name) == slug


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"latitude": 91, "longitude": 0}, "field 'latitude': 91 is outside -90 to 90 degrees"),
        ({"latitude": 10}, "field 'longitude': a place needs both latitude and longitude"),
        ({"latitude": "48.5", "longitude": 0}, "field 'latitude': must be a number of degrees, not str"),
        ({"latitude": float("nan"), "longitude": 0}, "NaN is not allowed"),
        ({"fields": ["a"]}, "field 'fields': must be an object of name -> text"),
        ({"fields": {"fatalities": 3}}, "field 'fields.fatalities': must be text, not int"),
        ({"fields": {" ": "x"}}, "a field's name cannot be empty"),
        ({"sources": [{"published": "2023"}]}, "field 'sources[1]': a source needs a URL, a title or a publisher"),
        ({"bodies": [{"name": " "}]}, "bodies[1].name"),
        ({"history": [{"start": "someday"}]}, "history[1].start"),
        ({"history": [{"start": "2023", "colour": "red"}]}, "field 'history[1].colour': unknown field"),
    ],
)
def test_bad_version_2_values_are_refused_and_nothing_is_written(
    small_db: Path, tmp_path: Path, change: dict, message: str
) -> None:
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(_document(_event(**change)), allow_nan=True), encoding="utf-8")
    before = file_state(small_db)
    with pytest.raises(errors.ImportRefusedError) as refused:
        import_files([source], small_db)
    assert message in str(refused.value) and "bad.json" in str(refused.value) and "e1" in str(refused.value)
    assert file_state(small_db) == before


def test_a_re_import_reports_added_updated_deleted_and_unchanged_and_keeps_earlier_dates(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    first = write_json(tmp_path / "week1.json", _document(_event("a", start="14 June 2023"), _event("b"), _event("c")))
    report = import_files([first], db)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (3, 0, 0, 0)
    second = write_json(tmp_path / "week2.json", _document(
        _event("a", start="15 June 2023"), _event("b"), _event("c", title="Renamed"), _event("d")))
    report = import_files([second], db)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (1, 2, 0, 1)
    assert report.summary_line == "DB: 1 added, 2 updated, 0 deleted, 1 unchanged"
    events = _events(db)
    (earlier,) = events["a"].history  # the dates it had, where they came from
    assert (earlier.start, earlier.precision, earlier.file) == ("2023-06-14", "day", "week1.json")
    assert events["c"].history == ()  # a new title is no change of dates
    with EventStore(db) as store:
        origin = store.provenance("a")
        assert (origin.file, origin.format, origin.record) == ("week2.json", "json", "event #1")
        assert origin.imported.endswith("Z")
        assert store.provenance("b").file == "week1.json"  # unchanged: left as it was
    # The same file again changes nothing, not even the file's bytes' meaning: all unchanged.
    report = import_files([second], db)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 4)
    assert len(_events(db)["a"].history) == 1


def test_the_cli_ends_with_the_database_line(tmp_path: Path, capsys) -> None:
    source = write_json(tmp_path / "s.json", minimal_document())
    assert main(["import", str(source), "--db", str(tmp_path / "c.db")]) == 0
    assert main(["import", str(source), "--db", str(tmp_path / "c.db")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == "DB: 0 added, 0 updated, 0 deleted, 3 unchanged"


class _Deletions:
    """A source giving deletion records only (as an ACLED deletions file does)."""

    label, format = "deleted.csv", "acled"

    def __init__(self, records: list) -> None:
        self.document, self.notices, self._records = Document(), [], records

    def records(self):
        yield from self._records

    def progress(self) -> tuple[int, int]:
        return 0, 0

    def close(self) -> None:
        pass


def test_a_deletion_removes_the_event_its_lists_and_links_and_reports_ids_not_there(small_db: Path) -> None:
    records = [deletion_record("deleted.csv", event_id, f"line {line}")
               for line, event_id in ((2, "dmm"), (3, "nowhere"), (4, "dmm"))]
    report = import_parsed([_Deletions(records)], small_db)
    assert report.deleted == 1 and report.summary_line.startswith("DB: 0 added, 0 updated, 1 deleted")
    assert any("1 of the 2 events to delete were not in the database (nowhere)" in n for n in report.notices)
    assert any("2 links to or from deleted events were removed" in n for n in report.notices)
    with EventStore(small_db) as store:
        assert sorted(store.event_ids()) == ["npg", "summit"]
        assert store.links() == []
    with sqlite3.connect(small_db) as connection:
        for table in ("event_bodies", "event_tags", "sources", "event_extras"):
            assert connection.execute(f"SELECT count(*) FROM {table} WHERE event_id = 'dmm'").fetchone() == (0,)


def test_a_version_1_document_still_reads(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    import_files([write_json(tmp_path / "v1.json", minimal_document(version=1))], db)
    assert len(_events(db)) == 3


def test_a_version_2_database_is_read_as_it_is_and_migrated_by_an_import(tmp_path: Path) -> None:
    # Written by the release before format version 2: conftest's minimal document.
    path = tmp_path / "older.db"
    shutil.copyfile(Path(__file__).parent / "data" / "schema-v2.db", path)
    before = path.read_bytes()
    with EventStore(path) as store:
        assert store.schema_version == 2
        assert [s.url for s in store.event("dmm").sources] == ["https://www.nato.int/cps/en/natohq/news_215689.htm"]
        assert store.provenance("dmm") is None
    assert path.read_bytes() == before  # viewing never migrates
    report = import_files([write_json(tmp_path / "more.json", _document(PLACED))], path)
    assert (report.added, report.unchanged) == (1, 0)
    with EventStore(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION
        assert store.event("clash").sources[0].url is None
        assert store.event("clash").latitude == 48.5956
        assert [s.url for s in store.event("dmm").sources] == ["https://www.nato.int/cps/en/natohq/news_215689.htm"]
        assert store.stored_index() is not None


def test_damaged_extras_are_left_out_and_the_event_still_shows(small_db: Path, tmp_path: Path) -> None:
    import_files([write_json(tmp_path / "p.json", _document(PLACED))], small_db)
    with sqlite3.connect(small_db) as connection:
        connection.execute("UPDATE event_extras SET latitude = 'north', fields = '{\"a\": [1]}', history = '[[[' "
                           "WHERE event_id = 'clash'")
    event = _events(small_db)["clash"]
    assert (event.latitude, event.fields, event.history) == (None, (), ())
    assert event.title == "Event clash"


def test_a_csv_export_imported_again_keeps_places_and_fields(tmp_path: Path, capsys) -> None:
    import shutil

    db = tmp_path / "p.db"
    south = _event("south", latitude=-33.8688, longitude=151.2093, fields={"note": "=1+1", "count": "3"})
    import_files([write_json(tmp_path / "p.json", _document(PLACED, south))], db)
    out = tmp_path / "p.csv"
    assert main(["export", str(db), "--format", "csv", "-o", str(out)]) == 0
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",latitude,longitude,fields,source_reliability")
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    capsys.readouterr()
    assert main(["import", str(out), "--db", str(copy)]) == 0
    # Only the sources' titles and publishers are not in the CSV (it lists URLs): the rest comes back.
    events = _events(copy)
    assert (events["south"].latitude, events["south"].longitude) == (-33.8688, 151.2093)
    assert dict(events["south"].fields) == {"note": "=1+1", "count": "3"}
    assert capsys.readouterr().out.splitlines()[-1] == "DB: 0 added, 1 updated, 0 deleted, 1 unchanged"


@pytest.mark.parametrize(
    ("cells", "message"),
    [("north,1,", "field 'latitude': must be a number of degrees, not 'north'"),
     ("91,1,", "field 'latitude': 91.0 is outside -90 to 90 degrees"),
     ('1,1,"{bad"', "field 'fields': must be a JSON object"),
     ('1,1,"[1]"', "field 'fields': must be an object of name -> text")],
)
def test_bad_places_and_fields_in_a_csv_are_refused(tmp_path: Path, cells: str, message: str) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(f"id,title,start,latitude,longitude,fields\r\ne1,T,2023,{cells}\r\n", encoding="utf-8")
    with pytest.raises(errors.ImportRefusedError, match=re.escape(message)):
        import_files([source], tmp_path / "b.db")
    assert not (tmp_path / "b.db").exists()
