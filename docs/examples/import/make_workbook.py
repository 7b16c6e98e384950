"""Write exercises.xlsx, the workbook of the Excel example in docs/import.md.

Run it with the app's Python (openpyxl is installed with the app):

    .venv/bin/python docs/examples/import/make_workbook.py [FOLDER]

The workbook has two sheets: "Notes" (a line of text, as many real workbooks begin) and
"Exercises", one exercise a row, its dates real date cells, its coordinates numbers.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook

HEADER = ("Exercise", "Start date", "End date", "Type", "Participants", "Location", "Lat", "Lon", "Lead nation")
ROWS = (
    ("BALTOPS 23", date(2023, 6, 4), date(2023, 6, 20), "maritime exercise",
     "Naval Striking and Support Forces NATO; US Sixth Fleet", "Baltic Sea", 55.0, 16.0, "United States"),
    ("Air Defender 23", date(2023, 6, 12), date(2023, 6, 23), "air exercise",
     "German Air Force; Air National Guard", "Germany", 51.0, 10.0, "Germany"),
)


def make_workbook(folder: Path) -> Path:
    """Write ``folder``/exercises.xlsx and return its path."""
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes["A1"] = "Exercises of June 2023, compiled from public announcements."
    sheet = workbook.create_sheet("Exercises")
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    for cell in (*sheet["B"], *sheet["C"]):
        cell.number_format = "dd/mm/yyyy"  # shown day first; the import reads the date cell itself
    path = folder / "exercises.xlsx"
    workbook.save(path)
    return path


if __name__ == "__main__":
    print(make_workbook(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
