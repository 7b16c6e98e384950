"""Importing ACLED exports (both layouts) and ACLED deletions files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from viewer.store import acled_import
from viewer.store.acled_import import (
    CURRENT_COLUMNS,
    OLDER_COLUMNS,
    AcledSource,
    RowRefusal,
    looks_like_acled,
    looks_like_acled_deletions,
    row_to_item,
)
from viewer.store.errors import ImportRefusedError
from viewer.store.event_fields import EVENT_FIELDS
from viewer.store.input_files import SourceText

RUSSIA = "Military Forces of Russia (2000-)"
UKRAINE = "Military Forces of Ukraine (2019-)"
NOTES = (
    'On 15 June 2023, Russian forces clashed with Ukrainian forces near Bakhmut, Donetsk.\r\n'
    'Casualties unknown; "heavy" losses, reportedly.'
)

# A row as ACLED's current layout has it, by column (older-layout rows are made from it).
BAKHMUT = {
    "event_id_cnty": "UKR123456", "event_date": "2023-06-15", "year": "2023", "time_precision": "1",
    "disorder_type": "Political violence", "event_type": "Battles", "sub_event_type": "Armed clash",
    "actor1": RUSSIA, "assoc_actor_1": "Wagner Group", "inter1": "1", "actor2": UKRAINE, "assoc_actor_2": "",
    "inter2": "1", "interaction": "11", "civilian_targeting": "", "iso": "804", "region": "Europe",
    "country": "Ukraine", "admin1": "Donetsk", "admin2": "Bakhmutskyi", "admin3": "Bakhmutska",
    "location": "Bakhmut", "latitude": "48.5956", "longitude": "38.0004", "geo_precision": "1",
    "source": "Ukrainska Pravda; Kyiv Independent", "source_scale": "National", "notes": NOTES,
    "fatalities": "0", "tags": "", "timestamp": "1687302000",
}
KYIV = {
    **BAKHMUT, "event_id_cnty": "UKR123789", "event_date": "2023-06-16", "time_precision": "2",
    "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike", "actor2": "Civilians (Ukraine)",
    "assoc_actor_1": "", "inter2": "7", "interaction": "17", "civilian_targeting": "Civilian targeting",
    "admin1": "Kyiv City", "admin2": "Kyiv", "admin3": "", "location": "Kyiv", "latitude": "50.4501",
    "longitude": "30.5234", "geo_precision": "1", "source": "Kyiv Independent", "notes": "Missile strike, Kyiv.",
    "fatalities": "2", "tags": "crowd size=no report; local administrators",
}
OLDER = {
    **BAKHMUT, "data_id": "10452298", "event_id_no_cnty": "123456", "iso3": "UKR", "event_date": "15-06-2023",
}


def _cells(row: dict[str, str], columns: tuple[str, ...] = CURRENT_COLUMNS) -> list[str]:
    return [row.get(name, "") for name in columns]


def _write(path: Path, rows: list[list[str]], header: tuple[str, ...] | list[str] = CURRENT_COLUMNS,
           delimiter: str = ",") -> Path:
    """An ACLED-shaped CSV file: UTF-8 with a BOM, CRLF line ends, quoted where needed."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _records(path: Path) -> list:
    source = AcledSource(SourceText(path))
    try:
        return list(source.records())
    finally:
        source.close()


def _refusal(path: Path) -> ImportRefusedError:
    with pytest.raises(ImportRefusedError) as caught:
        _records(path)
    return caught.value


def _item(**changes: str) -> dict:
    return row_to_item(list(CURRENT_COLUMNS), _cells({**BAKHMUT, **changes}))


def _row_refusal(**changes: str) -> RowRefusal:
    with pytest.raises(RowRefusal) as caught:
        _item(**changes)
    return caught.value


# ----------------------------------------------------------------------------- whole files


def test_a_current_layout_export_gives_each_row_as_an_event(tmp_path: Path) -> None:
    path = _write(tmp_path / "acled.csv", [_cells(BAKHMUT), _cells(KYIV)])
    assert path.read_bytes().startswith(b"\xef\xbb\xbfevent_id_cnty,event_date,")
    assert b'"On 15 June 2023, Russian forces' in path.read_bytes()  # quoted: commas and line breaks
    records = _records(path)
    assert [(r.kind, r.label) for r in records] == [("event", "line 2"), ("event", "line 4")]  # the notes span 2 lines
    bakhmut, kyiv = (r.item for r in records)
    assert bakhmut.id == "UKR123456"
    assert bakhmut.title == "Armed clash in Bakhmut"
    assert (bakhmut.start.iso(), bakhmut.end, bakhmut.within) == ("2023-06-15", None, False)
    assert bakhmut.kind == "Battles"
    assert bakhmut.location == "Bakhmut, Donetsk, Ukraine"
    assert bakhmut.summary == NOTES
    assert (bakhmut.latitude, bakhmut.longitude) == (48.5956, 38.0004)
    assert [(p.name, p.role) for p in bakhmut.bodies] == [
        (RUSSIA, "actor 1"), (UKRAINE, "actor 2"), ("Wagner Group", "associated with actor 1"),
    ]
    assert [p.body_id for p in bakhmut.bodies] == [
        "military-forces-of-russia-2000", "military-forces-of-ukraine-2019", "wagner-group",
    ]
    assert [(s.url, s.publisher) for s in bakhmut.sources] == [(None, "Ukrainska Pravda"), (None, "Kyiv Independent")]
    assert bakhmut.tags == ("Armed clash", "Political violence")
    fields = dict(bakhmut.fields)
    assert fields["fatalities"] == "0" and fields["interaction"] == "11" and fields["admin2"] == "Bakhmutskyi"
    assert kyiv.title == "Air/drone strike in Kyiv"
    assert (kyiv.start.iso(), kyiv.end.iso(), kyiv.within) == ("2023-06-13", "2023-06-19", True)
    assert kyiv.tags == ("Air/drone strike", "Political violence", "crowd size=no report", "local administrators")
    assert dict(kyiv.fields)["civilian_targeting"] == "Civilian targeting"


def test_an_older_layout_export_reads_alike_and_keeps_iso3_but_not_data_id(tmp_path: Path) -> None:
    path = _write(tmp_path / "old.csv", [_cells(OLDER, OLDER_COLUMNS)], OLDER_COLUMNS)
    (record,) = _records(path)
    event = record.item
    assert event.id == "UKR123456"
    assert event.start.iso() == "2023-06-15"  # written 15-06-2023, day first as ACLED does
    assert event.tags == ("Armed clash",)  # no disorder_type in this layout
    fields = dict(event.fields)
    assert fields["iso3"] == "UKR" and fields["event_id_no_cnty"] == "123456"
    assert fields["event_date"] == "15-06-2023"  # as written
    assert "data_id" not in fields  # renumbered by ACLED at every release
    assert "disorder_type" not in fields


def test_upper_case_headers_semicolons_and_tabs_are_read(tmp_path: Path) -> None:
    header = [name.upper() for name in CURRENT_COLUMNS]
    for delimiter, name in ((";", "semi.csv"), ("\t", "tabs.tsv"), (",", "upper.csv")):
        path = _write(tmp_path / name, [_cells(BAKHMUT)], header, delimiter)
        assert looks_like_acled(path.read_text(encoding="utf-8-sig"))
        (record,) = _records(path)
        assert record.item.location == "Bakhmut, Donetsk, Ukraine"
        assert [s.publisher for s in record.item.sources] == ["Ukrainska Pravda", "Kyiv Independent"]


def test_columns_are_found_by_name_in_any_order_and_extra_columns_are_kept(tmp_path: Path) -> None:
    header = ["population_best", *reversed(CURRENT_COLUMNS)]
    row = ["12000", *reversed(_cells(BAKHMUT))]
    (record,) = _records(_write(tmp_path / "shuffled.csv", [row], header))
    assert record.item.title == "Armed clash in Bakhmut"
    assert dict(record.item.fields)["population_best"] == "12000"


def test_blank_lines_are_skipped_and_progress_is_in_bytes(tmp_path: Path) -> None:
    path = _write(tmp_path / "acled.csv", [_cells(BAKHMUT), [], _cells(KYIV)])
    source = AcledSource(SourceText(path))
    size = path.stat().st_size
    assert source.progress()[1] == size
    records = list(source.records())
    assert [r.item.id for r in records] == ["UKR123456", "UKR123789"]
    assert source.progress() == (size, size)
    assert source.notices == [] and source.deletions is False


def test_a_deletions_file_gives_a_deletion_for_each_id(tmp_path: Path) -> None:
    path = _write(tmp_path / "deleted.csv", [["UKR123456", "1687400000"], ["UKR999", "1687400001"]],
                  acled_import.DELETIONS_COLUMNS)
    source = AcledSource(SourceText(path))
    assert source.deletions is True
    records = list(source.records())
    assert [(r.kind, r.label, r.item) for r in records] == [
        ("deletion", "line 2", "UKR123456"), ("deletion", "line 3", "UKR999"),
    ]


@pytest.mark.parametrize(
    ("rows", "record", "field", "words"),
    [
        ([["", "1687400000"]], "line 2", "event_id_cnty", "empty"),
        ([["UKR1"]], "line 2", None, "1 cell; the header has 2"),
        ([["UKR1", "1687400000", "x"]], "line 2", None, "3 cells; the header has 2"),
    ],
)
def test_a_bad_deletions_row_is_refused_with_its_line(
    tmp_path: Path, rows: list[list[str]], record: str, field: str | None, words: str
) -> None:
    path = _write(tmp_path / "deleted.csv", rows, acled_import.DELETIONS_COLUMNS)
    error = _refusal(path)
    assert (error.source, error.record, error.field) == (str(path), record, field)
    assert words in error.problem


# ----------------------------------------------------------------------------- telling the files


def test_both_layouts_and_the_deletions_file_are_told_apart_from_the_apps_own_csv() -> None:
    current = ",".join(CURRENT_COLUMNS) + "\r\nUKR1,2023-06-15"
    older = ",".join(OLDER_COLUMNS) + "\n"
    quoted = ",".join(f'"{name}"' for name in CURRENT_COLUMNS)  # as R's write.csv writes it
    deletions = "event_id_cnty,deleted_timestamp\r\nUKR1,1687400000\r\n"
    ours = ",".join(EVENT_FIELDS) + "\n" + "dmm-2023-06,Meeting,2023-06-15\n"
    assert looks_like_acled(current) and looks_like_acled(older) and looks_like_acled(quoted)
    assert looks_like_acled(";".join(CURRENT_COLUMNS)) and looks_like_acled("\t".join(OLDER_COLUMNS))
    assert not looks_like_acled(deletions) and looks_like_acled_deletions(deletions)
    assert not looks_like_acled_deletions(current) and not looks_like_acled_deletions(older)
    assert not looks_like_acled(ours) and not looks_like_acled_deletions(ours)
    assert not looks_like_acled_deletions("event_id_cnty,deleted_timestamp,event_date")
    assert not looks_like_acled_deletions("event_id_cnty,event_id_cnty")
    assert not looks_like_acled("") and not looks_like_acled("\r\n" + current)  # the header is the first line
    assert not looks_like_acled("event_id_cnty,event_date,title")  # two names alone are not ACLED's
    assert not looks_like_acled("id,title,start\nUKR1,event_id_cnty event_date time_precision actor1 country,x")


# ----------------------------------------------------------------------------- one row


def test_row_to_item_maps_each_column() -> None:
    item = row_to_item(list(CURRENT_COLUMNS), _cells(BAKHMUT))
    assert item == {
        "id": "UKR123456",
        "title": "Armed clash in Bakhmut",
        "start": "2023-06-15",
        "kind": "Battles",
        "location": "Bakhmut, Donetsk, Ukraine",
        "summary": NOTES,
        "latitude": 48.5956,
        "longitude": 38.0004,
        "bodies": [
            {"name": RUSSIA, "role": "actor 1"},
            {"name": UKRAINE, "role": "actor 2"},
            {"name": "Wagner Group", "role": "associated with actor 1"},
        ],
        "tags": ["Armed clash", "Political violence"],
        "sources": [{"publisher": "Ukrainska Pravda"}, {"publisher": "Kyiv Independent"}],
        "fields": {
            "event_date": "2023-06-15", "year": "2023", "time_precision": "1", "disorder_type": "Political violence",
            "event_type": "Battles", "sub_event_type": "Armed clash", "inter1": "1", "inter2": "1",
            "interaction": "11", "iso": "804", "region": "Europe", "country": "Ukraine", "admin1": "Donetsk",
            "admin2": "Bakhmutskyi", "admin3": "Bakhmutska", "location": "Bakhmut", "geo_precision": "1",
            "source_scale": "National", "fatalities": "0", "timestamp": "1687302000",
        },
    }


@pytest.mark.parametrize("written", ["2023-06-15", "15 June 2023", "15-06-2023", "15 Jun 2023", " 15 june 2023 "])
def test_each_date_form_gives_the_same_day(written: str) -> None:
    item = _item(event_date=written)
    assert item["start"] == "2023-06-15"
    assert item["fields"]["event_date"] == written.strip()


@pytest.mark.parametrize(
    ("precision", "date", "expected"),
    [
        ("1", "2023-06-15", {"start": "2023-06-15"}),
        ("2", "2023-06-15", {"start": "2023-06-12", "end": "2023-06-18", "within": True}),
        ("2", "2023-01-02", {"start": "2022-12-30", "end": "2023-01-05", "within": True}),
        ("3", "2023-06-15", {"start": "2023-06", "within": True}),
        ("3", "31-12-2023", {"start": "2023-12", "within": True}),
    ],
)
def test_each_time_precision_gives_its_span(precision: str, date: str, expected: dict) -> None:
    item = _item(time_precision=precision, event_date=date)
    assert {key: item[key] for key in ("start", "end", "within") if key in item} == expected
    assert item["fields"]["time_precision"] == precision


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("06/15/2023", "2023-06-15, 15 June 2023 or 15-06-2023"),
        ("15/06/2023", "2023-06-15, 15 June 2023 or 15-06-2023"),
        ("15.06.2023", "2023-06-15, 15 June 2023 or 15-06-2023"),
        ("June 2023", "2023-06-15, 15 June 2023 or 15-06-2023"),
        ("2023-06", "2023-06-15, 15 June 2023 or 15-06-2023"),
        ("2023-06-15T10:00", "2023-06-15, 15 June 2023 or 15-06-2023"),
        ("15-06-23", "2023-06-15, 15 June 2023 or 15-06-2023"),
        ("mid-June 2023", "2023-06-15, 15 June 2023 or 15-06-2023"),
        ("", "empty"),
        ("2023-02-30", "not a day of the calendar"),
        ("31-06-2023", "not a day of the calendar"),
        ("15 Juin 2023", "Juin"),
        ("31 June 2023", "31 June 2023"),
    ],
)
def test_a_date_in_another_form_or_not_in_the_calendar_is_refused(written: str, words: str) -> None:
    refusal = _row_refusal(event_date=written)
    assert refusal.column == "event_date"
    assert words in refusal.problem


@pytest.mark.parametrize("precision", ["0", "4", "", "1.0", "one", "12"])
def test_a_time_precision_other_than_1_2_or_3_is_refused(precision: str) -> None:
    refusal = _row_refusal(time_precision=precision)
    assert refusal.column == "time_precision"
    assert "1 (the day), 2 (the week) or 3 (the month)" in refusal.problem


def test_actors_are_bodies_by_name_in_their_roles_without_repeats() -> None:
    item = _item(
        assoc_actor_1="Wagner Group; Military Forces of Russia (2000-) Air Force; Wagner Group",
        assoc_actor_2=" Civilians (Ukraine) ;; Territorial Defence Forces ",
        actor2=RUSSIA,
    )
    assert item["bodies"] == [
        {"name": RUSSIA, "role": "actor 1"},
        {"name": RUSSIA, "role": "actor 2"},  # the same body in another role is kept
        {"name": "Wagner Group", "role": "associated with actor 1"},
        {"name": "Military Forces of Russia (2000-) Air Force", "role": "associated with actor 1"},
        {"name": "Civilians (Ukraine)", "role": "associated with actor 2"},
        {"name": "Territorial Defence Forces", "role": "associated with actor 2"},
    ]
    assert "bodies" not in _item(actor1="", actor2="", assoc_actor_1="")


def test_the_location_skips_empty_parts_and_repeats_and_the_title_takes_the_finest_place() -> None:
    assert _item(location="Kyiv", admin1="Kyiv", country="Ukraine")["location"] == "Kyiv, Ukraine"
    assert _item(location="Kyiv", admin1="KYIV")["location"] == "Kyiv, Ukraine"
    without_location = _item(location="")
    assert without_location["location"] == "Donetsk, Ukraine"
    assert without_location["title"] == "Armed clash in Donetsk"
    assert _item(location="", admin1="")["title"] == "Armed clash in Ukraine"
    assert _item(sub_event_type="")["title"] == "Battles in Bakhmut"
    bare = _item(sub_event_type="", event_type="", location="", admin1="", country="")
    assert bare["title"] == "Event" and "location" not in bare and "kind" not in bare


def test_sources_tags_summary_and_fields_leave_empty_cells_out() -> None:
    item = _item(source="Ukrainska Pravda;  ; Ukrainska Pravda; Suspilne", tags="", disorder_type="",
                 notes="", fatalities="", admin3="", timestamp="")
    assert item["sources"] == [{"publisher": "Ukrainska Pravda"}, {"publisher": "Suspilne"}]
    assert item["tags"] == ["Armed clash"]
    assert "summary" not in item
    assert not {"fatalities", "admin3", "timestamp", "disorder_type", "tags", "notes"} & set(item["fields"])
    assert "sources" not in _item(source="")


def test_coordinates_are_numbers_in_range() -> None:
    item = _item(latitude="-33.8688", longitude="-180")
    assert (item["latitude"], item["longitude"]) == (-33.8688, -180.0)
    assert "latitude" not in _item(latitude="", longitude="")


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        ({"latitude": "91"}, "latitude", "outside -90 to 90"),
        ({"latitude": "-90.5"}, "latitude", "outside -90 to 90"),
        ({"latitude": "nan"}, "latitude", "outside -90 to 90"),
        ({"latitude": "48,5956"}, "latitude", "not a number"),
        ({"longitude": "181"}, "longitude", "outside -180 to 180"),
        ({"longitude": "inf"}, "longitude", "outside -180 to 180"),
        ({"longitude": ""}, "longitude", "needs both"),
        ({"latitude": ""}, "latitude", "needs both"),
        ({"fatalities": "many"}, "fatalities", "not a whole number"),
        ({"fatalities": "-1"}, "fatalities", "not a whole number"),
        ({"fatalities": "3.5"}, "fatalities", "not a whole number"),
        ({"fatalities": "\u00b2"}, "fatalities", "not a whole number"),  # a digit to str.isdigit, not a number
        ({"event_id_cnty": ""}, "event_id_cnty", "empty"),
        ({"event_id_cnty": "   "}, "event_id_cnty", "empty"),
    ],
)
def test_a_bad_value_is_refused_naming_its_column(changes: dict, column: str, words: str) -> None:
    refusal = _row_refusal(**changes)
    assert refusal.column == column
    assert words in refusal.problem


def test_a_row_of_another_width_is_refused() -> None:
    with pytest.raises(RowRefusal, match="30 cells; the header has 31"):
        row_to_item(list(CURRENT_COLUMNS), _cells(BAKHMUT)[:-1])
    with pytest.raises(RowRefusal, match="32 cells; the header has 31"):
        row_to_item(list(CURRENT_COLUMNS), [*_cells(BAKHMUT), "extra"])


# ----------------------------------------------------------------------------- refused files


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"event_date": "06/15/2023"}, "event_date", "15 June 2023"),
        ({"time_precision": "4"}, "time_precision", "'4'"),
        ({"latitude": "95"}, "latitude", "outside"),
        ({"fatalities": "about 20"}, "fatalities", "whole number"),
        ({"event_id_cnty": ""}, "event_id_cnty", "empty"),
    ],
)
def test_a_bad_row_in_a_file_is_refused_naming_the_file_line_column_and_id(
    tmp_path: Path, changes: dict, field: str, words: str
) -> None:
    path = _write(tmp_path / "acled.csv", [_cells(BAKHMUT), _cells({**KYIV, **changes})])
    error = _refusal(path)
    assert (error.source, error.record, error.field) == (str(path), "line 4", field)  # after 2 lines of notes
    assert error.record_id == (KYIV["event_id_cnty"] if changes.get("event_id_cnty") != "" else None)
    assert words in error.problem
    assert str(path) in str(error) and "line 4" in str(error) and field in str(error)


def test_a_row_with_too_few_or_too_many_cells_is_refused_with_its_line(tmp_path: Path) -> None:
    for name, row in (("short.csv", _cells(KYIV)[:-2]), ("long.csv", [*_cells(KYIV), "", "x"])):
        path = _write(tmp_path / name, [_cells(BAKHMUT), row])
        error = _refusal(path)
        assert (error.record, error.field) == ("line 4", None)
        assert "the header has 31 columns" in error.problem


def test_a_header_without_required_columns_is_refused_listing_them(tmp_path: Path) -> None:
    header = [name for name in CURRENT_COLUMNS if name not in ("time_precision", "actor1", "country")]
    path = _write(tmp_path / "partial.csv", [["x"] * len(header)], header)
    assert looks_like_acled(path.read_text(encoding="utf-8-sig"))  # told as ACLED, so told what it lacks
    error = _refusal(path)
    assert error.record == "line 1"
    assert "time_precision, actor1, country" in error.problem


def test_a_header_naming_a_column_twice_or_an_empty_file_is_refused(tmp_path: Path) -> None:
    twice = _write(tmp_path / "twice.csv", [[*_cells(BAKHMUT), "1"]], [*CURRENT_COLUMNS, "Fatalities"])
    assert "'fatalities' appears twice" in _refusal(twice).problem
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf")
    assert "empty" in _refusal(empty).problem


def test_a_deletions_files_columns_are_found_by_name(tmp_path: Path) -> None:
    path = _write(tmp_path / "deleted.csv", [["1687400000", " UKR1 "]], ["DELETED_TIMESTAMP", "EVENT_ID_CNTY"])
    assert looks_like_acled_deletions(path.read_text(encoding="utf-8-sig"))
    assert [r.item for r in _records(path)] == ["UKR1"]


# ----------------------------------------------------------------------------- end to end
# These go through the lead's importer (bodies created by name, coordinates, fields, sources
# without URL, deletions): they pass once that change is in.


def _store_events(db: Path) -> dict:
    from viewer.store.reader import EventStore

    with EventStore(db) as store:
        return {event.id: event for event in store.iter_events()}


def test_an_export_imports_and_a_revised_export_and_a_deletions_file_update_it(tmp_path: Path) -> None:
    from viewer.store.importer import import_parsed
    from viewer.store.reader import EventStore

    db = tmp_path / "acled.db"
    first = _write(tmp_path / "week1.csv", [_cells(BAKHMUT), _cells(KYIV)])
    report = import_parsed([AcledSource(SourceText(first))], db)
    assert report.events == 2
    events = _store_events(db)
    bakhmut = events["UKR123456"]
    assert bakhmut.title == "Armed clash in Bakhmut"
    assert (bakhmut.latitude, bakhmut.longitude) == (48.5956, 38.0004)
    assert [(p.body_id, p.role) for p in bakhmut.bodies][:2] == [
        ("military-forces-of-russia-2000", "actor 1"), ("military-forces-of-ukraine-2019", "actor 2"),
    ]
    assert [s.publisher for s in bakhmut.sources] == ["Ukrainska Pravda", "Kyiv Independent"]
    assert dict(bakhmut.fields)["fatalities"] == "0"
    assert events["UKR123789"].within
    with EventStore(db) as store:
        assert {body.id: body.name for body in store.bodies()}["military-forces-of-russia-2000"] == RUSSIA

    revised = _write(tmp_path / "week2.csv", [_cells({**BAKHMUT, "fatalities": "4"})])
    report = import_parsed([AcledSource(SourceText(revised))], db)
    assert report.updated == 1
    assert dict(_store_events(db)["UKR123456"].fields)["fatalities"] == "4"

    deletions = _write(tmp_path / "deleted.csv", [["UKR123789", "1687400000"], ["UKR000", "1687400000"]],
                       acled_import.DELETIONS_COLUMNS)
    report = import_parsed([AcledSource(SourceText(deletions))], db)
    assert report.deleted == 1
    assert any("UKR000" in notice for notice in report.notices)
    assert set(_store_events(db)) == {"UKR123456"}
