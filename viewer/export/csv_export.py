"""CSV export: one row per event, RFC 4180, safe to open in a spreadsheet, importing back exactly.

The columns are those the CSV import reads, in its cell codec (see :mod:`viewer.store.interchange`
and docs/format.md): every cell is quoted, so a spreadsheet splitting on another delimiter still
sees whole cells; a cell, or an item of a list cell, that a spreadsheet would run as a formula
(starting with =, +, -, @, tab or carriage return, even after apostrophes) gets a leading
apostrophe, following OWASP's CSV-injection guidance, and the import removes exactly that
apostrophe; list items escape ``;``, ``\\`` and (in bodies) ``:`` with a backslash. Sources carry
their URL only. The lines are made by SQLite (:mod:`viewer.store.csv_sql`): they stream from
the file to the output with no Python object per event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO

from viewer.progress import Progress
from viewer.store.csv_sql import LINE_END, csv_header


def write_csv(batches: Iterable[Sequence[str]], stream: IO[str], total: int = 0,
              progress: Progress | None = None) -> int:
    """Write the header and the lines of ``batches`` (made by SQLite: see
    :meth:`viewer.store.reader.EventStore.csv_line_batches`); returns the number of rows."""
    stream.write(csv_header())
    count = 0
    for lines in batches:
        if lines:
            stream.write(LINE_END.join(lines))
            stream.write(LINE_END)
        count += len(lines)
        if progress is not None:
            progress("Writing", count, total)
    return count
