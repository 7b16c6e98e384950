"""The Excel export, read back with openpyxl: people's columns, real date cells, a frozen header,
an autofilter, source hyperlinks, relation columns, and data that never becomes a formula."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import write_json

from viewer.cli import main
from viewer.export import xlsx_export
from viewer.export.people_table import COLUMNS
from viewer.store.importer import import_files

ID, START = COLUMNS.index("ID"), COLUMNS.index("Start")


def _sheet(db: Path, tmp_path: Path, *arguments: str):
    target = tmp_path / "out.xlsx"
    assert main(["export", str(db), "--format", "xlsx", "-o", str(target), "--force", *arguments]) == 0
    return openpyxl.load_workbook(target)["Events"]


def test_the_sample_as_a_workbook_people_can_read_and_filter(sample_db: Path, tmp_path: Path) -> None:
    sheet = _sheet(sample_db, tmp_path, "--id", "dmm-2023-06", "--with-linked")
    header = [cell.value for cell in sheet[1]]
    assert header[:18] == ["Dates", "Title", "Kind", "Status", "Bodies", "Location", "Summary", "Tags", "Sources",
                           "Credibility", "Starred", "Note", "Analyst's tags",
                           "ID", "Start", "End", "Precision", "Time zone"]
    assert "Prepares" in header and "Part of" in header and header.count("Related to") <= 1
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref.startswith("A1:")
    rows = {row[ID].value: row for row in sheet.iter_rows(min_row=2)}
    dmm = rows["dmm-2023-06"]
    assert dmm[0].value == "15–16 June 2023" and dmm[2].value == "Meeting"
    assert "North Atlantic Council (host)" in dmm[4].value
    assert dmm[START].is_date and dmm[START].value.date().isoformat() == "2023-06-15"
    assert dmm[START].number_format == "d mmm yyyy"
    assert dmm[8].hyperlink is not None and dmm[8].hyperlink.target.startswith("https://")
    assert "NATO Vilnius Summit" in dmm[header.index("Prepares")].value
    npg = rows["npg-2023-06"]
    assert npg[0].value.startswith("some time during")
    assert "Meeting of NATO Defence Ministers" in npg[header.index("Part of")].value


@pytest.mark.parametrize("title", ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "@SUM(A1)", "-2", "http://evil.example/"])
def test_data_is_written_as_text_never_as_a_formula_or_a_link(tmp_path: Path, title: str) -> None:
    document = {"format": "defence-timeline", "version": 2, "events": [
        {"id": "x", "title": title, "start": "1850-05-01", "location": title,
         "sources": [{"url": "javascript:alert(1)"}]},
        {"id": "y", "title": "Timed", "start": "2023-07-11T13:00", "timezone": "Europe/Vilnius"},
        {"id": "z", "title": "A month", "start": "June 2023"},
    ]}
    db = tmp_path / "h.db"
    import_files([write_json(tmp_path / "h.json", document)], db)
    sheet = _sheet(db, tmp_path)
    rows = {row[ID].value: row for row in sheet.iter_rows(min_row=2)}
    x = rows["x"]
    assert x[1].value == title and x[1].data_type == "s" and x[5].data_type == "s"
    assert x[8].hyperlink is None  # only web links are links
    assert x[START].value == "1850-05-01" and not x[START].is_date  # before Excel's dates: text
    assert rows["y"][START].is_date and rows["y"][START].number_format == "d mmm yyyy hh:mm"
    assert rows["y"][START].value.hour == 13  # the local wall-clock time, as the event gives it
    assert rows["z"][START].number_format == "mmm yyyy"


def test_more_events_than_a_sheet_holds_are_refused_and_nothing_is_written(
    sample_db: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(xlsx_export, "MAX_ROWS", 3)
    target = tmp_path / "big.xlsx"
    assert main(["export", str(sample_db), "--format", "xlsx", "-o", str(target)]) == 2
    assert "do not fit in an Excel sheet (3 rows at most)" in capsys.readouterr().err
    assert not target.exists()
