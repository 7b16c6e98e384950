"""CSV export: one row per event, RFC 4180, safe to open in a spreadsheet.

The columns are those the CSV import reads, so a file without formula-like cells imports back.
Cells a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return)
get a leading apostrophe, following OWASP's CSV-injection guidance.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from viewer.store.interchange import CSV_LIST_SEPARATOR, EVENT_FIELDS
from viewer.store.model import Event

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(cell: str) -> str:
    """The cell text, with an apostrophe in front when a spreadsheet would evaluate it."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def event_to_csv_row(event: Event) -> list[str]:
    """One event as CSV cells in :data:`EVENT_FIELDS` order."""
    values = {
        "id": event.id,
        "title": event.title,
        "start": event.start.iso(),
        "end": event.end.iso() if event.end else "",
        "precision": event.precision.value,
        "timezone": event.timezone or "",
        "within": "true" if event.within else "",
        "kind": event.kind or "",
        "status": event.status.value if event.status else "",
        "location": event.location or "",
        "summary": event.summary or "",
        "description": event.description or "",
        "bodies": CSV_LIST_SEPARATOR.join(f"{p.body_id}:{p.role}" for p in event.bodies),
        "tags": CSV_LIST_SEPARATOR.join(event.tags),
        "sources": CSV_LIST_SEPARATOR.join(source.url for source in event.sources),
    }
    return [neutralise_formula(values[name]) for name in EVENT_FIELDS]


def write_csv(events: Iterable[Event], stream: IO[str]) -> int:
    """Write a header and one row per event; returns the number of rows."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(EVENT_FIELDS)
    count = 0
    for event in events:
        writer.writerow(event_to_csv_row(event))
        count += 1
    return count
