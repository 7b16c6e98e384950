"""CSV for people: the columns of :mod:`viewer.export.people_table`, for reading in a spreadsheet.

Body names with their roles, kind names, dates as known ("some time during 15–16 June 2023"),
then the machine columns (ID, Start, End, Precision, Time zone) and one column per relation
present ("Prepares", "Part of", …) with the linked events' titles: the same columns as the Excel
export. RFC 4180 with every cell quoted; a cell a spreadsheet would run as a formula gets an
apostrophe in front (OWASP's CSV-injection guidance). For importing back without loss use the
Defence Timeline CSV (``--format csv``) or JSON: this one names things rather than identifying them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from viewer.export.people_table import PeopleTable
from viewer.progress import Progress
from viewer.store.interchange import guard_formula
from viewer.store.model import Event


def write_readable_csv(
    events: Iterable[Event], table: PeopleTable, stream: IO[str], total: int = 0, progress: Progress | None = None,
) -> int:
    """Write ``events`` (in order) to ``stream`` as CSV for people; returns how many were written."""
    writer = csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(table.header())
    written = 0
    for event in events:
        cells = table.cells(event)
        writer.writerow([guard_formula(cell) for cell in cells])
        written += 1
        if progress and written % 5_000 == 0:
            progress("Writing", written, total)
    return written
