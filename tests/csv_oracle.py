"""The CSV export written the slow way, from event objects with the codec's Python functions:
the reference the export's SQL cells (viewer.store.csv_sql) are compared with."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from viewer.store.csv_sql import csv_number
from viewer.store.event_fields import CSV_COLUMNS, scalar_values
from viewer.store.interchange import CSV_LIST_SEPARATOR, encode_list_item, encode_participation, guard_formula
from viewer.store.model import Event


def event_to_csv_row(event: Event) -> list[str]:
    """One event as CSV cells in CSV_COLUMNS order."""
    values = {name: "" if value is None else value for name, value in scalar_values(event).items()}
    values["within"] = "true" if event.within else ""
    cells = {name: guard_formula(value) for name, value in values.items()}
    cells["bodies"] = CSV_LIST_SEPARATOR.join(encode_participation(p.body_id, p.role) for p in event.bodies)
    cells["tags"] = CSV_LIST_SEPARATOR.join(encode_list_item(tag) for tag in event.tags)
    cells["sources"] = CSV_LIST_SEPARATOR.join(encode_list_item(s.url) for s in event.sources if s.url is not None)
    cells["latitude"], cells["longitude"] = (guard_formula(csv_number(value)) for value in (event.latitude,
                                                                                             event.longitude))
    fields = json.dumps(dict(event.fields), ensure_ascii=False, separators=(",", ":")) if event.fields else ""
    cells["fields"] = guard_formula(fields)
    cells["source_reliability"] = CSV_LIST_SEPARATOR.join(s.reliability or "" for s in event.sources
                                                          if s.url is not None).rstrip(CSV_LIST_SEPARATOR)
    return [cells[name] for name in CSV_COLUMNS]


def csv_of_events(events: Iterable[Event]) -> str:
    """The whole CSV text the export should write for these events."""
    stream = io.StringIO(newline="")
    stream.write(",".join(CSV_COLUMNS) + "\r\n")
    csv.writer(stream, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(map(event_to_csv_row, events))
    return stream.getvalue()
