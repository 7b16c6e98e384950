"""Importing tables with their own headers: CSV/TSV in any spreadsheet's dialect, .xlsx workbooks."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.chart import BarChart, Reference

from viewer.store import column_mapping, input_files, interchange, table_import
from viewer.store.column_mapping import (
    MappingError,
    automatic_mapping,
    load_mapping_file,
    mapping_file_text,
    parse_map_option,
    resolve_mapping,
    with_mapping_file,
)
from viewer.store.dates import Precision
from viewer.store.errors import ImportRefusedError
from viewer.store.import_options import ImportOptions
from viewer.store.table_import import (
    RowReader,
    TableSource,
    WorkbookSource,
    looks_like_xlsx,
    open_table,
    read_header,
    sheet_names,
    sniff_delimiter,
    table_mapping,
)

# ----------------------------------------------------------------------------- helpers


def _write_csv(path: Path, rows: list[list[Any]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    """A file as Python's csv writer (a real writer: CRLF line ends, quotes where needed) makes it."""
    with path.open("w", newline="", encoding=encoding) as file:
        csv.writer(file, delimiter=delimiter).writerows(rows)
    return path


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A workbook as openpyxl writes it, with real date, datetime and number cells."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _records(path: Path, **options: Any) -> list[interchange.Record]:
    source = open_table(path, ImportOptions(**options))
    try:
        return list(source.records())
    finally:
        source.close()


def _events(path: Path, **options: Any) -> dict[str, Any]:
    return {record.item.id: record.item for record in _records(path, **options)}


def _refusal(path: Path, **options: Any) -> str:
    with pytest.raises(ImportRefusedError) as caught:
        _records(path, **options)
    return str(caught.value)


def _items(columns: list[str], *rows: list[Any], **options: Any) -> list[dict[str, Any]]:
    reader = RowReader(columns, ImportOptions(**options), "t.csv", "line")
    return [reader.item(row, number) for number, row in enumerate(rows, start=2)]


# ----------------------------------------------------------------------------- workbooks


def test_a_workbook_reads_real_date_and_datetime_cells_at_their_precision(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "events.xlsx", {
        "2023": [
            ["Date", "Event", "End date"],
            [datetime(2023, 6, 15), "Defence Ministers' meeting", date(2023, 6, 16)],
            [datetime(2023, 7, 11, 13, 0), "Vilnius Summit opens", None],
            [datetime(2023, 7, 12, 9, 30, 40), "Press conference", None],
            ["June 2023", "Exercise", None],
            [None, None, None],
            ["15–16 June 2023", "Range in words", None],
            [2023, "A year as a number", None],
        ],
    })
    records = _records(path)
    assert [record.label for record in records] == ["row 2", "row 3", "row 4", "row 5", "row 7", "row 8"]
    events = [record.item for record in records]
    assert (events[0].start.iso(), events[0].end.iso()) == ("2023-06-15", "2023-06-16")
    assert events[0].precision is Precision.DAY  # a datetime at midnight is a day
    assert (events[1].start.iso(), events[1].precision) == ("2023-07-11T13:00", Precision.MINUTE)
    assert events[2].start.iso() == "2023-07-12T09:30"  # to the minute, the finest precision
    assert (events[3].start.iso(), events[3].precision) == ("2023-06", Precision.MONTH)
    assert (events[4].start.iso(), events[4].end.iso()) == ("2023-06-15", "2023-06-16")
    assert (events[5].start.iso(), events[5].precision) == ("2023", Precision.YEAR)


def test_a_workbook_number_cell_is_text_without_a_trailing_zero(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "n.xlsx", {"S": [
        ["Title", "Start", "Kind", "Location"], ["A", "2023", 3, 2.5], ["B", "2023", 4.0, 1e20],
    ]})
    events = _events(path)
    assert (events["2023-a"].kind, events["2023-a"].location) == ("3", "2.5")
    assert (events["2023-b"].kind, events["2023-b"].location) == ("4", "1e+20")  # beyond 15 digits, as Excel shows it


def test_the_first_sheet_is_read_unless_another_is_named(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "two.xlsx", {
        "2022": [["Title", "Start"], ["Madrid Summit", date(2022, 6, 28)]],
        "2023": [["Event", "Date"], ["Vilnius Summit", date(2023, 7, 11)]],
    })
    assert sheet_names(path) == ["2022", "2023"]
    assert list(_events(path)) == ["2022-06-28-madrid-summit"]
    assert list(_events(path, sheet="2023")) == ["2023-07-11-vilnius-summit"]
    assert read_header(path, ImportOptions(sheet="2023")) == ["Event", "Date"]
    message = _refusal(path, sheet="2024")
    assert str(path) in message and "no sheet '2024'" in message and "'2022', '2023'" in message


def test_a_chart_sheet_is_not_a_table(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.active.append(["Title", "Start"])
    book.active.append(["A", "2023"])
    chart = BarChart()
    chart.add_data(Reference(book.active, min_col=2, min_row=1, max_row=2))
    book.create_chartsheet("Chart", 0).add_chart(chart)
    book.save(tmp_path / "chart.xlsx")
    assert sheet_names(tmp_path / "chart.xlsx") == ["Chart", "Data"]
    assert list(_events(tmp_path / "chart.xlsx")) == ["2023-a"]  # the first sheet of cells
    assert "the sheet 'Chart' is a chart, not a table" in _refusal(tmp_path / "chart.xlsx", sheet="chart")


def test_a_workbook_row_label_is_the_sheets_row_number_after_a_blank_top(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "gap.xlsx", {"S": [[None], [None, None], ["Title", "Start"], ["A", "2023"]]})
    assert [record.label for record in _records(path)] == ["row 4"]


def test_a_number_in_a_date_column_is_refused_not_read_as_a_year(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "serial.xlsx", {"S": [["Title", "Date"], ["A", 45092]]})
    message = _refusal(path)
    assert str(path) in message and "row 2" in message and "'Date'" in message
    assert "is a number (45092), not a date" in message


def test_a_workbook_reads_formulas_as_their_saved_values_and_keeps_text_as_written(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "f.xlsx", {"S": [["Title", "Start", "Summary"], ["'=not a formula", "=B3", "=1+1"],
                                                 ["x", date(2023, 6, 15), "'=1+1"]]})
    with zipfile.ZipFile(path) as archive:  # as a spreadsheet program saves them: the formulas' values too
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = re.sub(rb"<v ?/>|<v></v>", b"<v />", members["xl/worksheets/sheet1.xml"])  # lxml or the stdlib writer
    assert sheet.count(b"<v />") == 2
    sheet = sheet.replace(b"<f>B3</f><v />", b"<f>B3</f><v>45092</v>")
    sheet = sheet.replace(b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>")
    members["xl/worksheets/sheet1.xml"] = sheet.replace(b'<c r="B2"', b'<c r="B2" s="1"')  # B3's date style
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    first, second = (record.item for record in _records(path))
    assert (first.title, first.start.iso(), first.summary) == ("'=not a formula", "2023-06-15", "2")
    assert second.summary == "'=1+1"  # text, apostrophe and all


def test_looks_like_xlsx_knows_a_workbook_by_its_content(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "named.csv", {"S": [["Title", "Start"]]})
    assert looks_like_xlsx(path)
    assert not looks_like_xlsx(_write_csv(tmp_path / "t.xlsx", [["Title", "Start"]]))
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert not looks_like_xlsx(tmp_path / "other.zip")
    assert not looks_like_xlsx(tmp_path / "missing.xlsx")
    assert isinstance(open_table(path), WorkbookSource)  # the content decides, not the name


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "Excel 97-2003 workbook (.xls)"),
        (b"PK\x03\x04 not really a zip", "damaged zip file"),
    ],
)
def test_files_that_are_not_xlsx_workbooks_are_refused_with_one_clear_message(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    message = _refusal(path)
    assert message.startswith(str(path)) and expected in message and ".xlsx" in message


def test_an_opendocument_or_binary_workbook_is_refused_saying_to_save_as_xlsx(tmp_path: Path) -> None:
    ods = tmp_path / "book.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert "OpenDocument spreadsheet (.ods), which is not read: save it as an Excel workbook (.xlsx)" in _refusal(ods)
    xlsb = tmp_path / "book.xlsb"
    with zipfile.ZipFile(xlsb, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x00")
    assert "binary Excel workbook (.xlsb)" in _refusal(xlsb)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportRefusedError, match=r"not an \.xlsx workbook \(it has no xl/workbook\.xml\)"):
        WorkbookSource(other)


@pytest.mark.parametrize("name", ["report.xls", "report.xlsx", "report.ods"])
def test_a_text_file_named_as_a_workbook_is_refused_not_read_as_csv(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("<html><table><tr><td>Title</td><td>Start</td></tr></table></html>", encoding="utf-8")
    message = _refusal(path)
    assert message.startswith(f"{path}: is not a workbook this program reads") and "save it as" in message


def test_a_damaged_workbook_is_refused_not_a_traceback(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "cut.xlsx", {"S": [["Title", "Start"], ["A", "2023"]]})
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/workbook.xml"] = b"<workbook><sheets><sheet"  # malformed XML
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    message = _refusal(path)
    assert message.startswith(f"{path}: is not an .xlsx workbook that can be read")


def test_a_zip_bomb_is_refused_before_openpyxl_inflates_it(tmp_path: Path, monkeypatch) -> None:
    path = _workbook(tmp_path / "bomb.xlsx", {"S": [["Title", "Start"], ["A" * 5000, "2023"]]})
    monkeypatch.setattr(table_import, "MAX_PART_BYTES", 4000)  # openpyxl's theme part is 10 kB
    opened: list[Any] = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *args, **kwargs: opened.append(args))
    message = _refusal(path)
    assert "its part 'xl/theme/theme1.xml' would inflate to 10," in message and "the most read is 4,000" in message
    assert not opened
    monkeypatch.setattr(table_import, "MAX_PART_BYTES", 256 * 1024**2)
    monkeypatch.setattr(table_import, "MAX_SHEET_BYTES", 100)
    assert "xl/worksheets/sheet1.xml' would inflate to" in _refusal(path)


def test_a_workbook_larger_than_the_bound_is_refused_unread(tmp_path: Path, monkeypatch) -> None:
    path = _workbook(tmp_path / "big.xlsx", {"S": [["Title", "Start"]]})
    monkeypatch.setattr(table_import, "MAX_WORKBOOK_BYTES", 100)
    assert "the largest source read is 100 bytes" in _refusal(path)


def test_a_sheet_with_more_rows_than_the_bound_is_refused_naming_the_row(tmp_path: Path, monkeypatch) -> None:
    path = _workbook(tmp_path / "rows.xlsx", {"S": [["Title", "Start"]] + [[f"E{n}", "2023"] for n in range(5)]})
    monkeypatch.setattr(table_import, "MAX_ROWS", 4)
    message = _refusal(path)
    assert "row 5" in message and "more than 4 rows" in message


def test_a_workbook_reports_progress_in_bytes_of_the_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(table_import, "PROGRESS_EVERY", 1)
    path = _workbook(tmp_path / "p.xlsx", {"S": [["Title", "Start"]] + [[f"Event {n}", "2023"] for n in range(20_000)]})
    source = open_table(path)
    size = path.stat().st_size
    seen = []
    for _record in source.records():
        seen.append(source.progress())
    assert all(total == size for _done, total in seen)
    dones = [done for done, _total in seen]
    assert dones == sorted(dones) and 0 < dones[len(dones) // 2] < size and len(set(dones)) > 5
    assert source.progress() == (size, size)


# ----------------------------------------------------------------------------- delimited text


def test_a_csv_with_a_bom_crlf_and_quoted_newlines_labels_rows_by_their_first_line(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "e.csv", [
        ["Title", "Date", "Summary"],
        ["Defence Ministers' meeting", "15 June 2023", "Two lines:\r\nfirst, then second"],
        ["Vilnius Summit", "11–12 July 2023", 'She said "yes"'],
    ], encoding="utf-8-sig")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf" and b"\r\n" in path.read_bytes()
    records = _records(path)
    assert [record.label for record in records] == ["line 2", "line 4"]
    first, second = (record.item for record in records)
    assert first.summary == "Two lines:\r\nfirst, then second"
    assert (second.start.iso(), second.end.iso(), second.summary) == ("2023-07-11", "2023-07-12", 'She said "yes"')
    assert read_header(path) == ["Title", "Date", "Summary"]  # the BOM is not part of the first name


def test_a_semicolon_csv_as_european_excel_writes_it(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "e.csv", [
        ["Titel; Veranstaltung", "Start", "Ort"], ["Treffen", "2023-06-15", "Brüssel, Belgien"],
    ], delimiter=";")
    source = open_table(path, ImportOptions(mapping=(("title", "Titel; Veranstaltung"), ("location", "Ort"))))
    assert isinstance(source, TableSource) and source.delimiter == ";"
    event = next(source.records()).item
    assert (event.title, event.location) == ("Treffen", "Brüssel, Belgien")


def test_a_tsv_is_read_with_tabs(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "e.tsv", [["Title", "Start", "Place"], ["A, B; C", "2023", "Vilnius"]], delimiter="\t")
    event = next(iter(_events(path).values()))
    assert (event.title, event.location) == ("A, B; C", "Vilnius")


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ('"a;b",c\r\n', ","), ('"x,y";z;w', ";"), ("single", ",")],
)
def test_the_delimiter_is_the_one_the_header_uses_outside_quotes(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header + "\nq;q;q;q;q;q\n") == delimiter


def test_a_utf16_file_with_a_bom_as_excel_unicode_text_is_read(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "u.txt", [["Title", "Start"], ["Встреча министров", "2023"]], delimiter="\t",
                      encoding="utf-16")
    assert path.read_bytes()[:2] == b"\xff\xfe"
    assert next(iter(_events(path).values())).title == "Встреча министров"


def test_a_cp1252_file_is_read_as_cp1252_with_a_notice(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "w.csv", [["Title", "Start"], ["Réunion à Bruxelles – €", "2023"], ["Straße", "2023"]],
                      delimiter=";", encoding="cp1252")
    source = open_table(path)
    titles = [record.item.title for record in source.records()]
    assert titles == ["Réunion à Bruxelles – €", "Straße"]
    assert any("read as Windows-1252" in notice and str(path) in notice for notice in source.notices)


def test_a_cp1252_file_with_utf8_text_later_is_refused_with_the_offset(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(input_files, "CHUNK_BYTES", 64)
    head = "Title;Start\r\n" + "Réunion;2023\r\n" * 5
    path = tmp_path / "mixed.csv"
    path.write_bytes(head.encode("cp1252") + "Réunion;2023\r\n".encode())
    message = _refusal(path)
    offset = len(head.encode("cp1252")) + 1
    assert message == (
        f"{path}: was read as Windows-1252 text, but holds UTF-8 text at offset {offset}: save it again as UTF-8"
    )


def test_utf8_text_straddling_two_chunks_of_a_cp1252_file_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(input_files, "CHUNK_BYTES", 64)
    head = ("Title;Start\r\n" + "Réunion;2023\r\n" * 5).encode("cp1252")
    head += b"x" * (63 - len(head) % 64)  # the two bytes of a UTF-8 "é" on either side of a chunk's end
    path = tmp_path / "straddle.csv"
    path.write_bytes(head + "é;2023\r\n".encode())
    assert f"holds UTF-8 text at offset {len(head)}" in _refusal(path)


def test_a_utf8_file_with_a_late_invalid_byte_is_refused_with_the_offset(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(input_files, "CHUNK_BYTES", 64)
    head = "Title,Start\r\n" + "Réunion,2023\r\n" * 10
    path = tmp_path / "late.csv"
    path.write_bytes(head.encode("utf-8") + "Réunion,2023\r\n".encode("cp1252"))
    message = _refusal(path)
    assert f"is not UTF-8 text (bad byte at offset {len(head.encode()) + 1})" in message and str(path) in message


def test_other_readers_keep_utf8_only(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_bytes("é".encode("cp1252"))
    text = input_files.SourceText(path)
    with pytest.raises(ImportRefusedError, match=r"is not UTF-8 text \(bad byte at offset 0\)$"):
        text.head()
    text.close()


def test_a_row_with_more_cells_than_the_header_is_refused_and_trailing_empty_cells_are_not(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("Title,Start\r\nA,2023,,\r\nB,2023,extra\r\n", encoding="utf-8")
    message = _refusal(path)
    assert message == f"{path}: line 3: the row has more cells than the header (2 columns): cell 3 holds a value"


def test_a_value_under_a_column_without_a_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "unnamed.csv"
    path.write_text("Title,,Start\nA,,2023\nB,lost?,2023\n", encoding="utf-8")
    message = _refusal(path)
    assert f"{path}: line 3: column 2 has no name in the header" in message


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("\r\n\r\n", encoding="utf-8")
    assert "the file is empty: a header row naming the columns is needed" in _refusal(path)


def test_a_csv_cell_longer_than_the_bound_is_refused_naming_line_and_column(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(table_import, "MAX_CELL_CHARS", 10)
    path = _write_csv(tmp_path / "long.csv", [["Title", "Start"], ["short", "2023"], ["x" * 11, "2023"]])
    message = _refusal(path)
    assert "line 3" in message and "column 'Title'" in message and "11 characters long" in message


def test_formula_text_and_apostrophes_are_kept_as_written(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "f.csv", [["Title", "Start", "Summary"], ["=HYPERLINK(\"x\")", "2023", "'=1+1"]])
    event = next(iter(_events(path).values()))
    assert (event.title, event.summary) == ('=HYPERLINK("x")', "'=1+1")


def test_a_csv_reports_progress_in_bytes(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "p.csv", [["Title", "Start"]] + [[f"E{n}", "2023"] for n in range(100)])
    source = open_table(path)
    assert source.progress()[1] == path.stat().st_size
    list(source.records())
    assert source.progress() == (path.stat().st_size, path.stat().st_size)


# ----------------------------------------------------------------------------- mapping


@pytest.mark.parametrize(
    ("column", "field"),
    [
        ("title", "title"), ("  TITLE ", "title"), ("Event", "title"), ("Name", "title"), ("Subject", "title"),
        ("Date", "start"), ("Start date", "start"), ("start_date", "start"), ("START-DATE", "start"),
        ("End date", "end"), ("End", "end"), ("Type", "kind"), ("Category", "kind"), ("Place", "location"),
        ("Venue", "location"), ("Organisations", "bodies"), ("Organizations", "bodies"),
        ("Participants", "bodies"), ("Actors", "bodies"), ("URL", "source"), ("Link", "source"),
        ("Source", "source"), ("Notes", "summary"), ("Description", "description"), ("Tags", "tags"),
        ("Keywords", "tags"), ("Status", "status"), ("Time zone", "timezone"), ("Lat", "latitude"),
        ("Longitude", "longitude"), ("ID", "id"),
    ],
)
def test_columns_are_mapped_by_their_names_and_common_synonyms(column: str, field: str) -> None:
    assert automatic_mapping([column]) == {field: column}


def test_the_best_name_wins_then_the_leftmost_column_and_the_rest_is_kept() -> None:
    mapping = resolve_mapping(["Name", "Start date", "Date", "Title", "Link", "URL"])
    assert mapping == {"title": "Title", "start": "Date", "source": "URL"}
    # "Date" ranks above "Start date"; URL above Link; Name and the others stay in `fields`.
    assert automatic_mapping(["Link", "Web"]) == {"source": "Link"}


def test_an_explicit_mapping_wins_over_the_automatic_one_for_its_field() -> None:
    columns = ["Event", "Date", "Published", "Topic"]
    mapping = resolve_mapping(columns, ImportOptions(mapping=(("start", "Published"), ("kind", "topic"))))
    assert mapping == {"title": "Event", "start": "Published", "kind": "Topic"}
    # A column taken by an explicit mapping is not given to another field automatically.
    assert resolve_mapping(["Date", "Title", "When"], ImportOptions(mapping=(("end", "Date"),))) == {
        "title": "Title", "start": "When", "end": "Date",
    }


@pytest.mark.parametrize(
    ("columns", "mapping", "expected"),
    [
        (["Title", "Date"], (("venue", "Date"),), "the mapping names an unknown field 'venue' (fields: id, title"),
        (["Title", "Date"], (("start", "When"),),
         "t.csv: column 'When': the mapping names a column that is not in the header (columns: 'Title', 'Date')"),
        (["Title", "Date"], (("start", "Date"), ("end", "Date")),
         "t.csv: column 'Date': it is mapped twice (to 'start' and 'end')"),
        (["Title", "Date", "X"], (("start", "Date"), ("start", "X")),
         "the field 'start' is mapped twice (to 'Date' and 'X')"),
        (["Headline?", "Date"], (), "t.csv: no column gives the title: name one title, event, name, subject… or map "
         "it with --map title=COLUMN (columns: 'Headline?', 'Date')"),
        (["Title", "Day"], (), "no column gives the start"),
        (["Title", "Date", "Title"], (), "t.csv: column 'Title': the header names this column twice"),
    ],
)
def test_mappings_that_cannot_be_read_are_refused_naming_file_and_column(
    columns: list[str], mapping: tuple, expected: str
) -> None:
    with pytest.raises(ImportRefusedError) as caught:
        resolve_mapping(columns, ImportOptions(mapping=mapping), "t.csv")
    assert expected in str(caught.value)


def test_a_mapping_refusal_names_the_file_when_reading_it(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "e.csv", [["Event", "Day"], ["A", "2023"]])
    message = _refusal(path, mapping=(("start", "Date"),))
    assert message.startswith(f"{path}: column 'Date': the mapping names a column that is not in the header")
    assert table_mapping(path, ImportOptions(mapping=(("start", "Day"),))) == {"title": "Event", "start": "Day"}


def test_parse_map_option() -> None:
    assert parse_map_option("start=Date") == ("start", "Date")
    assert parse_map_option(" Title = Event = Name ") == ("title", "Event = Name")
    assert parse_map_option("location=") == ("location", "")  # no column for the field
    for bad, expected in [("start", "expected FIELD=COLUMN"), ("=Date", "expected FIELD=COLUMN"),
                          ("venue=Place", "unknown field 'venue'")]:
        with pytest.raises(MappingError, match=expected):
            parse_map_option(bad)


def test_a_mapping_file_gives_mapping_sheet_and_dayfirst_and_the_command_line_wins(tmp_path: Path) -> None:
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps({"mapping": {"title": "Event", "start": "Datum"}, "sheet": "2023", "dayfirst": True}))
    assert load_mapping_file(path) == ImportOptions(mapping=(("title", "Event"), ("start", "Datum")), sheet="2023",
                                                    dayfirst=True)
    merged = with_mapping_file(ImportOptions(mapping=(("start", "Begin"),), sheet="2024"), path)
    assert dict(merged.mapping) == {"start": "Begin", "title": "Event"}
    assert (merged.sheet, merged.dayfirst) == ("2024", True)
    written = tmp_path / "saved.json"
    written.write_text(mapping_file_text({"title": "Event"}, sheet="S", dayfirst=True), encoding="utf-8")
    assert load_mapping_file(written) == ImportOptions(mapping=(("title", "Event"),), sheet="S", dayfirst=True)


def test_a_mapping_file_applies_to_a_table(tmp_path: Path) -> None:
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"mapping": {"title": "Was", "start": "Wann"}, "dayfirst": True}))
    table = _write_csv(tmp_path / "t.csv", [["Was", "Wann"], ["Treffen", "15.06.2023"]], delimiter=";")
    options = with_mapping_file(ImportOptions(), mapping)
    assert next(iter(_records(table, **vars(options)))).item.start.iso() == "2023-06-15"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "malformed JSON"),
        ("[]", "expected a JSON object"),
        ('{"mapping": {"title": "A"}, "sheets": "x"}', "unknown key 'sheets'"),
        ('{"sheet": "x"}', "field 'mapping': needs \"mapping\""),
        ('{"mapping": {"venue": "A"}}', "field 'mapping.venue': unknown field 'venue'"),
        ('{"mapping": {"title": 3}}', "field 'mapping.title': the column must be a name"),
        ('{"mapping": {"title": "A"}, "dayfirst": "yes"}', "field 'dayfirst': must be true or false"),
        ('{"mapping": {"title": "A"}, "sheet": ""}', "field 'sheet'"),
    ],
)
def test_a_bad_mapping_file_is_refused_naming_file_and_key(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(ImportRefusedError) as caught:
        load_mapping_file(path)
    assert str(caught.value).startswith(str(path)) and expected in str(caught.value)


def test_a_mapping_file_is_bounded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(column_mapping, "MAX_MAPPING_FILE_BYTES", 50)
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"mapping": {"title": "A" * 100}}))
    with pytest.raises(ImportRefusedError, match="the largest source read is 50 bytes"):
        load_mapping_file(path)


# ----------------------------------------------------------------------------- values


def test_values_are_converted_to_the_interchange_fields() -> None:
    columns = ["ID", "Title", "Start", "Organisations", "Tags", "Source", "Status", "Lat", "Lon", "Timezone", "Extra"]
    item, second = _items(
        columns,
        [" dmm-1 ", "Meeting", "2023-06-15T10:00", "NATO; EU ;; Sweden", "a;b; a", "https://nato.int/x; NATO Press",
         "Held", "50,85", "4.35", " Europe/Brussels ", "kept"],
        ["", "Meeting", "2023", "", "", "", "CANCELED", 1, -2.5, "", ""],
    )
    assert item == {
        "id": "dmm-1", "title": "Meeting", "start": "2023-06-15T10:00",
        "bodies": [{"name": "NATO"}, {"name": "EU"}, {"name": "Sweden"}], "tags": ["a", "b", "a"],
        "sources": [{"url": "https://nato.int/x"}, {"publisher": "NATO Press"}], "status": "held",
        "latitude": 50.85, "longitude": 4.35, "timezone": "Europe/Brussels", "fields": {"Extra": "kept"},
    }
    assert second == {"id": "2023-meeting", "title": "Meeting", "start": "2023", "status": "cancelled",
                      "latitude": 1.0, "longitude": -2.5}


@pytest.mark.parametrize("value", ["north", "1.2.3", "nan", "inf", True])
def test_a_coordinate_that_is_not_a_number_is_refused_naming_row_and_column(value: Any) -> None:
    with pytest.raises(ImportRefusedError) as caught:
        _items(["Title", "Start", "Latitude"], ["A", "2023", value])
    message = str(caught.value)
    assert message.startswith("t.csv: line 2: field 'latitude': column 'Latitude':")


def test_ids_are_made_from_start_and_title_with_numbers_for_repeats() -> None:
    items = _items(
        ["Title", "Date"],
        ["Defence Ministers\u2019 Meeting", "15 June 2023"], ["Defence Ministers\u2019 Meeting", "15 June 2023"],
        ["Défense: réunion (Brüssel)", "June 2023"], ["Defence Ministers\u2019 Meeting", "15 June 2023"],
        ["Встреча", "2023-07-11T13:00"], ["", "2023"], ["No date", "someday"],
    )
    assert [item["id"] for item in items] == [
        "2023-06-15-defence-ministers-meeting", "2023-06-15-defence-ministers-meeting-2",
        "2023-06-defense-reunion-brussel",
        "2023-06-15-defence-ministers-meeting-3", "2023-07-11t1300-встреча", "2023", "no-date",
    ]


def test_a_made_id_never_repeats_an_id_already_made() -> None:
    items = _items(["Title", "Start"], ["x", "2023"], ["x 2", "2023"], ["x", "2023"], ["x", "2023"])
    ids = [item["id"] for item in items]
    assert ids == ["2023-x", "2023-x-2", "2023-x-3", "2023-x-4"] and len(set(ids)) == 4


def test_the_same_table_gives_the_same_ids_again(tmp_path: Path) -> None:
    rows = [["Title", "Date"], ["A", "2023"], ["A", "2023"], ["B", "June 2023"]]
    first = list(_events(_write_csv(tmp_path / "1.csv", rows)))
    assert first == list(_events(_write_csv(tmp_path / "2.csv", rows))) == ["2023-a", "2023-a-2", "2023-06-b"]


def test_an_invalid_value_is_refused_by_the_record_validation_naming_the_column(tmp_path: Path) -> None:
    rows = [["Title", "Date", "State"], ["A", "2023", "held"], ["B", "mid-June 2023", ""]]
    path = _write_csv(tmp_path / "bad.csv", rows)
    message = _refusal(path)
    assert message.startswith(f"{path}: line 3 (id 'b'): ")  # no date to make the id from: the title alone
    assert "field 'start': column 'Date': cannot read 'mid-June 2023' as a date" in message
    path = _write_csv(tmp_path / "status.csv", [["Title", "Date", "State"], ["A", "2023", "finished"]])
    assert "line 2 (id '2023-a'): field 'status': column 'State': unknown status 'finished'" in _refusal(path)


# ----------------------------------------------------------------------------- day first


def test_numeric_dates_are_refused_without_dayfirst_and_read_day_first_with_it(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "d.csv", [
        ["Title", "Datum", "Ende"], ["A", "15.06.2023", "16.06.2023"], ["B", "5/6/2023", ""], ["C", "15-06-2023", ""],
        ["D", "15.06.2023 – 16.06.2023", ""], ["E", "June 2023", ""], ["F", "2023-06-07", ""],
    ], delimiter=";")
    message = _refusal(path, mapping=(("start", "Datum"), ("end", "Ende")))
    assert "line 2" in message and "column 'Datum'" in message and "--dayfirst" in message
    events = [record.item for record in _records(path, mapping=(("start", "Datum"), ("end", "Ende")), dayfirst=True)]
    assert [(event.start.iso(), event.end.iso() if event.end else None) for event in events] == [
        ("2023-06-15", "2023-06-16"), ("2023-06-05", None), ("2023-06-15", None), ("2023-06-15", "2023-06-16"),
        ("2023-06", None), ("2023-06-07", None),
    ]


@pytest.mark.parametrize(("text", "reason"), [("15/06/23", "two-digit years are not read"),
                                               ("06/15/2023", "there is no month 15")])
def test_dayfirst_still_refuses_what_it_cannot_read(tmp_path: Path, text: str, reason: str) -> None:
    path = _write_csv(tmp_path / "d.csv", [["Title", "Date"], ["A", text]])
    message = _refusal(path, dayfirst=True)
    assert "line 2" in message and "column 'Date'" in message and reason in message


# ----------------------------------------------------------------------------- with the lead's interchange change


def test_unmapped_columns_bodies_sources_and_places_reach_the_event(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "full.xlsx", {"S": [
        ["Event", "Date", "Organisations", "Link", "Lat", "Lon", "Attendance", "Checked"],
        ["Vilnius Summit", date(2023, 7, 11), "NATO; Sweden", "https://www.nato.int/v; LRT", 54.69, "25,28", 3100,
         datetime(2023, 7, 13, 8, 0)],
    ]})
    event = next(iter(_events(path).values()))
    assert [(p.body_id, p.name) for p in event.bodies] == [("nato", "NATO"), ("sweden", "Sweden")]
    assert [(s.url, s.publisher) for s in event.sources] == [("https://www.nato.int/v", None), (None, "LRT")]
    assert (event.latitude, event.longitude) == (54.69, 25.28)
    assert dict(event.fields) == {"Attendance": "3100", "Checked": "2023-07-13T08:00"}


def test_a_mapped_over_column_is_kept_in_fields(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "m.csv", [["Event", "Date", "Published"], ["A", "2023-06-15", "2023-06-20"]])
    event = next(iter(_events(path, mapping=(("start", "Published"),)).values()))
    assert event.start.iso() == "2023-06-20" and dict(event.fields) == {"Date": "2023-06-15"}


def test_a_table_imports_end_to_end_and_again_updates_the_same_events(tmp_path: Path) -> None:
    from viewer.store.importer import import_parsed
    from viewer.store.reader import EventStore

    path = _workbook(tmp_path / "t.xlsx", {"S": [
        ["Event", "Date", "Participants", "Notes"],
        ["Defence Ministers' meeting", date(2023, 6, 15), "NATO", "first"],
        ["Vilnius Summit", "11–12 July 2023", "NATO; Ukraine", ""],
    ]})
    database = tmp_path / "x.db"
    import_parsed([open_table(path)], database)
    _workbook(path, {"S": [
        ["Event", "Date", "Participants", "Notes"],
        ["Defence Ministers' meeting", date(2023, 6, 15), "NATO", "second"],
        ["Vilnius Summit", "11–12 July 2023", "NATO; Ukraine", ""],
    ]})
    import_parsed([open_table(path)], database)
    with EventStore(database) as store:
        events = {event.id: event for event in store.iter_events()}
    assert set(events) == {"2023-06-15-defence-ministers-meeting", "2023-07-11-vilnius-summit"}
    assert events["2023-06-15-defence-ministers-meeting"].summary == "second"
    assert [p.body_id for p in events["2023-07-11-vilnius-summit"].bodies] == ["nato", "ukraine"]


# ----------------------------------------------------------------------------- hostile input


def test_a_header_wider_than_the_bound_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(table_import, "MAX_COLUMNS", 3)
    path = _write_csv(tmp_path / "wide.csv", [["Title", "Start", "A", "B"], ["x", "2023", "", ""]])
    assert "the header has 4 columns; the most read is 3" in _refusal(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(alphabet=st.sampled_from('Title,Start;\t"\r\n2023 x=é\x00'), max_size=120))
def test_any_bytes_as_a_table_give_events_or_one_refusal(tmp_path: Path, content: bytes | str) -> None:
    path = tmp_path / "any.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    try:
        _records(path)
    except ImportRefusedError as error:
        assert str(error).startswith(str(path))


def test_any_damage_to_a_workbook_gives_events_or_one_refusal(tmp_path: Path) -> None:
    good = _workbook(tmp_path / "good.xlsx", {"S": [["Title", "Start"], ["A", date(2023, 6, 15)], ["B", "2023"]]})
    data = good.read_bytes()
    damaged = tmp_path / "damaged.xlsx"
    for position in range(0, len(data), max(1, len(data) // 150)):
        for cut in (False, True):
            damaged.write_bytes(data[:position] if cut else data[:position] + bytes([data[position] ^ 0x5A])
                                + data[position + 1:])
            try:
                _records(damaged)
            except ImportRefusedError as error:
                assert str(error).startswith(str(damaged))
