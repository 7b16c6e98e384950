"""CSV for people (``--format csv-readable``): read back with the csv module, as a spreadsheet would."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from conftest import minimal_document, write_json
from test_export_safety import HOSTILE, _hostile_dict

from viewer.cli import main as cli
from viewer.export.people_table import COLUMNS
from viewer.store.importer import import_files


def _rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as stream:
        return list(csv.DictReader(stream))


def test_names_dates_as_known_machine_columns_and_relations(sample_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "chain.csv"
    assert cli(["export", str(sample_db), "--format", "csv-readable", "--id", "dmm-2023-06", "--with-linked",
                "-o", str(target)]) == 0
    raw = target.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == 16  # a header and 15 events
    rows = {row["ID"]: row for row in _rows(target)}
    header = next(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert header[:len(COLUMNS)] == list(COLUMNS)
    assert {"Prepares", "Prepared by", "Part of", "Includes"} <= set(header[len(COLUMNS):])
    june = rows["dmm-2023-06"]
    assert june["Dates"] == "15–16 June 2023" and june["Kind"] == "Meeting" and june["Status"] == "Held"
    assert june["Bodies"].startswith("North Atlantic Council (host)")
    assert june["Prepares"] == "NATO Vilnius Summit" and "Nuclear Planning Group meeting" in june["Includes"]
    assert (june["Start"], june["End"], june["Precision"]) == ("2023-06-15", "2023-06-16", "day")
    npg = next(row for row in rows.values() if row["Title"] == "Nuclear Planning Group meeting")
    assert npg["Dates"] == "some time during 15–16 June 2023"
    assert npg["Part of"] == "Meeting of NATO Defence Ministers, June 2023"


def test_for_excel_it_begins_with_a_byte_order_mark(tmp_path: Path) -> None:
    source = write_json(tmp_path / "vilnius.json", minimal_document(
        bodies=[{"id": "president-lt", "name": "President of Lithuania (Gitanas Nausėda)"}],
        events=[{"id": "vilnius", "title": "Vilnius Summit", "start": "2023-07-11", "end": "2023-07-12",
                 "bodies": [{"id": "president-lt", "role": "host"}]}], links=[]))
    db = tmp_path / "vilnius.db"
    import_files([source], db)
    target = tmp_path / "excel.csv"
    assert cli(["export", str(db), "--format", "csv-readable", "--excel", "-o", str(target)]) == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf\"Dates\"")
    (row,) = _rows(target, "utf-8-sig")  # the BOM tells Excel, and this reader, that the file is UTF-8
    assert row["Bodies"] == "President of Lithuania (Gitanas Nausėda) (host)"
    assert row["Dates"] == "11–12 July 2023"


def test_no_cell_is_a_formula_and_every_text_reads_back(tmp_path: Path) -> None:
    import json

    source = tmp_path / "hostile.json"
    source.write_text(json.dumps(_hostile_dict()), encoding="utf-8")
    db = tmp_path / "hostile.db"
    import_files([source], db)
    target = tmp_path / "hostile.csv"
    assert cli(["export", str(db), "--format", "csv-readable", "-o", str(target)]) == 0
    rows = _rows(target)
    assert len(rows) == len(HOSTILE)
    for row in rows:
        for cell in row.values():
            assert not cell or cell[0] not in "=+-@\t\r", cell
    titles = {row["Title"] for row in rows}
    assert "'=1+1; @cmd, 'quoted' \"double\"" in titles  # guarded by one apostrophe, not lost
    assert "<img src=x onerror=alert(1)>" in titles
