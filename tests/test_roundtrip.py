"""Export and re-import: the JSON document survives exactly; CSV is spreadsheet-safe."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import SAMPLE_JSON, minimal_document, write_json

from viewer.export.csv_export import write_csv
from viewer.export.formats import ExportRequest, write_export
from viewer.export.json_export import write_json as export_json
from viewer.store.event_fields import CSV_COLUMNS
from viewer.store.filters import EventFilter
from viewer.store.importer import import_files
from viewer.store.interchange import EVENT_FIELDS, document_to_dict
from viewer.store.reader import EventStore


def _export(path: Path, event_filter: EventFilter | None = None) -> dict:
    stream = io.StringIO()
    with EventStore(path) as store:
        export_json(store.document(event_filter), stream)
    return json.loads(stream.getvalue())


def test_export_import_export_gives_the_same_document(sample_db: Path, tmp_path: Path) -> None:
    first = _export(sample_db)
    copy = tmp_path / "copy.db"
    import_files([write_json(tmp_path / "first.json", first)], copy)
    assert _export(copy) == first


def test_the_export_holds_what_the_sample_json_holds(sample_db: Path) -> None:
    original = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    exported = _export(sample_db)
    assert exported["name"] == original["name"]
    assert {e["id"]: e for e in exported["events"]} == {e["id"]: e for e in original["events"]}
    assert sorted(exported["bodies"], key=lambda b: b["id"]) == sorted(original["bodies"], key=lambda b: b["id"])
    key = lambda link: (link["from"], link["to"], link["relation"])  # noqa: E731
    assert sorted(exported["links"], key=key) == sorted(original["links"], key=key)


def test_a_filtered_export_brings_its_bodies_and_the_links_among_its_events(sample_db: Path) -> None:
    exported = _export(
        sample_db, EventFilter.build(ids=["dmm-2023-06", "vilnius-summit-2023", "npg-2023-06"])
    )
    assert {e["id"] for e in exported["events"]} == {"dmm-2023-06", "vilnius-summit-2023", "npg-2023-06"}
    body_ids = {b["id"] for b in exported["bodies"]}
    # Referenced bodies, and the parents they name, so the document imports on its own.
    assert {"north-atlantic-council", "nuclear-planning-group", "lithuania", "nato"} <= body_ids
    assert "ukraine" not in body_ids
    assert {(k["from"], k["relation"], k["to"]) for k in exported["links"]} == {
        ("dmm-2023-06", "prepares", "vilnius-summit-2023"),
        ("npg-2023-06", "part_of", "dmm-2023-06"),
    }


def test_a_filtered_export_imports_into_an_empty_database(sample_db: Path, tmp_path: Path) -> None:
    subset = _export(sample_db, EventFilter.build(bodies=["allied-maritime-command"]))
    target = tmp_path / "subset.db"
    import_files([write_json(tmp_path / "subset.json", subset)], target)
    assert _export(target) == subset


def test_hostile_text_survives_the_round_trip(tmp_path: Path) -> None:
    hostile = 'Line one\nline two, "quoted" <b>bold</b> \u202eRTL\u202c \u200bzw 👩🏽‍✈️ é\u0301 =1+1 \x07'
    document = minimal_document()
    document["events"][0]["description"] = hostile
    document["events"][0]["title"] = "=HYPERLINK(\"http://evil.example\")"
    path = tmp_path / "hostile.db"
    import_files([write_json(tmp_path / "h.json", document)], path)
    exported = _export(path)
    assert exported["events"][0]["description"] == hostile
    again = tmp_path / "again.db"
    import_files([write_json(tmp_path / "again.json", exported)], again)
    assert _export(again) == exported


def test_csv_export_is_readable_and_neutralises_formulas(tmp_path: Path) -> None:
    document = minimal_document()
    payloads = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]
    for event, payload in zip(document["events"], payloads, strict=False):
        event["title"] = payload
    document["events"][0]["location"] = payloads[3]
    path = tmp_path / "f.db"
    import_files([write_json(tmp_path / "f.json", document)], path)
    stream = io.StringIO()
    with EventStore(path) as store:
        write_csv(store.csv_line_batches(), stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue(), newline="")))
    assert list(rows[0]) == list(CSV_COLUMNS)
    titles = {row["id"]: row["title"] for row in rows}
    assert titles == {"dmm": "'=1+1", "npg": "'+SUM(A1)", "summit": "'-2+3"}
    assert rows[0]["location"] == "'@cmd"
    assert rows[0]["bodies"] == "nac:host"
    assert rows[0]["start"] == "2023-06-15" and rows[0]["end"] == "2023-06-16"


def test_csv_export_imports_back(sample_db: Path, tmp_path: Path) -> None:
    stream = io.StringIO()
    with EventStore(sample_db) as store:
        write_csv(store.csv_line_batches(), stream)
        originals = {event.id: event for event in store.events()}
        bodies_only = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    bodies_only.update(events=[], links=[])
    csv_path = tmp_path / "events.csv"
    csv_path.write_text(stream.getvalue(), encoding="utf-8", newline="")
    target = tmp_path / "from-csv.db"
    import_files([write_json(tmp_path / "bodies.json", bodies_only), csv_path], target)
    with EventStore(target) as store:
        for event in store.events():
            original = originals[event.id]
            assert (event.title, event.start, event.end, event.within, event.timezone) == (
                original.title, original.start, original.end, original.within, original.timezone
            )
            assert event.bodies == original.bodies and event.tags == original.tags


def test_one_field_table_names_the_columns_the_keys_and_the_csv_header(tmp_path) -> None:
    import sqlite3

    from conftest import SAMPLE_JSON

    from viewer.store.event_fields import EVENT_FIELDS as FIELDS
    from viewer.store.event_fields import GRADE_FIELDS, LIST_FIELDS, SCALAR_NAMES
    from viewer.store.importer import import_files

    path = tmp_path / "t.db"
    import_files([SAMPLE_JSON], path)
    with sqlite3.connect(path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(events)")]
    connection.close()
    # The grade columns came with schema version 4 (ALTER TABLE ADD COLUMN), after the time columns.
    ungraded = [name for name in SCALAR_NAMES if name not in GRADE_FIELDS]
    assert columns == ["seq", *ungraded, "earliest", "latest", *(n for n in SCALAR_NAMES if n in GRADE_FIELDS)]
    assert FIELDS == (*SCALAR_NAMES, *LIST_FIELDS) and EVENT_FIELDS == FIELDS


@pytest.mark.parametrize(
    "event_filter",
    [EventFilter(), EventFilter.build(search="summit"), EventFilter.build(bodies=["north-atlantic-council"]),
     EventFilter.build(search="nothing-matches-this"), EventFilter.build(since="2023-06-01", until="2023-07-31")],
    ids=["everything", "search", "body", "nothing", "dates"],
)
def test_the_json_export_streams_the_text_of_the_whole_document(sample_db: Path, event_filter: EventFilter) -> None:
    """What the exporter writes an event at a time is, character for character, the whole document dumped."""
    with EventStore(sample_db) as store:
        expected = json.dumps(document_to_dict(store.document(event_filter)), ensure_ascii=False, indent=2) + "\n"
        out = io.BytesIO()
        count = write_export(store, ExportRequest(fmt="json", event_filter=event_filter), out)
    assert out.getvalue().decode("utf-8") == expected
    assert count == len(json.loads(expected)["events"])
