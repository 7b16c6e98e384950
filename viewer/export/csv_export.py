"""CSV export: one row per event, RFC 4180, safe to open in a spreadsheet, importing back exactly.

The columns are those the CSV import reads, in its cell codec (see :mod:`viewer.store.interchange`
and docs/format.md): every cell is quoted, so a spreadsheet splitting on another delimiter still
sees whole cells; a cell, or an item of a list cell, that a spreadsheet would run as a formula
(starting with =, +, -, @, tab or carriage return, even after apostrophes) gets a leading
apostrophe, following OWASP's CSV-injection guidance, and the import removes exactly that
apostrophe; list items escape ``;``, ``\\`` and (in bodies) ``:`` with a backslash. Sources carry
their URL only.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from viewer.store.event_fields import EVENT_FIELDS, scalar_values
from viewer.store.interchange import (
    CSV_LIST_SEPARATOR,
    encode_list_item,
    encode_participation,
    guard_formula,
)
from viewer.store.model import Event


def event_to_csv_row(event: Event) -> list[str]:
    """One event as CSV cells in :data:`EVENT_FIELDS` order."""
    values = {name: "" if value is None else value for name, value in scalar_values(event).items()}
    values["within"] = "true" if event.within else ""
    cells = {name: guard_formula(value) for name, value in values.items()}
    cells["bodies"] = CSV_LIST_SEPARATOR.join(encode_participation(p.body_id, p.role) for p in event.bodies)
    cells["tags"] = CSV_LIST_SEPARATOR.join(encode_list_item(tag) for tag in event.tags)
    cells["sources"] = CSV_LIST_SEPARATOR.join(encode_list_item(source.url) for source in event.sources)
    return [cells[name] for name in EVENT_FIELDS]


def write_csv(events: Iterable[Event], stream: IO[str]) -> int:
    """Write a header and one row per event; returns the number of rows.

    The header's fixed column names need no quotes; every data cell is quoted.
    """
    stream.write(",".join(EVENT_FIELDS) + "\r\n")
    writer = csv.writer(stream, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    count = 0
    for event in events:
        writer.writerow(event_to_csv_row(event))
        count += 1
    return count
